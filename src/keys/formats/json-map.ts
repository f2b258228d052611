// {"<selector>._domainkey.<domain>": ["v=DKIM1; …", …]}; a value may be {"error": "ENOTFOUND"}
// (the archive recorded a DNS failure), and several values are several archived records.
import { coded } from '../../report/catalogue.ts';
import { asDnsFailure, type ParsedKeyFile } from './types.ts';

export function parseJsonMap(source: string, data: Record<string, unknown>, file = source): ParsedKeyFile {
  const out: ParsedKeyFile = { records: [], failures: [], problems: [] };
  for (const [rawName, rawValue] of Object.entries(data)) {
    const name = rawName.toLowerCase().replace(/\.$/, '');
    const values = Array.isArray(rawValue) ? rawValue : [rawValue];
    for (const [i, v] of values.entries()) {
      // Where the value is: its key, and its place in the list when the key holds a list.
      const at = { file, key: rawName, ...(Array.isArray(rawValue) ? { index: i + 1 } : {}) };
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
        const error = (v as { error: unknown }).error;
        const failure = asDnsFailure(error);
        if (failure) out.failures.push({ name, failure });
        else
          out.problems.push(
            coded('keys.map.unknown-error', { ...at, value: JSON.stringify(error) ?? 'null' }),
          );
      } else {
        out.problems.push(coded('keys.map.bad-value', { ...at, value: JSON.stringify(v) ?? String(v) }));
      }
    }
  }
  return out;
}
