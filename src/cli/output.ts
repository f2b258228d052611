import { readFileSync } from 'node:fs';
import { withText } from '../report/catalogue.ts';
import { safeText } from '../report/safe-text.ts';

/** Results go to stdout; progress and diagnostics to stderr. Every code is printed with its words. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(withText(value), null, 2)}\n`);
}

/** Lines for a person: whatever came from the dump is shown, never interpreted by the terminal. */
export function printLines(lines: string[]): void {
  if (lines.length > 0) process.stdout.write(`${lines.map(safeText).join('\n')}\n`);
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
    throw new UsageError(`cannot read ${what} ${file}: ${(err as { code?: string }).code ?? err}`);
  }
}

export function parseItemId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`not an item id: ${text}`);
  return id;
}
