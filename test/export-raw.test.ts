// Exports that carry evidence: mbox and a zip of .eml files hold each message's bytes exactly as it
// was sent (an exported mbox ingested into a new case gives the same messages and verdicts), proofs
// come with the authentic ones, a search selects what is exported, and redaction masks personal data
// in rows but is refused on raw formats.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { escapeMboxrd, MBOX_RD_UNESCAPE, unescapeMbox } from '../src/ingest/formats/mbox.ts';
import { Redactor } from '../src/report/redact.ts';
import { buildSampleDump, type SampleManifest } from '../src/sample/build.ts';
import { sha256Hex } from '../src/store/blobs.ts';
import { crible, tempDir } from './helpers/mail.ts';

let root: string;
let manifest: SampleManifest;
let caseDir: string;
interface Row {
  id: number;
  messageId: string | null;
  verdict: string | null;
  sha256: string;
}
let messages: Row[];

const listMessages = async (dir: string): Promise<Row[]> =>
  JSON.parse((await crible(['list', '--case', dir, '--type', 'message', '--json'])).stdout);

beforeAll(async () => {
  root = tempDir();
  manifest = await buildSampleDump(root);
  caseDir = join(root, 'case');
  const run = await crible([
    'ingest',
    manifest.dumpDir,
    '--case',
    caseDir,
    '--keys',
    manifest.keysFile,
    '--disclosed',
    manifest.disclosedFile,
  ]);
  expect(run.code).toBe(0);
  messages = await listMessages(caseDir);
}, 120_000);

function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}

