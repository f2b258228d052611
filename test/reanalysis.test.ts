// `crible analyse` and `verify --case` re-check stored items in worker threads, as ingest does: the
// same results as in one thread, and a worker that dies takes down only the item that killed it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Analyser } from '../src/analysers/analyser.ts';
import { analyser as dkim } from '../src/analysers/dkim.ts';
import { analyseCase } from '../src/core/analyse-case.ts';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { generateDkimKeys, generateMessageList, keyFileJson } from '../src/sample/synth.ts';
import { importKeyFile } from '../src/verify/case-verification.ts';
import { message, tempDir } from './helpers/mail.ts';

let root: string;

beforeAll(() => {
  root = tempDir('crible-reanalysis-');
});

describe('re-analysis in worker threads', () => {
  it('verify --case in workers gives exactly what one thread gives', async () => {
    const keys = generateDkimKeys();
    const messages = await generateMessageList({ seed: 7, count: 120, signing: { keys, fraction: 1 } });
    const mail = join(root, 'signed', 'cur');
    mkdirSync(mail, { recursive: true });
    for (const m of messages) writeFileSync(join(mail, `${m.index}.eml`), m.raw);
    const kase = openCase(join(root, 'case-dkim'), { create: true });
    try {
      await ingestIntoCase(kase, [join(root, 'signed')]);
      expect((await kase.store.summaryCounts('dkim'))['key-unavailable']).toBeGreaterThan(60);
      await importKeyFile(kase.store, 'keys.json', JSON.stringify(keyFileJson(keys)));
      const before = await kase.store.revision();
      const [inWorkers] = await analyseCase(kase.store, { only: ['dkim'], workers: 2 });
      expect(inWorkers!.checked).toBeGreaterThanOrEqual(64);
      // New verdicts, the same texts: the search index has nothing to read again.
      expect(await kase.store.textChangesSince(before)).toEqual([]);
      const pooled = await resultsOf(kase.store);
      const oneThread: Analyser = { ...(dkim as Analyser), module: undefined };
      await analyseCase(kase.store, { analysers: [oneThread], all: true });
      expect(await resultsOf(kase.store)).toEqual(pooled);
      expect(Object.keys(await kase.store.summaryCounts('dkim'))).not.toContain('key-unavailable');
    } finally {
      await kase.store.close();
    }
  });

  it('a worker killed by one item fails that item alone; the others are analysed', async () => {
    const toyFile = join(root, 'crashing-analyser.mjs');
    writeFileSync(
      toyFile,
      `export const analyser = {
        id: 'toy', version: '1', types: ['message'], module: import.meta.url,
        setup: async () => ({}),
        start: () => async (input) => {
          if (Buffer.from(input.bytes).includes('KILL-THE-WORKER')) process.exit(7);
          return { status: 'ok', summary: String(input.bytes.length), resultJson: '{}', inputs: [], findings: [] };
        },
      };\n`,
    );
    const toy = (await import(pathToFileURL(toyFile).href)).analyser as Analyser;
    const mail = join(root, 'plain', 'cur');
    mkdirSync(mail, { recursive: true });
    for (let i = 0; i < 100; i++)
      writeFileSync(
        join(mail, `${i}.eml`),
        message({ id: `m${i}`, body: i === 37 ? 'KILL-THE-WORKER' : `n${i}` }),
      );
    const kase = openCase(join(root, 'case-toy'), { create: true });
    try {
      await ingestIntoCase(kase, [join(root, 'plain')]);
      const [run] = await analyseCase(kase.store, { analysers: [toy], workers: 2 });
      expect(run).toMatchObject({ checked: 100, failed: 1 });
      const items = await kase.store.listItems({ type: 'message' });
      const failed = [];
      for (const item of items) {
        const a = await kase.store.getAnalysis(item.id, 'toy');
        if (a?.status === 'failed') failed.push({ path: item.first.path, result: a.result });
        else expect(a?.summary).toBe(String(item.size));
      }
      expect(failed).toEqual([
        {
          path: 'cur/37.eml',
          result: { error: { code: 'worker.crashed', params: { error: expect.any(String) } } },
        },
      ]);
    } finally {
      await kase.store.close();
    }
  });
});

async function resultsOf(
  store: import('../src/store/store.ts').Store,
): Promise<Record<number, string | undefined>> {
  const out: Record<number, string | undefined> = {};
  for (const item of await store.listItems({ type: 'message' }))
    out[item.id] = JSON.stringify((await store.getAnalysis(item.id, 'dkim'))?.result);
  return out;
}
