// A thread that writes to a case without pause: units of work of `holdMs` each, begun again as soon
// as one commits, for `forMs` (what the index thread does beside the forensic rules, made harsher).
import { parentPort, workerData } from 'node:worker_threads';
import { openCase } from '../../src/core/case.ts';
import type { StoreShare } from '../../src/store/store.ts';

const { caseDir, share, holdMs, forMs } = workerData as {
  caseDir: string;
  share: StoreShare | undefined;
  holdMs: number;
  forMs: number;
};
const kase = openCase(caseDir, { create: false, writeWaitMs: 60_000, ...(share ? { share } : {}) });
const sleep = new Int32Array(new SharedArrayBuffer(4));
const until = performance.now() + forMs;
let units = 0;
parentPort!.postMessage('started');
while (performance.now() < until)
  await kase.store.transaction((w) => {
    w.putSetting('test.busy', String(++units));
    Atomics.wait(sleep, 0, 0, holdMs);
  });
await kase.store.close();
parentPort!.postMessage(units);
