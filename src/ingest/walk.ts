import { lstatSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

export interface SourceFile {
  absolute: string;
  /** Path relative to the source root (the file name, for a file source). */
  relative: string;
  size: number;
  /** Inside a Maildir's cur/, new/ or tmp/: a message whatever its name. */
  inMaildir: boolean;
  /** Why this entry cannot be read (a link, a device…); null for regular files. */
  problem: string | null;
}

export interface WalkedSource {
  root: string;
  kind: 'file' | 'directory';
  /** Files in a stable order, produced as the walk goes: a dump of millions of files is never listed whole. */
  files: Iterable<SourceFile>;
}

const MAILDIR_PARTS = ['cur', 'new', 'tmp'];

/**
 * Walks a source's files in a stable order (so item ids are the same on every run). Links are
 * recorded, never followed: a dump may point them anywhere on the machine.
 */
export function walkSource(root: string): WalkedSource {
  const stat = lstatSync(root);
  if (stat.isFile()) {
    return {
      root,
      kind: 'file',
      files: [{ absolute: root, relative: basename(root), size: stat.size, inMaildir: false, problem: null }],
    };
  }
  if (!stat.isDirectory()) throw new Error(`${root} is neither a file nor a directory`);
  return { root, kind: 'directory', files: { [Symbol.iterator]: () => visit(root, root, false) } };
}

function* visit(root: string, dir: string, inMaildir: boolean): Generator<SourceFile> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const isMaildir = MAILDIR_PARTS.every((part) => entries.some((e) => e.isDirectory() && e.name === part));
  for (const entry of entries) {
    const absolute = join(dir, entry.name);
    const rel = relative(root, absolute);
    if (entry.isDirectory()) {
      yield* visit(root, absolute, inMaildir || (isMaildir && MAILDIR_PARTS.includes(entry.name)));
    } else if (entry.isFile()) {
      let size: number;
      try {
        size = lstatSync(absolute).size;
      } catch (err) {
        // Gone since the folder was listed (a dump still being copied): recorded, not fatal.
        const reason = `could not be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
        yield { absolute, relative: rel, size: 0, inMaildir, problem: reason };
        continue;
      }
      yield { absolute, relative: rel, size, inMaildir, problem: null };
    } else {
      const what = entry.isSymbolicLink()
        ? 'symbolic link not followed'
        : 'not a regular file (device, socket or pipe)';
      yield { absolute, relative: rel, size: 0, inMaildir, problem: what };
    }
  }
}

/** Total bytes of a source's files (for the progress ETA), without keeping the list. */
export function sourceBytes(source: WalkedSource): number {
  let total = 0;
  for (const file of source.files) total += file.size;
  return total;
}
