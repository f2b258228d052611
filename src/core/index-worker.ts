// Worker thread entry of updateSearchIndexApart: brings the search index of a case up to date with a
// connection of its own (waiting its turn to write while another thread's unit of work is open).
import { parentPort, workerData } from 'node:worker_threads';
import type { StoreShare } from '../store/store.ts';
import { openCase } from './case.ts';
import { updateSearchIndex } from './search.ts';

/** How long a unit of work of the index waits for the other writer's to end. */
const WRITE_WAIT_MS = 120_000;

const { caseDir, batch, share } = workerData as { caseDir: string; batch: number; share: StoreShare };
const kase = openCase(caseDir, { create: false, writeWaitMs: WRITE_WAIT_MS, share });
try {
  const onProgress = (done: number, total: number) => parentPort!.postMessage({ progress: [done, total] });
  parentPort!.postMessage({ result: await updateSearchIndex(kase.store, { batch, onProgress }) });
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
} finally {
  await kase.store.close();
}
