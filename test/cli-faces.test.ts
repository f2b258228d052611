// The CLI as a person meets it, through the real bin: start-up (the pinned Node, lazy modules), the
// verdict guide and colours, summaries, Ctrl-C during ingest, proof folders, errors and exit codes, and
// the default case.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { progressLine } from '../src/cli/commands/ingest.ts';
import { describeStats } from '../src/cli/commands/stats.ts';
import { analysisLine } from '../src/cli/live-line.ts';
import { fitLines } from '../src/cli/output.ts';
import { buildSampleDump } from '../src/sample/build.ts';
import { caseFilePath, type SampleLayout, sampleLayout } from '../src/sample/layout.ts';
import { VERDICTS } from '../src/verify/types.ts';
import { crible, cribleBin, mbox, message, tempDir } from './helpers/mail.ts';

/** The environment without anything that decides colour or the default case, plus `extra`. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'CRIBLE_CASE']) delete clean[name];
  return { ...clean, ...extra };
}

const run = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  crible(args, { env: env(), ...options });

/** The machine's own Node when it is older than 24 (the bin must start the pinned one itself). */
const olderNode = (() => {
  const found = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return (
    found.find(
      (node) =>
        Number(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.slice(1).split('.')[0]) < 24,
    ) ?? null
  );
})();
const hasScript = spawnSync('script', ['--version']).status === 0;

let sample: SampleLayout;
let caseDir: string;
beforeAll(async () => {
  const root = tempDir();
  sample = sampleLayout(join(root, 'sample'));
  await buildSampleDump(sample.root);
  caseDir = join(root, 'case');
  // Without the key "found later": one message is key-unavailable until it is imported.
  const ingested = await run([
    'ingest',
    sample.dumpDir,
    '--case',
    caseDir,
    '--keys',
    sample.keysFile,
    '--disclosed',
    sample.disclosedFile,
  ]);
  expect(ingested.code, ingested.stderr).toBe(0);
}, 120_000);

async function messageIds(): Promise<number[]> {
  const listed = await run(['list', '--case', caseDir, '--type', 'message', '--json']);
  return (JSON.parse(listed.stdout) as { id: number; type: string }[])
    .filter((r) => r.type === 'message')
    .map((r) => r.id);
}

