// The comparison of texts (findNearPairs) on a thread of its own. It takes ~10 s of one core at
// 20,000 messages, longer on larger dumps, and on the main thread it held up everything else there:
// Ctrl-C was neither answered nor acted on until it ended (the interrupt's 5 s limit included).
import { Worker } from 'node:worker_threads';
import { answerOf } from '../core/thread-answer.ts';
import type { NearPairs } from './similarity.ts';

export function findNearPairsApart(texts: { itemId: number; text: string }[]): Promise<NearPairs> {
  const worker = new Worker(new URL('./near-pairs-worker.ts', import.meta.url), { workerData: { texts } });
  return answerOf<NearPairs>(worker, 'the comparison of texts');
}
