// Public key archive exports as CSV with a header row: domain,selector,value,first_seen,last_seen
// (columns found by name, any order; RFC 4180 quoting).
import { isoOrNull, keyName, type ParsedKeyFile } from './types.ts';

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
  const out: ParsedKeyFile = { records: [], failures: [], problems: [] };
  const [head, ...rows] = parseCsvRows(text.replace(/^\uFEFF/, ''));
  if (!head) return out;
  const col = (name: string) => head.findIndex((h) => h.trim().toLowerCase() === name);
  const [d, s, v, f, l] = ['domain', 'selector', 'value', 'first_seen', 'last_seen'].map(col) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (d < 0 || s < 0 || v < 0) {
    out.problems.push('header row must name domain, selector and value');
    return out;
  }
  rows.forEach((r, i) => {
    const domain = r[d]?.trim();
    const selector = r[s]?.trim();
    const value = r[v];
    if (!domain || !selector || value === undefined) {
      out.problems.push(`row ${i + 2}: needs domain, selector and value`);
      return;
    }
    out.records.push({
      name: keyName(selector, domain),
      value,
      source,
      firstSeen: f >= 0 ? isoOrNull(r[f]) : null,
      lastSeen: l >= 0 ? isoOrNull(r[l]) : null,
      fetchedAt: null,
    });
  });
  return out;
}
