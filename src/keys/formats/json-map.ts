// {"<selector>._domainkey.<domain>": ["v=DKIM1; …", …]}; a value may be {"error": "ENOTFOUND"}
// (the archive recorded a DNS failure), and several values are several archived records.
import { asDnsFailure, type ParsedKeyFile } from './types.ts';

export function parseJsonMap(source: string, data: Record<string, unknown>): ParsedKeyFile {
  const out: ParsedKeyFile = { records: [], failures: [], problems: [] };
  for (const [rawName, rawValue] of Object.entries(data)) {
    const name = rawName.toLowerCase().replace(/\.$/, '');
    const values = Array.isArray(rawValue) ? rawValue : [rawValue];
    for (const v of values) {
      if (typeof v === 'string') {
        out.records.push({ name, value: v, source, firstSeen: null, lastSeen: null, fetchedAt: null });
      } else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
        // TXT record split into character-strings
        out.records.push({
          name,
          value: v.join(''),
          source,
          firstSeen: null,
          lastSeen: null,
          fetchedAt: null,
        });
      } else if (v && typeof v === 'object' && 'error' in v) {
        const failure = asDnsFailure((v as { error: unknown }).error);
        if (failure) out.failures.push({ name, failure });
        else out.problems.push(`${rawName}: unknown error entry ${JSON.stringify(v)}`);
      } else {
        out.problems.push(`${rawName}: unreadable value ${JSON.stringify(v)}`);
      }
    }
  }
  return out;
}
