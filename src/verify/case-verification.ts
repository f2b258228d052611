// Verification inside a case: the case's key archive as a resolver, and key and disclosure imports.
// (Verifying the case's messages is the `dkim` analyser's work: src/analysers/dkim.ts.)
import { ArchiveKeyResolver } from '../keys/archive-resolver.ts';
import { type DisclosedKey, parseDisclosedFile } from '../keys/disclosed.ts';
import { DnsKeyResolver } from '../keys/dns-resolver.ts';
import { parseKeyFile } from '../keys/formats/index.ts';
import type { Coded } from '../report/catalogue.ts';
import type { Store } from '../store/store.ts';

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

/** Keeps what a resolver fetched from live DNS in the case's archive. */
export async function saveFetched(store: Store, keys: ArchiveKeyResolver): Promise<void> {
  const fetched = keys.takeFetched();
  if (fetched.records.length > 0 || fetched.failures.length > 0)
    await store.transaction((writer) => writer.putKeys(fetched.records, fetched.failures));
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
  const added = await store.transaction((writer) => writer.putDisclosedKeys(parsed.keys));
  return { added, keys: parsed.keys.length, problems: parsed.problems };
}

export async function importKeyFile(store: Store, path: string, text: string): Promise<KeyImport> {
  const parsed = parseKeyFile(path, text);
  const added = await store.transaction((writer) => writer.putKeys(parsed.records, parsed.failures));
  return {
    added,
    records: parsed.records.length,
    failures: parsed.failures.length,
    problems: parsed.problems,
  };
}
