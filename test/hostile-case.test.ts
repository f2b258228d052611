// The case itself under stress: a second ingest while one writes, a case on a read-only mount, a
// custody log torn by a power loss, and usage errors that must leave no empty case behind. Run
// through the real CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crible, message, tempDir } from './helpers/mail.ts';

function dumpOf(root: string, name: string, count: number): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++)
    writeFileSync(join(dir, `${name}-${i}.eml`), message({ id: `${name}${i}` }));
  return dir;
}

describe('the case under stress', () => {
  it('refuses a second ingest at once, naming the PID of the one that holds the case', async () => {
    const root = tempDir('crible-lock-');
    const caseDir = join(root, 'case');
    const dump = dumpOf(root, 'a', 3);
    expect((await crible(['ingest', dump, '--case', caseDir])).code).toBe(0);
    expect(existsSync(join(caseDir, 'ingest.lock'))).toBe(false); // released at the end
    // An ingest that is running: this very process holds the lock.
    writeFileSync(join(caseDir, 'ingest.lock'), `${process.pid}\n`);
    const second = await crible(['ingest', dump, '--case', caseDir]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(`another crible ingest \\(PID ${process.pid}\\) is writing to the case`),
    );
    // A lock left by an ingest that was killed: its process is gone, the lock is taken over.
    const gone = spawnSync('true').pid!;
    writeFileSync(join(caseDir, 'ingest.lock'), `${gone}\n`);
    expect((await crible(['ingest', dumpOf(root, 'b', 2), '--case', caseDir])).code).toBe(0);
    expect(existsSync(join(caseDir, 'ingest.lock'))).toBe(false);
  });

  it('leaves no case behind for a link given as a source, or any usage error', async () => {
    const root = tempDir('crible-usage-');
    const dump = dumpOf(root, 'a', 1);
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
    symlinkSync(dump, join(root, 'to-dump'));
    for (const [args, words] of [
      [[join(root, 'dangling')], /dangling is a symbolic link to nothing/],
      [[join(root, 'to-dump')], /to-dump is a symbolic link: give the file or folder it points to/],
      [[dump, join(root, 'missing')], /no such file or directory/],
      [[dump, '--max-depth', 'deep'], /not a whole number/],
    ] as const) {
      const caseDir = join(root, `case-${Math.random().toString(36).slice(2)}`);
      const run = await crible(['ingest', ...args, '--case', caseDir]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(words);
      expect(existsSync(caseDir)).toBe(false);
    }
  });

  it('says a torn last line of the custody log was found, and appends whole lines after it', async () => {
    const root = tempDir('crible-torn-');
    const caseDir = join(root, 'case');
    expect((await crible(['ingest', dumpOf(root, 'a', 2), '--case', caseDir])).code).toBe(0);
    const log = join(caseDir, 'custody.jsonl');
    appendFileSync(log, '{"path":"/lost","kind":"direc'); // a power loss mid-write
    const run = await crible(['ingest', dumpOf(root, 'b', 2), '--case', caseDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Note: line 2 of the custody log \(29 bytes\) is torn.*kept as it is and not read/,
    );
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines).toHaveLength(4); // whole, torn, whole, and the final newline
    expect(JSON.parse(lines[2]!)).toMatchObject({ path: expect.stringMatching(/\/b$/) });
    const json = JSON.parse(
      (await crible(['ingest', dumpOf(root, 'c', 1), '--case', caseDir, '--json'])).stdout,
    );
    expect(json.caseProblems).toEqual([
      expect.objectContaining({ code: 'custody.torn-line', params: { line: 2, bytes: 29 } }),
    ]);
  });

  it('lists and counts a case on a read-only mount, and refuses to ingest into it', async (context) => {
    const root = tempDir('crible-ro-');
    const caseDir = join(root, 'case');
    expect((await crible(['ingest', dumpOf(root, 'a', 3), '--case', caseDir])).code).toBe(0);
    const mount = join(root, 'mnt');
    mkdirSync(mount);
    if (spawnSync('mount', ['-t', 'tmpfs', 'none', mount], { stdio: 'ignore' }).status !== 0) {
      if (process.env.CI) throw new Error('mounting a tmpfs is needed for this test (root)');
      context.skip();
    }
    try {
      cpSync(caseDir, join(mount, 'case'), { recursive: true });
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      const readOnly = join(mount, 'case');
      const list = await crible(['list', '--case', readOnly, '--json']);
      expect(list.code).toBe(0);
      expect(JSON.parse(list.stdout).filter((r: { type: string }) => r.type === 'message')).toHaveLength(3);
      const stats = await crible(['stats', '--case', readOnly]);
      expect(stats.code).toBe(0);
      expect(stats.stdout).toMatch(/^3 items from 1 source/);
      const ingest = await crible(['ingest', dumpOf(root, 'b', 1), '--case', readOnly]);
      expect(ingest.code).toBe(2);
      expect(ingest.stderr).toMatch(/cannot be written \(a read-only folder or mount\): it can only be read/);
    } finally {
      spawnSync('umount', [mount]);
    }
  });
});
