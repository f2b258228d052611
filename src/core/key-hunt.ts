// The key hunt: which signing keys a case's messages need that its archive lacks, how many messages
// wait on each, over which dates, and whether DNS still publishes it. The list is what `crible keys
// missing` prints, and what the report and the workbench show.
import { Resolver } from 'node:dns/promises';
import { DnsKeyResolver } from '../keys/dns-resolver.ts';
import type { KeyResolver } from '../keys/types.ts';
import type { MissingKey, Store } from '../store/store.ts';

/** What DNS says of a missing key today, when asked (`--dns`). */
export type DnsToday =
  | { status: 'not-asked' }
  | { status: 'published'; records: number }
  | { status: 'absent' | 'failed'; failure: string };

export interface MissingKeyRow extends MissingKey {
  domain: string;
  selector: string;
  dns: DnsToday;
}

export interface KeyHunt {
  keys: MissingKeyRow[];
  /** Messages whose verdict is key-unavailable, in all (a message can wait on several keys). */
  messagesWaiting: number;
}

/** DNS lookups at once, and how long one may take: a dump can name thousands of selectors. */
const DNS_CONCURRENCY = 8;
const DNS_TIMEOUT_MS = 3000;

/** `<selector>._domainkey.<domain>` split back into its parts. */
function splitName(name: string): { selector: string; domain: string } {
  const at = name.indexOf('._domainkey.');
  return at === -1
    ? { selector: '', domain: name }
    : { selector: name.slice(0, at), domain: name.slice(at + '._domainkey.'.length) };
}

function liveDns(): KeyResolver {
  const resolver = new Resolver({ timeout: DNS_TIMEOUT_MS, tries: 1 });
  return new DnsKeyResolver((name) => resolver.resolveTxt(name));
}

async function askDns(resolver: KeyResolver, name: string): Promise<DnsToday> {
  try {
    const found = await resolver.lookup(name);
    if (found.records.length) return { status: 'published', records: found.records.length };
    const failure = found.failure ?? 'ENOTFOUND';
    return { status: failure === 'ENOTFOUND' ? 'absent' : 'failed', failure };
  } catch (err) {
    return { status: 'failed', failure: err instanceof Error ? err.message : String(err) };
  }
}

export async function keyHunt(
  store: Store,
  options: { dns?: boolean; resolver?: KeyResolver } = {},
): Promise<KeyHunt> {
  const missing = await store.missingKeys();
  const keys: MissingKeyRow[] = missing.map((m) => ({
    ...m,
    ...splitName(m.name),
    dns: { status: 'not-asked' },
  }));
  if (options.dns) {
    const resolver = options.resolver ?? liveDns();
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const row = keys[next++]!;
        row.dns = await askDns(resolver, row.name);
      }
    };
    await Promise.all(Array.from({ length: Math.min(DNS_CONCURRENCY, keys.length) }, worker));
  }
  const messagesWaiting = (await store.summaryCounts('dkim'))['key-unavailable'] ?? 0;
  return { keys, messagesWaiting };
}
