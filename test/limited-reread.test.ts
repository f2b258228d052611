// Items a limit stopped (too large, too deep) are read again when ingest runs again with other limits:
// the file's done mark names the limits it was read under when it holds a limited item. The same
// limits read nothing again; members cut short inside a container are read again too, and their
// earlier records say which item superseded them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Case, openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import type { Limits } from '../src/ingest/limits.ts';
import type { ItemRecord } from '../src/store/store.ts';
import { zip } from './helpers/archives.ts';
import { messageWithAttachment } from './helpers/attached.ts';
import { message, tempDir } from './helpers/mail.ts';

function dumpOf(files: Record<string, Buffer>): { dump: string; caseDir: string } {
  const root = tempDir();
  const dump = join(root, 'dump');
  mkdirSync(dump);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dump, name), bytes);
  return { dump, caseDir: join(root, 'case') };
}

async function run(caseDir: string, dump: string, limits: Partial<Limits> = {}) {
  const kase: Case = openCase(caseDir, { create: true });
  try {
    const summary = await ingestIntoCase(kase, [dump], { limits, workers: 1 });
    const items = await kase.store.listItems({ type: 'all' });
    return { summary, items, kase };
  } finally {
    await kase.store.close();
  }
}

const at = (items: ItemRecord[], path: string) => items.filter((item) => item.first.path === path);

describe('a re-run with other limits reads limited items again', () => {
  it('reads a message that was too large once the limit is raised, and nothing again under the same limits', async () => {
    const big = message({ id: 'big', body: `${'Une longue lettre. '.repeat(200)}\nFin` });
    const { dump, caseDir } = dumpOf({ 'big.eml': big, 'small.eml': message({ id: 'small' }) });
    const first = await run(caseDir, dump, { maxMessageBytes: 1000 });
    expect(at(first.items, 'big.eml')).toMatchObject([
      { status: 'limited', reason: { code: 'message.too-large', params: { limit: 1000 } } },
    ]);
    expect(first.summary.limited).toBe(1);

    // Same limits: the file is done; nothing is read again.
    const same = await run(caseDir, dump, { maxMessageBytes: 1000 });
    expect(same.summary.perSource[0]!.filesAlreadyDone).toBe(2);
    expect(same.summary.limited).toBe(1);

    // Raised: the file is read again, the item becomes ok and its message fields are recorded.
    const raised = await run(caseDir, dump);
    expect(raised.summary.perSource[0]!.filesAlreadyDone).toBe(1);
    expect(raised.summary.limited).toBe(0);
    const [item] = at(raised.items, 'big.eml');
    expect(item).toMatchObject({ type: 'message', status: 'ok', reason: null });
    const kase = openCase(caseDir, { create: false });
    try {
      expect((await kase.store.getMessage(item!.id))?.messageId).toBe('<big@campagne.example>');
    } finally {
      await kase.store.close();
    }
    expect(raised.summary.items).toBe(first.summary.items);

    // Read whole now: a further run with yet other limits finds it done.
    const again = await run(caseDir, dump, { maxMessageBytes: 5000 });
    expect(again.summary.perSource[0]!.filesAlreadyDone).toBe(2);
  });

  it('reads archives nested past maxDepth once the depth is raised', async () => {
    const innermost = await zip([['deep.eml', message({ id: 'deep' })]]);
    const middle = await zip([['innermost.zip', innermost]]);
    const { dump, caseDir } = dumpOf({ 'outer.zip': await zip([['middle.zip', middle]]) });
    const first = await run(caseDir, dump, { maxDepth: 2 });
    expect(at(first.items, 'middle.zip')).toHaveLength(1);
    expect(at(first.items, 'innermost.zip')).toMatchObject([
      { status: 'limited', reason: { code: 'container.too-deep', params: { limit: 2 } } },
    ]);
    expect(at(first.items, 'deep.eml')).toHaveLength(0);

    const raised = await run(caseDir, dump);
    expect(at(raised.items, 'innermost.zip')).toMatchObject([{ status: 'ok', reason: null }]);
    expect(at(raised.items, 'deep.eml')).toMatchObject([{ type: 'message', status: 'ok' }]);
    expect(raised.summary.limited).toBe(0);
  });

  it('reads a member a limit cut short inside an archive, and the earlier record names the item that superseded it', async () => {
    const large = Buffer.from(`${'colonne;valeur\n'.repeat(400)}`);
    const attached = await zip([
      ['notes.txt', Buffer.from('petit fichier\n')],
      ['table.csv', large],
    ]);
    // The archive is inside a message: its members are two levels below the file.
    const mail = messageWithAttachment('with-zip', 'pieces.zip', 'application/zip', attached);
    const { dump, caseDir } = dumpOf({ 'mail.eml': mail });
    const first = await run(caseDir, dump, { maxEntryBytes: 1000 });
    const [cut] = at(first.items, 'table.csv');
    expect(cut).toMatchObject({
      status: 'limited',
      reason: { code: 'zip.entry-too-large', params: { size: large.length, limit: 1000 } },
    });

    const raised = await run(caseDir, dump);
    const now = at(raised.items, 'table.csv');
    const whole = now.find((item) => item.id !== cut!.id)!;
    expect(whole).toMatchObject({ status: 'ok', size: large.length });
    expect(now.find((item) => item.id === cut!.id)).toMatchObject({
      status: 'ok',
      reason: { code: 'item.read-again', params: { item: whole.id } },
    });
    expect(raised.summary.limited).toBe(0);
    // The member read whole is a child of the archive, like the others.
    expect(whole.first.parentId).toBe(raised.items.find((item) => item.first.filename === 'pieces.zip')!.id);
  });
});