describe('start-up', () => {
  it.skipIf(!olderNode)('starts the pinned Node when an older one launches the bin, from any folder', () => {
    const elsewhere = tempDir();
    const version = spawnSync(olderNode!, [cribleBin, '--version'], { cwd: elsewhere, encoding: 'utf8' });
    expect(version.stderr).toBe('');
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(cribleBin, '../../package.json'), 'utf8')).version,
    );
    // The exit code is passed through.
    const missing = spawnSync(olderNode!, [cribleBin, 'verify', join(elsewhere, 'nope.eml')], {
      cwd: elsewhere,
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file: .*nope\.eml/);
  });

  it.skipIf(!olderNode)(
    'passes a signal sent to the bin on to the pinned Node, and dies of it too',
    async () => {
      const fifo = join(tempDir(), 'keys.fifo');
      execFileSync('mkfifo', [fifo]);
      // Reading the FIFO blocks the pinned Node until the signal comes.
      const child = spawn(olderNode!, [cribleBin, 'keys', 'import', fifo, '--case', caseDir], { env: env() });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      child.kill('SIGTERM');
      const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
        child.on('exit', (c, s) => resolve([c, s])),
      );
      expect([code, signal]).toEqual([null, 'SIGTERM']);
    },
  );

  it('the README line puts crible on the PATH: `crible` runs from any folder', () => {
    const bin = join(cribleBin, '..');
    const result = spawnSync(
      'sh',
      ['-c', `export PATH="${bin}:$PATH" && cd "${tempDir()}" && crible --version`],
      {
        encoding: 'utf8',
        env: env(),
      },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('export PATH="$PWD/bin:$PATH"');
  });

  it('loads only what the command needs', () => {
    const hooks = join(tempDir(), 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { registerHooks } from 'node:module';
const seen = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(seen) + '\\n'));
`,
    );
    const loaded = (args: string[]) => {
      const result = spawnSync(process.execPath, ['--import', hooks, cribleBin, ...args], {
        encoding: 'utf8',
        env: env(),
      });
      expect(result.status, result.stderr).toBe(0);
      const urls: string[] = JSON.parse(/LOADED (.*)/.exec(result.stderr)![1]!);
      return urls.filter((u) => u.includes('/src/')).map((u) => u.slice(u.indexOf('/src/') + 1));
    };
    const version = loaded(['--version']);
    expect(version).toContain('src/cli/main.ts');
    expect(version.filter((u) => u.startsWith('src/core/') && u !== 'src/core/version.ts')).toEqual([]);
    expect(version.some((u) => u.startsWith('src/cli/commands/'))).toBe(false);
    const stats = loaded(['stats', '--case', caseDir]);
    expect(stats).toContain('src/store/sqlite/sqlite-store.ts');
    expect(stats).not.toContain('src/ingest/pipeline.ts');
    expect(stats).not.toContain('src/cli/commands/ingest.ts');
  });
});

describe('verdicts explained', () => {
  it('crible help verdicts: every verdict, altered and forgeable first, a glossary, what a pass does not prove', async () => {
    const guide = await run(['help', 'verdicts']);
    expect(guide.code).toBe(0);
    const at = VERDICTS.map((v) => guide.stdout.search(new RegExp(`^  ${v}$`, 'm')));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(guide.stdout.indexOf('  altered\n')).toBeLessThan(guide.stdout.indexOf('  authentic\n'));
    expect(guide.stdout.indexOf('  forgeable\n')).toBeLessThan(guide.stdout.indexOf('  authentic\n'));
    for (const term of ['l=', 't=', 'fail-body', 'lf-to-crlf', 'no-key'])
      expect(guide.stdout).toMatch(new RegExp(`^  ${term}\\s+\\S`, 'm'));
    expect(guide.stdout).toMatch(/What a pass does not prove/);
    expect(guide.stdout).not.toContain('\x1b[');
  });

  it('the README has the same guide', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const guide = readme.slice(readme.indexOf('## Verdict guide'));
    expect(readme).toContain('## Verdict guide');
    for (const v of VERDICTS) expect(guide).toContain(`\`${v}\``);
    for (const term of ['`l=`', '`t=`', '`fail-body`', '`lf-to-crlf`']) expect(guide).toContain(term);
    expect(guide).toMatch(/does not prove/);
  });

  it('verify explains its terms, says once what a pass does not prove, and colours the verdict only on a terminal', async () => {
    const altered = join(sample.dumpDir, caseFilePath('body-altered'));
    const plain = await run(['verify', altered, '--keys', sample.keysFile]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^Signature #1: fail-body \(the body is not the one signed/m);
    expect(plain.stdout.match(/does not prove/g)).toHaveLength(1);
    expect(plain.stdout).not.toContain('\x1b[');
    const forced = await run(['verify', altered, '--keys', sample.keysFile], {
      env: env({ FORCE_COLOR: '1' }),
    });
    expect(forced.stdout).toContain('Verdict: \x1b[31maltered\x1b[39m');
    const refused = await run(['verify', altered, '--keys', sample.keysFile], {
      env: env({ NO_COLOR: '1' }),
    });
    expect(refused.stdout).not.toContain('\x1b[');
  });

  it.skipIf(!hasScript)('colours on a real terminal, and not with NO_COLOR', () => {
    const command = (prefix: string) =>
      execFileSync(
        'script',
        [
          '-qec',
          `${prefix} '${process.execPath}' '${cribleBin}' verify '${join(sample.dumpDir, caseFilePath('body-altered'))}' --keys '${sample.keysFile}'`,
          '/dev/null',
        ],
        { encoding: 'utf8', env: env() },
      );
    expect(command('')).toContain('\x1b[31maltered');
    expect(command('NO_COLOR=1')).not.toContain('\x1b[31m');
  });
});

