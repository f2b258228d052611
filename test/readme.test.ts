// The README's path for a newcomer, in its order, on a fresh copy of this working tree: `npm ci`,
// `npx crible demo`, `npm test`. The copy holds what git tracks and what it would track (uncommitted
// work is tested too), nothing it ignores (no node_modules, no earlier demo), committed in a new git
// repository of its own so that what the path leaves behind is checked to be ignored by git (and so
// by the linter, which skips what git ignores). The nested `npm test` runs this file too: CRIBLE_README_TEST=inner makes it skip there, visibly, instead of recursing.
// vitest.config.ts runs this file after every other one, so the nested run has the machine to itself.
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VERDICTS } from '../src/verify/types.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const inner = process.env.CRIBLE_README_TEST === 'inner';
const isGitCheckout = (() => {
  try {
    execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: repo, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** npm ci and a whole nested test run on a two-core machine. */
const TIMEOUT_MS = 30 * 60_000;

/** Copies the files git tracks or would track (as they are in the working tree) into `dest`. */
function copyWorkingTree(dest: string): number {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    maxBuffer: 64 * 1024 * 1024,
  })
    .toString('utf8')
    .split('\0')
    .filter(Boolean);
  let copied = 0;
  for (const path of new Set(listed)) {
    // A node_modules that is a link (so not ignored as a folder) must not reach `npm ci`, which empties it.
    if (path.split('/')[0] === 'node_modules') continue;
    const from = join(repo, path);
    const to = join(dest, path);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(from);
    } catch {
      continue; // tracked but deleted in the working tree
    }
    mkdirSync(dirname(to), { recursive: true });
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (st.isFile()) {
      copyFileSync(from, to);
      chmodSync(to, st.mode & 0o777);
    } else continue;
    copied++;
  }
  return copied;
}

/**
 * The environment of a newcomer's shell: this run's own variables (npm's, vitest's) and the
 * node_modules/.bin that npm put first on PATH are left out, so `npm` is the machine's own. CI is
 * passed as it is; the corpus is named by absolute path, as the copy has no ../shared beside it.
 */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST)/i.test(name) || name === 'TEST' || name === 'NODE_ENV') continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.endsWith(`${sep}node_modules${sep}.bin`) && !p.includes('node-gyp-bin'))
    .join(delimiter);
  env.CRIBLE_CORPUS = process.env.CRIBLE_CORPUS
    ? resolve(process.env.CRIBLE_CORPUS)
    : resolve(repo, '../shared/corpus');
  env.CRIBLE_README_TEST = 'inner';
  return env;
}

interface Step {
  command: string;
  code: number | null;
  output: string;
  seconds: number;
}

/** Runs a command line of the README in `cwd`, stdout and stderr together. */
function run(cwd: string, env: NodeJS.ProcessEnv, command: string): Promise<Step> {
  const [file, ...args] = command.split(' ');
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(file!, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', fail);
    child.on('close', (code) =>
      done({
        command,
        code,
        output: Buffer.concat(chunks).toString('utf8'),
        seconds: Math.round((performance.now() - t0) / 1000),
      }),
    );
  });
}

/** An identity of its own (the machine may have none), no signing, no hint about branch names. */
const GIT_CONFIG = [
  'user.name=crible-readme-test',
  'user.email=readme@crible.invalid',
  'commit.gpgsign=false',
  'init.defaultBranch=main',
].flatMap((setting) => ['-c', setting]);

/** A git command in the copy. */
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', [...GIT_CONFIG, ...args], { cwd, encoding: 'utf8' });

/**
 * The step's exit code, with the end of its output when it is not 0; the whole output is kept in
 * test-output/ (a nested run's 1,700 lines name the file that failed, which the end may not).
 */
function expectSuccess(step: Step): void {
  if (step.code !== 0) {
    mkdirSync(join(repo, 'test-output'), { recursive: true });
    writeFileSync(join(repo, 'test-output', 'readme-step.log'), `${step.command}\n${step.output}`);
  }
  expect(
    step.code,
    `\`${step.command}\` exited ${step.code} (whole output: test-output/readme-step.log):\n${step.output.slice(-6000)}`,
  ).toBe(0);
}

describe('the README path', () => {
  if (inner) console.warn('readme.test.ts: skipped inside its own nested run (CRIBLE_README_TEST=inner)');
  if (!isGitCheckout && !inner) console.warn('readme.test.ts: skipped, not a git checkout');

  it.skipIf(inner || !isGitCheckout)(
    'npm ci, then npx crible demo, then npm test pass on a fresh copy of the repository',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'crible-readme-'));
      try {
        expect(copyWorkingTree(dir)).toBeGreaterThan(50);
        git(dir, 'init', '-q');
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '--no-verify', '-m', 'the working tree under test');
        const env = newcomerEnv();
        const steps: Step[] = [];

        const ci = await run(dir, env, 'npm ci --prefer-offline --no-audit --no-fund');
        steps.push(ci);
        expectSuccess(ci);

        const demo = await run(dir, env, 'npx crible demo');
        steps.push(demo);
        expectSuccess(demo);
        expect(demo.output).toContain(`Case: ${join(dir, 'crible-demo', 'case')}`);
        const tally = demo.output.slice(demo.output.indexOf('Authenticity verdicts'));
        for (const verdict of VERDICTS) expect(tally).toMatch(new RegExp(`^ +\\d+  ${verdict}$`, 'm'));
        expect(demo.output).toContain('What to try next on this case:');
        expect(demo.output).toMatch(/^ {2}npx crible show \d+ --case crible-demo\/case$/m);

        const test = await run(dir, env, 'npm test');
        steps.push(test);
        expectSuccess(test);
        expect(test.output).toMatch(/readme\.test\.ts.*skipped/);
        // Whatever the demo and the tests wrote into the clone is ignored: nothing to lint or commit by mistake.
        expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');

        console.log(`README path: ${steps.map((s) => `${s.command} ${s.seconds} s`).join(', ')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );
});
