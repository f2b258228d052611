import { readFileSync } from 'node:fs';
import { withText } from '../report/catalogue.ts';
import { safeText } from '../report/safe-text.ts';

/** Results go to stdout; progress and diagnostics to stderr. Every code is printed with its words. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(withText(value), null, 2)}\n`);
}

/**
 * Lines for a person: whatever came from the dump is shown, never interpreted by the terminal.
 * `decorate` styles each line after it was made safe (colours from style.ts: the only escapes printed).
 */
export function printLines(lines: string[], decorate?: (safeLine: string) => string): void {
  if (lines.length === 0) return;
  const safe = lines.map(safeText);
  process.stdout.write(`${(decorate ? safe.map(decorate) : safe).join('\n')}\n`);
}

/** A diagnostic on stderr, made safe like printLines. */
export function printError(message: string): void {
  process.stderr.write(`crible: ${safeText(message)}\n`);
}

/** Columns padded to the widest cell; the last column is left unpadded. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '),
  );
}

/** A usage error the user can fix: exit code 2. */
export class UsageError extends Error {}

/** A file named on the command line (key files, lists): a usage error when it cannot be read. */
export function readOptionFile(what: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what}: ${fileProblem(err, file)}`);
  }
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a folder, not a file',
  ENOTDIR: 'not a folder',
  EEXIST: 'already exists',
  ENOTEMPTY: 'folder not empty',
  ENOSPC: 'no space left on the disk for',
  EROFS: 'read-only file system for',
  ELOOP: 'too many symbolic links in',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files, at',
};

/** A file system error in words that name the file: "no such file: x.eml", "permission denied: …". */
export function fileProblem(err: unknown, file: string): string {
  const code = (err as { code?: string }).code;
  const words = code ? FILE_PROBLEMS[code] : undefined;
  if (words) return `${words}: ${file}`;
  return `${file}: ${err instanceof Error ? err.message : String(err)}`;
}

export function parseItemId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`not an item id: ${text}`);
  return id;
}

/**
 * Lines wrapped at word boundaries to `width` columns (a terminal's), continued under their own
 * indent (and past a "- " bullet). Quoted dump text ("| …") and lines without spaces are left whole.
 */
export function fitLines(lines: string[], width: number | undefined): string[] {
  if (!width || width < 40) return lines;
  return lines.flatMap((line) => {
    if (line.length <= width || /^\s*\| /.test(line)) return [line];
    const indent = ' '.repeat((/^(\s*(?:- )?)/.exec(line)?.[1] ?? '').length);
    const out: string[] = [];
    let current = '';
    for (const word of line.trimStart().split(' ')) {
      const start =
        current === ''
          ? out.length === 0
            ? line.slice(0, line.length - line.trimStart().length)
            : indent
          : '';
      if (current !== '' && current.length + 1 + word.length > width) {
        out.push(current);
        current = `${indent}${word}`;
      } else current = current === '' ? `${start}${word}` : `${current} ${word}`;
    }
    if (current.trim() !== '') out.push(current);
    return out;
  });
}
