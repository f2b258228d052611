import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
} from 'node:fs';
import { basename } from 'node:path';
import { type Coded, coded } from '../report/catalogue.ts';
import { nameOf } from './names.ts';

export interface SourceFile {
  /** The file's path as bytes (names need not be UTF-8): what is opened. */
  absolute: Buffer;
  /** Path relative to the source root (the file name, for a file source), displayable (see names.ts). */
  relative: string;
  /** The relative path's exact bytes when they are not UTF-8. */
  relativeRaw: Buffer | null;
  size: number;
  /** Inside a Maildir's cur/, new/ or tmp/: a message whatever its name. */
  inMaildir: boolean;
  /** Why this entry cannot be read (a link, a device…); null for regular files. */
  problem: Coded | null;
}

export interface WalkedSource {
  root: string;
  kind: 'file' | 'directory';
  /** Files in a stable order, produced as the walk goes: a dump of millions of files is never listed whole. */
  files: Iterable<SourceFile>;
}

const MAILDIR_PARTS = ['cur', 'new', 'tmp'];
const SLASH = Buffer.from('/');

/**
 * Walks a source's files in a stable order (byte order of names, so item ids are the same on every
 * run). Names are read as bytes and never lost. Links are recorded, never followed: a dump may
 * point them anywhere on the machine.
 */
export function walkSource(root: string): WalkedSource {
  const stat = lstatSync(root);
  if (stat.isFile()) {
    const name = basename(root);
    return {
      root,
      kind: 'file',
      files: [
        {
          absolute: Buffer.from(root),
          relative: name,
          relativeRaw: null,
          size: stat.size,
          inMaildir: false,
          problem: null,
        },
      ],
    };
  }
  if (!stat.isDirectory()) throw new Error(`${root} is neither a file nor a directory`);
  return {
    root,
    kind: 'directory',
    files: { [Symbol.iterator]: () => visit(Buffer.from(root), Buffer.alloc(0), false) },
  };
}

function* visit(dir: Buffer, relativeDir: Buffer, inMaildir: boolean): Generator<SourceFile> {
  let listed: Dirent<Buffer>[];
  try {
    listed = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (err) {
    // Removed or made unreadable since its parent was listed: recorded as such, the run goes on.
    if (relativeDir.length === 0) throw err;
    const name = nameOf(relativeDir);
    yield {
      absolute: dir,
      relative: name.text,
      relativeRaw: name.raw,
      size: 0,
      inMaildir,
      problem: unreadable(err),
    };
    return;
  }
  const entries = listed.sort((a, b) => Buffer.compare(a.name, b.name));
  const isMaildir = MAILDIR_PARTS.every((part) =>
    entries.some((e) => e.isDirectory() && e.name.toString('latin1') === part),
  );
  for (const entry of entries) {
    const absolute = Buffer.concat([dir, SLASH, entry.name]);
    const relativeBytes = relativeDir.length ? Buffer.concat([relativeDir, SLASH, entry.name]) : entry.name;
    const name = nameOf(relativeBytes);
    const file = { absolute, relative: name.text, relativeRaw: name.raw, inMaildir };
    if (entry.isDirectory()) {
      const part = entry.name.toString('latin1');
      yield* visit(absolute, relativeBytes, inMaildir || (isMaildir && MAILDIR_PARTS.includes(part)));
    } else if (entry.isFile()) {
      let size: number;
      try {
        size = lstatSync(absolute).size;
      } catch (err) {
        // Gone since the folder was listed (a dump still being copied): recorded, not fatal.
        yield { ...file, size: 0, problem: unreadable(err) };
        continue;
      }
      yield { ...file, size, problem: null };
    } else {
      yield {
        ...file,
        size: 0,
        problem: coded(entry.isSymbolicLink() ? 'item.link-not-followed' : 'item.special-file'),
      };
    }
  }
}

/** A path that was a regular file when listed and is something else (a FIFO, a socket, a device) when opened. */
export class NotRegularFile extends Error {}

/**
 * Opens a file that must be a regular file without ever blocking: O_NONBLOCK (opening a FIFO with
 * no writer would wait forever), then the type of what was opened is checked (a file swapped for a
 * FIFO, socket or device since it was listed throws NotRegularFile). Returns the descriptor and size.
 */
export function openRegular(path: string | Buffer): { fd: number; size: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new NotRegularFile('not a regular file');
  }
  return { fd, size: stat.size };
}

/** A regular file's bytes, read whole (see openRegular). */
export function readRegular(path: string | Buffer): Buffer {
  const { fd, size } = openRegular(path);
  try {
    const buffer = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buffer, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/** Checks that a path is (still) a regular file, without blocking (see openRegular). */
export function checkRegular(path: string | Buffer): void {
  closeSync(openRegular(path).fd);
}

/** Why a file could not be read, as a code with the system's error code. */
export function unreadable(err: unknown): Coded {
  if (err instanceof NotRegularFile) return coded('item.special-file');
  return coded('item.unreadable', {
    error: (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err)),
  });
}

/** Total bytes of a source's files (for the progress ETA), without keeping the list. */
export function sourceBytes(source: WalkedSource): number {
  let total = 0;
  for (const file of source.files) total += file.size;
  return total;
}
