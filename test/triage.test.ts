// Triage on a real case (the sample dump, with its altered and forgeable mail, plus a message whose
// subject is a spreadsheet formula): tags and notes through the core and through the CLI, each write in
// the audit log; the queue of flagged items, newest first, a page at a time; the CSV of a search.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../src/core/audit.ts';
import { type Case, openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import {
  addNote,
  flaggedQueue,
  itemNotes,
  itemTags,
  removeNote,
  SEARCH_CSV_COLUMNS,
  searchCsv,
  TriageError,
  tagItem,
  untagItem,
} from '../src/core/triage.ts';
import { buildSampleDump } from '../src/sample/build.ts';
import { crible, message } from './helpers/mail.ts';

const reviewer = { name: 'claire', via: 'web' as const, address: '192.0.2.7' };
let root: string;
let kase: Case;
let plain: number;
let formula: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'crible-triage-'));
  const sample = await buildSampleDump(root);
  writeFileSync(
    join(sample.dumpDir, 'formule.eml'),
    message({
      id: 'formule',
      subject: '=HYPERLINK("http://attacker.invalid","facture")',
      body: 'Facture jointe.',
    }),
  );
  kase = openCase(join(root, 'case'), { create: true });
  await ingestIntoCase(kase, [sample.dumpDir], {
    keyFiles: [sample.keysFile],
    disclosedFiles: [sample.disclosedFile],
    workers: 1,
  });
  const messages = await kase.store.listItems({ type: 'message' });
  for (const item of messages) {
    const m = await kase.store.getMessage(item.id);
    if (m?.messageId === '<formule@campagne.example>') formula = item.id;
  }
  const verdicts = await Promise.all(messages.map((m) => kase.store.getAnalysis(m.id, 'dkim')));
  plain = messages.find((_, i) => !['altered', 'forgeable'].includes(verdicts[i]?.summary ?? ''))!.id;
}, 180_000);

