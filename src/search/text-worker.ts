// Worker thread entry: folds and stems the texts of a batch of items while the main thread writes
// the previous batch to the index (core/search.ts). Answers the WorkerPool protocol ({ id, request }).
import { parentPort } from 'node:worker_threads';
import type { IndexSource } from '../store/search.ts';
import { indexedText } from './document.ts';

parentPort!.on('message', ({ id, request }: { id: number; request: IndexSource[] }) => {
  try {
    parentPort!.postMessage({ id, result: request.map(indexedText) });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
