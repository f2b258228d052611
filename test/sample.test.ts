import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import PostalMime from 'postal-mime';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { parseDisclosedFile } from '../src/keys/disclosed.ts';
import { buildSampleDump, type SampleManifest } from '../src/sample/build.ts';
import {
  type DkimKey,
  generateDkimKeys,
  generateMessageList,
  keyFileJson,
  type SynthMessage,
  writeMaildir,
  writeMbox,
} from '../src/sample/synth.ts';
import { VERDICTS } from '../src/verify/types.ts';
import { crible, tempDir } from './helpers/mail.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const crlf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Independent mbox splitter: a message starts at every line beginning with `From `. */
function splitMbox(text: string): string[] {
  const lines = text.split('\n');
  const messages: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('From ')) messages.push([]);
    else messages[messages.length - 1]?.push(line);
  }
  // each member ends with the blank separator line (plus the final split artefact)
  return messages.map((m) => {
    const body = m.join('\n');
    return body.replace(/\n\n?$/, '\n');
  });
}

function resolverFrom(keys: Record<string, string[]>) {
  return async (name: string) => {
    const v = keys[name.toLowerCase()];
    if (!v) throw Object.assign(new Error(`no key for ${name}`), { code: 'ENOTFOUND' });
    return [v];
  };
}

async function dkimResults(raw: Buffer, keys: Record<string, string[]>): Promise<string[]> {
  const res = await dkimVerify(raw, { resolver: resolverFrom(keys) as never });
  return res.results.map((r) => r.status.result);
}

function zipEntries(path: string): Promise<{ name: string; data: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: { name: string; data: Buffer }[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || !stream) return reject(e2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

async function tarEntries(path: string): Promise<string[]> {
  const ex = extract();
  const names: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      names.push(header.name);
      stream.on('end', next);
      stream.resume();
    });
    ex.on('finish', () => resolve());
    ex.on('error', reject);
  });
  ex.end(gunzipSync(readFileSync(path)));
  await done;
  return names;
}