describe('crible export --format mbox', () => {
  it('re-ingested into a new case gives the same messages and the same verdicts', async () => {
    const out = join(root, 'all.mbox');
    const run = await crible(['export', '--case', caseDir, '--format', 'mbox', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${messages.length} message(s) written`);
    const again = join(root, 'case-again');
    const ingest = await crible([
      'ingest',
      out,
      '--case',
      again,
      '--keys',
      manifest.keysFile,
      '--disclosed',
      manifest.disclosedFile,
    ]);
    expect(ingest.code).toBe(0);
    const reread = await listMessages(again);
    const key = (r: Row) => `${r.messageId} ${r.verdict}`;
    // Distinct contents: the same message found twice in the dump is one item, and one mbox member.
    expect(reread.map(key).sort()).toEqual(messages.map(key).sort());
    expect(new Set(reread.map((r) => r.verdict))).toEqual(new Set(messages.map((r) => r.verdict)));
  }, 120_000);
});

describe('crible export --format eml-zip', () => {
  it('holds every message byte for byte as sent, with a manifest and the proofs of the authentic ones', async () => {
    const out = join(root, 'all.zip');
    const run = await crible([
      'export',
      '--case',
      caseDir,
      '--format',
      'eml-zip',
      '--out',
      out,
      '--with-proofs',
    ]);
    expect(run.code).toBe(0);
    const authentic = messages.filter(
      (m) => m.verdict === 'authentic' || m.verdict === 'authentic-with-caveats',
    );
    expect(authentic.length).toBeGreaterThan(3);
    expect(run.stdout).toContain(`${authentic.length} proof folder(s)`);
    const files = await unzip(out);
    const rows = parse(files.get('manifest.csv')!, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(messages.length);
    for (const row of rows) {
      const bytes = files.get(row.file!)!;
      expect(sha256Hex(bytes)).toBe(row.sha256);
      // Bytes stored as an mbox member differ from those sent only by the escaping the manifest names.
      if (!row.undone) expect(row.sha256).toBe(row.stored_sha256);
      else expect(row.undone).toMatch(/unescape/);
    }
    expect(rows.some((r) => r.undone)).toBe(true);
    for (const m of authentic) {
      expect(files.has(`proofs/${m.id}/transcript.txt`)).toBe(true);
      // The proof holds the stored bytes, exactly.
      expect(sha256Hex(files.get(`proofs/${m.id}/message.eml`)!)).toBe(m.sha256);
    }
    const altered = messages.find((m) => m.verdict === 'altered')!;
    expect(files.has(`proofs/${altered.id}/transcript.txt`)).toBe(false);
  }, 120_000);

  it('refuses --redact, and --with-proofs on rows', async () => {
    const zip = await crible([
      'export',
      '--case',
      caseDir,
      '--format',
      'eml-zip',
      '--out',
      join(root, 'r.zip'),
      '--redact',
    ]);
    expect(zip.code).toBe(2);
    expect(zip.stderr).toMatch(/original bytes, which are never changed/);
    const csv = await crible([
      'export',
      '--case',
      caseDir,
      '--format',
      'csv',
      '--out',
      join(root, 'p.csv'),
      '--with-proofs',
    ]);
    expect(csv.code).toBe(2);
  });
});

describe('crible export --query', () => {
  it('exports only what the search finds', async () => {
    const out = join(root, 'q.jsonl');
    const run = await crible([
      'export',
      '--case',
      caseDir,
      '--format',
      'jsonl',
      '--out',
      out,
      '--query',
      'verdict:altered',
    ]);
    expect(run.code).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.length).toBe(messages.filter((m) => m.verdict === 'altered').length);
    expect(rows.every((r) => r.verdict === 'altered')).toBe(true);
  });

  it('names what is wrong in a query', async () => {
    const run = await crible([
      'export',
      '--case',
      caseDir,
      '--format',
      'csv',
      '--out',
      '-',
      '--query',
      '"unclosed',
    ]);
    expect(run.code).toBe(2);
  });
});

describe('redaction', () => {
  it('masks addresses, phone numbers, IBANs and postal addresses not allowed, the same value by the same mask', () => {
    const r = new Redactor(['@campagne.example', '+33 1 40 00 00 00']);
    const text = r.redact(
      'Écrire à jean.dupont@gmail.com ou alice@campagne.example, tél. 06 12 34 56 78 (ou +33 6 12 34 56 78), standard +33 1 40 00 00 00. ' +
        'Virement sur FR76 3000 6000 0112 3456 7890 189, pas FR76 3000 6000 0112 3456 7890 188. ' +
        'Rendez-vous au 12 bis, rue de la Paix, 75002 Paris ; or 10 Downing Street. Budget 1 200 000 € le 2017-05-03. ' +
        'Copie à Jean.Dupont@gmail.com.',
    );
    expect(text).toBe(
      'Écrire à [email 1] ou alice@campagne.example, tél. [phone 1] (ou [phone 1]), standard +33 1 40 00 00 00. ' +
        'Virement sur [iban 1], pas FR76 3000 6000 0112 3456 7890 188. ' +
        'Rendez-vous au [address 1] ; or [address 2]. Budget 1 200 000 € le 2017-05-03. ' +
        'Copie à [email 1].',
    );
    expect(r.redactions().map((x) => [x.mask, x.count])).toEqual([
      ['[email 1]', 2],
      ['[iban 1]', 1],
      ['[phone 1]', 2],
      ['[address 1]', 1],
      ['[address 2]', 1],
    ]);
  });

  it('redacts a csv export and lists what each mask replaced beside it', async () => {
    const dir = join(root, 'redacted');
    mkdirSync(dir);
    const allow = join(dir, 'allow.txt');
    writeFileSync(allow, '# the campaign itself\n@campagne.example\n');
    const out = join(dir, 'rows.csv');
    const run = await crible([
      'export',
      '--case',
      caseDir,
      '--format',
      'csv',
      '--out',
      out,
      '--redact',
      '--allow',
      allow,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Masked: \d+ emails?/);
    const rows = parse(readFileSync(out), { columns: true, bom: true }) as Record<string, string>[];
    const all = rows.map((r) => `${r.from} ${r.to} ${r.cc}`).join(' ');
    expect(all).not.toMatch(/@(?!campagne\.example)[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(all).toMatch(/\[email \d+\]/);
    const list = parse(readFileSync(`${out}.redactions.csv`), { columns: true, bom: true }) as Record<
      string,
      string
    >[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((l) => l.kind && l.mask && l.value && Number(l.count) > 0)).toBe(true);
  });
});

describe('mboxrd escaping', () => {
  it('is undone exactly by the reader’s unescaping, whatever From lines a message holds', () => {
    const message = Buffer.from(
      'Subject: x\r\n\r\nFrom here\r\n>From quoted\r\n>>From deeper\r\nFromage\r\n',
    );
    const escaped = escapeMboxrd(message);
    expect(escaped.toString()).toBe(
      'Subject: x\r\n\r\n>From here\r\n>>From quoted\r\n>>>From deeper\r\nFromage\r\n',
    );
    expect(unescapeMbox(escaped, MBOX_RD_UNESCAPE).equals(message)).toBe(true);
  });
});