describe('summaries', () => {
  it('verify --case groups the verdict changes; one line per message only with --verbose', async () => {
    const imported = await run(['keys', 'import', sample.laterKeysFile, '--case', caseDir]);
    expect(imported.code, imported.stderr).toBe(0);
    const summary = await run(['verify', '--case', caseDir, '--all']);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toMatch(/^ {2}key-unavailable → authentic: 1$/m);
    expect(summary.stdout).toMatch(/Verdicts now \(whole case\):/);
    expect(summary.stdout).not.toMatch(/item \d+:/);
    // Nothing changes the second time: the summary says so, and --verbose lists nothing.
    const again = await run(['verify', '--case', caseDir, '--verbose']);
    expect(again.stdout).toMatch(/0 verdict\(s\) changed/);
  });

  it('crible stats text shows what its --json has: duplicate Message-IDs, findings, sizes in KB/MB', async () => {
    const json = JSON.parse((await run(['stats', '--case', caseDir, '--json'])).stdout);
    const text = (await run(['stats'], { env: env({ CRIBLE_CASE: caseDir }) })).stdout;
    expect(json.duplicateMessageIds.length).toBeGreaterThan(0);
    expect(text).toContain('Same Message-ID, different content');
    for (const d of json.duplicateMessageIds) expect(text).toContain(d.messageId);
    for (const code of Object.keys(json.findings)) expect(text).toContain(code);
    for (const verdict of Object.keys(json.verdicts))
      expect(text).toMatch(new RegExp(`\\d+ {2}${verdict}$`, 'm'));
    expect(text).toMatch(/\d+\.\d (KB|MB)/);
    expect(text).not.toMatch(/\d{6,} bytes/);
  });

  it('the progress line: a total and a share, no ETA before 2 s or 1% of the bytes', () => {
    const at = (items: number, bytesDone: number, elapsedMs: number) =>
      progressLine({ items, bytesDone, bytesTotal: 10_000_000, elapsedMs, currentPath: 'a' });
    expect(at(5, 5_000, 300)).toMatch(/of 9\.5 MB \(0%\) · estimating time left/);
    expect(at(50, 50_000, 5_000)).toContain('estimating time left');
    expect(at(500, 5_000_000, 10_000)).toMatch(/\(50%\) · about 10 s left for the files · 50 items\/s/);
  });

  it('the line after the files: each step under way with its count, the comparison of texts said before it', () => {
    expect(
      analysisLine([
        { step: 'extract', done: 4160, total: 4160 },
        { step: 'forensics', done: 0, total: 4160 },
        { step: 'index', done: 12000, total: 24160 },
      ]),
    ).toBe("forensic rules: comparing the documents' texts… · search index 12000 of 24160");
    expect(analysisLine([{ step: 'forensics', done: 200, total: 4160 }])).toBe('forensic rules 200 of 4160');
    expect(analysisLine([{ step: 'extract', done: 10, total: 10 }])).toBe('finishing…');
  });

  it('stats text holds what its JSON holds: sizes in KB/MB, duplicate Message-IDs, findings, unfinished sources', () => {
    const lines = describeStats({
      sources: 1,
      items: 3,
      byType: { message: 3 },
      byStatus: { ok: 3 },
      byFormat: { eml: 3 },
      occurrences: 3,
      duplicates: 0,
      bytes: 3 * 1024 * 1024,
      reasons: [],
      duplicateMessageIds: [{ messageId: '<a@x>', itemIds: [1, 2] }],
      verdicts: { altered: 1, authentic: 2 },
      signatures: { pass: 2, 'fail-body': 1 },
      findings: { 'dkim.weak-key': 1 },
      unfinishedSources: ['/dump'],
    }).join('\n');
    expect(lines).toContain('3.0 MB');
    expect(lines).toMatch(/<a@x>: items 1, 2/);
    expect(lines).toMatch(/ 1 {2}dkim\.weak-key/);
    expect(lines).toMatch(/Unfinished ingest .*run the same crible ingest again[^\n]*\n {2}\/dump/);
    expect(lines).toMatch(/^ +2 {2}authentic$/m);
    expect(fitLines(['  - a long reason that goes on and on past the edge'], 40)).toEqual([
      '  - a long reason that goes on and on',
      '    past the edge',
    ]);
  });
});

