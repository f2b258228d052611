// A dump that changes while it is read, and budgets that hold across nesting levels: each case is
// built at test time and run through the real pipeline and store.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { walkSource } from '../src/ingest/walk.ts';
import { render } from '../src/report/catalogue.ts';
import { zip } from './helpers/archives.ts';
import { message, tempDir } from './helpers/mail.ts';

async function ingestWith(dir: string, options: Parameters<typeof ingestIntoCase>[2] = {}) {
  const kase = openCase(join(dir, '..', `case-${Math.random().toString(36).slice(2)}`), { create: true });
  try {
    const summary = await ingestIntoCase(kase, [dir], { workers: 1, ...options });
    const items = await kase.store.listItems({});
    return { summary, items };
  } finally {
    await kase.store.close();
  }
}

describe('a dump that changes while it is read', () => {
  it('records a file swapped for a FIFO after the listing as not a regular file, and never blocks', async () => {
    const root = tempDir('crible-fifo-');
    const dir = join(root, 'dump');
    mkdirSync(dir);
    for (let i = 0; i < 300; i++)
      writeFileSync(join(dir, `m${String(i).padStart(3, '0')}.eml`), message({ id: `f${i}` }));
    let swapped = false;
    const { items } = await ingestWith(dir, {
      batchFiles: 10,
      onProgress: () => {
        if (swapped) return;
        swapped = true;
        // Listed as a file, a FIFO by the time it is read: reading it would wait for a writer forever.
        rmSync(join(dir, 'm299.eml'));
        execFileSync('mkfifo', [join(dir, 'm299.eml')]);
      },
    });
    expect(swapped).toBe(true);
    const fifo = items.find((i) => i.first.path === 'm299.eml');
    expect(fifo).toMatchObject({ status: 'failed' });
    expect(render(fifo!.reason!)).toMatch(/not a regular file/);
    expect(items.filter((i) => i.type === 'message' && i.status === 'ok')).toHaveLength(299);
  });

  it('records a folder removed after its parent was listed as unreadable, and goes on', () => {
    const root = tempDir('crible-gone-');
    mkdirSync(join(root, 'a'), { recursive: true });
    mkdirSync(join(root, 'b'));
    writeFileSync(join(root, 'a', 'one.eml'), message({ id: 'g1' }));
    writeFileSync(join(root, 'b', 'two.eml'), message({ id: 'g2' }));
    writeFileSync(join(root, 'c.eml'), message({ id: 'g3' }));
    const files = walkSource(root).files[Symbol.iterator]();
    expect(files.next().value).toMatchObject({ relative: 'a/one.eml', problem: null });
    rmSync(join(root, 'b'), { recursive: true });
    const rest = [...{ [Symbol.iterator]: () => files }];
    expect(rest.map((f) => [f.relative, f.problem?.code ?? null])).toEqual([
      ['b', 'item.unreadable'],
      ['c.eml', null],
    ]);
    expect(rest[0]!.problem).toEqual({ code: 'item.unreadable', params: { error: 'ENOENT' } });
  });
});

describe('budgets across nesting levels', () => {
  it('gives a zip inside a zip what is left of one expansion budget, not a budget of its own', async () => {
    const letter = (n: number) =>
      Buffer.from(Array.from({ length: 60_000 }, (_, i) => `letter ${n}, line ${i}\n`).join('')).subarray(
        0,
        1024 ** 2,
      );
    const inner = await Promise.all([1, 2, 3].map(async (n) => zip([[`big${n}.txt`, letter(n)]])));
    const root = tempDir('crible-nested-');
    const dir = join(root, 'dump');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'outer.zip'),
      await zip(inner.map((bytes, i): [string, Buffer] => [`inner${i + 1}.zip`, bytes])),
    );
    const { items } = await ingestWith(dir, { limits: { maxExpandedBytes: 2.5 * 1024 ** 2 } });
    const byPath = (path: string) => items.find((i) => i.first.path === path);
    expect(byPath('big1.txt')).toMatchObject({ status: 'ok' });
    expect(byPath('big2.txt')).toMatchObject({ status: 'ok' });
    expect(byPath('big3.txt')).toMatchObject({ status: 'limited' });
    expect(render(byPath('big3.txt')!.reason!)).toMatch(/maxExpandedBytes/);
  });
});
