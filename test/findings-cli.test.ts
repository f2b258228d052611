// The faces of findings, through the real CLI on a case ingested here: `show --json` gives a
// document's metadata, findings (rule, severity, explanation, evidence) and provenance; `list
// --finding/--severity` lists what a rule fired on; `findings` summarises by rule, also as CSV.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDocx } from '../src/sample/documents.ts';
import { dkimSignatureFor, generateDkimKeys, keyFileJson } from '../src/sample/synth.ts';
import { messageWithAttachment } from './helpers/attached.ts';
import { crible, tempDir } from './helpers/mail.ts';

let caseDir: string;
const ids: Record<'signed' | 'original' | 'altered', number> = { signed: 0, original: 0, altered: 0 };

const minutes = (budget: string) =>
  makeDocx({
    title: 'Procès-verbal du bureau',
    creator: 'Bob Durand',
    lastModifiedBy: 'Bob Durand',
    created: new Date('2017-03-01T10:00:00Z'),
    modified: new Date('2017-03-02T11:00:00Z'),
    paragraphs: [
      'Procès-verbal de la réunion du bureau national, tenue au siège le premier mars 2017.',
      'Présents : la direction de campagne, le trésorier, la responsable presse et deux délégués régionaux.',
      `Le bureau approuve un budget de communication de ${budget} euros pour le second trimestre.`,
      'Le trésorier présentera les comptes détaillés lors de la prochaine réunion, avec les justificatifs.',
    ],
  });

