// The case a command works on: `--case <dir>`, else $CRIBLE_CASE, else the case `crible use <dir>`
// remembered in the current folder (./.crible-case). Every command that takes a case goes through
// caseOption (its option) and resolveCase / withCase (its value), so the rule is the same everywhere.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Option } from 'commander';
import type { Case } from '../core/case.ts';
import { UsageError } from './output.ts';

/** The file `crible use` writes in the current folder, holding the case's absolute path. */
export const CASE_FILE = '.crible-case';

/** The `--case <dir>` option, optional: the default comes from $CRIBLE_CASE or `crible use`. */
export function caseOption(description = 'case directory'): Option {
  return new Option('--case <dir>', `${description} (default: $CRIBLE_CASE, or the case set by crible use)`);
}

export interface ResolvedCase {
  dir: string;
  /** Where the case came from, for messages: "--case", "CRIBLE_CASE", or the .crible-case file. */
  from: string;
}

/** The case given, or the default one; null when there is none. */
export function findCase(given: string | undefined, cwd = process.cwd()): ResolvedCase | null {
  if (given) return { dir: given, from: '--case' };
  const env = process.env.CRIBLE_CASE;
  if (env) return { dir: env, from: 'CRIBLE_CASE' };
  const file = join(cwd, CASE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const dir = text.split('\n')[0]!.trim();
  return dir ? { dir: resolve(dirname(file), dir), from: file } : null;
}

/** The case directory to use: a usage error (exit 2) that says how to give one when there is none. */
export function resolveCase(given: string | undefined): string {
  const found = findCase(given);
  if (!found)
    throw new UsageError(
      'no case given: add --case <dir>, set CRIBLE_CASE=<dir>, or run `crible use <dir>` in this folder',
    );
  return found.dir;
}

/** Opens an existing case for one command (the given one, or the default) and always closes it. */
export async function withCase<T>(dir: string | undefined, work: (kase: Case) => Promise<T>): Promise<T> {
  const found = findCase(dir);
  if (!found) resolveCase(undefined);
  // Loaded here, not at start-up: `--help` and `--version` need no database.
  const { openCase, CaseError } = await import('../core/case.ts');
  let kase: Case;
  try {
    kase = openCase(found!.dir, { create: false });
  } catch (err) {
    // A default case that is not there says where the default came from.
    if (err instanceof CaseError && found!.from !== '--case')
      throw new CaseError(`${err.message} (the case set by ${found!.from})`);
    throw err;
  }
  try {
    return await work(kase);
  } finally {
    await kase.store.close();
  }
}
