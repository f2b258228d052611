// Reading a case as a journalist does, through the real CLI: a message's text and attachments
// (`show`), saving the attachments under safe names (`attachments`), raw bytes kept off a terminal
// (`raw`), a list that answers who/when/what questions (`list`), and the rows sent to colleagues
// (`export`). Every case is built here, at test time, with the answers known.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { dateBound, listFilter, VERDICT_ORDER } from '../src/core/item-list.ts';
import { isBinary, safeFilename } from '../src/core/message-view.ts';
import { crible, cribleBin, mbox, message, placement, tempDir } from './helpers/mail.ts';

interface Spec {
  name: string;
  id: string;
  from: string;
  to: string;
  cc?: string;
  date: string;
  iso: string;
  subject: string;
}

// Ground truth for the filters: who wrote to whom and when.
const SPECS: Spec[] = [
  {
    name: 'a.eml',
    id: 'a',
    from: 'Alice Martin <alice@campagne.example>',
    to: 'bob@presse.example',
    date: 'Tue, 02 May 2017 10:15:00 +0200',
    iso: '2017-05-02T08:15:00.000Z',
    subject: 'Budget, "version 2"',
  },
  {
    name: 'b.eml',
    id: 'b',
    from: 'carol@gouv.example',
    to: 'alice@campagne.example',
    cc: 'dan@sub.presse.example',
    date: 'Sun, 10 Jan 2016 09:00:00 +0000',
    iso: '2016-01-10T09:00:00.000Z',
    subject: 'Réunion',
  },
  {
    name: 'c.eml',
    id: 'c',
    from: 'eve@presse.example',
    to: 'carol@gouv.example',
    date: 'Thu, 01 Mar 2018 23:30:00 -0100',
    iso: '2018-03-02T00:30:00.000Z',
    subject: 'Hors ligne',
  },
  {
    name: 'd.eml',
    id: 'd',
    from: 'wang@example.cn',
    to: 'alice@campagne.example',
    date: 'Thu, 15 Jun 2017 08:00:00 +0800',
    iso: '2017-06-15T00:00:00.000Z',
    // Wide characters, a tab and an escape sequence: the list must still fit and stay inert.
    subject: `${'会议记录'.repeat(20)}\tfin \u001b[2J`,
  },
];

const BODY_A = 'Bonjour Bob,\nle budget est en pièce jointe.\nAlice';
const PDF = Buffer.from('%PDF-1.4\n% not really\n%%EOF\n');
const LONG_NAME = `${'n'.repeat(300)}.pdf`;
// Hostile names: a path up and out, a separator, a hidden file, a direction override, a collision.
const ATTACHMENTS: { name: string; bytes: Buffer }[] = [
  { name: 'rapport.pdf', bytes: PDF },
  { name: 'rapport.pdf', bytes: Buffer.from('second copy, other bytes') },
  { name: '../../../evil.sh', bytes: Buffer.from('#!/bin/sh\necho pwned\n') },
  { name: 'a/b\\c.txt', bytes: Buffer.from('sep') },
  { name: '.bashrc', bytes: Buffer.from('alias ls=rm') },
  { name: 'photo\u202egpj.exe', bytes: Buffer.from('MZ\u0000\u0000') },
  { name: LONG_NAME, bytes: Buffer.from('long') },
];

function withAttachments(spec: Spec): Buffer {
  const boundary = 'b0undary';
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    BODY_A,
  ];
  for (const a of ATTACHMENTS) {
    const encoded = `=?utf-8?B?${Buffer.from(a.name).toString('base64')}?=`;
    parts.push(
      `--${boundary}`,
      `Content-Type: application/octet-stream; name="${encoded}"`,
      `Content-Disposition: attachment; filename="${encoded}"`,
      'Content-Transfer-Encoding: base64',
      '',
      a.bytes.toString('base64'),
    );
  }
  parts.push(`--${boundary}--`, '');
  const head = [
    `From: ${spec.from}`,
    `To: ${spec.to}`,
    `Subject: ${spec.subject}`,
    `Date: ${spec.date}`,
    `Message-ID: <${spec.id}@campagne.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
  ];
  return Buffer.from([...head, ...parts].join('\r\n'));
}

function htmlOnly(spec: Spec): Buffer {
  return Buffer.from(
    [
      `From: ${spec.from}`,
      `To: ${spec.to}`,
      `Subject: ${spec.subject}`,
      `Date: ${spec.date}`,
      `Message-ID: <${spec.id}@campagne.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><body><p>Rendez-vous <b>demain</b> au siège.</p><p>Eve</p></body></html>',
      '',
    ].join('\r\n'),
  );
}

