// Verification inside a case: the case's key archive as resolver, results stored per message.
import type { Case } from '../core/case.ts';
import { ArchiveKeyResolver } from '../keys/archive-resolver.ts';
import { type DisclosedKey, parseDisclosedFile } from '../keys/disclosed.ts';
import { DnsKeyResolver } from '../keys/dns-resolver.ts';
import { parseKeyFile } from '../keys/formats/index.ts';
import type { KeyFailure } from '../keys/formats/types.ts';
import type { KeyRecord } from '../keys/types.ts';
import type { Coded } from '../report/catalogue.ts';
import type { Store, VerificationToStore } from '../store/store.ts';
import { verifyMessage } from './message.ts';
import { signatureKeyName } from './signature-header.ts';
import type { MessageVerification } from './types.ts';

/** What the case holds for verifying: its key archive as a resolver, and its disclosed keys. */
export interface CaseKeys {
  keys: ArchiveKeyResolver;
  disclosedKeys: DisclosedKey[];
}

/**
 * The case's archive as a resolver; with `dns`, what each selector publishes today is added
 * (asked once per name), and `saveFetched` stores it with its fetch time so the result can be
 * reproduced offline.
 */
export async function caseKeys(store: Store, options: { dns?: boolean } = {}): Promise<CaseKeys> {
  const { records, failures } = await store.listKeys();
  return {
    keys: new ArchiveKeyResolver(records, failures, options.dns ? new DnsKeyResolver() : null),
    disclosedKeys: await store.listDisclosedKeys(),
  };
}

export async function saveFetched(
  store: Store,
  fetched: { records: KeyRecord[]; failures: KeyFailure[] },
): Promise<void> {
  if (fetched.records.length > 0 || fetched.failures.length > 0)
    await store.putKeys(fetched.records, fetched.failures);
}

export interface KeyImport {
  added: number;
  records: number;
  failures: number;
  problems: Coded[];
}

export interface DisclosedImport {
  added: number;
  keys: number;
  problems: Coded[];
}

export async function importDisclosedFile(
  store: Store,
  path: string,
  text: string,
): Promise<DisclosedImport> {
  const parsed = parseDisclosedFile(path, text);
  const added = await store.putDisclosedKeys(parsed.keys);
  return { added, keys: parsed.keys.length, problems: parsed.problems };
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

/** A verification ready to store, serialised where it was computed (a worker thread during ingest). */
export type VerificationRecord = Omit<VerificationToStore, 'itemId' | 'verifiedAt'>;

export function verificationRecord(verification: MessageVerification): VerificationRecord {
  return {
    verdict: verification.verdict,
    judgedAt: verification.at,
    reportJson: JSON.stringify(verification),
    signatures: verification.signatures.map((s) => ({
      keyName: signatureKeyName(s.selector, s.domain),
      result: s.result,
    })),
  };
}

/** Records a message's verification (inside the caller's transaction). */
export async function storeVerification(
  store: Store,
  itemId: number,
  record: VerificationRecord,
): Promise<void> {
  await store.putVerification({ ...record, itemId, verifiedAt: new Date().toISOString() });
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
  const known = await caseKeys(store, options);
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
        const after = await verifyMessage(kase.blobs.read(item.sha256), known);
        await saveFetched(store, known.keys.takeFetched());
        await storeVerification(store, itemId, verificationRecord(after));
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
