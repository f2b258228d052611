import { type Coded, coded, type Params } from '../../report/catalogue.ts';
import type { DnsFailure, KeyRecord } from '../types.ts';

export interface KeyFailure {
  name: string;
  failure: DnsFailure;
}

export interface ParsedKeyFile {
  records: KeyRecord[];
  /** DNS failures the archive recorded instead of values. */
  failures: KeyFailure[];
  /** What could not be read, as codes (words in report/messages/en/keys.ts) naming the file and the line, entry or key. */
  problems: Coded[];
}

/**
 * Where a problem is in a key file: its `file` and a 1-based `line`, or the 1-based `entry` of a JSON
 * array, or the `key` of a JSON map (and the 1-based `index` of the value under it).
 */
export type Place = Params & { file: string } & ({ line: number } | { entry: number } | { key: string });

/** Problems in the order of their lines (or entries) in the file; those without one first (the sort is stable). */
export function inFileOrder(problems: Coded[]): Coded[] {
  const rank = (p: Coded) => Number(p.params?.line ?? p.params?.entry ?? 0);
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

const FAILURES: DnsFailure[] = ['ENOTFOUND', 'ETIMEOUT', 'ESERVFAIL'];

export function asDnsFailure(value: unknown): DnsFailure | null {
  const v = String(value ?? '').toUpperCase();
  if (v === 'NXDOMAIN' || v === 'ENODATA') return 'ENOTFOUND';
  if (v === 'SERVFAIL') return 'ESERVFAIL';
  if (v === 'TIMEOUT') return 'ETIMEOUT';
  return (FAILURES as string[]).includes(v) ? (v as DnsFailure) : null;
}

export function keyName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`.toLowerCase().replace(/\.$/, '');
}

/** ISO 8601 for an archive date (ISO string or unix seconds), or null. */
export function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const s = String(value).trim();
  const ms = /^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * A JSON document JSON.parse refused: the line it stopped at when the engine says (V8 gives a line
 * and column, or a position), and its reason without the quoted text.
 */
export function invalidJson(file: string, text: string, err: unknown): Coded {
  const message = err instanceof Error ? err.message : String(err);
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  const position = /at position (\d+)/.exec(message);
  const line = lineCol
    ? Number(lineCol[1])
    : position
      ? text.slice(0, Number(position[1])).split('\n').length
      : /end of JSON input/.test(message)
        ? text.trimEnd().split('\n').length
        : null;
  const detail = message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '');
  return coded('keys.json.invalid', { file, ...(line === null ? {} : { line }), detail });
}
