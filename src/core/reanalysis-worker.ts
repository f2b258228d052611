// Worker thread entry for `crible analyse` / `verify --case`: runs one analyser (loaded by module
// URL, with the setup the main thread read from the case) on the stored items it is sent.
import { enableCompileCache } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { Analyser, AnalysisInput } from '../analysers/analyser.ts';
import { asBuffer, serveRequests } from './worker-pool.ts';

enableCompileCache?.();
const { module, setup } = workerData as { module: string; setup: unknown };
const analyser = ((await import(module)) as { analyser: Analyser }).analyser;
const analyse = analyser.start(setup);

serveRequests<AnalysisInput, unknown>(parentPort!, (input) =>
  analyse({ ...input, bytes: asBuffer(input.bytes) }),
);