afterAll(async () => {
  await kase?.store.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('tags and notes', () => {
  it('keeps tags trimmed, lower-cased and once each, and logs who added and removed them', async () => {
    expect(
      await tagItem(kase.store, reviewer, plain, [' À-Vérifier ', 'source:paris', 'à-vérifier']),
    ).toEqual(['source:paris', 'à-vérifier']);
    expect(await untagItem(kase.store, reviewer, plain, ['source:paris'])).toEqual(['à-vérifier']);
    expect(await itemTags(kase.store, plain)).toEqual(['à-vérifier']);
    const log = (await readAudit(kase.store)).filter((e) => e.itemId === plain);
    expect(log.map((e) => [e.action, e.user, e.via, e.address, e.details])).toEqual([
      ['tag.add', 'claire', 'web', '192.0.2.7', { tags: ['à-vérifier', 'source:paris'] }],
      ['tag.remove', 'claire', 'web', '192.0.2.7', { tags: ['source:paris'] }],
    ]);
  });

  it('refuses tags with spaces or control characters, and items that are not there, with a code', async () => {
    for (const bad of ['two words', 'x\u202Eevil', '', 'a'.repeat(65)])
      await expect(tagItem(kase.store, reviewer, plain, [bad])).rejects.toMatchObject({
        code: 'triage.bad-tag',
      });
    await expect(tagItem(kase.store, reviewer, 999_999, ['ok'])).rejects.toBeInstanceOf(TriageError);
    await expect(itemNotes(kase.store, 999_999)).rejects.toMatchObject({ code: 'triage.no-item' });
  });

  it('adds, lists and removes notes; refuses an empty one', async () => {
    const note = await addNote(kase.store, reviewer, plain, '  Appeler la source avant publication.\n');
    expect(note).toMatchObject({
      itemId: plain,
      author: 'claire',
      text: 'Appeler la source avant publication.',
    });
    await expect(addNote(kase.store, reviewer, plain, ' \n ')).rejects.toMatchObject({
      code: 'triage.empty-note',
    });
    expect((await itemNotes(kase.store, plain)).map((n) => n.id)).toEqual([note.id]);
    await removeNote(kase.store, reviewer, plain, note.id);
    expect(await itemNotes(kase.store, plain)).toEqual([]);
    await expect(removeNote(kase.store, reviewer, plain, note.id)).rejects.toMatchObject({
      code: 'triage.no-note',
    });
  });
});

describe('queue', () => {
  it('lists tagged items, high findings and altered or forgeable mail, newest first, a page at a time', async () => {
    const all = await flaggedQueue(kase.store, { limit: 200, offset: 0 });
    expect(all.rows.length).toBe(all.total);
    const tagged = all.rows.find((r) => r.id === plain);
    expect(tagged?.tags).toEqual(['à-vérifier']);
    expect(all.rows.some((r) => r.verdict === 'altered')).toBe(true);
    expect(all.rows.some((r) => r.verdict === 'forgeable')).toBe(true);
    for (const row of all.rows)
      expect(
        row.tags.length > 0 || row.high.length > 0 || ['altered', 'forgeable'].includes(row.verdict ?? ''),
      ).toBe(true);
    const dates = all.rows.map((r) => r.date).filter((d): d is string => d !== null);
    expect(dates).toEqual([...dates].sort().reverse());
    const first = await flaggedQueue(kase.store, { limit: 2, offset: 0 });
    const second = await flaggedQueue(kase.store, { limit: 2, offset: 2 });
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual(all.rows.slice(0, 4).map((r) => r.id));
    await untagItem(kase.store, reviewer, plain, ['à-vérifier']);
    expect((await flaggedQueue(kase.store, { limit: 200, offset: 0 })).rows.some((r) => r.id === plain)).toBe(
      false,
    );
  });
});

describe('search CSV', () => {
  it('has the export rows of the emails, then the documents, with a formula made inert, and is audited', async () => {
    await tagItem(kase.store, reviewer, formula, ['suspect']);
    const { csv, rows } = await searchCsv(kase.store, reviewer, '');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const records = parse(csv.slice(1), { columns: true }) as Record<string, string>[];
    expect(records.length).toBe(rows);
    expect(Object.keys(records[0]!)).toEqual([...SEARCH_CSV_COLUMNS]);
    const trap = records.find((r) => r.item_id === String(formula))!;
    expect(trap).toMatchObject({
      type: 'email',
      subject: `'=HYPERLINK("http://attacker.invalid","facture")`,
      tags: 'suspect',
    });
    const types = records.map((r) => r.type);
    expect(types).toContain('pdf');
    // Emails first, as `crible export` writes them, then the documents.
    expect(types.indexOf('pdf')).toBeGreaterThan(types.lastIndexOf('email'));
    expect((await readAudit(kase.store)).at(-1)).toMatchObject({
      action: 'export.csv',
      details: { query: '', rows },
    });
    const narrowed = parse((await searchCsv(kase.store, reviewer, 'facture')).csv.slice(1), {
      columns: true,
    });
    expect(narrowed.length).toBeLessThan(records.length);
  });
});

describe('CLI', () => {
  it('tags, untags and writes notes through the same core, logged as the command line', async () => {
    const dir = kase.dir;
    const tagged = await crible(['tag', String(plain), 'Urgent', 'relu', '--case', dir, '--json']);
    expect(tagged.code).toBe(0);
    expect(JSON.parse(tagged.stdout)).toEqual({ id: plain, tags: ['relu', 'urgent'] });
    const untagged = await crible(['tag', String(plain), 'relu', '--remove', '--case', dir]);
    expect(untagged.stdout.trim()).toBe(`Item ${plain}: urgent`);
    const bad = await crible(['tag', String(plain), 'two words', '--case', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cannot be a tag');
    const noted = await crible([
      'notes',
      String(plain),
      '--add',
      'Vu par le service juridique.',
      '--case',
      dir,
    ]);
    expect(noted.code).toBe(0);
    expect(noted.stdout).toContain('  Vu par le service juridique.');
    const none = await crible(['notes', '999999', '--case', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no item 999999');
    expect(await itemTags(kase.store, plain)).toEqual(['urgent']);
    const cli = (await readAudit(kase.store)).filter((e) => e.via === 'cli');
    expect(cli.map((e) => e.action)).toEqual(['tag.add', 'tag.remove', 'note.add']);
  }, 60_000);
});