describe('synthetic generator', () => {
  let keys: DkimKey[];
  beforeAll(() => {
    keys = generateDkimKeys();
  });

  it('is deterministic: same seed gives identical bytes, other seeds differ', async () => {
    const a = await generateMessageList({ seed: 42, count: 80 });
    const b = await generateMessageList({ seed: 42, count: 80 });
    const c = await generateMessageList({ seed: 43, count: 80 });
    expect(a.map((m) => sha(m.raw))).toEqual(b.map((m) => sha(m.raw)));
    expect(sha(Buffer.concat(a.map((m) => m.raw)))).not.toBe(sha(Buffer.concat(c.map((m) => m.raw))));
    // with signing (same keys), signatures are deterministic too, and the content is unchanged
    const s1 = await generateMessageList({ seed: 42, count: 30, signing: { keys, fraction: 0.5 } });
    const s2 = await generateMessageList({ seed: 42, count: 30, signing: { keys, fraction: 0.5 } });
    expect(s1.map((m) => sha(m.raw))).toEqual(s2.map((m) => sha(m.raw)));
    const u = await generateMessageList({ seed: 42, count: 30 });
    expect(s1.map((m) => sha(m.content))).toEqual(u.map((m) => sha(m.content)));
    const signed = s1.filter((m) => m.signedBy).length;
    expect(signed).toBeGreaterThan(5);
    expect(signed).toBeLessThan(25);
  });

  describe('realistic content (500 messages)', () => {
    let msgs: SynthMessage[];
    beforeAll(async () => {
      msgs = await generateMessageList({ seed: 7, count: 500 });
    });

    it('parses with the expected headers and decoded subjects', async () => {
      let encodedB = 0;
      let encodedQ = 0;
      for (const m of msgs) {
        const raw = m.raw.toString('latin1');
        expect(raw.includes('\r\n')).toBe(true);
        expect(/(^|[^\r])\n/.test(raw)).toBe(false); // CRLF only
        const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
        for (const h of ['Date', 'From', 'To', 'Subject', 'Message-ID', 'MIME-Version', 'Received']) {
          expect(new RegExp(`^${h}:`, 'im').test(headerBlock), `${h} in message ${m.index}`).toBe(true);
        }
        if (/=\?UTF-8\?B\?/.test(headerBlock)) encodedB++;
        if (/=\?UTF-8\?Q\?/.test(headerBlock)) encodedQ++;
        const date = /^Date: (.*)$/m.exec(headerBlock)![1]!;
        expect(date).toMatch(/^\w{3}, \d{1,2} \w{3} 201[67] \d\d:\d\d:\d\d \+0[12]00$/);
        const parsed = await PostalMime.parse(m.raw);
        expect(parsed.subject).toBe(m.subject);
        expect(parsed.messageId).toBe(`<${m.messageId}>`);
        expect(parsed.from?.address).toBe(m.from.address);
        expect(parsed.text?.replace(/\r\n/g, '\n').trim()).toBe(m.text.trim());
        expect(parsed.attachments.length).toBe(m.attachments.length);
        for (const [i, att] of m.attachments.entries()) {
          expect(parsed.attachments[i]!.filename).toBe(att.filename);
          expect(parsed.attachments[i]!.mimeType).toBe(att.contentType);
        }
        // line length limit (998) everywhere
        expect(raw.split('\r\n').every((l) => l.length <= 998)).toBe(true);
      }
      expect(encodedB).toBeGreaterThan(50);
      expect(encodedQ).toBeGreaterThan(50);
      expect(msgs.filter((m) => m.lang === 'fr').length).toBeGreaterThan(150);
      expect(msgs.filter((m) => m.lang === 'en').length).toBeGreaterThan(50);
    });

    it('threads reference existing earlier Message-IDs with Re: subjects', () => {
      const seen = new Set<string>();
      let replies = 0;
      for (const m of msgs) {
        if (m.inReplyTo) {
          replies++;
          expect(seen.has(m.inReplyTo)).toBe(true);
          for (const r of m.references) expect(seen.has(r)).toBe(true);
          expect(m.references.at(-1)).toBe(m.inReplyTo);
          expect(m.subject).toMatch(/^(Re|RE): /);
          const raw = m.raw.toString('latin1');
          expect(raw).toContain(`In-Reply-To: <${m.inReplyTo}>`);
        }
        seen.add(m.messageId);
      }
      expect(replies / msgs.length).toBeGreaterThan(0.3);
      expect(replies / msgs.length).toBeLessThan(0.5);
      expect(new Set(msgs.map((m) => m.messageId)).size).toBe(msgs.length);
    });

    it('has ~15% attachments of 20–200 KB, dates in 2016–2017, ~30 KB average', () => {
      const withAtt = msgs.filter((m) => m.attachments.length > 0);
      expect(withAtt.length / msgs.length).toBeGreaterThan(0.1);
      expect(withAtt.length / msgs.length).toBeLessThan(0.2);
      for (const m of withAtt) for (const a of m.attachments) expect(a.size).toBeGreaterThan(15_000);
      expect(new Set(withAtt.flatMap((m) => m.attachments.map((a) => a.kind)))).toEqual(
        new Set(['pdf', 'csv', 'docx', 'png']),
      );
      const avg = msgs.reduce((s, m) => s + m.raw.length, 0) / msgs.length;
      expect(avg).toBeGreaterThan(20_000);
      expect(avg).toBeLessThan(45_000);
      const small = msgs.filter((m) => m.raw.length >= 2_000 && m.raw.length <= 50_000).length;
      expect(small / msgs.length).toBeGreaterThan(0.75);
      for (let i = 1; i < msgs.length; i++) expect(msgs[i]!.date >= msgs[i - 1]!.date).toBe(true);
      expect(msgs[0]!.date.getUTCFullYear()).toBe(2016);
      expect(msgs.at(-1)!.date.getUTCFullYear()).toBe(2017);
    });
  });

  describe('writers', () => {
    let dir: string;
    let msgs: SynthMessage[];
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'crible-synth-'));
      msgs = await generateMessageList({ seed: 11, count: 300 });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    for (const variant of ['mboxrd', 'mboxo'] as const) {
      it(`${variant}: every body "From " line escaped, split count equals message count`, async () => {
        const path = join(dir, `${variant}.mbox`);
        const res = await writeMbox(path, msgs, { variant });
        expect(res.escapedLines).toBeGreaterThan(0);
        const text = readFileSync(path, 'latin1');
        const members = splitMbox(text);
        expect(members.length).toBe(msgs.length);
        const originalFromLines = msgs.reduce(
          (n, m) => n + (m.raw.toString('latin1').match(/^From /gm)?.length ?? 0),
          0,
        );
        expect(originalFromLines).toBeGreaterThan(0);
        members.forEach((member, i) => {
          const original = msgs[i]!.raw.toString('latin1').replace(/\r\n/g, '\n');
          const unescaped =
            variant === 'mboxrd'
              ? member.replace(/^>(>*From )/gm, '$1')
              : member.replace(/^>From /gm, 'From ');
          if (variant === 'mboxrd') {
            expect(unescaped).toBe(original);
          } else {
            // mboxo is lossy for lines that already started with ">From ": compare modulo that
            expect(unescaped).toBe(original.replace(/^>From /gm, 'From '));
          }
        });
      });
    }

    it('Maildir: cur/new/tmp, unique names, LF line endings', async () => {
      const md = join(dir, 'Maildir');
      const res = await writeMaildir(md, msgs);
      expect(readdirSync(md).sort()).toEqual(['cur', 'new', 'tmp']);
      const cur = readdirSync(join(md, 'cur'));
      const nw = readdirSync(join(md, 'new'));
      expect(cur.length + nw.length).toBe(msgs.length);
      expect(new Set([...cur, ...nw]).size).toBe(msgs.length);
      expect(nw.length).toBeGreaterThan(0);
      for (const n of cur) expect(n).toMatch(/^\d{10}\.M\d+P\d+\.[\w.-]+:2,[A-Z]+$/);
      for (const n of nw) expect(n).toMatch(/^\d{10}\.M\d+P\d+\.[\w.-]+$/);
      for (const f of res.files.slice(0, 50)) expect(readFileSync(f).includes('\r\n')).toBe(false);
      const byName = new Map(res.files.map((f, i) => [f, msgs[i]!]));
      for (const [f, m] of byName) expect(sha(crlf(readFileSync(f)))).toBe(sha(m.raw));
    });
  });
});

