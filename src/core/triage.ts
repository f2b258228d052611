// Triage: the tags and notes people put on items (stored in the case, each write in the audit log),
// the queue of flagged items, and the CSV of a search's result set. The CLI and the workbench call
// these same functions.
import { toCsv } from '../report/csv.ts';
import type { NoteRecord, Store } from '../store/store.ts';
import { type Actor, RefusedRequest, recordAudit } from './audit.ts';
import { ruleOf } from './describe.ts';
import { EXPORT_COLUMNS, type ExportRow, exportRows } from './export.ts';
import { searchAllIds } from './search.ts';

/** A triage request the case refuses (the code's words say why). */
export class TriageError extends RefusedRequest {}

export const TAG_MAX_LENGTH = 64;
export const TAGS_PER_ITEM = 50;
export const NOTE_MAX_LENGTH = 10_000;
export const NOTES_PER_ITEM = 500;
/** The verdicts that put a message in the queue. */
export const FLAGGED_VERDICTS = ['altered', 'forgeable'];

// Letters, digits, marks and a few joiners: no spaces, no control or direction characters to spoof a chip.
const TAG = /^[\p{L}\p{N}\p{M}][\p{L}\p{N}\p{M}._:/#+-]*$/u;

/** A tag as stored: trimmed, lower-cased, then checked. */
export function normaliseTag(raw: string): string {
  const tag = raw.trim().toLowerCase().normalize('NFC');
  if (tag.length === 0 || tag.length > TAG_MAX_LENGTH || !TAG.test(tag))
    throw new TriageError('triage.bad-tag', { tag: raw.slice(0, TAG_MAX_LENGTH), limit: TAG_MAX_LENGTH });
  return tag;
}

async function existingItem(store: Store, itemId: number): Promise<void> {
  if (!(await store.getItem(itemId))) throw new TriageError('triage.no-item', { item: itemId });
}

export async function itemTags(store: Store, itemId: number): Promise<string[]> {
  await existingItem(store, itemId);
  return store.workbench.tagsOf(itemId);
}

/** Adds tags to an item; returns its tags after. */
export async function tagItem(store: Store, actor: Actor, itemId: number, raw: string[]): Promise<string[]> {
  await existingItem(store, itemId);
  const tags = [...new Set(raw.map(normaliseTag))];
  const before = await store.workbench.tagsOf(itemId);
  if (new Set([...before, ...tags]).size > TAGS_PER_ITEM)
    throw new TriageError('triage.too-many-tags', { item: itemId, limit: TAGS_PER_ITEM });
  const added = await store.workbench.addTags(itemId, tags, actor.name, new Date().toISOString());
  if (added.length) await recordAudit(store, actor, 'tag.add', itemId, { tags: added });
  return store.workbench.tagsOf(itemId);
}

/** Removes tags from an item; returns its tags after. */
export async function untagItem(
  store: Store,
  actor: Actor,
  itemId: number,
  raw: string[],
): Promise<string[]> {
  await existingItem(store, itemId);
  const removed = await store.workbench.removeTags(itemId, [...new Set(raw.map(normaliseTag))]);
  if (removed.length) await recordAudit(store, actor, 'tag.remove', itemId, { tags: removed });
  return store.workbench.tagsOf(itemId);
}

export async function itemNotes(store: Store, itemId: number): Promise<NoteRecord[]> {
  await existingItem(store, itemId);
  return store.workbench.notesOf(itemId);
}

export async function addNote(store: Store, actor: Actor, itemId: number, raw: string): Promise<NoteRecord> {
  await existingItem(store, itemId);
  const text = raw.trim();
  if (text.length === 0) throw new TriageError('triage.empty-note');
  if (text.length > NOTE_MAX_LENGTH) throw new TriageError('triage.long-note', { limit: NOTE_MAX_LENGTH });
  if ((await store.workbench.notesOf(itemId)).length >= NOTES_PER_ITEM)
    throw new TriageError('triage.too-many-notes', { item: itemId, limit: NOTES_PER_ITEM });
  const note = await store.workbench.addNote(itemId, actor.name, text, new Date().toISOString());
  await recordAudit(store, actor, 'note.add', itemId, { note: note.id });
  return note;
}

export async function removeNote(store: Store, actor: Actor, itemId: number, noteId: number): Promise<void> {
  await existingItem(store, itemId);
  if (!(await store.workbench.removeNote(itemId, noteId)))
    throw new TriageError('triage.no-note', { item: itemId, record: noteId });
  await recordAudit(store, actor, 'note.remove', itemId, { note: noteId });
}

export interface QueueRow {
  id: number;
  /** `email`, or the document's format. */
  type: string;
  subject: string | null;
  from: string | null;
  date: string | null;
  verdict: string | null;
  tags: string[];
  /** Rules with a high finding on it. */
  high: string[];
}

export interface Queue {
  total: number;
  offset: number;
  rows: QueueRow[];
}

/** Items someone tagged, with a high finding, or with an altered or forgeable verdict: newest first. */
export async function flaggedQueue(store: Store, page: { limit: number; offset: number }): Promise<Queue> {
  const { total, ids } = await store.workbench.flagged(FLAGGED_VERDICTS, page);
  const byId = new Map((await store.search.hitRows(ids)).map((r) => [r.id, r] as const));
  const rows: QueueRow[] = [];
  for (const id of ids) {
    const hit = byId.get(id);
    if (!hit) continue;
    const high = (await store.findingsOf(id)).filter((f) => f.severity === 'high').map((f) => ruleOf(f.code));
    rows.push({
      id,
      type: hit.type === 'message' ? 'email' : hit.format,
      subject: hit.type === 'message' ? hit.subject : (hit.filename ?? hit.subject),
      from: hit.from,
      date: hit.date,
      verdict: hit.verdict,
      tags: await store.workbench.tagsOf(id),
      high: [...new Set(high)],
    });
  }
  return { total, offset: page.offset, rows };
}

export const SEARCH_CSV_COLUMNS = ['type', ...EXPORT_COLUMNS, 'findings', 'tags'] as const;
type SearchCsvRow = Record<(typeof SEARCH_CSV_COLUMNS)[number], string | number | null>;

/**
 * The result set of a search as CSV: the messages as `crible export` writes them, then the documents
 * and attachments it found, each with its rules fired and its tags. The download is audited.
 */
export async function searchCsv(
  store: Store,
  actor: Actor,
  query: string,
): Promise<{ csv: string; rows: number }> {
  const found = await searchAllIds(store, query);
  const messages = await exportRows(store, { filter: {}, query, format: 'csv' });
  const rows: SearchCsvRow[] = [];
  const extra = async (id: number) => ({
    findings: [...new Set((await store.findingsOf(id)).map((f) => `${ruleOf(f.code)} (${f.severity})`))].join(
      '; ',
    ),
    tags: (await store.workbench.tagsOf(id)).join(' '),
  });
  for (const row of messages) {
    found.delete(row.item_id as number);
    rows.push({ type: 'email', ...row, ...(await extra(row.item_id as number)) });
  }
  const sources = new Map((await store.listSources()).map((s) => [s.id, s.path] as const));
  for (const id of [...found].sort((a, b) => a - b)) {
    const item = await store.getItem(id);
    if (!item || item.type === 'message') continue;
    const blank = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, null])) as ExportRow;
    rows.push({
      ...blank,
      type: item.format,
      item_id: id,
      subject: item.first.filename ?? item.first.path,
      source: sources.get(item.first.sourceId) ?? null,
      path: item.first.path,
      ...(await extra(id)),
    });
  }
  await recordAudit(store, actor, 'export.csv', null, { query, rows: rows.length });
  const csv = toCsv(rows, {
    bom: true,
    header: true,
    columns: [...SEARCH_CSV_COLUMNS],
    record_delimiter: '\r\n',
    cast: { number: (n) => String(n) },
  });
  return { csv, rows: rows.length };
}
