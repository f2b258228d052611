// `crible export`: the messages a filter or a search selects, for colleagues and for programs. CSV
// and JSON lines are one row per message (words rendered here, at the edge; `--redact` masks personal
// data for publication); mbox and a zip of .eml files carry each message's bytes exactly as they were
// sent, never redacted, and `--with-proofs` adds each authentic message's proof folder.
import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { escapeMboxrd, unescapeMbox } from '../ingest/formats/mbox.ts';
import { render } from '../report/catalogue.ts';
import { toCsv } from '../report/csv.ts';
import { type Redaction, Redactor, redactionsCsv } from '../report/redact.ts';
import { sha256Hex } from '../store/blobs.ts';
import type { ItemFilter, ItemRecord, Store } from '../store/store.ts';
import { addressText, type ListRow, listRows } from './item-list.ts';
import { caseKeys, itemProofFiles, writeItemProof } from './proof.ts';
import { searchAllIds } from './search.ts';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'mbox', 'eml-zip'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The formats that carry the original bytes: never redacted. */
export const RAW_FORMATS: readonly ExportFormat[] = ['mbox', 'eml-zip'];

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

/** An export a face cannot run as asked (its words say what to change). */
export class ExportError extends Error {}

export interface ExportRequest {
  filter: ItemFilter;
  /** A search query (the query language of `crible search`) the messages must also match. */
  query?: string;
  format: ExportFormat;
  /** Add the proof folder of each authentic message (raw formats). */
  withProofs?: boolean;
  /** Mask personal data not on this allow-list (csv and jsonl only). */
  redact?: { allow: string[] };
}

export interface ExportResult {
  messages: number;
  proofs: number;
  /** What redaction masked, for the newsroom. */
  redactions: Redaction[];
  /** Files written besides `out` (the proofs folder of an mbox). */
  written: string[];
}

const AUTHENTIC = new Set(['authentic', 'authentic-with-caveats']);

/** The messages selected: the filter's, and of those the ones the query finds. */
async function selectedRows(store: Store, request: ExportRequest): Promise<ListRow[]> {
  const rows = await listRows(store, { ...request.filter, type: 'message' });
  if (request.query === undefined) return rows;
  const found = await searchAllIds(store, request.query);
  return rows.filter((r) => found.has(r.id));
}