describe('sample dump', () => {
  let root: string;
  let manifest: SampleManifest;
  let keyFile: Record<string, string[]>;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'crible-sample-'));
    manifest = await buildSampleDump(root);
    keyFile = JSON.parse(readFileSync(join(root, 'sample-keys.json'), 'utf8'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('manifest matches what is on disk', async () => {
    const d = manifest.dumpDir;
    const onDisk = walk(d).map((p) => relative(d, p).split(sep).join('/'));
    expect(manifest.files.map((f) => f.path)).toEqual(onDisk);
    expect(manifest.counts.files).toBe(onDisk.length);
    for (const f of manifest.files) {
      const data = readFileSync(join(d, f.path));
      expect(data.length).toBe(f.bytes);
      expect(sha(data)).toBe(f.sha256);
    }
    expect(JSON.parse(readFileSync(manifest.manifestFile, 'utf8')).counts).toEqual(manifest.counts);

    // messages, counted independently
    const instances: Buffer[] = [];
    const eml = onDisk.filter((p) => p.startsWith('eml/') && p.endsWith('.eml'));
    expect(eml.length).toBe(manifest.counts.eml);
    expect(eml.length).toBeGreaterThanOrEqual(28);
    for (const p of eml) instances.push(readFileSync(join(d, p)));

    const mboxText = readFileSync(join(d, manifest.mbox.path), 'latin1');
    const members = splitMbox(mboxText);
    expect(members.length).toBe(manifest.counts.mbox);
    expect(mboxText).toMatch(/^>From /m);
    expect(manifest.mbox.escapedLines).toBeGreaterThan(0);
    for (const m of members) instances.push(crlf(Buffer.from(m.replace(/^>(>*From )/gm, '$1'), 'latin1')));

    const maildir = onDisk.filter((p) => p.startsWith('Maildir/'));
    expect(maildir.length).toBe(manifest.counts.maildir);
    expect(readdirSync(join(d, 'Maildir')).sort()).toEqual(['cur', 'new', 'tmp']);
    for (const p of maildir) {
      const data = readFileSync(join(d, p));
      expect(data.includes('\r\n')).toBe(false);
      instances.push(crlf(data));
    }

    const zip = await zipEntries(join(d, manifest.zip.path));
    expect(zip.map((e) => e.name)).toEqual(manifest.zip.entries);
    expect(zip.length).toBe(manifest.counts.zipMessages);
    for (const e of zip) instances.push(e.data);
    // the zip repeats loose messages byte for byte, plus one that is only in the zip
    const looseHashes = new Set(eml.map((p) => sha(readFileSync(join(d, p)))));
    expect(zip.filter((e) => looseHashes.has(sha(e.data))).length).toBe(manifest.zip.duplicatesOfEml.length);
    expect(zip.filter((e) => !looseHashes.has(sha(e.data))).length).toBe(1);

    expect(instances.length).toBe(manifest.counts.messages);
    const distinct = new Set(instances.map((b) => sha(crlf(b))));
    expect(distinct.size).toBe(manifest.counts.distinctMessages);
    expect(distinct.size).toBeLessThan(instances.length);
    const ids = new Set(instances.map((b) => /^Message-ID:\s*<([^>]*)>/im.exec(b.toString('latin1'))?.[1]));
    expect(ids.size).toBe(manifest.counts.distinctMessageIds);

    // documents: loose ones and the tar.gz
    const loose = onDisk.filter((p) => p.startsWith('documents/'));
    expect(loose.sort()).toEqual(
      manifest.documents
        .filter((x) => x.container === null)
        .map((x) => x.path)
        .sort(),
    );
    expect(await tarEntries(join(d, manifest.tar.path))).toEqual(manifest.tar.entries);
    expect(manifest.counts.documents).toBe(loose.length + manifest.tar.entries.length);
    const pdf = readFileSync(join(d, 'documents/note-interne.pdf'), 'latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf).toMatch(/\/Author \(Hélène|\/Author \(H/);
    expect(pdf).toMatch(/\/CreationDate \(D:2017/);
    expect(pdf).toMatch(/\/ModDate \(D:2017/);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    // xref offsets point at the objects
    const startxref = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...pdf.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    for (const [i, o] of offsets.entries()) expect(pdf.slice(o).startsWith(`${i + 1} 0 obj`)).toBe(true);
    const docx = await zipEntries(join(d, 'documents/compte-rendu-reunion.docx'));
    expect(docx.map((e) => e.name)).toContain('docProps/core.xml');
    expect(docx.find((e) => e.name === 'docProps/core.xml')!.data.toString()).toContain('<dc:creator>');
  });

  it('writes the public keys in key-file JSON format', () => {
    expect(Object.keys(keyFile).sort()).toEqual(manifest.keys.map((k) => k.name).sort());
    for (const [name, values] of Object.entries(keyFile)) {
      expect(name).toMatch(/^[\w-]+\._domainkey\.[\w.-]+$/);
      expect(values[0]).toMatch(/^v=DKIM1; k=(rsa|ed25519); p=[A-Za-z0-9+/=]+$/);
    }
    expect(manifest.keys.find((k) => k.bits === 1024)).toBeTruthy();
    expect(manifest.keys.find((k) => k.type === 'ed25519')).toBeTruthy();
    expect(keyFileJson([])).toEqual({});
  });

  it('writes a disclosed-key list and, apart, the one key missing from the key file', () => {
    const byName = Object.fromEntries(manifest.cases.map((c) => [c.name, c]));
    const disclosed = parseDisclosedFile(
      manifest.disclosedFile,
      readFileSync(manifest.disclosedFile, 'utf8'),
    );
    expect(disclosed.problems).toEqual([]);
    const signer = byName['disclosed-key']!.signedBy!;
    expect(disclosed.keys).toEqual([
      expect.objectContaining({ domain: signer.domain, selector: signer.selector }),
    ]);
    expect(keyFile[`${signer.selector}._domainkey.${signer.domain}`]).toHaveLength(1);

    const missing = byName['key-missing']!.signedBy!;
    const missingName = `${missing.selector}._domainkey.${missing.domain}`;
    expect(keyFile[missingName]).toBeUndefined();
    const later = JSON.parse(readFileSync(manifest.laterKeysFile, 'utf8'));
    expect(Object.keys(later)).toEqual([missingName]);
    // The dump holds only the dump: the lists beside it are not ingested as documents.
    for (const f of [manifest.keysFile, manifest.disclosedFile, manifest.laterKeysFile])
      expect(relative(manifest.dumpDir, f).startsWith('..')).toBe(true);
  });

  it('signed sample messages verify with mailauth; the deliberate cases behave as described', async () => {
    const d = manifest.dumpDir;
    const casePaths = new Set(manifest.cases.flatMap((c) => c.paths));
    const plain = manifest.files.filter(
      (f) => (f.kind === 'eml' || f.kind === 'maildir') && !casePaths.has(f.path),
    );
    let passed = 0;
    for (const f of plain) {
      const raw = readFileSync(join(d, f.path));
      const results = await dkimResults(raw, keyFile);
      if (/^DKIM-Signature:/im.test(raw.toString('latin1'))) {
        expect(results, f.path).toEqual(['pass']);
        passed++;
      } else {
        expect(results).toEqual(['none']);
      }
    }
    expect(passed).toBeGreaterThan(30);

    const names = manifest.cases.map((c) => c.name).sort();
    expect(names).toEqual(
      [
        'body-altered',
        'disclosed-key',
        'duplicate-message-id',
        'key-missing',
        'l-tag-appended',
        'rsa-1024',
        'second-subject',
        'signature-cut',
        'unsigned',
      ].sort(),
    );
    // Between them, the deliberate cases show every verdict.
    expect(new Set(manifest.cases.flatMap((c) => c.expectedVerdict))).toEqual(new Set(VERDICTS));
    for (const c of manifest.cases) {
      for (const [i, p] of c.paths.entries()) {
        const raw = readFileSync(join(d, p));
        expect(await dkimResults(raw, keyFile), `${c.name} ${p}`).toEqual([c.mailauthResult[i]]);
        const expected = c.expectedDkim[i];
        const got = (await dkimResults(raw, keyFile))[0];
        expect(
          expected === 'pass' ? got === 'pass' : expected === 'none' ? got === 'none' : got !== 'pass',
        ).toBe(true);
      }
    }
    const byName = Object.fromEntries(manifest.cases.map((c) => [c.name, c]));
    const read = (name: string, i = 0) => readFileSync(join(d, byName[name]!.paths[i]!), 'latin1');
    expect(read('second-subject').match(/^Subject:/gm)?.length).toBe(2);
    expect(read('l-tag-appended')).toMatch(/; l=\d+/);
    expect(read('rsa-1024')).toMatch(/s=old1024/);
    expect(read('unsigned')).not.toMatch(/^DKIM-Signature:/m);
    expect(read('disclosed-key')).toMatch(/s=hiver2015/);
    expect(read('key-missing')).toMatch(/s=20150623/);
    const cut = /^DKIM-Signature:.*(?:\r\n[ \t].*)*/m.exec(read('signature-cut'))![0];
    expect(cut).toMatch(/bh=/);
    expect(cut).not.toMatch(/[;\s]b=/);
    const idA = /^Message-ID: <([^>]*)>/m.exec(read('duplicate-message-id', 0))![1];
    const idB = /^Message-ID: <([^>]*)>/m.exec(read('duplicate-message-id', 1))![1];
    expect(idA).toBe(idB);
    expect(sha(read('duplicate-message-id', 0))).not.toBe(sha(read('duplicate-message-id', 1)));
  });
});

describe('crible demo', () => {
  let dir: string;
  let first: { code: number; stdout: string; stderr: string };
  let manifest: SampleManifest;
  let rows: { id: number; sha256: string | null; verdict?: string | null }[];
  beforeAll(async () => {
    dir = join(tempDir(), 'demo');
    first = await crible(['demo', '--dir', dir]);
    manifest = JSON.parse(readFileSync(join(dir, 'sample-manifest.json'), 'utf8'));
    const listed = await crible(['list', '--case', join(dir, 'case'), '--type', 'message', '--json']);
    expect(listed.code).toBe(0);
    rows = JSON.parse(listed.stdout);
  });
  const rowOf = (path: string) => {
    const sha = manifest.files.find((f) => f.path === path)!.sha256;
    const row = rows.find((r) => r.sha256 === sha);
    if (!row) throw new Error(`no item for ${path}`);
    return row;
  };

  it('ingests the sample with its keys and disclosures: every verdict is in the case', () => {
    expect(first.code, first.stderr).toBe(0);
    for (const c of manifest.cases) {
      for (const [i, path] of c.paths.entries())
        expect(rowOf(path).verdict, c.name).toBe(c.expectedVerdict[i]);
    }
    expect(new Set(rows.map((r) => r.verdict))).toEqual(new Set(VERDICTS));
    const tally = first.stdout.slice(first.stdout.indexOf('Authenticity verdicts'));
    for (const verdict of VERDICTS) expect(tally).toMatch(new RegExp(`^ +\\d+  ${verdict}$`, 'm'));
  });

  it('ends with what to run next, on this case, naming the altered and the forgeable message', () => {
    const lines = first.stdout.trimEnd().split('\n');
    const next = lines.slice(lines.indexOf('What to try next on this case:'));
    expect(next.length).toBeGreaterThan(8);
    const at = `--case ${join(dir, 'case')}`;
    expect(next).toContain(`  npx crible list ${at} --type message`);
    expect(next).toContain(`  npx crible show ${rowOf('eml/case-body-altered.eml').id} ${at}`);
    expect(next).toContain(`  npx crible show ${rowOf('eml/case-disclosed-key.eml').id} ${at}`);
    expect(next).toContain(`  npx crible stats ${at}`);
    expect(next).toContain(`  npx crible keys import ${join(dir, 'sample-keys-found-later.json')} ${at}`);
    expect(next).toContain(`  npx crible verify ${at}`);
  });

  it('reuses the sample and the case when run again', async () => {
    const keys = readFileSync(join(dir, 'sample-keys.json'), 'utf8');
    const again = await crible(['demo', '--dir', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/: 0 new item\(s\)/);
    expect(readFileSync(join(dir, 'sample-keys.json'), 'utf8')).toBe(keys);
  });

  it('the commands it suggests work: the key found later settles the message whose key was missing', async () => {
    const caseDir = join(dir, 'case');
    const imported = await crible([
      'keys',
      'import',
      join(dir, 'sample-keys-found-later.json'),
      '--case',
      caseDir,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const verified = await crible(['verify', '--case', caseDir, '--verbose']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(
      `item ${rowOf('eml/case-key-missing.eml').id}: key-unavailable → authentic`,
    );
  });
});
