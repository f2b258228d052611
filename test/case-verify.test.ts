import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSampleDump, type SampleManifest } from '../src/sample/build.ts';
import { crible, tempDir } from './helpers/mail.ts';

interface ListRow {
  id: number;
  type: string;
  path: string;
  verdict?: string | null;
}

const hasDkimpy = (() => {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import dkim'], { stdio: 'ignore' });
      return true;
    } catch {}
  }
  return false;
})();

describe('verification inside a case', () => {
  let root: string;
  let manifest: SampleManifest;
  let caseDir: string;
  let rows: ListRow[];
  const itemFor = (caseName: string): ListRow => {
    const sampleCase = manifest.cases.find((c) => c.name === caseName)!;
    const path = relative(manifest.dumpDir, join(manifest.root, sampleCase.paths[0]!));
    const row = rows.find((r) => r.path === path || r.path === sampleCase.paths[0]);
    if (!row) throw new Error(`no item for ${caseName} (${path})`);
    return row;
  };

  beforeAll(async () => {
    root = tempDir();
    manifest = await buildSampleDump(root);
    caseDir = join(root, 'case');
    // Ingest before any key is known: signed messages cannot be checked yet.
    const first = await crible(['ingest', manifest.dumpDir, '--case', caseDir, '--json']);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.verdicts['key-unavailable']).toBeGreaterThan(10);
    expect(summary.verdicts.authentic).toBeUndefined();

    const imported = await crible(['keys', 'import', manifest.keysFile, '--case', caseDir, '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)[0]).toMatchObject({
      records: manifest.keys.length,
      added: manifest.keys.length,
    });

    const reverified = await crible(['verify', '--case', caseDir, '--json']);
    expect(reverified.code).toBe(0);
    const result = JSON.parse(reverified.stdout);
    expect(result.checked).toBe(summary.verdicts['key-unavailable']);
    expect(result.changed.every((c: { from: string }) => c.from === 'key-unavailable')).toBe(true);
    // Only the sample's message whose key is deliberately missing from its key file stays so.
    expect(result.verdicts['key-unavailable']).toBe(
      manifest.cases.filter((c) => c.expectedVerdict.includes('key-unavailable')).length,
    );
    rows = JSON.parse((await crible(['list', '--case', caseDir, '--type', 'message', '--json'])).stdout);
  });

  it('a second re-verification has nothing left to change', async () => {
    const again = JSON.parse((await crible(['verify', '--case', caseDir, '--json'])).stdout);
    expect(again.checked).toBe(0);
    const all = JSON.parse((await crible(['verify', '--case', caseDir, '--all', '--json'])).stdout);
    expect(all.checked).toBeGreaterThan(40);
    expect(all.changed).toEqual([]);
  });

  it('lists the messages with given verdicts', async () => {
    const listed = await crible(['list', '--case', caseDir, '--verdict', 'altered', 'forgeable', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual(
      rows.filter((r) => r.verdict === 'altered' || r.verdict === 'forgeable'),
    );
    expect(JSON.parse(listed.stdout).map((r: ListRow) => r.id)).toContain(itemFor('body-altered').id);
    const wrong = await crible(['list', '--case', caseDir, '--verdict', 'genuine']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/not a verdict: genuine/);
  });

  it('gives each deliberate sample case its verdict', () => {
    expect(itemFor('body-altered').verdict).toBe('altered');
    expect(itemFor('second-subject').verdict).toBe('altered');
    expect(itemFor('rsa-1024').verdict).toBe('authentic-with-caveats');
    expect(itemFor('l-tag-appended').verdict).toBe('authentic-with-caveats');
    expect(itemFor('unsigned').verdict).toBe('unsigned');
    expect(rows.every((r) => typeof r.verdict === 'string')).toBe(true);
  });

  it('names the caveat and the altered part in show', async () => {
    const subject = JSON.parse(
      (await crible(['show', String(itemFor('second-subject').id), '--case', caseDir, '--json'])).stdout,
    );
    expect(subject.verification.signatures[0].flags).toContain('shown-header-unsigned:subject');
    const weak = JSON.parse(
      (await crible(['show', String(itemFor('rsa-1024').id), '--case', caseDir, '--json'])).stdout,
    );
    expect(weak.verification.signatures[0].flags).toContain('weak-key:1024');
    const appended = await crible(['show', String(itemFor('l-tag-appended').id), '--case', caseDir]);
    expect(appended.stdout).toMatch(
      /not covered by the signature \(the body after l=\):\n(?: {4}\|.*\n)*? {4}\| \S/,
    );
    const altered = await crible(['show', String(itemFor('body-altered').id), '--case', caseDir]);
    expect(altered.stdout).toMatch(/Verdict: altered/);
    expect(altered.stdout).toMatch(/headers authentic, body altered/);
  });

  it('counts verdicts and signature results in stats', async () => {
    const stats = JSON.parse((await crible(['stats', '--case', caseDir, '--json'])).stdout);
    const verdictTotal = Object.values(stats.verdicts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(verdictTotal).toBe(stats.byType.message);
    expect(stats.signatures.pass).toBeGreaterThan(40);
    expect(stats.signatures['fail-body']).toBeGreaterThanOrEqual(1);
  });

  it('lists the imported keys with their source', async () => {
    const keys = JSON.parse((await crible(['keys', 'list', '--case', caseDir, '--json'])).stdout);
    expect(keys.records).toHaveLength(manifest.keys.length);
    expect(keys.records[0].source).toContain('sample-keys.json');
  });

  it.skipIf(!hasDkimpy)('writes a proof that an independent verifier re-checks', async () => {
    const out = join(root, 'proof-good');
    const good = rows.find((r) => r.verdict === 'authentic')!;
    const proof = await crible(['proof', String(good.id), '--case', caseDir, '--out', out]);
    expect(proof.code).toBe(0);
    expect(readFileSync(join(out, 'transcript.txt'), 'utf8')).toMatch(/pass/);
    // The key that verified it, with where it came from.
    const used = JSON.parse(readFileSync(join(out, 'keys.json'), 'utf8'));
    expect(used).toHaveLength(1);
    expect(used[0]).toMatchObject({
      name: expect.stringMatching(/\._domainkey\./),
      source: expect.stringContaining('sample-keys.json'),
    });
    execFileSync('sh', [join(out, 'recheck.sh')], { stdio: 'pipe' });

    const bad = join(root, 'proof-bad');
    await crible(['proof', String(itemFor('body-altered').id), '--case', caseDir, '--out', bad]);
    expect(existsSync(join(bad, 'message.eml'))).toBe(true);
    const recheck = execFileSync('sh', [join(bad, 'recheck.sh')], { encoding: 'utf8' });
    expect(recheck).toMatch(/fail/i);
  });

  it('a disclosed key makes what it signed forgeable, in the case and for a single file', async () => {
    const weak = itemFor('rsa-1024');
    const list = join(root, 'disclosed.csv');
    writeFileSync(
      list,
      'domain,selector,disclosed,source\npresse.example,old1024,2017-05-01,https://presse.example/keys\n',
    );
    const imported = await crible(['keys', 'import-disclosed', list, '--case', caseDir, '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)[0]).toMatchObject({ keys: 1, added: 1, problems: [] });
    const listed = JSON.parse((await crible(['keys', 'list', '--case', caseDir, '--json'])).stdout);
    expect(listed.disclosed).toEqual([
      {
        domain: 'presse.example',
        selector: 'old1024',
        disclosed: '2017-05-01',
        source: 'https://presse.example/keys',
        publicKey: null,
      },
    ]);

    // Only the messages signed with that selector are re-checked, and they change.
    const reverified = JSON.parse((await crible(['verify', '--case', caseDir, '--json'])).stdout);
    expect(reverified.checked).toBeGreaterThanOrEqual(1);
    expect(reverified.changed).toContainEqual({
      itemId: weak.id,
      from: 'authentic-with-caveats',
      to: 'forgeable',
    });
    expect(reverified.changed.every((c: { to: string }) => c.to === 'forgeable')).toBe(true);
    const shown = await crible(['show', String(weak.id), '--case', caseDir]);
    expect(shown.stdout).toMatch(/Verdict: forgeable/);
    expect(shown.stdout).toMatch(/published on 2017-05-01 \(https:\/\/presse\.example\/keys\)/);

    const file = join(manifest.dumpDir, weak.path);
    const single = await crible(['verify', file, '--keys', manifest.keysFile, '--disclosed', list, '--json']);
    expect(single.stderr).toBe('');
    expect(JSON.parse(single.stdout).verdict).toBe('forgeable');
    const without = await crible(['verify', file, '--keys', manifest.keysFile, '--json']);
    expect(JSON.parse(without.stdout).verdict).toBe('authentic-with-caveats');

    // Known before ingest: the messages are judged with it as they are read.
    const fresh = join(root, 'case-disclosed');
    const args = ['--keys', manifest.keysFile, '--disclosed', list, '--json'];
    const ingested = JSON.parse(
      (await crible(['ingest', manifest.dumpDir, '--case', fresh, ...args])).stdout,
    );
    expect(ingested.disclosedImports).toMatchObject([{ path: list, keys: 1, added: 1, problems: [] }]);
    expect(ingested.verdicts.forgeable).toBe(reverified.changed.length);
    const shownFresh = JSON.parse(
      (await crible(['show', String(weak.id), '--case', fresh, '--json'])).stdout,
    );
    expect(shownFresh.verification.verdict).toBe('forgeable');
    expect(shownFresh.verification.signatures[0].key.disclosure).toEqual({
      disclosed: '2017-05-01',
      source: 'https://presse.example/keys',
    });
  });
});

if (!hasDkimpy) console.warn('case-verify: python3-dkim not installed, the proof re-check test is skipped');
