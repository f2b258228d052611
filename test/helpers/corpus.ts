// Where the shared test corpus is, and what a suite that needs it does when it is not there: skipped
// with a warning naming the path looked at, or, when $CI is set, a failure (a CI run must not go green
// by skipping the conformance suites).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where `sub` is looked for: under $CRIBLE_CORPUS, else ../shared/corpus next to the repository. */
export function corpusLocation(sub = ''): string {
  const root = process.env.CRIBLE_CORPUS
    ? resolve(process.env.CRIBLE_CORPUS)
    : resolve(repoRoot, '../shared/corpus');
  return join(root, sub);
}

/** `sub` inside the corpus (a file or a folder), or null when it is not there. */
export function corpusPath(sub = ''): string | null {
  const path = corpusLocation(sub);
  return existsSync(path) ? path : null;
}

/** Whether $CI asks for corpus suites to fail rather than skip (set, and not `0` or `false`). */
export function inCi(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return !!ci && ci !== '0' && ci !== 'false';
}

/**
 * The path of `sub` for a suite that needs it. Absent: null after a console.warn naming the path looked
 * at (the caller skips the suite), or, when $CI is set, an error, so the suite fails.
 */
export function requireCorpus(sub: string, suiteName: string): string | null {
  const found = corpusPath(sub);
  if (found) return found;
  const where = `corpus not found at ${corpusLocation(sub)}`;
  if (inCi())
    throw new Error(
      `[${suiteName}] ${where}: CI is set, so the suite fails instead of skipping (set CRIBLE_CORPUS)`,
    );
  console.warn(`[${suiteName}] ${where}: suite skipped (set CRIBLE_CORPUS)`);
  return null;
}
