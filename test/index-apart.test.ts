// The search index built on a thread of its own, with its own connection, while the main thread
// writes to the same case (ingest builds it so beside the forensic rules): the same index as one
// built on the main thread, and neither writer fails waiting for the other. And an ingest that
// leaves the index for later (--no-index) says so at the next search.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import {
  APART_THRESHOLD,
  searchIndexBehind,
  searchIndexBehindBy,
  updateSearchIndex,
  updateSearchIndexApart,
} from '../src/core/search.ts';
import { generateMessageList, writeMaildir } from '../src/sample/synth.ts';
import { indexState } from './helpers/index-state.ts';
import { crible, tempDir } from './helpers/mail.ts';

describe('the search index on a thread apart', () => {
  it('gives the index of the main thread while the main thread writes, and ingest builds it so', async () => {
    const dump = join(tempDir(), 'Maildir');
    await writeMaildir(dump, await generateMessageList({ seed: 5, count: 900 }));
    const later = join(tempDir(), 'later');
    expect((await crible(['ingest', dump, '--case', later, '--no-index'])).code).toBe(0);

    const search = await crible(['search', 'budget', '--case', later]);
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(/^0 hits/);
    expect(search.stderr).toContain('the search index misses part of this case');

    const apart = join(tempDir(), 'apart');
    cpSync(later, apart, { recursive: true });
    const here = openCase(later, { create: false });
    // Large enough for ingest to take the thread apart (the third case below).
    expect(await searchIndexBehindBy(here.store, APART_THRESHOLD)).toBe(true);
    await updateSearchIndex(here.store);
    expect(await searchIndexBehind(here.store)).toBe(false);
    await here.store.close();

    const kase = openCase(apart, { create: false });
    const run = updateSearchIndexApart(apart, kase.store);
    let written = 0;
    let finished = false;
    void run.finally(() => {
      finished = true;
    });
    // The main thread writes all along, each write waiting for the index's unit of work to end.
    while (!finished) {
      await kase.store.transaction((w) => w.putSetting('test.written', String(++written)));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await run).indexed).toBeGreaterThanOrEqual(APART_THRESHOLD);
    expect(written).toBeGreaterThan(1);
    expect(await kase.store.setting('test.written')).toBe(String(written));
    await kase.store.close();
    expect(await indexState(apart)).toEqual(await indexState(later));

    const ingested = join(tempDir(), 'ingested');
    expect((await crible(['ingest', dump, '--case', ingested])).code).toBe(0);
    const again = await crible(['search', 'budget', '--case', ingested]);
    expect(again.stderr).not.toContain('misses part');
    expect(await indexState(ingested)).toEqual(await indexState(later));
  }, 240_000);
});
