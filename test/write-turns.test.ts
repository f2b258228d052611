// Two threads of one process writing to one case take turns: a writer that begins its next unit of
// work as soon as it commits does not keep the other out past its time limit (an ingest failed so,
// "database is locked", while the index thread wrote beside the forensic rules).
import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { tempDir } from './helpers/mail.ts';

describe('turns at writing between threads', () => {
  it('lets a writer in between the units of work of one that never pauses', async () => {
    const dir = join(tempDir(), 'case');
    // A short limit: without turns, the busy handler's sleeps miss the instants the lock is free.
    const kase = openCase(dir, { create: true, writeWaitMs: 1500 });
    const busy = new Worker(new URL('./helpers/busy-writer.ts', import.meta.url), {
      workerData: { caseDir: dir, share: kase.store.threadShare(), holdMs: 40, forMs: 4000 },
    });
    await once(busy, 'message');
    const done = once(busy, 'message');
    let written = 0;
    for (let i = 0; i < 40; i++) {
      await kase.store.transaction((w) => w.putSetting('test.main', String(++written)));
    }
    const [units] = await done;
    await kase.store.close();
    expect(written).toBe(40);
    // Each write waited about one unit of the other writer, which went on all along.
    expect(units).toBeGreaterThan(40);
  }, 30_000);
});
