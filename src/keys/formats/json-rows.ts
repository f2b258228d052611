// Public key archive exports as JSON: an array (or JSON Lines) of
// {domain, selector, value, first_seen, last_seen} (camelCase accepted too).
import { type Coded, coded } from '../../report/catalogue.ts';
import { inFileOrder, isoOrNull, keyName, type ParsedKeyFile } from './types.ts';

/** Where a row is: its line (CSV, JSON Lines) or its 1-based entry in a JSON array. */
export type RowPlace = { line: number } | { entry: number };

export function parseJsonRows(source: string, rows: unknown[], file = source): ParsedKeyFile {
  return recordsFromArchiveRows(
    source,
    file,
    rows.map((row, i) => ({ at: { entry: i + 1 }, row })),
  );
}

/**
 * Rows of a public key archive export, whatever the file format: {domain, selector, value,
 * first_seen, last_seen} (camelCase accepted). A row without domain, selector or value is reported
 * and skipped; a date that cannot be read is reported and the record kept without it.
 */
export function recordsFromArchiveRows(
  source: string,
  file: string,
  rows: { at: RowPlace; row: unknown }[],
): ParsedKeyFile {
  const out: ParsedKeyFile = { records: [], failures: [], problems: [] };
  for (const { at, row } of rows) {
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      out.problems.push(coded('keys.row.not-object', { file, ...at }));
      continue;
    }
    const r = row as Record<string, unknown>;
    const domain = typeof r.domain === 'string' ? r.domain.trim() : '';
    const selector = typeof r.selector === 'string' ? r.selector.trim() : '';
    const value = typeof r.value === 'string' && r.value.trim() !== '' ? r.value : null;
    if (!domain || !selector || value === null) {
      const missing = [!domain && 'domain', !selector && 'selector', value === null && 'value'].filter(
        (m): m is string => typeof m === 'string',
      );
      out.problems.push(coded('keys.row.missing', { file, ...at, missing }));
      continue;
    }
    // A quote left open in CSV can carry the next lines into one value: never a key record.
    const spanning = (['domain', 'selector', 'value'] as const).find((f) => /[\r\n]/.test(String(r[f])));
    if (spanning) {
      out.problems.push(coded('keys.row.spans-lines', { file, ...at, field: spanning }));
      continue;
    }
    const date = (field: 'first_seen' | 'last_seen', camel: string): string | null => {
      const raw = r[field] ?? r[camel];
      const iso = isoOrNull(raw);
      if (iso === null && raw !== null && raw !== undefined && String(raw).trim() !== '')
        out.problems.push(
          coded('keys.row.bad-date', {
            file,
            ...at,
            field,
            value: typeof raw === 'string' ? raw : JSON.stringify(raw),
          }),
        );
      return iso;
    };
    out.records.push({
      name: keyName(selector, domain),
      value,
      source,
      firstSeen: date('first_seen', 'firstSeen'),
      lastSeen: date('last_seen', 'lastSeen'),
      fetchedAt: null,
    });
  }
  return out;
}

/** JSON Lines: one object per line. */
export function parseJsonLines(source: string, text: string, file = source): ParsedKeyFile {
  const rows: { at: RowPlace; row: unknown }[] = [];
  const problems: Coded[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      rows.push({ at: { line: i + 1 }, row: JSON.parse(line) });
    } catch {
      problems.push(coded('keys.jsonl.not-json', { file, line: i + 1 }));
    }
  });
  const out = recordsFromArchiveRows(source, file, rows);
  return { ...out, problems: inFileOrder([...problems, ...out.problems]) };
}
