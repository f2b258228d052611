// Worker thread entry: parses and analyses the messages WorkerAnalyser sends, as they arrive.
import { enableCompileCache } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { AnalysisRequest } from '../ingest/analysis.ts';
import { type AnalysisSetup, createAnalyse } from './message-analysis.ts';
import { asBuffer, serveRequests } from './worker-pool.ts';

enableCompileCache?.();
const analyse = await createAnalyse(workerData as AnalysisSetup);

serveRequests<AnalysisRequest, unknown>(parentPort!, (request) =>
  analyse({ ...request, raw: asBuffer(request.raw) }),
);
