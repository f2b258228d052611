// The key archive: every TXT value ever seen for a selector, with where and when it was seen.

export type DnsFailure = 'ENOTFOUND' | 'ETIMEOUT' | 'ESERVFAIL';

export interface KeyRecord {
  /** `<selector>._domainkey.<domain>`, lower-case. */
  name: string;
  /** The TXT value as published, e.g. `v=DKIM1; k=rsa; p=…` (empty p= means revoked). */
  value: string;
  /** Where it came from: a file path and format, `dns` for a live fetch, … */
  source: string;
  /** Observation window, ISO 8601, when the source gives one. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** For live DNS fetches: when it was fetched. */
  fetchedAt: string | null;
}

export interface KeyLookup {
  records: KeyRecord[];
  /** Set when the source recorded a DNS failure for this name instead of (or besides) values. */
  failure: DnsFailure | null;
}

/** Looks up every archived record for a name; never consults live DNS unless built to. */
export interface KeyResolver {
  lookup(name: string): Promise<KeyLookup>;
}

/** The p= (public key) value of a key record, whitespace removed: '' when empty (revoked), null when absent. */
export function publicKeyOf(record: string): string | null {
  const m = /(?:^|;)\s*p\s*=([^;]*)/i.exec(record);
  return m ? m[1]!.replace(/\s+/g, '') : null;
}