const json = async (args: string[]) => {
  const r = await crible([...args, '--case', caseDir, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

beforeAll(async () => {
  const dir = tempDir('crible-findings-cli-');
  const [key] = generateDkimKeys([{ domain: 'campagne.example', selector: 'ed2017', type: 'ed25519' }]);
  const content = messageWithAttachment(
    'pv',
    'pv-bureau.docx',
    'application/octet-stream',
    await minutes('450 000'),
  );
  const signature = await dkimSignatureFor(content, key!, { signTime: new Date('2017-05-02T08:15:00Z') });
  writeFileSync(join(dir, 'a-signed.eml'), Buffer.concat([Buffer.from(signature), content]));
  writeFileSync(join(dir, 'b-pv bureau modifié.docx'), await minutes('4 500 000'));
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keyFileJson([key!])));
  caseDir = join(dir, 'case');
  const r = await crible(['ingest', dir, '--case', caseDir, '--keys', join(dir, 'keys.json')]);
  expect(r.code, r.stderr).toBe(0);
  const rows: { id: number; type: string; path: string }[] = await json(['list']);
  ids.signed = rows.find((row) => row.type === 'message')!.id;
  ids.original = rows.find((row) => row.type === 'attachment')!.id;
  ids.altered = rows.find((row) => row.path.endsWith('modifié.docx'))!.id;
});

describe('crible show --json for a document', () => {
  it('has its metadata, its findings with rule, severity, explanation and evidence, and its provenance', async () => {
    const shown = await json(['show', String(ids.altered)]);
    expect(shown.metadata.facts).toMatchObject({ title: 'Procès-verbal du bureau', authors: ['Bob Durand'] });
    expect(shown.metadata.fields).toContainEqual({
      group: 'core.xml',
      name: 'dc:creator',
      value: 'Bob Durand',
    });
    const altered = shown.findings.find((f: { rule: string }) => f.rule === 'altered-copy');
    expect(altered).toMatchObject({
      rule: 'altered-copy',
      code: 'forensics.altered-copy',
      severity: 'high',
      explanation: expect.stringMatching(/^Nearly the same text as an authenticated document/),
      evidence: { other: { itemId: ids.original }, diff: '−450 000 +4 500 000' },
    });
    // Strongest first.
    expect(shown.findings[0].severity).toBe('high');
    expect(shown.provenance).toMatchObject({
      authenticated: false,
      carriers: [],
      summary: [{ code: 'provenance.loose-only', text: expect.stringContaining('nothing vouches') }],
      foundAt: [{ itemId: ids.altered }, { type: 'source:directory' }],
    });
    expect(shown.text).toEqual({ source: 'document', characters: expect.any(Number) });
  });

  it('says the attachment of the authentic email is authenticated by it', async () => {
    const shown = await json(['show', String(ids.original)]);
    expect(shown.provenance).toMatchObject({
      authenticated: true,
      carriers: [{ itemId: ids.signed, verdict: 'authentic', filename: 'pv-bureau.docx', vouches: true }],
    });
    expect(shown.findings.filter((f: { severity: string }) => f.severity === 'high')).toEqual([]);
  });

  it('prints it for a person: provenance, findings in words with their evidence, facts and fields', async () => {
    const r = await crible(['show', String(ids.altered), '--case', caseDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Provenance:\n  Found only outside any email (one place)');
    expect(r.stdout).toMatch(/\n {2}high +altered-copy — Nearly the same text as an authenticated document/);
    expect(r.stdout).toContain('· diff: −450 000 +4 500 000');
    expect(r.stdout).toMatch(/\n {2}Author\(s\) +Bob Durand\n/);
    expect(r.stdout).toMatch(/\n {2}core\.xml\n {4}dc:title +Procès-verbal du bureau\n/);
    expect(r.stdout).not.toContain('\u001b');
    const original = await crible(['show', String(ids.original), '--case', caseDir]);
    expect(original.stdout).toMatch(
      new RegExp(
        `Authenticated by its carrier[^]*\\n {4}email ${ids.signed} {2}authentic {2}Tue, 02 May 2017`,
      ),
    );
  });
});

describe('crible list --finding, --severity', () => {
  it('lists the items a rule fired on, at a severity', async () => {
    const listed = (args: string[]) =>
      json(['list', ...args]).then((rows) => rows.map((r: { id: number }) => r.id));
    expect(await listed(['--finding', 'altered-copy'])).toEqual([ids.altered]);
    expect(await listed(['--finding', 'forensics.altered-copy'])).toEqual([ids.altered]);
    expect(await listed(['--severity', 'high'])).toEqual([ids.altered]);
    expect(await listed(['--finding', 'loose-only', '--severity', 'high'])).toEqual([]);
    const [row] = await json(['list', '--finding', 'altered-copy']);
    expect(row.findings).toContainEqual({ rule: 'altered-copy', severity: 'high' });
    // Asked for by finding, the table says which fired.
    const table = await crible(['list', '--case', caseDir, '--severity', 'high', 'low']);
    expect(table.stdout.split('\n')[0]).toMatch(/^id +what +status +findings +where$/);
    expect(table.stdout).toMatch(new RegExp(`\\n${ids.altered} +document \\(docx\\) +ok +high altered-copy`));
  });

  it('says what to fix when a severity is not one', async () => {
    const r = await crible(['list', '--case', caseDir, '--severity', 'severe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--severity: not a severity: severe (one of high, medium, low, info)');
  });
});

describe('crible findings', () => {
  it('summarises by rule: items, severity, what it means; as JSON and CSV too', async () => {
    const summary = await json(['findings']);
    expect(summary.rules[0]).toMatchObject({
      rule: 'altered-copy',
      severity: 'high',
      items: 1,
      bySeverity: { high: 1, medium: 0, low: 0, info: 0 },
      headline: 'Nearly the same text as an authenticated document, but not identical.',
    });
    const csv = await crible(['findings', '--case', caseDir, '--csv']);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'rule',
      'code',
      'analyser',
      'severity',
      'items',
      'high',
      'medium',
      'low',
      'info',
      'headline',
    ]);
    expect(rows[0]).toMatchObject({
      rule: 'altered-copy',
      code: 'forensics.altered-copy',
      items: '1',
      high: '1',
    });
    const text = await crible(['findings', '--case', caseDir]);
    expect(text.stdout).toMatch(
      /^\d+ rules? fired on \d+ items? \(1 high-severity finding to look at first\)/,
    );
    expect(text.stdout).toMatch(/\naltered-copy +high +1 {2}Nearly the same text/);
    expect(text.stdout).toContain('The items of a rule: crible list --finding <rule>');
  });
});
