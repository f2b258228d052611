// @kenjiuno/msgreader follows sector chains until their end marker and walks the directory tree
// by its sibling and child links, trusting both: a chain or a tree that loops never ends, and a
// stream can claim up to 4 GB, allocated before it is read. A reader guarded here has, counted,
// not timed:
// - a budget of chain steps proportional to the file's sectors (a loop exhausts it);
// - its directory tree checked before it is walked: every link in range, no entry reached twice,
//   no stream longer than the file.
// A guard that trips throws MsgGuardError, and the container is recorded as unreadable with it.

import type msgreader from '@kenjiuno/msgreader';

type MsgReader = InstanceType<typeof msgreader.default>;

export class MsgGuardError extends Error {
  readonly what: 'chain' | 'tree' | 'stream-size';
  constructor(what: MsgGuardError['what']) {
    super(`msg guard: ${what}`);
    this.what = what;
  }
}

interface DirectoryEntry {
  previousProperty: number;
  nextProperty: number;
  childProperty: number;
  sizeBlock: number;
}

type ReaderInternals = Record<string, unknown>;

const NO_INDEX = -1;

/** Throws unless the tree under `root` reaches each entry at most once through in-range links, and every stream fits the file. */
function checkTree(props: DirectoryEntry[], fileSize: number): void {
  const seen = new Set<number>();
  const pending = [0];
  while (pending.length > 0) {
    const index = pending.pop() as number;
    const entry = props[index];
    if (!entry || seen.has(index)) throw new MsgGuardError('tree');
    seen.add(index);
    if (entry.sizeBlock < 0 || entry.sizeBlock > fileSize) throw new MsgGuardError('stream-size');
    for (const next of [entry.previousProperty, entry.nextProperty, entry.childProperty]) {
      if (next !== NO_INDEX) pending.push(next);
    }
  }
}

/** Guards one reader, before its first use. */
export function guardMsgReader(msg: MsgReader, fileSize: number): void {
  const reader = (msg as unknown as { reader: ReaderInternals }).reader;
  // Every chain step of every stream read, with room for reading each stream a few times.
  let steps = 8 * Math.ceil(fileSize / 64) + 10_000;
  const next = reader.getNextBlockInner as (offset: number, table: unknown) => number;
  reader.getNextBlockInner = (offset: number, table: unknown) => {
    if (--steps < 0) throw new MsgGuardError('chain');
    return next.call(reader, offset, table);
  };
  const hierarchy = reader.createPropertyHierarchy as (props: DirectoryEntry[], node: DirectoryEntry) => void;
  let checked = false;
  reader.createPropertyHierarchy = (props: DirectoryEntry[], node: DirectoryEntry) => {
    if (!checked) {
      checkTree(props, fileSize);
      checked = true;
    }
    hierarchy.call(reader, props, node);
  };
}
