import type { DnsFailure, KeyRecord } from '../types.ts';

export interface KeyFailure {
  name: string;
  failure: DnsFailure;
}

export interface ParsedKeyFile {
  records: KeyRecord[];
  /** DNS failures the archive recorded instead of values. */
  failures: KeyFailure[];
  /** Entries that could not be read, with their line or key, in plain words. */
  problems: string[];
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
