import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { zip } from './helpers/archives.ts';
import { crible, mbox, message, tempDir } from './helpers/mail.ts';

/** yazl refuses unsafe names, so entries are written under same-length stand-ins and patched. */
function patchNames(archive: Buffer, renames: [string, string][]): Buffer {
  let text = archive.toString('latin1');
  for (const [from, to] of renames) text = text.replaceAll(from, to);
  return Buffer.from(text, 'latin1');
}

function tarball(entries: { name: string; bytes?: Buffer; linkname?: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    if (entry.linkname) pack.entry({ name: entry.name, type: 'symlink', linkname: entry.linkname });
    else pack.entry({ name: entry.name }, entry.bytes!);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

interface Row {
  id: number;
  type: string;
  path: string;
  status: string;
  reason: string | null;
}

describe('hostile input', () => {
  let root: string;
  let caseDir: string;
  let rows: Row[];
  let exitCode: number;
  let summary: { messages: number; perSource: { counts: { failed: number; limited: number } }[] };
  const byPath = (path: string): Row => {
    const row = rows.find((r) => r.path === path);
    if (!row) throw new Error(`no item at ${path}; have ${rows.map((r) => r.path).join(', ')}`);
    return row;
  };

  beforeAll(async () => {
    root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    const good = (name: string) => writeFileSync(join(dump, name), message({ id: name }));
    good('good-1.eml');
    good('good-2.eml');

    // Binary garbage named .eml.
    writeFileSync(
      join(dump, 'garbage.eml'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
    );
    // A header line of several MB.
    writeFileSync(join(dump, 'huge-header.eml'), message({ id: 'hh', subject: 'x'.repeat(5 * 1024 * 1024) }));
    // 10,000 MIME parts.
    const parts = Array.from(
      { length: 10_000 },
      (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`,
    ).join('');
    writeFileSync(
      join(dump, 'parts.eml'),
      Buffer.from(
        `From: a@b.example\r\nTo: c@d.example\r\nSubject: parts\r\nDate: Tue, 02 May 2017 10:15:00 +0200\r\nMessage-ID: <parts@b.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`,
      ),
    );
    // Raw 8-bit Windows-1252 headers and an invalid charset.
    writeFileSync(
      join(dump, 'charset.eml'),
      Buffer.concat([
        Buffer.from(
          'From: =?x-no-such-charset?Q?Andr=E9?= <andre@b.example>\r\nTo: c@d.example\r\nSubject: R',
          'latin1',
        ),
        Buffer.from([0xe9]),
        Buffer.from(
          'union budg\xe9taire\r\nDate: Tue, 02 May 2017 10:15:00 +0200\r\nMessage-ID: <cs@b.example>\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nCorps du message \xe9t\xe9.\r\n',
          'latin1',
        ),
      ]),
    );
    // Terminal escapes and a direction override in a subject, a name and a file name.
    writeFileSync(
      join(dump, 'terminal\x1b]0;pwned\x07.eml'),
      message({
        id: 'term',
        subject: 'Verdict: authentic\x1b[2K\x1b[1A\u202etxt.exe =?UTF-8?Q?x=0AVerdict:_authentic?=',
        from: '"Alice\x1b[8m hidden" <alice@campagne.example>',
      }),
    );
    // An unparseable Date.
    writeFileSync(join(dump, 'bad-date.eml'), message({ id: 'bd', date: 'le 2 mai, vers midi' }));
    // A 200 MB message (sparse write keeps the test fast; the bytes are real zeros after the header).
    const bigPath = join(dump, 'big.eml');
    const fd = openSync(bigPath, 'w');
    writeSync(fd, message({ id: 'big' }));
    writeSync(fd, Buffer.from('x'), 0, 1, 200 * 1024 * 1024);
    closeSync(fd);
    // Truncated and corrupt archives.
    const mboxBytes = mbox([message({ id: 'tm1' }), message({ id: 'tm2', body: 'long body '.repeat(200) })]);
    writeFileSync(join(dump, 'truncated.mbox'), mboxBytes.subarray(0, mboxBytes.length - 900));
    const goodZip = await zip([
      ['z1.eml', message({ id: 'z1' })],
      ['z2.eml', message({ id: 'z2', body: 'filler '.repeat(3000) })],
    ]);
    writeFileSync(join(dump, 'truncated.zip'), goodZip.subarray(0, Math.floor(goodZip.length * 0.6)));
    // A zip cut short with more members than the pipeline reads ahead: all before the cut are kept.
    const many = await zip(
      Array.from({ length: 40 }, (_, i): [string, Buffer] => [
        `many-${String(i).padStart(2, '0')}.eml`,
        message({ id: `many${i}`, body: `message ${i} `.repeat(50) }),
      ]),
    );
    writeFileSync(
      join(dump, 'cut-many.zip'),
      many.subarray(0, many.indexOf(Buffer.from('many-39.eml')) + 60),
    );
    // A large .mbox.gz cut short: decompressed to a file of the case, its first messages read.
    const bigMbox = mbox(
      Array.from({ length: 30 }, (_, i) =>
        message({ id: `gz${i}`, body: randomBytes(45_000).toString('base64').replace(/.{76}/g, '$&\n') }),
      ),
    );
    const bigGz = gzipSync(bigMbox);
    writeFileSync(join(dump, 'cut-big.mbox.gz'), bigGz.subarray(0, Math.floor(bigGz.length * 0.8)));
    const corrupt = Buffer.from(goodZip);
    corrupt.fill(0x5a, 40, 200);
    writeFileSync(join(dump, 'corrupt.zip'), corrupt);
    const goodTar = await tarball([
      { name: 't1.eml', bytes: message({ id: 't1' }) },
      { name: 't2.eml', bytes: message({ id: 't2', body: 'x'.repeat(5000) }) },
    ]);
    writeFileSync(join(dump, 'truncated.tar'), goodTar.subarray(0, 1800));
    // Escaping paths and links inside archives.
    writeFileSync(
      join(dump, 'escape.zip'),
      patchNames(
        await zip([
          ['QQ/QQ/escaped-zip.eml', message({ id: 'esc1' })],
          ['Qtmp/absolute-zip.eml', message({ id: 'esc2' })],
        ]),
        [
          ['QQ/QQ/escaped', '../../escaped'],
          ['Qtmp/absolute', '/tmp/absolute'],
        ],
      ),
    );
    writeFileSync(
      join(dump, 'escape.tar'),
      await tarball([
        { name: '../../escaped-tar.eml', bytes: message({ id: 'esc3' }) },
        { name: 'passwd', linkname: '../../../../etc/passwd' },
      ]),
    );
    // Bombs: by ratio, by entry count, by nesting depth.
    writeFileSync(join(dump, 'ratio-bomb.zip'), await zip([['zeros.bin', Buffer.alloc(50 * 1024 * 1024)]]));
    writeFileSync(join(dump, 'gzip-bomb.gz'), gzipSync(Buffer.alloc(60 * 1024 * 1024)));
    let nested = await zip([['deep.eml', message({ id: 'deep' })]]);
    for (let level = 0; level < 12; level++) nested = await zip([[`level${level}.zip`, nested]], false);
    writeFileSync(join(dump, 'nested.zip'), nested);

    caseDir = join(root, 'case');
    // Run from an empty working directory with an empty home: nothing may appear in either.
    mkdirSync(join(root, 'cwd'));
    mkdirSync(join(root, 'home'));
    const result = await crible(
      [
        'ingest',
        dump,
        '--case',
        caseDir,
        '--json',
        '--max-entries',
        '1000',
        '--max-expanded',
        String(40 * 1024 * 1024),
      ],
      { cwd: join(root, 'cwd'), env: { ...process.env, HOME: join(root, 'home') } },
    );
    exitCode = result.code;
    summary = JSON.parse(result.stdout);
    // --json gives each reason as its code with its words: the words are what these checks read.
    rows = JSON.parse((await crible(['list', '--case', caseDir, '--json'])).stdout).map(
      (r: Row & { reason: { text: string } | null }) => ({ ...r, reason: r.reason?.text ?? null }),
    );
  }, 300_000);

  it('finishes the run with exit code 3 and keeps the good messages', () => {
    expect(exitCode).toBe(3);
    expect(byPath('good-1.eml')).toMatchObject({ type: 'message', status: 'ok' });
    expect(byPath('good-2.eml')).toMatchObject({ type: 'message', status: 'ok' });
    expect(summary.perSource[0]!.counts.failed + summary.perSource[0]!.counts.limited).toBeGreaterThan(8);
  });

  it('fails binary garbage named .eml with a reason', () => {
    expect(byPath('garbage.eml')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/not an email/),
    });
  });

  it('limits a several-MB header line, 10,000 MIME parts and a 200 MB message', () => {
    expect(byPath('huge-header.eml')).toMatchObject({
      status: 'limited',
      reason: expect.stringMatching(/header block/),
    });
    expect(byPath('parts.eml')).toMatchObject({
      status: 'limited',
      reason: expect.stringMatching(/^1000\d MIME parts exceed/),
    });
    expect(byPath('big.eml')).toMatchObject({
      type: 'message',
      status: 'limited',
      reason: expect.stringMatching(/200\.0 MB exceeds/),
    });
  });

  it('reads invalid charsets and raw 8-bit headers, flagging the fallback', async () => {
    const item = byPath('charset.eml');
    expect(item.status).toBe('ok');
    const shown = JSON.parse((await crible(['show', String(item.id), '--case', caseDir, '--json'])).stdout);
    expect(shown.message.subject).toBe('Réunion budgétaire');
    expect(shown.message.flags).toContain('8bit-headers:windows-1252-fallback');
    expect(shown.message.text).toContain('Corps du message');
  });

  it('prints text from the dump with its control characters shown, never interpreted', async () => {
    const item = byPath('terminal\x1b]0;pwned\x07.eml');
    const shown = await crible(['show', String(item.id), '--case', caseDir]);
    const listed = await crible(['list', '--case', caseDir]);
    for (const out of [shown.stdout, listed.stdout]) expect(out).not.toMatch(/[\x07\x1b\u202e]/);
    expect(shown.stdout).toContain('terminal\\x1b]0;pwned\\x07.eml');
    // The list (no place column at 100 columns) shows the hostile subject escaped too.
    expect(listed.stdout).toContain('\\x1b[2K');
    expect(shown.stdout).toContain(
      'Verdict: authentic\\x1b[2K\\x1b[1A\\u202etxt.exe x\\x0aVerdict: authentic',
    );
    // an encoded line feed cannot print a forged line of its own
    expect(shown.stdout.split('\n').filter((line) => line.startsWith('Verdict:'))).toEqual([
      'Verdict: unsigned',
    ]);
    // JSON keeps the exact text: it is for programs, which escape as they need.
    const json = JSON.parse((await crible(['show', String(item.id), '--case', caseDir, '--json'])).stdout);
    expect(json.message.subject).toBe('Verdict: authentic\x1b[2K\x1b[1A\u202etxt.exe x\nVerdict: authentic');
  });

  it('keeps an unparseable Date as written, with a null instant and a flag', async () => {
    const item = byPath('bad-date.eml');
    const shown = JSON.parse((await crible(['show', String(item.id), '--case', caseDir, '--json'])).stdout);
    expect(shown.message).toMatchObject({ dateRaw: 'le 2 mai, vers midi', date: null });
    expect(shown.message.flags).toContain('date:unparseable');
  });

  it('keeps what a truncated or corrupt archive yielded and says why the rest is missing', async () => {
    expect(byPath('truncated.zip')).toMatchObject({
      type: 'container',
      status: 'failed',
      reason: expect.stringMatching(/truncated or corrupt.*member\(s\) recovered from their local headers/),
    });
    expect(byPath('cut-many.zip')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/39 member\(s\) recovered/),
    });
    for (let i = 0; i < 39; i++) {
      expect(byPath(`many-${String(i).padStart(2, '0')}.eml`)).toMatchObject({
        type: 'message',
        status: 'ok',
      });
    }
    expect(byPath('many-39.eml')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/cut short/),
    });
    expect(byPath('cut-big.mbox.gz')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(
        /corrupt gzip after \d+ decompressed bytes \(what came before was read\)/,
      ),
    });
    // the messages read are those of the decompressed mbox, the gzip container's one child
    const children = async (id: number) =>
      JSON.parse((await crible(['show', String(id), '--case', caseDir, '--json'])).stdout).children as Row[];
    const [decompressed] = await children(byPath('cut-big.mbox.gz').id);
    const gzMessages = (await children(decompressed!.id)).filter(
      (r) => r.type === 'message' && r.status === 'ok',
    );
    expect(gzMessages.length).toBeGreaterThanOrEqual(20);
    expect(readdirSync(join(caseDir, 'blobs', 'tmp'))).toEqual([]);
    // The corrupt zip's directory is intact: its damaged entry fails, its sound entry is read.
    expect(byPath('corrupt.zip')).toMatchObject({ type: 'container', status: 'ok' });
    expect(byPath('z1.eml')).toMatchObject({
      type: 'message',
      status: 'failed',
      reason: expect.stringMatching(/unreadable/),
    });
    expect(byPath('z2.eml')).toMatchObject({ type: 'message', status: 'ok' });
    expect(byPath('t1.eml')).toMatchObject({ type: 'message', status: 'ok' });
    expect(byPath('t2.eml')).toMatchObject({
      type: 'message',
      status: 'failed',
      reason: expect.stringMatching(/cut short/),
    });
    // mbox members are named by their ordinal; an mbox carries no length, so a cut member is read as far as it goes.
    expect(byPath('1')).toMatchObject({ type: 'message', status: 'ok' });
    expect(byPath('2')).toMatchObject({ type: 'message', status: 'ok' });
  });

  it('records escaping names as text and writes nothing outside the case', () => {
    expect(byPath('../../escaped-zip.eml')).toMatchObject({ type: 'message', status: 'ok' });
    expect(byPath('/tmp/absolute-zip.eml')).toMatchObject({ type: 'message', status: 'ok' });
    expect(byPath('../../escaped-tar.eml')).toMatchObject({ type: 'message', status: 'ok' });
    expect(byPath('passwd')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/link/) });
    expect(readdirSync(root).sort()).toEqual(['case', 'cwd', 'dump', 'home']);
    expect(readdirSync(join(root, 'cwd'))).toEqual([]);
    expect(readdirSync(join(root, 'home'))).toEqual([]);
    expect(
      readdirSync(caseDir)
        .filter((n) => !n.startsWith('case.db'))
        .sort(),
    ).toEqual(['blobs', 'custody.jsonl']);
  });

  it('stops zip and gzip bombs and over-deep nesting at their limits', () => {
    expect(byPath('zeros.bin')).toMatchObject({
      status: 'limited',
      reason: expect.stringMatching(/ratio|expand/i),
    });
    expect(byPath('gzip-bomb')).toMatchObject({
      status: 'limited',
      reason: expect.stringMatching(/^gzip: archive expands to more than maxExpandedBytes/),
    });
    const deep = rows.filter((r) => r.path.startsWith('level') && r.status === 'limited');
    expect(deep).toHaveLength(1);
    expect(deep[0]!.reason).toMatch(/nested more than 8 levels/);
    expect(rows.some((r) => r.path === 'deep.eml')).toBe(false);
  });
});
