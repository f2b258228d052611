import { type Coded, coded } from '../report/catalogue.ts';
import { SqliteStore, StoreError } from '../store/sqlite/sqlite-store.ts';
import type { Store, StoreShare } from '../store/store.ts';

/** A case: where it is (for people to read) and the store that is the only door to it. */
export interface Case {
  dir: string;
  store: Store;
}

export class CaseError extends Error {}

/** Whether a case is there (without creating or opening it). */
export function caseExists(dir: string): boolean {
  return SqliteStore.exists(dir);
}

/**
 * Opens the embedded store of a case directory (created with `create`). `exclusive`: the case is
 * written by this process alone (an ingest): a second one is refused at once, naming the first.
 * `share`: another thread's store of the same case (its `threadShare()`), to take turns at writing.
 */
export function openCase(
  dir: string,
  options: { create: boolean; exclusive?: boolean; writeWaitMs?: number; share?: StoreShare },
): Case {
  try {
    const store = SqliteStore.open(dir, options);
    return { dir: store.dir, store };
  } catch (err) {
    if (err instanceof StoreError) throw new CaseError(err.message);
    throw err;
  }
}

/**
 * What is wrong with the case's own records that a user should hear of: lines of the custody log
 * torn by a power loss or a full disk (kept as they are; the log goes on after them).
 */
export function caseProblems(kase: Case): Coded[] {
  if (!(kase.store instanceof SqliteStore)) return [];
  return kase.store.custody.tornLines().map(({ line, bytes }) => coded('custody.torn-line', { line, bytes }));
}
