// Documents with members: a document format whose module has `members` (objects embedded in a docx,
// files attached to a PDF) is recorded as a document, and its members as its children exactly like a
// container's entries. A toy format plugged in from this file alone stands for the real ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import {
  type ContainerEvent,
  type DocumentModule,
  memberProblem,
  Score,
  wholeEntry,
} from '../src/ingest/format.ts';
import type { Limits } from '../src/ingest/limits.ts';
import { listFormats } from '../src/ingest/registry.ts';
import type { ItemRecord, Store } from '../src/store/store.ts';
import { messageWithAttachment } from './helpers/attached.ts';
import { message, tempDir } from './helpers/mail.ts';

const MAGIC = 'TOYDOC\n';

/** A toy document: a magic line, then members as `name length\n` + bytes; `!broken` stops the reader. */
function toyDoc(members: [string, Buffer | 'problem' | 'broken'][]): Buffer {
  const parts: Buffer[] = [Buffer.from(MAGIC)];
  for (const [name, bytes] of members) {
    if (bytes === 'problem' || bytes === 'broken') parts.push(Buffer.from(`!${bytes} ${name}\n`));
    else parts.push(Buffer.from(`${name} ${bytes.length}\n`), bytes);
  }
  return Buffer.concat(parts);
}

/** What the toy's reader was given, to check the limits it gets. */
const seenLimits: Limits[] = [];

const toyFormat: DocumentModule = {
  name: 'toydoc',
  kind: 'document',
  maxScore: Score.certain,
  score: (probe) => (probe.head.subarray(0, MAGIC.length).toString('latin1') === MAGIC ? Score.certain : 0),
  async *members(input, limits): AsyncIterable<ContainerEvent> {
    seenLimits.push(limits);
    if (input.kind !== 'buffer') throw new Error('toy documents are read from memory');
    const data = input.data;
    let at = MAGIC.length;
    let count = 0;
    while (at < data.length) {
      const eol = data.indexOf(0x0a, at);
      const line = data.subarray(at, eol).toString('latin1');
      at = eol + 1;
      count++;
      if (line.startsWith('!problem ')) {
        yield memberProblem(line.slice(9), 'failed', {
          code: 'zip.cannot-read-entry',
          params: { error: 'toy' },
        });
        continue;
      }
      if (line.startsWith('!broken ')) throw new Error('toy document torn');
      const [name, length] = line.split(' ');
      const bytes = data.subarray(at, at + Number(length));
      at += bytes.length;
      yield { ...wholeEntry(name!, bytes), isMessage: name!.endsWith('.eml') };
    }
    yield { kind: 'expected', path: '', count };
  },
};

const formats = [toyFormat, ...listFormats()];

async function ingestWithToy(files: Record<string, Buffer>, limits: Partial<Limits> = {}) {
  const root = tempDir();
  const dump = join(root, 'dump');
  mkdirSync(dump);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dump, name), bytes);
  const kase = openCase(join(root, 'case'), { create: true });
  await ingestIntoCase(kase, [dump], { formats, limits, workers: 1 });
  return kase;
}

async function only(store: Store, format: string): Promise<ItemRecord> {
  const items = (await store.listItems({})).filter((item) => item.format === format);
  expect(items).toHaveLength(1);
  return items[0]!;
}

const byPath = (items: ItemRecord[]) => Object.fromEntries(items.map((item) => [item.first.path, item]));

