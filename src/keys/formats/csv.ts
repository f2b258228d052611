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

export function parseCsv(source: string, text: string): ParsedKeyFile {
  const [head, ...rows] = parseCsvRows(text.replace(/^\uFEFF/, ''));
  if (!head) return { records: [], failures: [], problems: [] };
  const names = head.map((h) => h.trim().toLowerCase());
  if (!['domain', 'selector', 'value'].every((n) => names.includes(n))) {
    return { records: [], failures: [], problems: ['header row must name domain, selector and value'] };
  }
  const objects = rows.map((r) => Object.fromEntries(names.map((name, i) => [name, r[i]])));
  // Row numbers count the header row, as a spreadsheet shows them.
  return recordsFromArchiveRows(source, objects, 2);
}
