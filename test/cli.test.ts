import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cribleBin, message, tempDir } from './helpers/mail.ts';

const run = (args: string[]) => spawnSync(process.execPath, [cribleBin, ...args], { encoding: 'utf8' });

describe('crible CLI', () => {
  it('lists every command in its help', () => {
    const out = execFileSync(process.execPath, [cribleBin, '--help'], { encoding: 'utf8' });
    for (const command of ['ingest', 'list', 'show', 'raw', 'stats', 'demo', 'verify', 'keys', 'proof']) {
      expect(out).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it.each([
    ['ingest'],
    ['list'],
    ['show'],
    ['raw'],
    ['stats'],
    ['demo'],
    ['verify'],
    ['keys', 'import'],
    ['keys', 'import-disclosed'],
    ['keys', 'list'],
    ['proof'],
  ])('has --help for %s %s', (...command) => {
    const result = run([...command.filter(Boolean), '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Usage: crible ${command.filter(Boolean).join(' ')}`);
  });

  it('exits 2 on an unknown option or a missing argument', () => {
    expect(run(['ingest', '--case']).status).toBe(2);
    expect(run(['list', '--no-such-option']).status).toBe(2);
  });

  it('exits 2 on a key file that cannot be read, before creating the case', () => {
    const root = tempDir();
    writeFileSync(join(root, 'm.eml'), message({ id: 'k' }));
    for (const option of ['--keys', '--disclosed']) {
      const result = run([
        'ingest',
        join(root, 'm.eml'),
        '--case',
        join(root, 'case'),
        option,
        join(root, 'nope'),
      ]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/cannot read file: no such file: .*nope/);
      expect(existsSync(join(root, 'case'))).toBe(false);
    }
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('shows progress on a terminal, on stderr only', () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    for (let i = 0; i < 300; i++)
      writeFileSync(join(dump, `m${i}.eml`), message({ id: `p${i}`, body: 'x'.repeat(20_000) }));
    // `script` gives the command a terminal; its stdout (the JSON) goes to a file so the two can be told apart.
    const json = join(root, 'out.json');
    const shown = execFileSync(
      'script',
      [
        '-qec',
        `'${process.execPath}' '${cribleBin}' ingest '${dump}' --case '${join(root, 'case')}' --json > '${json}'`,
        '/dev/null',
      ],
      { encoding: 'utf8' },
    );
    expect(shown).toMatch(
      /\d+ items · [\d.]+ (bytes|KB|MB) of [\d.]+ MB \(\d+%\) · (estimating time left|about \d+ (s|min))/,
    );
    expect(JSON.parse(execFileSync('cat', [json], { encoding: 'utf8' }))).toMatchObject({ messages: 300 });
  });
  if (!hasScript) console.warn('cli: `script` (util-linux) not found, the terminal progress test is skipped');
});
