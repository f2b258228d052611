// Public key archive exports as CSV with a header row: domain,selector,value,first_seen,last_seen
// (columns found by name, any order; RFC 4180 quoting, read by csv-parse with strict quotes).
import { CsvError, type Options, parse } from 'csv-parse/sync';
import { type Coded, coded } from '../../report/catalogue.ts';
import { type RowPlace, recordsFromArchiveRows } from './json-rows.ts';
import { inFileOrder, type ParsedKeyFile } from './types.ts';

/** A CSV record and the line it starts on (1-based). */
export interface CsvRow {
  line: number;
  fields: string[];
}

const OPTIONS: Options = {
  relax_column_count: true,
  skip_empty_lines: true,
  trim: true,
  record_delimiter: ['\r\n', '\n', '\r'],
};

/**
 * The records of a CSV file, each with the line it starts on; records of blank values only are
 * left out. A record csv-parse cannot read (an unterminated quote, a stray quote) is reported with
 * the line it starts on, and the rest of the file is read again from the next line: one open quote
 * does not swallow the rows after it into one value. Nothing is read after an unreadable first
 * record, the header.
 */
export function readCsv(file: string, text: string): { rows: CsvRow[]; problems: Coded[] } {
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ''));
  const lines = lineStarts(bytes);
  const rows: CsvRow[] = [];
  const problems: Coded[] = [];
  let from = 0;
  for (;;) {
    // The end of the last record read, as an offset in `bytes` (csv-parse counts from `from`).
    let end = from;
    try {
      parse(bytes.subarray(from), {
        ...OPTIONS,
        on_record: (fields: string[], info) => {
          const line = lineOf(lines, contentFrom(bytes, end));
          end = from + info.bytes;
          if (fields.some((f) => f !== '')) rows.push({ line, fields });
          return null;
        },
      });
      return { rows, problems };
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      const line = lineOf(lines, contentFrom(bytes, end));
      const header = rows.length === 0;
      const next = line < lines.length && contentFrom(bytes, lines[line]!) < bytes.length ? line + 1 : null;
      const code = syntaxCode(bytes.subarray(lines[line - 1], lines[line] ?? bytes.length)) ?? err.code;
      problems.push(
        coded(CODES[code] ?? 'keys.csv.unreadable', {
          file,
          line,
          resumedAt: header ? null : next,
          ...(CODES[code] ? {} : { error: code }),
          ...(header ? { header: true } : {}),
        }),
      );
      if (header || next === null) return { rows, problems };
      from = lines[line]!;
    }
  }
}

const CODES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'keys.csv.unterminated-quote',
  INVALID_OPENING_QUOTE: 'keys.csv.bad-quote',
  CSV_INVALID_CLOSING_QUOTE: 'keys.csv.bad-quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'keys.csv.bad-quote',
};

/**
 * What is wrong with the line a failed record starts on, read alone: an unterminated quote there
 * makes the library fail lines later (at the next quote, or the end of the file), not on that line.
 */
function syntaxCode(line: Buffer): string | null {
  try {
    parse(line, OPTIONS);
    return null;
  } catch (err) {
    if (err instanceof CsvError) return err.code;
    throw err;
  }
}

/** Offsets where each line starts (after LF, CRLF or a lone CR): entry i is line i + 1. */
function lineStarts(bytes: Buffer): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x0a || (c === 0x0d && bytes[i + 1] !== 0x0a)) starts.push(i + 1);
  }
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** The first offset from `offset` that is not a blank or a line break (where the next record starts). */
function contentFrom(bytes: Buffer, offset: number): number {
  let i = offset;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  )
    i++;
  return i;
}

/**
 * The data rows of a CSV file with a header row, as objects keyed by lower-case column name, with
 * their line. When the header lacks a required column, a problem and no rows; a row with more
 * values than the header has columns is reported and left out (an unquoted comma cut its value).
 */
export function csvObjects(
  file: string,
  text: string,
  required: string[],
): { rows: { at: RowPlace; row: Record<string, string | undefined> }[]; problems: Coded[] } {
  const { rows, problems } = readCsv(file, text);
  const [head, ...data] = rows;
  if (!head) return { rows: [], problems };
  const names = head.fields.map((h) => h.toLowerCase());
  const missing = required.filter((n) => !names.includes(n));
  if (missing.length > 0) {
    problems.push(coded('keys.csv.header', { file, line: head.line, required, missing }));
    return { rows: [], problems };
  }
  const objects = [];
  for (const { line, fields } of data) {
    if (fields.slice(names.length).some((f) => f !== '')) {
      problems.push(
        coded('keys.csv.extra-fields', { file, line, expected: names.length, found: fields.length }),
      );
      continue;
    }
    objects.push({ at: { line }, row: Object.fromEntries(names.map((name, i) => [name, fields[i]])) });
  }
  return { rows: objects, problems };
}

export function parseCsv(source: string, text: string, file = source): ParsedKeyFile {
  const csv = csvObjects(file, text, ['domain', 'selector', 'value']);
  const out = recordsFromArchiveRows(source, file, csv.rows);
  return { ...out, problems: inFileOrder([...csv.problems, ...out.problems]) };
}
