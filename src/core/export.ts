import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { render } from '../report/catalogue.ts';
import type { ItemFilter, Store } from '../store/store.ts';
import { addressText, listRows } from './item-list.ts';

// `crible export`: one row per message, what a journalist sends colleagues — in a spreadsheet (CSV) or
// to a script (JSON lines). Words are rendered here, at the edge: the reasons as sentences.

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_COLUMNS = [
  'item_id',
  'message_id',
  'date',
  'from',
  'to',
  'cc',
  'subject',
  'verdict',
  'reasons',
  'source',
  'path',
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

export async function exportRows(store: Store, filter: ItemFilter): Promise<ExportRow[]> {
  const rows = await listRows(store, { ...filter, type: 'message' });
  return rows.map((row) => ({
    item_id: row.id,
    message_id: row.messageId,
    date: row.date,
    from: addressText(row.from),
    to: addressText(row.to),
    cc: addressText(row.cc),
    subject: row.subject,
    verdict: row.verdict,
    reasons: row.reasons.map((r) => sentence(render(r))).join(' '),
    source: row.source,
    path: row.place,
  }));
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * The rows as the file's bytes: CSV (RFC 4180, a header line, UTF-8 with a byte-order mark so that
 * spreadsheets read accents right) or one JSON object per line.
 */
export function formatExport(format: ExportFormat, rows: ExportRow[]): string {
  if (format === 'jsonl') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  return stringify(rows, {
    bom: true,
    header: true,
    columns: [...EXPORT_COLUMNS],
    record_delimiter: '\r\n',
    cast: { number: (n) => String(n) },
  });
}

/** Writes the export to `out`; an existing file is replaced only with `force`. Returns the row count. */
export async function writeExport(
  store: Store,
  filter: ItemFilter,
  format: ExportFormat,
  out: string,
  force: boolean,
): Promise<number> {
  const rows = await exportRows(store, filter);
  const fd = openSync(out, force ? 'w' : 'wx');
  try {
    writeSync(fd, formatExport(format, rows));
  } finally {
    closeSync(fd);
  }
  return rows.length;
}
