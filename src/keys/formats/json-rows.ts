// Public key archive exports as JSON: an array (or JSON Lines) of
// {domain, selector, value, first_seen, last_seen} (camelCase accepted too).
import { isoOrNull, keyName, type ParsedKeyFile } from './types.ts';

export function parseJsonRows(source: string, rows: unknown[]): ParsedKeyFile {
  return recordsFromArchiveRows(source, rows, 1);
}

/**
 * Rows of a public key archive export, whatever the file format: {domain, selector, value,
 * first_seen, last_seen} (camelCase accepted). `firstRow` is the number shown for rows[0] in problems.
 */
export function recordsFromArchiveRows(source: string, rows: unknown[], firstRow: number): ParsedKeyFile {
  const out: ParsedKeyFile = { records: [], failures: [], problems: [] };
  rows.forEach((row, i) => {
    const r = (row ?? {}) as Record<string, unknown>;
    const domain = typeof r.domain === 'string' ? r.domain.trim() : '';
    const selector = typeof r.selector === 'string' ? r.selector.trim() : '';
    const value = typeof r.value === 'string' ? r.value : null;
    if (!domain || !selector || value === null) {
      out.problems.push(`row ${i + firstRow}: needs domain, selector and value`);
      return;
    }
    out.records.push({
      name: keyName(selector, domain),
      value,
      source,
      firstSeen: isoOrNull(r.first_seen ?? r.firstSeen),
      lastSeen: isoOrNull(r.last_seen ?? r.lastSeen),
      fetchedAt: null,
    });
  });
  return out;
}

/** JSON Lines: one object per line. */
export function parseJsonLines(source: string, text: string): ParsedKeyFile {
  const rows: unknown[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      rows.push(JSON.parse(line));
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
    }
  });
  const out = parseJsonRows(source, rows);
  out.problems.unshift(...problems);
  return out;
}
