// Worker thread entry of findNearPairsApart: compares the texts it is given and answers once.
import { parentPort, workerData } from 'node:worker_threads';
import { findNearPairs } from './similarity.ts';

const { texts } = workerData as { texts: { itemId: number; text: string }[] };
try {
  parentPort!.postMessage({ result: findNearPairs(texts) });
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
