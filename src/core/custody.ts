import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { SourceCounts } from '../store/store.ts';

/** One line of custody.jsonl: what a completed ingest of one source found, and which code found it. */
export interface CustodyLine {
  path: string;
  kind: 'file' | 'directory';
  sha256: string;
  size: number;
  counts: SourceCounts;
  crible: string;
  time: string;
}

export function readCustody(path: string): CustodyLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CustodyLine);
}

/**
 * Appends a line unless the last line for this path already says the same (same content, same
 * counts): re-ingesting an unchanged source, or finishing a run that was killed after its line was
 * written, adds nothing. The log is append-only; earlier lines are never rewritten.
 */
export function recordCustody(path: string, line: CustodyLine): boolean {
  const previous = readCustody(path)
    .filter((entry) => entry.path === line.path)
    .at(-1);
  if (
    previous &&
    previous.sha256 === line.sha256 &&
    JSON.stringify(previous.counts) === JSON.stringify(line.counts)
  ) {
    return false;
  }
  appendFileSync(path, `${JSON.stringify(line)}\n`);
  return true;
}
