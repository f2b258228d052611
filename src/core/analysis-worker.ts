// Worker thread entry: analyses the messages WorkerAnalyser sends as they arrive (two overlap only while one waits on live DNS).
import { enableCompileCache } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { type AnalysisSetup, createAnalyse } from './message-analysis.ts';

enableCompileCache?.();
const analyse = await createAnalyse(workerData as AnalysisSetup);

interface Request {
  id: number;
  raw: Uint8Array;
  transformations: string[];
  claimed: boolean;
  flags: string[];
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

parentPort!.on('message', async (request: Request) => {
  try {
    const raw = asBuffer(request.raw);
    const result = await analyse({
      raw,
      transformations: request.transformations,
      claimed: request.claimed,
      flags: request.flags,
    });
    parentPort!.postMessage({ id: request.id, result });
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) });
  }
});
