import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import type { CustodyLine, CustodyLog } from './store.ts';

/**
 * custody.jsonl: one JSON line per completed source, append-only; earlier lines are never rewritten.
 * A line torn by a power loss or a full disk is left as it is (it is evidence too), skipped when
 * read, and the next line starts on a line of its own.
 */
export class FileCustodyLog implements CustodyLog {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** Every whole line; a torn one is skipped (tornLines says which). */
  read(): CustodyLine[] {
    return this.parse().lines;
  }

  /**
   * The lines that are not whole (line numbers from 1, and their length in bytes): torn by a power
   * loss or a full disk, kept in the file as they are, and not read.
   */
  tornLines(): { line: number; bytes: number }[] {
    return this.parse().torn;
  }

  private parse(): { lines: CustodyLine[]; torn: { line: number; bytes: number }[] } {
    const lines: CustodyLine[] = [];
    const torn: { line: number; bytes: number }[] = [];
    if (!existsSync(this.path)) return { lines, torn };
    for (const [index, text] of readFileSync(this.path, 'utf8').split('\n').entries()) {
      if (text.trim() === '') continue;
      try {
        lines.push(JSON.parse(text) as CustodyLine);
      } catch {
        torn.push({ line: index + 1, bytes: Buffer.byteLength(text) });
      }
    }
    return { lines, torn };
  }

  /**
   * Appends a line unless the last line for this path already says the same (same content, same
   * counts): re-ingesting an unchanged source, or finishing a run killed after its line was
   * written, adds nothing.
   */
  record(line: CustodyLine): boolean {
    const previous = this.read()
      .filter((entry) => entry.path === line.path)
      .at(-1);
    if (
      previous &&
      previous.sha256 === line.sha256 &&
      JSON.stringify(previous.counts) === JSON.stringify(line.counts)
    )
      return false;
    const fd = openSync(this.path, 'a');
    try {
      const text = `${this.endsTorn() ? '\n' : ''}${JSON.stringify(line)}\n`;
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  /** Whether the file's last byte is not a line feed (a torn last line). */
  private endsTorn(): boolean {
    if (!existsSync(this.path)) return false;
    const size = statSync(this.path).size;
    if (size === 0) return false;
    const fd = openSync(this.path, 'r');
    try {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      return last[0] !== 0x0a;
    } finally {
      closeSync(fd);
    }
  }
}
