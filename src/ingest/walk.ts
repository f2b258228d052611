import { lstatSync, readdirSync } from 'node:fs';
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
  const entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' }).sort((a, b) =>
    Buffer.compare(a.name, b.name),
  );
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

/** Why a file could not be read, as a code with the system's error code. */
export function unreadable(err: unknown): Coded {
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
