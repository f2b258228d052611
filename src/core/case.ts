import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BlobStore } from '../store/blobs.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';

/** A case is a directory: case.db, blobs/ (content-addressed), custody.jsonl. */
export interface Case {
  dir: string;
  store: Store;
  blobs: BlobStore;
  custodyPath: string;
}

export class CaseError extends Error {}

export function openCase(dir: string, options: { create: boolean }): Case {
  const root = resolve(dir);
  const dbPath = join(root, 'case.db');
  if (!existsSync(dbPath)) {
    if (!options.create) throw new CaseError(`no case at ${root} (case.db not found)`);
    if (existsSync(root) && !statSync(root).isDirectory()) throw new CaseError(`${root} is not a directory`);
    mkdirSync(root, { recursive: true });
  }
  return {
    dir: root,
    store: new SqliteStore(dbPath),
    blobs: new BlobStore(join(root, 'blobs')),
    custodyPath: join(root, 'custody.jsonl'),
  };
}