export async function exportRows(
  store: Store,
  request: ExportRequest,
  redactor?: Redactor,
): Promise<ExportRow[]> {
  const mask = (text: string | null) => (text === null || !redactor ? text : redactor.redact(text));
  return (await selectedRows(store, request)).map((row) => ({
    item_id: row.id,
    message_id: mask(row.messageId),
    date: row.date,
    from: mask(addressText(row.from)),
    to: mask(addressText(row.to)),
    cc: mask(addressText(row.cc)),
    subject: mask(row.subject),
    verdict: row.verdict,
    reasons: row.reasons.map((r) => sentence(render(r))).join(' '),
    source: row.source,
    path: mask(row.place),
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
export function formatRows(format: 'csv' | 'jsonl', rows: ExportRow[]): string {
  if (format === 'jsonl') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  return toCsv(rows, {
    bom: true,
    header: true,
    columns: [...EXPORT_COLUMNS],
    record_delimiter: '\r\n',
    cast: { number: (n) => String(n) },
  });
}

/** A message as it was sent: the stored bytes with the container's escaping (mbox `>From `) undone. */
export function sentBytes(store: Store, item: ItemRecord): Buffer {
  const stored = store.blobs.read(item.sha256!);
  return item.first.transformations.reduce((bytes, t) => unescapeMbox(bytes, t), stored);
}

/**
 * Writes the export to `out` (`-`: the rows to standard output, csv and jsonl only); an existing file is
 * replaced only with `force`.
 */
export async function writeExport(
  store: Store,
  request: ExportRequest,
  out: string,
  force: boolean,
): Promise<ExportResult> {
  const raw = RAW_FORMATS.includes(request.format);
  if (raw && request.redact)
    throw new ExportError(
      `--redact: ${request.format} carries each message's original bytes, which are never changed; redact a csv or jsonl export`,
    );
  if (!raw && request.withProofs)
    throw new ExportError('--with-proofs: only mbox and eml-zip exports carry proofs');
  if (raw && out === '-') throw new ExportError(`--out -: write ${request.format} to a file`);
  if (!raw) {
    const redactor = request.redact ? new Redactor(request.redact.allow) : undefined;
    const rows = await exportRows(store, request, redactor);
    const text = formatRows(request.format as 'csv' | 'jsonl', rows);
    const redactions = redactor?.redactions() ?? [];
    if (out === '-') {
      process.stdout.write(text);
      return { messages: rows.length, proofs: 0, redactions, written: [] };
    }
    writeNew(out, force, text);
    // What each mask replaced, for the newsroom: beside the export, never inside it.
    const list = `${out}.redactions.csv`;
    if (redactions.length) writeNew(list, true, redactionsCsv(redactions));
    return { messages: rows.length, proofs: 0, redactions, written: redactions.length ? [list] : [] };
  }
  const rows = (await selectedRows(store, request)).filter((r) => r.sha256 !== null);
  return request.format === 'mbox'
    ? writeMbox(store, rows, out, force, request.withProofs ?? false)
    : writeEmlZip(store, rows, out, force, request.withProofs ?? false);
}

function writeNew(out: string, force: boolean, data: string): void {
  const fd = openSync(out, force ? 'w' : 'wx');
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/**
 * mboxrd: each message after a `From ` line, its `From ` lines (and `>From ` ones) escaped with one more
 * `>`, a blank line after it in its own line ending. Reading it back undoes the escaping exactly; a
 * message that did not end with a line ending gets one (mbox cannot say otherwise: eml-zip can).
 */
async function writeMbox(
  store: Store,
  rows: ListRow[],
  out: string,
  force: boolean,
  withProofs: boolean,
): Promise<ExportResult> {
  const fd = openSync(out, force ? 'w' : 'wx');
  let proofs = 0;
  const proofDir = `${out}.proofs`;
  const keys = withProofs ? await caseKeys(store) : undefined;
  try {
    for (const row of rows) {
      const item = (await store.getItem(row.id))!;
      const bytes = sentBytes(store, item);
      const sender = row.from[0]?.address || 'MAILER-DAEMON';
      const when = row.date ? new Date(row.date) : new Date(0);
      writeSync(fd, `From ${sender.replace(/\s/g, '')} ${asctime(when)}\n`);
      writeSync(fd, escapeMboxrd(bytes));
      const crlf = bytes.includes('\r\n');
      const eol = crlf ? '\r\n' : '\n';
      if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) writeSync(fd, eol);
      writeSync(fd, eol);
      if (withProofs && AUTHENTIC.has(row.verdict ?? '')) {
        await writeItemProof(store, row.id, join(proofDir, String(row.id)), keys);
        proofs++;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { messages: rows.length, proofs, redactions: [], written: proofs ? [proofDir] : [] };
}

/** The envelope line's date: `Wed May  3 18:04:05 2017`, in UTC. */
function asctime(d: Date): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    d.getUTCMonth()
  ];
  const time = d.toISOString().slice(11, 19);
  return `${day} ${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
}

/**
 * A zip of `messages/<item id>.eml`, each the bytes as sent, with `manifest.csv` (what each file is,
 * its SHA-256 and the stored item's) and, with proofs, `proofs/<item id>/` for each authentic message.
 */
async function writeEmlZip(
  store: Store,
  rows: ListRow[],
  out: string,
  force: boolean,
  withProofs: boolean,
): Promise<ExportResult> {
  // Opened first, so an existing file is refused before any work.
  const fd = openSync(out, force ? 'w' : 'wx');
  const zip = new ZipFile();
  const done = new Promise<void>((resolve, reject) => {
    const stream = createWriteStream('', { fd });
    zip.outputStream.pipe(stream).on('finish', resolve).on('error', reject);
  });
  const manifest: Record<string, string | number | null>[] = [];
  const keys = withProofs ? await caseKeys(store) : undefined;
  let proofs = 0;
  for (const row of rows) {
    const item = (await store.getItem(row.id))!;
    const bytes = sentBytes(store, item);
    const file = `messages/${row.id}.eml`;
    zip.addBuffer(bytes, file, { mtime: row.date ? new Date(row.date) : new Date(0) });
    let proof: string | null = null;
    if (withProofs && AUTHENTIC.has(row.verdict ?? '')) {
      for (const file of await itemProofFiles(store, row.id, keys))
        zip.addBuffer(file.bytes, `proofs/${row.id}/${file.name}`, { mode: file.mode });
      proof = `proofs/${row.id}/`;
      proofs++;
    }
    manifest.push({
      file,
      item_id: row.id,
      sha256: sha256Hex(bytes),
      stored_sha256: item.sha256,
      undone: item.first.transformations.join(' ') || null,
      message_id: row.messageId,
      date: row.date,
      from: addressText(row.from),
      subject: row.subject,
      verdict: row.verdict,
      proof,
    });
  }
  zip.addBuffer(
    Buffer.from(toCsv(manifest, { bom: true, header: true, record_delimiter: '\r\n' })),
    'manifest.csv',
  );
  zip.end();
  await done;
  return { messages: rows.length, proofs, redactions: [], written: [] };
}

/** An allow-list's entries: one address, `@domain`, phone number or exact text per line; # comments. */
export function allowListEntries(text: string): string[] {
  return text.split(/\r?\n/);
}
