// The comparison of texts (findNearPairs) on a thread of its own. It takes ~10 s of one core at
// 20,000 messages, longer on larger dumps, and on the main thread it held up everything else there:
// Ctrl-C was neither answered nor acted on until it ended (the interrupt's 5 s limit included).
import { Worker } from 'node:worker_threads';
import type { NearPairs } from './similarity.ts';

export function findNearPairsApart(texts: { itemId: number; text: string }[]): Promise<NearPairs> {
  const worker = new Worker(new URL('./near-pairs-worker.ts', import.meta.url), { workerData: { texts } });
  let reply: { found: NearPairs } | { error: string } | null = null;
  return new Promise((done, fail) => {
    worker.once('message', (message: typeof reply) => {
      reply = message;
    });
    worker.once('error', fail);
    // Settled on the thread's exit, so none is left running when the caller goes on.
    worker.once('exit', (code) => {
      if (reply && 'found' in reply) done(reply.found);
      else fail(new Error(reply?.error ?? `the comparison of texts stopped (exit code ${code})`));
    });
  });
}