describe('documents with members', () => {
  it('records the document as a document and its members as its children, read in turn', async () => {
    const inner = toyDoc([['deep.txt', Buffer.from('au fond\n')]]);
    const { store, dir } = await ingestWithToy({
      'report.toy': toyDoc([
        ['note.eml', message({ id: 'in-doc' })],
        ['inner.toy', inner],
        ['image.png', Buffer.from('not really an image\n')],
        ['lost.bin', 'problem'],
      ]),
    });
    try {
      const all = await store.listItems({});
      const doc = all.find((item) => item.first.path === 'report.toy')!;
      expect(doc).toMatchObject({ type: 'document', format: 'toydoc', status: 'ok' });
      const children = byPath(await store.childrenOf(doc.id));
      expect(Object.keys(children).sort()).toEqual(['image.png', 'inner.toy', 'lost.bin', 'note.eml']);
      expect(children['note.eml']).toMatchObject({ type: 'message', format: 'eml', status: 'ok' });
      expect((await store.getMessage(children['note.eml']!.id))?.messageId).toBe('<in-doc@campagne.example>');
      expect(children['inner.toy']).toMatchObject({ type: 'document', format: 'toydoc', status: 'ok' });
      expect(children['lost.bin']).toMatchObject({
        status: 'failed',
        reason: { code: 'zip.cannot-read-entry', params: { error: 'toy' } },
      });
      // The member that is itself a document with members has its own children.
      const grandchildren = await store.childrenOf(children['inner.toy']!.id);
      expect(grandchildren.map((item) => [item.first.path, item.type, item.status])).toEqual([
        ['deep.txt', 'document', 'ok'],
      ]);
      // What the document says it holds is recorded like a container's count (the store's
      // containerCounts lists containers only, so it is read from the case's table here).
      const db = new DatabaseSync(join(dir, 'case.db'), { readOnly: true });
      try {
        expect(db.prepare('SELECT path, count FROM expected_counts WHERE item_id = ?').all(doc.id)).toEqual([
          { path: '', count: 4 },
        ]);
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
  });

  it('under a message the document is an attachment, and its members are its children', async () => {
    const doc = toyDoc([['inside.txt', Buffer.from('pièce dans la pièce\n')]]);
    const mail = messageWithAttachment('with-doc', 'rapport.toy', 'application/octet-stream', doc);
    const { store } = await ingestWithToy({ 'mail.eml': mail });
    try {
      const attachment = await only(store, 'toydoc');
      expect(attachment).toMatchObject({ type: 'attachment', status: 'ok' });
      const children = await store.childrenOf(attachment.id);
      expect(children.map((item) => [item.first.path, item.type])).toEqual([['inside.txt', 'document']]);
    } finally {
      await store.close();
    }
  });

  it('counts depth: a document nested past maxDepth is stored limited with its members unread', async () => {
    // depth 0 the file, 1 its member, 2 the member's member: maxDepth 1 stops at the second document.
    const { store } = await ingestWithToy(
      {
        'outer.toy': toyDoc([['middle.toy', toyDoc([['never.txt', Buffer.from('jamais lu\n')]])]]),
      },
      { maxDepth: 1 },
    );
    try {
      const all = byPath(await store.listItems({}));
      expect(all['outer.toy']?.status).toBe('ok');
      expect(all['middle.toy']).toMatchObject({
        status: 'limited',
        reason: { code: 'document.too-deep', params: { limit: 1 } },
      });
      expect(all['never.txt']).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('keeps the members read before the reader failed, and says so on the document', async () => {
    const { store } = await ingestWithToy({
      'torn.toy': toyDoc([
        ['first.txt', Buffer.from('premier\n')],
        ['rest', 'broken'],
      ]),
    });
    try {
      const doc = await only(store, 'toydoc');
      expect(doc).toMatchObject({
        type: 'document',
        status: 'failed',
        reason: {
          code: 'document.members-unreadable-after',
          params: { format: 'toydoc', entries: 1, error: 'toy document torn' },
        },
      });
      expect((await store.childrenOf(doc.id)).map((item) => item.first.path)).toEqual(['first.txt']);
    } finally {
      await store.close();
    }
  });

  it('gives the members what is left of the file’s expansion budget', async () => {
    seenLimits.length = 0;
    const inner = toyDoc([['a.txt', Buffer.from('a\n')]]);
    const { store } = await ingestWithToy(
      { 'budget.toy': toyDoc([['inner.toy', inner]]) },
      { maxExpandedBytes: 1000 },
    );
    await store.close();
    // The file itself is not charged; the document extracted from it is, before its own members are read.
    expect(seenLimits.map((limits) => limits.maxExpandedBytes)).toEqual([1000, 1000 - inner.length]);
  });
});