const MBOX_SPECS: Spec[] = [1, 2].map((n) => ({
  name: 'archive.mbox',
  id: `m${n}`,
  from: `frank${n}@campagne.example`,
  to: 'alice@campagne.example',
  date: `Mon, 0${n} Jan 2018 12:00:00 +0000`,
  iso: `2018-01-0${n}T12:00:00.000Z`,
  subject: `Membre ${n}`,
}));
const ALL = [...SPECS, ...MBOX_SPECS];

interface Row {
  id: number;
  type: string;
  messageId: string | null;
  date: string | null;
  place: string;
  verdict: string | null;
}

let root: string;
let caseDir: string;
const ids = new Map<string, number>();

async function json(args: string[]): Promise<Row[]> {
  const run = await crible([...args, '--case', caseDir, '--json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

beforeAll(async () => {
  root = tempDir();
  const dump = join(root, 'dump');
  mkdirSync(dump);
  writeFileSync(join(dump, 'a.eml'), withAttachments(SPECS[0]!));
  const b = SPECS[1]!;
  writeFileSync(
    join(dump, 'b.eml'),
    message({ ...b, extraHeaders: [`Cc: ${b.cc}`], body: 'Ligne 1\nLigne 2\nVerdict: authentic' }),
  );
  writeFileSync(join(dump, 'c.eml'), htmlOnly(SPECS[2]!));
  writeFileSync(join(dump, 'd.eml'), message(SPECS[3]!));
  writeFileSync(join(dump, 'archive.mbox'), mbox(MBOX_SPECS.map((s) => message(s))));
  writeFileSync(join(dump, 'blob.dat'), Buffer.from([0x00, 0x01, 0x02, 0xff, 0x1b, 0x5b, 0x32, 0x4a]));
  caseDir = join(root, 'case');
  const ingest = await crible(['ingest', dump, '--case', caseDir]);
  expect(ingest.code).toBe(0);
  for (const row of await json(['list']))
    if (row.messageId) ids.set(row.messageId.replace(/^<|@.*$/g, ''), row.id);
    else if (row.place === 'blob.dat') ids.set('blob', row.id);
  expect([...ids.keys()].sort()).toEqual(['a', 'b', 'blob', 'c', 'd', 'm1', 'm2']);
});

describe('crible show', () => {
  it('prints the headers, the verdict, the decoded body and each attachment with its name and size', async () => {
    const run = await crible(['show', String(ids.get('a')), '--case', caseDir]);
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain('Subject: Budget, "version 2"');
    expect(out).toContain('Verdict: unsigned');
    for (const line of BODY_A.split('\n')) expect(out).toContain(line);
    expect(out.indexOf('le budget est en pièce jointe.')).toBeGreaterThan(out.indexOf('Verdict: unsigned'));
    expect(out).toMatch(/Attachments \(7\):/);
    expect(out).toMatch(/ rapport\.pdf {2}\d+ bytes {2}application\/octet-stream/);
    expect(out).toContain('../../../evil.sh');
    // The direction override in a name is shown as an escape, never acted on by the terminal.
    expect(out).toContain('photo\\u202egpj.exe');
    expect(out).not.toContain('\u202e');
  });

  it('names an mbox member by its mbox and position, and shows the verdict once', async () => {
    const run = await crible(['show', String(ids.get('m2')), '--case', caseDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/item \d+ \(message\) archive\.mbox #2 \[bytes \d+–\d+\]/);
    expect(run.stdout.match(/Verdict: /g)).toHaveLength(1);
    expect(run.stdout).toContain('Verification:');
  });

  it('colours the verdict of the headers only: a body line saying "Verdict: authentic" stays plain', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '1' };
    delete env.NO_COLOR;
    const run = await crible(['show', String(ids.get('b')), '--case', caseDir], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Verdict: \u001b[2munsigned');
    expect(run.stdout).toContain('\nVerdict: authentic\n');
    // No colour after the headers, up to the provenance's heading: not on the body's line, not in the verification.
    expect(
      run.stdout.slice(
        run.stdout.indexOf('Ligne 1'),
        run.stdout.lastIndexOf('\n', run.stdout.indexOf('Found at:')),
      ),
    ).not.toContain('\u001b');
    const list = await crible(['list', '--case', caseDir, '--from', 'carol@gouv.example'], { env });
    expect(list.stdout).toMatch(/Réunion +\u001b\[2munsigned\u001b\[/);
  });

  it('turns an HTML-only message into readable text, and never pages when stdout is not a terminal', async () => {
    const run = await crible(['show', String(ids.get('c')), '--case', caseDir], {
      env: { ...process.env, PAGER: 'false' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(text of the HTML body)');
    expect(run.stdout).toMatch(/Rendez-vous \*?\*?demain\*?\*? au siège\./i);
    expect(run.stdout).not.toContain('<b>');
  });
});

describe('crible attachments', () => {
  it('saves every copy under a sanitised name, suffixes collisions, and writes nothing outside --out', async () => {
    const out = join(root, 'saved', 'deep', 'er');
    const run = await crible([
      'attachments',
      String(ids.get('a')),
      '--case',
      caseDir,
      '--out',
      out,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const saved = JSON.parse(run.stdout) as { filename: string; savedAs: string }[];
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(ATTACHMENTS.length);
    expect(files).toContain('rapport.pdf');
    expect(files).toContain('rapport-2.pdf');
    expect(files).toContain('evil.sh');
    expect(files).toContain('a_b_c.txt');
    expect(files).toContain('bashrc');
    expect(files).toContain('photo_gpj.exe');
    for (const name of files) {
      expect(name).not.toMatch(/^\.|\.\.|[/\\\u0000-\u001f\u202e]/);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(208);
    }
    expect(files.find((f) => f.startsWith('nnnn'))).toMatch(/^n+\.pdf$/);
    // Nothing escaped upwards: no evil.sh anywhere above --out.
    for (const dir of [join(root, 'saved', 'deep'), join(root, 'saved'), root, join(root, '..')])
      expect(existsSync(join(dir, 'evil.sh'))).toBe(false);
    // Each saved file holds the bytes of the copy it was saved for.
    for (const s of saved) {
      const bytes = readFileSync(join(out, s.savedAs));
      expect(ATTACHMENTS.some((a) => a.name === s.filename && a.bytes.equals(bytes))).toBe(true);
    }
    // Again into the same folder: nothing is overwritten, new copies get new suffixes.
    const again = await crible(['attachments', String(ids.get('a')), '--case', caseDir, '--out', out]);
    expect(again.code).toBe(0);
    expect(readdirSync(out)).toHaveLength(2 * ATTACHMENTS.length);
    expect(readFileSync(join(out, 'rapport.pdf')).equals(PDF)).toBe(true);
    expect(readdirSync(out)).toContain('rapport-3.pdf');
  });

  it('never writes through a link already in --out', async () => {
    const out = join(root, 'linked');
    mkdirSync(out);
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, join(out, 'evil.sh'));
    symlinkSync(victim, join(out, 'RAPPORT.pdf'));
    const run = await crible(['attachments', String(ids.get('a')), '--case', caseDir, '--out', out]);
    expect(run.code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['evil-2.sh', 'rapport-2.pdf', 'rapport-3.pdf']));
  });

  it('sanitises names by rule', () => {
    expect(safeFilename('../../etc/passwd', 'x')).toBe('etc_passwd');
    expect(safeFilename('..', 'fallback')).toBe('fallback');
    expect(safeFilename(null, 'attachment-3')).toBe('attachment-3');
    expect(safeFilename('CON.txt', 'x')).toBe('_CON.txt');
    expect(safeFilename('a\u0007b\u202ec', 'x')).toBe('a_b_c');
    expect(safeFilename(`${'é'.repeat(300)}.docx`, 'x')).toMatch(/^é+\.docx$/);
    expect(Buffer.byteLength(safeFilename(`${'é'.repeat(300)}.docx`, 'x'))).toBeLessThanOrEqual(200);
  });
});

describe('crible raw', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;
  const inTerminal = (args: string[]) => {
    const command = [process.execPath, cribleBin, ...args].map((a) => `'${a}'`).join(' ');
    return spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'latin1',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  };

  it('writes exact bytes to a pipe, binary included', async () => {
    const blob = spawnSync(process.execPath, [cribleBin, 'raw', String(ids.get('blob')), '--case', caseDir]);
    expect(blob.status).toBe(0);
    expect(blob.stdout.equals(Buffer.from([0x00, 0x01, 0x02, 0xff, 0x1b, 0x5b, 0x32, 0x4a]))).toBe(true);
  });

  it.runIf(hasScript)('refuses binary on a terminal unless --force, and writes text there', () => {
    const refused = inTerminal(['raw', String(ids.get('blob')), '--case', caseDir]);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toContain('is binary');
    expect(refused.stdout).not.toContain('\u0000');
    const forced = inTerminal(['raw', String(ids.get('blob')), '--case', caseDir, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('\u0000\u0001\u0002');
    const text = inTerminal(['raw', String(ids.get('b')), '--case', caseDir]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Ligne 2');
  });

  it.runIf(hasScript)('pages a long show through $PAGER on a terminal, not with --no-pager', () => {
    const env = { ...process.env, PAGER: 'sed s/^/PAGED:/' };
    const show = (extra: string[]) =>
      spawnSync(
        'script',
        [
          '-qec',
          [process.execPath, cribleBin, 'show', String(ids.get('a')), '--case', caseDir, ...extra]
            .map((a) => `'${a}'`)
            .join(' '),
          '/dev/null',
        ],
        { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    const paged = show([]);
    expect(paged.status).toBe(0);
    expect(paged.stdout).toContain('PAGED:Subject: Budget');
    const plain = show(['--no-pager']);
    expect(plain.stdout).toContain('Subject: Budget');
    expect(plain.stdout).not.toContain('PAGED:');
  });

  it('tells binary from text', () => {
    expect(isBinary(Buffer.from('Subject: x\r\n\tfolded\r\n\f'))).toBe(false);
    expect(isBinary(Buffer.from('caf\xe9', 'latin1'))).toBe(false);
    expect(isBinary(Buffer.from('a\u0000b'))).toBe(true);
    expect(isBinary(Buffer.from('\u001b]0;title\u0007'))).toBe(true);
  });
});

describe('crible list', () => {
  const idsOf = (specs: Spec[]) => specs.map((s) => ids.get(s.id)!);
  const messagesOf = async (args: string[]) => (await json(['list', ...args])).map((r) => r.id);
  const byId = (specs: Spec[]) => idsOf(specs).sort((x, y) => x - y);
  const has = (list: string, who: string) => list.toLowerCase().includes(who);
  const participants = (s: Spec) => [s.from, s.to, s.cc ?? ''].join(',');

  it('filters by sender, recipient, domain and dates in the store, as the ground truth says', async () => {
    expect(await messagesOf(['--from', 'alice@campagne.example'])).toEqual(
      byId(ALL.filter((s) => has(s.from, 'alice@campagne.example'))),
    );
    expect(await messagesOf(['--from', 'campagne.example'])).toEqual(
      byId(ALL.filter((s) => has(s.from, '@campagne.example'))),
    );
    // A domain matches its subdomains (dan@sub.presse.example is in Cc of b).
    expect(await messagesOf(['--to', 'presse.example'])).toEqual(byId([SPECS[0]!, SPECS[1]!]));
    expect(await messagesOf(['--to', 'ALICE@campagne.example'])).toEqual(
      byId(ALL.filter((s) => has(s.to, 'alice@campagne.example'))),
    );
    expect(await messagesOf(['--domain', 'gouv.example'])).toEqual(
      byId(ALL.filter((s) => has(participants(s), 'gouv.example'))),
    );
    expect(await messagesOf(['--since', '2017-05-02', '--until', '2018-01-01'])).toEqual(
      byId(ALL.filter((s) => s.iso >= '2017-05-02' && s.iso < '2018-01-02')),
    );
    // A day given to --until is included whole; a time is exact.
    expect(await messagesOf(['--until', '2016-01-10'])).toEqual(byId([SPECS[1]!]));
    expect(await messagesOf(['--until', '2016-01-10T09:00Z'])).toEqual([]);
    expect(await messagesOf(['--since', '2018-03-02T00:30:00Z'])).toEqual(byId([SPECS[2]!]));
    const bad = await crible(['list', '--case', caseDir, '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: not a date');
  });

  it('reads dates as a person types them: a day or a month is included whole, zones honoured', () => {
    expect(dateBound('2017-05-02', 'since')).toBe('2017-05-02T00:00:00.000Z');
    expect(dateBound('2017-05-02', 'until')).toBe('2017-05-03T00:00:00.000Z');
    expect(dateBound('2017-12', 'until')).toBe('2018-01-01T00:00:00.000Z');
    expect(dateBound('2017-05-02T10:15', 'since')).toBe('2017-05-02T10:15:00.000Z');
    expect(dateBound('2017-05-02T10:15+02:00', 'until')).toBe('2017-05-02T08:15:00.000Z');
    expect(dateBound('2017-02-30', 'since')).toBeNull();
    expect(dateBound('last week', 'since')).toBeNull();
  });

  it('sorts by date, sender and verdict, and pages with --limit and --offset', async () => {
    const byDate = [...ALL].sort((x, y) => x.iso.localeCompare(y.iso));
    expect(await messagesOf(['--type', 'message', '--sort', 'date'])).toEqual(idsOf(byDate));
    const address = (s: Spec) => (/<(.*)>/.exec(s.from)?.[1] ?? s.from).toLowerCase();
    const byFrom = [...ALL].sort((x, y) => address(x).localeCompare(address(y)));
    expect(await messagesOf(['--type', 'message', '--sort', 'from'])).toEqual(idsOf(byFrom));
    expect(
      await messagesOf(['--type', 'message', '--sort', 'date', '--limit', '2', '--offset', '1']),
    ).toEqual(idsOf(byDate.slice(1, 3)));
    const verdicts = await json(['list', '--type', 'message', '--sort', 'verdict']);
    expect(verdicts.every((r) => r.verdict === 'unsigned')).toBe(true);
    const bad = await crible(['list', '--case', caseDir, '--sort', 'size']);
    expect(bad.code).toBe(2);
  });

  it('sorts by verdict in the store, what to look at first on top, unanalysed items last', async () => {
    const kase = openCase(join(tempDir(), 'case'), { create: true });
    try {
      const store = kase.store;
      const sourceId = await store.transaction((w) => w.openSource('/dump', 'directory').id);
      // Items 1..7 get the verdicts in an order unlike VERDICT_ORDER; item 8 has none.
      const given = [
        'authentic',
        'unsigned',
        'altered',
        'authentic-with-caveats',
        'key-unavailable',
        'forgeable',
        'unverifiable',
      ];
      await store.transaction((w) => {
        for (const [n, verdict] of [...given, null].entries()) {
          const { id } = w.putItem(
            {
              sha256: String(n).repeat(64).slice(0, 64),
              size: 1,
              type: 'message',
              format: 'eml',
              status: 'ok',
              reason: null,
            },
            placement(sourceId, `${n}.eml`),
          );
          if (verdict)
            w.putAnalysis({
              itemId: id,
              analyser: 'dkim',
              version: '1',
              status: 'ok',
              summary: verdict,
              resultJson: '{}',
              inputs: [],
              findings: [],
            });
        }
      });
      const sorted = await store.listItems(listFilter({ sort: 'verdict' }));
      const summaries = [];
      for (const item of sorted) summaries.push((await store.getAnalysis(item.id, 'dkim'))?.summary ?? null);
      expect(summaries).toEqual([...VERDICT_ORDER, null]);
      expect(VERDICT_ORDER.slice(0, 2)).toEqual(['altered', 'forgeable']);
      const paged = await store.listItems(listFilter({ sort: 'verdict', limit: 2, offset: 1 }));
      expect(paged.map((i) => i.id)).toEqual(sorted.slice(1, 3).map((i) => i.id));
    } finally {
      await kase.store.close();
    }
  });

  it('shows date, sender, subject and verdict, mbox members by position, within the width', async () => {
    const run = await crible(['list', '--case', caseDir]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id +date \(UTC\) +from +subject +verdict +where$/);
    // Columns as a terminal shows them: CJK characters take two.
    const shown = (line: string) => [...line].reduce((n, c) => n + (/[\u4e00-\u9fff]/.test(c) ? 2 : 1), 0);
    for (const line of lines) expect(shown(line)).toBeLessThanOrEqual(100);
    const lineOf = (id: string) => lines.find((l) => l.startsWith(`${ids.get(id)} `))!;
    expect(lineOf('d')).toMatch(/^\d+ +2017-06-15 00:00 +wang@example\.cn +(会议记录)+会?议?记?… +unsigned/);
    expect(run.stdout).not.toContain('\u001b');
    const messages = (await crible(['list', '--case', caseDir, '--domain', 'campagne.example'])).stdout.split(
      '\n',
    );
    expect(messages.find((l) => l.startsWith(`${ids.get('m2')} `))).toMatch(
      /2018-01-02 12:00 +frank2@campagne\.example +Membre 2 +unsigned +archive\.mbox #2$/,
    );
    expect(lineOf('b')).toMatch(/2016-01-10 09:00 +carol@gouv\.example +Réunion +unsigned/);
    expect(lineOf('blob')).toMatch(/document \(\w+\) +blob\.dat$/);
    // Without messages, the table is what, status and where: an attachment by the name its message gave it.
    const attachments = (await crible(['list', '--case', caseDir, '--type', 'attachment'])).stdout.split(
      '\n',
    );
    expect(attachments[0]).toMatch(/^id +what +status +where$/);
    expect(
      attachments.some((l) =>
        new RegExp(`attachment \\(\\w+\\) of ${ids.get('a')} +ok +rapport\\.pdf$`).test(l),
      ),
    ).toBe(true);
    // An attachment says which message it belongs to.
    expect(lines.some((l) => l.includes(`attachment (`) && l.includes(` of ${ids.get('a')} `))).toBe(true);
  });
});

describe('crible export', () => {
  it('writes one CSV row per message with properly quoted fields, and refuses to overwrite', async () => {
    const out = join(root, 'export.csv');
    const run = await crible(['export', '--case', caseDir, '--format', 'csv', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const bytes = readFileSync(out);
    // A byte-order mark first, so that a spreadsheet reads the accents right.
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const rows = parse(bytes, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((r) => Number(r.item_id))).toEqual(byIdAll());
    const a = rows.find((r) => r.message_id === '<a@campagne.example>')!;
    expect(a).toMatchObject({
      date: SPECS[0]!.iso,
      from: 'Alice Martin <alice@campagne.example>',
      to: 'bob@presse.example',
      subject: 'Budget, "version 2"',
      verdict: 'unsigned',
      path: 'a.eml',
    });
    expect(a.reasons).toMatch(/\w{4,}/);
    expect(a.source).toBe(join(root, 'dump'));
    expect(rows.find((r) => r.message_id === '<b@campagne.example>')!.cc).toBe('dan@sub.presse.example');
    expect(rows.find((r) => r.message_id === '<m1@campagne.example>')!.path).toBe('archive.mbox #1');

    const again = await crible(['export', '--case', caseDir, '--format', 'csv', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    const forced = await crible([
      'export',
      '--case',
      caseDir,
      '--format',
      'jsonl',
      '--out',
      out,
      '--force',
      '--from',
      'gouv.example',
    ]);
    expect(forced.code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ item_id: ids.get('b'), subject: 'Réunion', verdict: 'unsigned' });
  });
});

function byIdAll(): number[] {
  return ALL.map((s) => ids.get(s.id)!).sort((x, y) => x - y);
}
