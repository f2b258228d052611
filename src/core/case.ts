import { SqliteStore, StoreError } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';

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

/** Opens the embedded store of a case directory (created with `create`). */
export function openCase(dir: string, options: { create: boolean }): Case {
  try {
    const store = SqliteStore.open(dir, options);
    return { dir: store.dir, store };
  } catch (err) {
    if (err instanceof StoreError) throw new CaseError(err.message);
    throw err;
  }
}
