// test/helpers/corpus.ts: a suite whose corpus is missing is skipped with a warning naming the path
// looked at, except under $CI, where it fails. Checked by running a one-suite vitest in a child process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpusLocation, corpusPath } from './helpers/corpus.ts';
import { tempDir } from './helpers/mail.ts';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const helper = new URL('./helpers/corpus.ts', import.meta.url).href;
const vitestBin = join(repoRoot, 'node_modules/vitest/vitest.mjs');

/** Runs a vitest whose only suite needs `dkim` from a corpus at `corpus`, with the given $CI. */
function runFixtureSuite(corpus: string, ci: string | undefined): { status: number | null; output: string } {
  const root = tempDir('crible-corpus-helper-');
  // `describe` and `it` come from --globals: the fixture lives outside the repository's node_modules.
  writeFileSync(
    join(root, 'fixture.test.ts'),
    `import { requireCorpus } from ${JSON.stringify(helper)};
const found = requireCorpus('dkim', 'fixture suite');
(found ? describe : describe.skip)('needs the corpus', () => { it('reads it', () => {}); });
`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, CRIBLE_CORPUS: corpus, NO_COLOR: '1' };
  delete env.CI;
  if (ci !== undefined) env.CI = ci;
  const result = spawnSync(process.execPath, [vitestBin, 'run', '--globals', '--root', root], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('corpus helper', () => {
  it('looks under $CRIBLE_CORPUS and says null when the part is missing', () => {
    const root = tempDir('crible-corpus-');
    mkdirSync(join(root, 'dkim'));
    const saved = process.env.CRIBLE_CORPUS;
    process.env.CRIBLE_CORPUS = root;
    try {
      expect(corpusPath('dkim')).toBe(join(root, 'dkim'));
      expect(corpusPath('docs')).toBeNull();
      expect(corpusLocation('docs')).toBe(join(root, 'docs'));
    } finally {
      if (saved === undefined) delete process.env.CRIBLE_CORPUS;
      else process.env.CRIBLE_CORPUS = saved;
    }
  });

  it('skips the suite with a warning naming the path looked at, and fails it when CI is set', () => {
    const missing = join(tempDir('crible-no-corpus-'), 'nowhere');
    const looked = join(missing, 'dkim');

    const skipped = runFixtureSuite(missing, undefined);
    expect(skipped.output).toContain(`[fixture suite] corpus not found at ${looked}: suite skipped`);
    expect(skipped.output).toMatch(/1 skipped/);
    expect(skipped.status).toBe(0);

    const failed = runFixtureSuite(missing, '1');
    expect(failed.output).toContain(`[fixture suite] corpus not found at ${looked}: CI is set`);
    expect(failed.status).toBe(1);

    // CI=false (as some runners write it) is not CI.
    expect(runFixtureSuite(missing, 'false').status).toBe(0);
  }, 120_000);
});
