// Keys whose private half was published (some operators do it after rotation, precisely so that
// old signatures stop proving anything). A signature made with such a key proves nothing.
import { type Coded, coded } from '../report/catalogue.ts';
import { csvObjects } from './formats/csv.ts';
import type { RowPlace } from './formats/json-rows.ts';
import { inFileOrder, invalidJson } from './formats/types.ts';
import { publicKeyOf } from './types.ts';

export interface DisclosedKey {
  domain: string;
  selector: string;
  /** When the private key was published (ISO 8601 date). */
  disclosed: string;
  /** Where the publication was seen (URL, note). */
  source: string;
  /** The p= value of the disclosed key, when known: restricts the match to that key. */
  publicKey?: string | null;
}

/** The disclosure that covers this signature's key, or null. */
export function findDisclosure(
  disclosed: DisclosedKey[] | undefined,
  domain: string,
  selector: string,
  recordValue: string | null,
): DisclosedKey | null {
  if (!disclosed?.length) return null;
  const p = recordValue ? publicKeyOf(recordValue) : null;
  return (
    disclosed.find(
      (d) =>
        d.domain.toLowerCase() === domain.toLowerCase() &&
        d.selector.toLowerCase() === selector.toLowerCase() &&
        (!d.publicKey || !p || d.publicKey.replace(/\s+/g, '') === p),
    ) ?? null
  );
}

export interface ParsedDisclosedFile {
  keys: DisclosedKey[];
  /** What could not be read, as codes naming the file and the line or entry (words in report/messages/en/keys.ts). */
  problems: Coded[];
}

/**
 * A list of disclosed keys: a JSON array of {domain, selector, disclosed, source, p} objects, or
 * CSV with a header row naming domain, selector, disclosed and source (p optional, any order).
 * `disclosed` is the publication date; `p`, when given, limits the entry to that key; a row
 * without `source` is credited to the file.
 */
export function parseDisclosedFile(path: string, text: string): ParsedDisclosedFile {
  const body = text.replace(/^\uFEFF/, '');
  let rows: { at: RowPlace; row: unknown }[];
  const problems: Coded[] = [];
  if (body.trimStart().startsWith('[')) {
    let data: unknown[];
    try {
      data = JSON.parse(body) as unknown[];
    } catch (err) {
      return { keys: [], problems: [invalidJson(path, body, err)] };
    }
    rows = data.map((row, i) => ({ at: { entry: i + 1 }, row }));
  } else {
    const csv = csvObjects(path, body, ['domain', 'selector', 'disclosed', 'source']);
    problems.push(...csv.problems);
    rows = csv.rows;
  }
  const keys: DisclosedKey[] = [];
  for (const { at, row } of rows) {
    const where = { file: path, ...at };
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      problems.push(coded('keys.row.not-object', where));
      continue;
    }
    const field = (name: string) => {
      const value = (row as Record<string, unknown>)[name];
      return value === null || value === undefined ? '' : String(value).trim();
    };
    const domain = field('domain').toLowerCase().replace(/\.$/, '');
    const selector = field('selector').toLowerCase();
    const disclosed = field('disclosed');
    if (!domain || !selector) {
      const missing = [!domain && 'domain', !selector && 'selector'].filter((m): m is string => !!m);
      problems.push(coded('keys.row.missing', { ...where, missing }));
      continue;
    }
    if (!/^\d{4}-\d{2}-\d{2}/.test(disclosed) || !Number.isFinite(Date.parse(disclosed))) {
      problems.push(coded('keys.disclosed.bad-date', { ...where, value: disclosed }));
      continue;
    }
    const publicKey = (field('p') || field('publickey') || field('publicKey')).replace(/\s+/g, '') || null;
    keys.push({ domain, selector, disclosed, source: field('source') || path, publicKey });
  }
  return { keys, problems: inFileOrder(problems) };
}
