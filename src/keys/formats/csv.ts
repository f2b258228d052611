// Public key archive exports as CSV with a header row: domain,selector,value,first_seen,last_seen
// (columns found by name, any order; RFC 4180 quoting).
import { recordsFromArchiveRows } from './json-rows.ts';
import type { ParsedKeyFile } from './types.ts';

export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim()));
}

/**
 * The data rows of a CSV file with a header row, as objects keyed by lower-case column name; a
 * problem when the header lacks a required column. Row numbers of the objects start at 2 (the
 * header row counts, as a spreadsheet shows them).
 */
export function csvObjects(
  text: string,
  required: string[],
): { objects: Record<string, string | undefined>[] } | { problem: string } {
  const [head, ...rows] = parseCsvRows(text.replace(/^\uFEFF/, ''));
  if (!head) return { objects: [] };
  const names = head.map((h) => h.trim().toLowerCase());
  if (!required.every((n) => names.includes(n))) {
    return { problem: `header row must name ${required.slice(0, -1).join(', ')} and ${required.at(-1)}` };
  }
  return { objects: rows.map((r) => Object.fromEntries(names.map((name, i) => [name, r[i]]))) };
}

export function parseCsv(source: string, text: string): ParsedKeyFile {
  const csv = csvObjects(text, ['domain', 'selector', 'value']);
  if ('problem' in csv) return { records: [], failures: [], problems: [csv.problem] };
  return recordsFromArchiveRows(source, csv.objects, 2);
}