describe('interruptions and evidence', () => {
  it('Ctrl-C during ingest says what was saved, exits 130, and the same command resumes', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    for (let i = 0; i < 6000; i++)
      writeFileSync(join(dump, `m${i}.eml`), message({ id: `int${i}`, body: `x${i}\n${'y'.repeat(4000)}` }));
    const kase = join(root, 'case');
    const child = spawn(process.execPath, [cribleBin, 'ingest', dump, '--case', kase], { env: env() });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Interrupted once files are being recorded (a first blob written): a fixed delay lands after
    // the pipeline on a fast machine (6,000 small files take under 3 s there), and one counted from
    // case.db's creation landed before the handler was set on a loaded one (killed by the signal).
    const blobs = join(kase, 'blobs');
    const code = await new Promise<number | null>((resolve) => {
      const started = setInterval(() => {
        // Its shards are made as blobs are written (tmp/ is made with the case).
        if (!existsSync(blobs) || !readdirSync(blobs).some((name) => name !== 'tmp')) return;
        clearInterval(started);
        child.kill('SIGINT');
      }, 20);
      child.on('close', (c) => {
        clearInterval(started);
        resolve(c);
      });
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(
      /Interrupted: \d+ new item\(s\) recorded by this run .*\nRun the same command again to resume/,
    );
    const stats = await run(['stats', '--case', kase, '--json']);
    expect(JSON.parse(stats.stdout).unfinishedSources).toHaveLength(1);
    const text = await run(['stats', '--case', kase]);
    expect(text.stdout).toMatch(/Unfinished ingest \(interrupted or still running\).*\n {2}.*dump/);
    const resumed = await run(['ingest', dump, '--case', kase, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ messages: 6000 });
  }, 180_000);

  it('proof --out refuses a folder that is not empty; --force replaces only proof files', async () => {
    const [first, second] = await messageIds();
    const out = join(tempDir(), 'proof');
    const made = await run(['proof', String(first), '--case', caseDir, '--out', out]);
    expect(made.code, made.stderr).toBe(0);
    writeFileSync(join(out, 'message.repaired-7.eml'), 'from another proof');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const refused = await run(['proof', String(second), '--case', caseDir, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not empty: .*--force/);
    const forced = await run(['proof', String(second), '--case', caseDir, '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(join(out, 'message.repaired-7.eml'))).toBe(false);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(forced.stdout).toMatch(/Left as they were \(not proof files\): notes\.txt/);
    expect(readdirSync(out)).toContain('message.eml');
  });
});

describe('errors and exit codes', () => {
  it('verify of something that is not mail says so and exits 2', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]));
    const result = await run(['verify', join(root, 'photo.jpg')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/photo\.jpg is not a mail message/);
    writeFileSync(join(root, 'box.mbox'), mbox([message({ id: 'a' }), message({ id: 'b' })]));
    const box = await run(['verify', join(root, 'box.mbox')]);
    expect(box.code).toBe(2);
    expect(box.stderr).toMatch(/box\.mbox is an mbox .*crible ingest it/);
    const topic = await run(['help', 'nonsense']);
    expect(topic.code).toBe(2);
    expect(topic.stderr).toMatch(/no command or topic "nonsense"/);
  });

  it('an unknown option is reported as unknown, before a missing case', async () => {
    const result = await run(['keys', 'list', '--bogus'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--bogus'/);
    expect(result.stderr).toMatch(/^error: unknown option '--bogus'/);
    expect(result.stderr).not.toMatch(/required option|no case given/);
    // A required option missing too (--out): still the unknown one first.
    const proof = await run(['proof', '3', '--bogus'], { cwd: tempDir() });
    expect(proof.code).toBe(2);
    expect(proof.stderr).toMatch(/^error: unknown option '--bogus'/);
    const missing = await run(['proof', '3', '--case', caseDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: required option '--out <dir>' not specified/);
  });

  it('file errors name the file in words, never a bare ENOENT', async () => {
    const result = await run(['verify', '/nonexistent/m.eml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no such file: \/nonexistent\/m\.eml/);
    expect(result.stderr).not.toMatch(/ENOENT/);
    const keys = await run(['keys', 'import', '/nonexistent/k.json', '--case', caseDir]);
    expect(keys.code).toBe(2);
    expect(keys.stderr).toMatch(/no such file: \/nonexistent\/k\.json/);
  });

  it('keys import of a file with no key in it exits 3', async () => {
    const empty = join(tempDir(), 'empty.json');
    writeFileSync(empty, '{}');
    const result = await run(['keys', 'import', empty, '--case', caseDir]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/empty\.json/);
  });
});

describe('a default case', () => {
  it('CRIBLE_CASE stands for --case', async () => {
    const result = await run(['keys', 'list'], { env: env({ CRIBLE_CASE: caseDir }), cwd: tempDir() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/_domainkey/);
  });

  it('crible use <dir> remembers the case for this folder only; no case says how to give one', async () => {
    const here = tempDir();
    const none = await run(['keys', 'list'], { cwd: here });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no case given: add --case <dir>, set CRIBLE_CASE/);
    const used = await run(['use', caseDir], { cwd: here });
    expect(used.code, used.stderr).toBe(0);
    expect(readFileSync(join(here, '.crible-case'), 'utf8').trim()).toBe(caseDir);
    const listed = await run(['keys', 'list'], { cwd: here });
    expect(listed.code, listed.stderr).toBe(0);
    const shown = await run(['use'], { cwd: here });
    expect(shown.stdout).toContain(`Default case: ${caseDir}`);
    expect((await run(['keys', 'list'], { cwd: tempDir() })).code).toBe(2);
    await run(['use', '--clear'], { cwd: here });
    expect(existsSync(join(here, '.crible-case'))).toBe(false);
  });
});
