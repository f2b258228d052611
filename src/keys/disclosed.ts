// Keys whose private half was published (some operators do it after rotation, precisely so that
// old signatures stop proving anything). A signature made with such a key proves nothing.
import { csvObjects } from './formats/csv.ts';
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
  /** Rows that could not be read, with their number, in plain words. */
  problems: string[];
}

/**
 * A list of disclosed keys: a JSON array of {domain, selector, disclosed, source, p} objects, or
 * CSV with a header row naming domain, selector, disclosed and source (p optional, any order).
 * `disclosed` is the publication date; `p`, when given, limits the entry to that key; a row
 * without `source` is credited to the file.
 */
export function parseDisclosedFile(path: string, text: string): ParsedDisclosedFile {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  let rows: unknown[];
  let firstRow: number;
  if (body.startsWith('[')) {
    try {
      rows = JSON.parse(body) as unknown[];
    } catch (err) {
      return { keys: [], problems: [`not valid JSON: ${(err as Error).message}`] };
    }
    firstRow = 1;
  } else {
    const csv = csvObjects(body, ['domain', 'selector', 'disclosed', 'source']);
    if ('problem' in csv) return { keys: [], problems: [csv.problem] };
    rows = csv.objects;
    firstRow = 2;
  }
  const keys: DisclosedKey[] = [];
  const problems: string[] = [];
  for (const [i, row] of rows.entries()) {
    const at = `row ${i + firstRow}`;
    if (!row || typeof row !== 'object') {
      problems.push(`${at}: not an object`);
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
      problems.push(`${at}: domain and selector are required`);
      continue;
    }
    if (!/^\d{4}-\d{2}-\d{2}/.test(disclosed) || !Number.isFinite(Date.parse(disclosed))) {
      problems.push(`${at}: "disclosed" must be the publication date (YYYY-MM-DD or ISO 8601)`);
      continue;
    }
    const publicKey = (field('p') || field('publickey') || field('publicKey')).replace(/\s+/g, '') || null;
    keys.push({ domain, selector, disclosed, source: field('source') || path, publicKey });
  }
  return { keys, problems };
}
