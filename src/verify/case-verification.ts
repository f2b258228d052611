// Verification inside a case: the case's key archive as resolver, results stored per message.
import type { Case } from '../core/case.ts';
import { DnsKeyResolver } from '../keys/dns-resolver.ts';
import { parseKeyFile } from '../keys/formats/index.ts';
import { MemoryKeyResolver } from '../keys/memory-resolver.ts';
import type { KeyLookup, KeyResolver } from '../keys/types.ts';
import type { Store } from '../store/store.ts';
import { verifyMessage } from './message.ts';
import type { MessageVerification } from './types.ts';

/**
 * The case's archive; with `dns`, names the archive has nothing for are fetched live and the
 * records saved into the archive with their fetch time, so the result can be reproduced offline.
 */
export class CaseKeyResolver implements KeyResolver {
  readonly #store: Store;
  readonly #archive: MemoryKeyResolver;
  readonly #dns: KeyResolver | null;

  private constructor(store: Store, archive: MemoryKeyResolver, dns: KeyResolver | null) {
    this.#store = store;
    this.#archive = archive;
    this.#dns = dns;
  }

  static async open(store: Store, options: { dns?: KeyResolver | boolean } = {}): Promise<CaseKeyResolver> {
    const { records, failures } = await store.listKeys();
    const dns = options.dns === true ? new DnsKeyResolver() : options.dns || null;
    return new CaseKeyResolver(store, new MemoryKeyResolver(records, failures), dns);
  }

  async lookup(name: string): Promise<KeyLookup> {
    const archived = await this.#archive.lookup(name);
    if (archived.records.length > 0 || !this.#dns) return archived;
    const live = await this.#dns.lookup(name);
    await this.#store.putKeys(live.records, live.failure ? [{ name, failure: live.failure }] : []);
    this.#archive.add(live.records, live.failure ? [{ name, failure: live.failure }] : []);
    return live;
  }
}

export interface KeyImport {
  added: number;
  records: number;
  failures: number;
  problems: string[];
}

export async function importKeyFile(store: Store, path: string, text: string): Promise<KeyImport> {
  const parsed = parseKeyFile(path, text);
  const added = await store.putKeys(parsed.records, parsed.failures);
  return {
    added,
    records: parsed.records.length,
    failures: parsed.failures.length,
    problems: parsed.problems,
  };
}

/** Verifies one message's exact stored bytes and records the result (inside the caller's transaction). */
export async function verifyAndStore(
  store: Store,
  itemId: number,
  raw: Buffer,
  keys: KeyResolver,
  at?: Date,
): Promise<MessageVerification> {
  const verification = await verifyMessage(raw, { keys, ...(at ? { at } : {}) });
  await store.putVerification(
    {
      itemId,
      verdict: verification.verdict,
      judgedAt: verification.at,
      report: verification,
      verifiedAt: new Date().toISOString(),
    },
    verification.signatures.map((s) => ({
      keyName: `${s.selector}._domainkey.${s.domain}`,
      result: s.result,
    })),
  );
  return verification;
}

export interface Reverification {
  checked: number;
  changed: { itemId: number; from: string; to: string }[];
}

/** Re-verifies what newly imported keys can change (or every signed message with `all`). */
export async function reverifyCase(
  kase: Case,
  options: { all?: boolean; dns?: boolean } = {},
): Promise<Reverification> {
  const store = kase.store;
  const keys = await CaseKeyResolver.open(store, { dns: options.dns ?? false });
  const ids = await store.messagesToReverify(options.all ?? false);
  const changed: Reverification['changed'] = [];
  const BATCH = 500;
  for (let start = 0; start < ids.length; start += BATCH) {
    await store.begin();
    try {
      for (const itemId of ids.slice(start, start + BATCH)) {
        const item = await store.getItem(itemId);
        if (!item?.sha256) continue;
        const before = await store.getVerification(itemId);
        const after = await verifyAndStore(store, itemId, kase.blobs.read(item.sha256), keys);
        if (before && before.verdict !== after.verdict)
          changed.push({ itemId, from: before.verdict, to: after.verdict });
      }
      await store.commit();
    } catch (err) {
      await store.rollback();
      throw err;
    }
  }
  return { checked: ids.length, changed };
}
