// The small bundled sample dump used by `crible demo` and the tests. Layout under `dir`:
//
//   dir/sample-keys.json       public keys of the throwaway DKIM keys (key-file JSON), all but one
//   dir/sample-disclosed-keys.csv  a key whose private half was "published" (crible --disclosed)
//   dir/sample-keys-found-later.json  the one key missing from sample-keys.json
//   dir/sample-manifest.json   the manifest returned by buildSampleDump
//   dir/dump/                  the dump itself:
//     eml/*.eml                ~30 loose messages (CRLF), incl. the deliberate DKIM cases
//     archive.mbox             mboxrd, with `>From ` escaped body lines
//     Maildir/{cur,new,tmp}    LF line endings, a few duplicates of loose messages
//     export-messagerie.zip    a few of the loose messages again + one new message
//     documents.tar.gz         a couple of documents
//     documents/               loose PDF, CSV, DOCX
//
// Deterministic for a seed apart from the DKIM keys (generated at each build) and so the
// signature values.

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { keyName } from '../keys/formats/types.ts';
import { splitHeader } from '../mail/header-block.ts';
import { sha256Hex } from '../store/blobs.ts';
import type { Verdict } from '../verify/types.ts';
import { PEOPLE } from './corpus.ts';
import { makeCsv, makeDocx, makePdf, makeZip, pdfDate } from './documents.ts';
import { caseFilePath, type SampleLayout, sampleLayout } from './layout.ts';
import { encodeQuotedPrintable, parisOffsetMinutes } from './mime.ts';
import { createRng } from './prng.ts';
import {
  assemble,
  DEFAULT_KEY_SPECS,
  type DkimKey,
  dkimSignatureFor,
  generateDkimKeys,
  generateMessageList,
  keyFileJson,
  type SynthMessage,
} from './synth.ts';
import { toLf, writeEml, writeMaildir, writeMbox } from './writers.ts';

export const SAMPLE_SEED = 20170423;

export type SampleCaseName =
  | 'body-altered'
  | 'second-subject'
  | 'rsa-1024'
  | 'l-tag-appended'
  | 'unsigned'
  | 'duplicate-message-id'
  | 'disclosed-key'
  | 'key-missing'
  | 'signature-cut';

/**
 * The literal result mailauth 7.1.0's dkimVerify gives for each expected outcome with the sample's
 * key file (a body hash mismatch is `neutral`); the cases that differ say so.
 */
const MAILAUTH_RESULT = { pass: 'pass', fail: 'neutral', none: 'none' } as const;

/** A key whose private half the sample lists as published: what it signed is forgeable. */
const DISCLOSED = {
  domain: 'presse.example',
  selector: 'hiver2015',
  disclosed: '2017-06-01',
  source: 'https://presse.example/dkim/cles-retirees',
};

export interface SampleCase {
  name: SampleCaseName;
  /** Paths relative to the dump directory (two for duplicate-message-id). */
  paths: string[];
  /**
   * DKIM outcome per path: `pass` verifies, `fail` has a signature that does not verify, `none`
   * has no signature. Passing is not the same as trustworthy: see `description`.
   */
  expectedDkim: ('pass' | 'fail' | 'none')[];
  /** The literal `status.result` mailauth 7.1.0's dkimVerify gives (body hash mismatch → `neutral`). */
  mailauthResult: string[];
  /** Crible's verdict per path in the demo's case (sample-keys.json and the disclosed list imported). */
  expectedVerdict: Verdict[];
  messageId: string;
  /** d= and s= of the signature, when signed. */
  signedBy: { domain: string; selector: string; bits: number | null } | null;
  description: string;
}

export type SampleFileKind = 'eml' | 'mbox' | 'maildir' | 'zip' | 'tar.gz' | 'pdf' | 'csv' | 'docx' | 'json';

export interface SampleFile {
  /** Relative to the dump directory, `/`-separated. */
  path: string;
  kind: SampleFileKind;
  bytes: number;
  sha256: string;
}

/** The paths of the layout are absolute. */
export interface SampleManifest extends SampleLayout {
  version: 1;
  seed: number;
  counts: {
    /** Regular files under dumpDir (Maildir messages included). */
    files: number;
    /** Message instances: loose .eml + mbox members + Maildir files + .eml inside the zip. */
    messages: number;
    /** Distinct messages once line endings are normalised (and mbox escaping undone). */
    distinctMessages: number;
    distinctMessageIds: number;
    /** Standalone documents: loose ones + those inside the tar.gz (mail attachments not counted). */
    documents: number;
    eml: number;
    mbox: number;
    maildir: number;
    zipMessages: number;
    /** Messages carrying a DKIM-Signature header (per instance). */
    signedMessages: number;
  };
  mbox: { path: string; variant: 'mboxrd'; messages: number; escapedLines: number };
  maildir: { path: string; messages: number; cur: number; new: number; duplicatesOfEml: string[] };
  zip: { path: string; entries: string[]; messages: number; duplicatesOfEml: string[] };
  tar: { path: string; entries: string[] };
  documents: { path: string; kind: 'pdf' | 'csv' | 'docx'; container: string | null }[];
  /** The keys in keysFile. */
  keys: { name: string; domain: string; selector: string; type: 'rsa' | 'ed25519'; bits: number | null }[];
  cases: SampleCase[];
  files: SampleFile[];
}

/** Normalised content identity: CRLF everywhere. */
const contentKey = (raw: Buffer): string =>
  sha256Hex(Buffer.from(toLf(raw).toString('latin1').replace(/\n/g, '\r\n'), 'latin1'));

/** A generated message's header block (as text) and body; generated messages always have both. */
function splitHead(content: Buffer): { head: string; body: Buffer } {
  const split = splitHeader(content);
  if (!split) throw new Error('generated message without a header/body split');
  return {
    head: content.subarray(0, split.headerEnd).toString('latin1'),
    body: content.subarray(split.bodyStart),
  };
}

const isSinglePartText = (m: SynthMessage): boolean => {
  const { head } = splitHead(m.content);
  return /^Content-Type: text\/plain/im.test(head) && !/^Content-Transfer-Encoding: base64/im.test(head);
};

/** Length of the body under relaxed canonicalisation (RFC 6376 section 3.4.4). */
export function relaxedBodyLength(body: Buffer): number {
  const lines = body
    .toString('latin1')
    .split('\r\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (!lines.length) return 0;
  return Buffer.byteLength(lines.join('\r\n') + '\r\n', 'latin1');
}

async function tarGz(entries: { name: string; data: Buffer }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  const mtime = new Date(Date.UTC(2017, 4, 2, 16, 20, 0));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) =>
      p.entry(
        { name: e.name, size: e.data.length, mtime, mode: 0o644, uname: 'hmarchand', gname: 'staff' },
        e.data,
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...walk(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

function kindOf(rel: string): SampleFileKind {
  if (rel.startsWith('Maildir/')) return 'maildir';
  if (rel.endsWith('.eml')) return 'eml';
  if (rel.endsWith('.mbox')) return 'mbox';
  if (rel.endsWith('.zip')) return 'zip';
  if (rel.endsWith('.tar.gz')) return 'tar.gz';
  if (rel.endsWith('.pdf')) return 'pdf';
  if (rel.endsWith('.csv')) return 'csv';
  if (rel.endsWith('.docx')) return 'docx';
  return 'json';
}

const withMessageId = (content: Buffer, id: string): Buffer => {
  const { head, body } = splitHead(content);
  const replaced = head.replace(/^Message-ID: <[^>]*>\r\n/im, `Message-ID: <${id}>\r\n`);
  return Buffer.concat([Buffer.from(replaced, 'latin1'), Buffer.from('\r\n'), body]);
};

/** Builds the sample dump under `dir` (replacing dir/dump) and returns its manifest. */
export async function buildSampleDump(dir: string, opts: { seed?: number } = {}): Promise<SampleManifest> {
  const seed = opts.seed ?? SAMPLE_SEED;
  const layout = sampleLayout(join(dir));
  const { dumpDir, keysFile, laterKeysFile, disclosedFile } = layout;
  rmSync(dumpDir, { recursive: true, force: true });
  mkdirSync(dumpDir, { recursive: true });

  const extraSpecs = [
    { domain: 'presse.example', selector: 'old1024', type: 'rsa' as const, bits: 1024 },
    { domain: DISCLOSED.domain, selector: DISCLOSED.selector, type: 'rsa' as const, bits: 2048 },
    { domain: 'gmail.example', selector: '20150623', type: 'rsa' as const, bits: 2048 },
  ];
  const allKeys = generateDkimKeys([...DEFAULT_KEY_SPECS, ...extraSpecs]);
  const mainKeys = allKeys.slice(0, DEFAULT_KEY_SPECS.length);
  const [weakKey, disclosedKey, missingKey] = allKeys.slice(DEFAULT_KEY_SPECS.length) as [
    DkimKey,
    DkimKey,
    DkimKey,
  ];
  /** What sample-keys.json holds: every key but the missing one. */
  const keys = allKeys.filter((k) => k !== missingKey);
  const keyFor = (m: SynthMessage): DkimKey => mainKeys.find((k) => m.from.address.endsWith('@' + k.domain))!;

  const pool = await generateMessageList({ seed, count: 90, signing: { keys: mainKeys, fraction: 0.85 } });
  const used = new Set<number>();
  const take = (...preds: ((m: SynthMessage) => boolean)[]): SynthMessage => {
    for (const pred of [...preds, () => true]) {
      const m = pool.find((x) => !used.has(x.index) && pred(x));
      if (m) {
        used.add(m.index);
        return m;
      }
    }
    throw new Error('sample pool exhausted');
  };
  const signTimeOf = (m: SynthMessage) => new Date(m.date.getTime() + 2000);
  const sign = async (m: SynthMessage, content: Buffer, key: DkimKey, maxBodyLength?: number) =>
    dkimSignatureFor(content, key, {
      signTime: signTimeOf(m),
      ...(maxBodyLength !== undefined ? { maxBodyLength } : {}),
    });
  const keyInfo = (k: DkimKey) => ({ domain: k.domain, selector: k.selector, bits: k.bits });
  /** A message from the key's domain, signed with it as it is. */
  const signedWith = async (key: DkimKey) => {
    const m = take((x) => x.from.address.endsWith('@' + key.domain));
    return { m, key, raw: assemble(m, await sign(m, m.content, key), m.content) };
  };

  // ---- deliberate cases (all loose .eml files)
  const cases: SampleCase[] = [];
  const caseFiles: { name: string; raw: Buffer }[] = [];
  /** A case in one file, eml/case-<name>.eml: the message as delivered, signed with `key` (or not). */
  const addCase = (c: {
    name: SampleCaseName;
    m: SynthMessage;
    raw: Buffer;
    key: DkimKey | null;
    dkim: SampleCase['expectedDkim'][number];
    verdict: Verdict;
    /** When mailauth's result is not the usual one for `dkim`. */
    mailauth?: string;
    description: string;
  }) => {
    const path = caseFilePath(c.name);
    caseFiles.push({ name: path, raw: c.raw });
    cases.push({
      name: c.name,
      paths: [path],
      expectedDkim: [c.dkim],
      mailauthResult: [c.mailauth ?? MAILAUTH_RESULT[c.dkim]],
      expectedVerdict: [c.verdict],
      messageId: c.m.messageId,
      signedBy: c.key ? keyInfo(c.key) : null,
      description: c.description,
    });
  };

  {
    const m = take(
      (x) => isSinglePartText(x) && x.from.address.endsWith('@en-avant.example'),
      isSinglePartText,
    );
    const key = keyFor(m);
    const sig = await sign(m, m.content, key);
    const { head, body } = splitHead(m.content);
    const text = body.toString('latin1');
    const match = /(?<= )\d{2,}/.exec(text);
    let altered: string;
    if (match) {
      const digits = match[0];
      const changed = digits[0] === '9' ? '1' + digits : String(Number(digits[0]) + 1) + digits.slice(1);
      altered = text.slice(0, match.index) + changed + text.slice(match.index + digits.length);
    } else {
      altered = text.replace(/\r\n/, '\r\nPS : ne rien dire à la presse.\r\n');
    }
    const content = Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), Buffer.from(altered, 'latin1')]);
    addCase({
      name: 'body-altered',
      m,
      raw: assemble(m, sig, content),
      key,
      dkim: 'fail',
      verdict: 'altered',
      description: 'Signed, then a figure in the body was changed: the body hash no longer matches.',
    });
  }
  {
    const m = take((x) => x.from.address.endsWith('@en-avant.example'));
    const key = keyFor(m);
    const sig = await sign(m, m.content, key);
    const forged = Buffer.concat([
      Buffer.from('Subject: =?UTF-8?Q?Virement_urgent_=C3=A0_effectuer_aujourd=27hui?=\r\n'),
      m.content,
    ]);
    addCase({
      name: 'second-subject',
      m,
      raw: assemble(m, sig, forged),
      key,
      dkim: 'pass',
      verdict: 'altered',
      description:
        'A second, unsigned Subject header was added above the signed one. DKIM still passes ' +
        '(h= covers only the bottom-most Subject, no oversigning) but mail programs display the added ' +
        'one: the message as shown is not the one signed.',
    });
  }
  addCase({
    name: 'rsa-1024',
    ...(await signedWith(weakKey)),
    dkim: 'pass',
    verdict: 'authentic-with-caveats',
    description:
      'Signed with a 1024-bit RSA key (selector old1024): valid, but a weak key that can be factored.',
  });
  {
    const m = take((x) => isSinglePartText(x) && !x.attachments.length, isSinglePartText);
    const key = keyFor(m);
    const { head, body } = splitHead(m.content);
    const sig = await sign(m, m.content, key, relaxedBodyLength(body));
    const qp = /^Content-Transfer-Encoding: quoted-printable/im.test(head);
    const ps =
      '\r\nPS : finalement, faites le virement de 48 000 € sur le compte habituel, je vous expliquerai.\r\n';
    const appended = Buffer.concat([m.content, Buffer.from(qp ? encodeQuotedPrintable(ps) + '\r\n' : ps)]);
    addCase({
      name: 'l-tag-appended',
      m,
      raw: assemble(m, sig, appended),
      key,
      dkim: 'pass',
      verdict: 'authentic-with-caveats',
      description:
        'Signed with l= covering the original body; a paragraph was appended after it and is not covered.',
    });
  }
  {
    const m = take((x) => !x.signedBy);
    addCase({
      name: 'unsigned',
      m,
      raw: assemble(m, '', m.content),
      key: null,
      dkim: 'none',
      verdict: 'unsigned',
      description: 'No DKIM-Signature at all.',
    });
  }
  {
    const a = take((x) => x.from.address.endsWith('@campagne.example'));
    const b = take((x) => x.from.address.endsWith('@campagne.example') && x.subject !== a.subject);
    const key = keyFor(a);
    const bContent = withMessageId(b.content, a.messageId);
    const pathA = caseFilePath('duplicate-message-id-a');
    const pathB = caseFilePath('duplicate-message-id-b');
    caseFiles.push({ name: pathA, raw: assemble(a, await sign(a, a.content, key), a.content) });
    caseFiles.push({ name: pathB, raw: assemble(b, await sign(b, bContent, keyFor(b)), bContent) });
    cases.push({
      name: 'duplicate-message-id',
      paths: [pathA, pathB],
      expectedDkim: ['pass', 'pass'],
      mailauthResult: [MAILAUTH_RESULT.pass, MAILAUTH_RESULT.pass],
      expectedVerdict: ['authentic', 'authentic'],
      messageId: a.messageId,
      signedBy: keyInfo(key),
      description: 'Two different messages (both validly signed) carrying the same Message-ID.',
    });
  }
  addCase({
    name: 'disclosed-key',
    ...(await signedWith(disclosedKey)),
    dkim: 'pass',
    verdict: 'forgeable',
    description:
      `Validly signed with selector ${DISCLOSED.selector}, whose private key ${DISCLOSED.domain} published on ` +
      `${DISCLOSED.disclosed} (sample-disclosed-keys.csv): anyone could have made this signature since.`,
  });
  addCase({
    name: 'key-missing',
    ...(await signedWith(missingKey)),
    dkim: 'fail',
    verdict: 'key-unavailable',
    description:
      `Signed with selector ${missingKey.selector}, whose key is not in sample-keys.json (retired before ` +
      'anyone archived it): it can be neither confirmed nor refuted until the key is found ' +
      '(sample-keys-found-later.json).',
  });
  {
    const m = take((x) => !!x.signedBy);
    const sig = await sign(m, m.content, keyFor(m));
    // The export kept the field only up to bh=: the signature value itself (b=) is gone.
    const cut = sig.slice(0, sig.search(/\sb=/)).replace(/\s*$/, '') + '\r\n';
    addCase({
      name: 'signature-cut',
      m,
      raw: assemble(m, cut, m.content),
      key: keyFor(m),
      dkim: 'fail',
      verdict: 'unverifiable',
      mailauth: 'fail',
      description:
        'The DKIM-Signature field was cut short in export: its signature value (b=) is missing, so it cannot ' +
        'be checked at all (which is not evidence of tampering either).',
    });
  }

  // ---- the rest of the pool: loose eml, mbox, Maildir, zip
  const rest = pool.filter((m) => !used.has(m.index));
  const emlMessages = rest.slice(0, 24);
  let mboxMessages = rest.slice(24, 39);
  if (!mboxMessages.some((m) => m.hasFromLine)) {
    const extra = rest.slice(39).find((m) => m.hasFromLine);
    if (extra) mboxMessages = [...mboxMessages.slice(1), extra];
  }
  const mboxSet = new Set(mboxMessages);
  const remaining = rest.slice(24).filter((m) => !mboxSet.has(m));
  const maildirOwn = remaining.slice(0, 15);
  const zipNew = remaining[15]!;

  const emlName = (m: { index: number }) => `eml/${String(m.index).padStart(3, '0')}.eml`;
  for (const c of caseFiles) {
    mkdirSync(join(dumpDir, 'eml'), { recursive: true });
    writeFileSync(join(dumpDir, c.name), c.raw);
  }
  await writeEml(dumpDir, emlMessages, { name: emlName });

  const mboxRes = await writeMbox(join(dumpDir, 'archive.mbox'), mboxMessages, { variant: 'mboxrd' });

  const maildirDups = emlMessages.slice(0, 3);
  const maildirRes = await writeMaildir(join(dumpDir, 'Maildir'), [...maildirOwn, ...maildirDups], {
    host: 'mail.en-avant.example',
    newEvery: 5,
  });

  const zipDups = emlMessages.slice(3, 6);
  const zipEntries = [
    ...zipDups.map((m) => ({ name: `Export/${String(m.index).padStart(3, '0')}.eml`, data: m.raw })),
    { name: `Export/${String(zipNew.index).padStart(3, '0')}.eml`, data: zipNew.raw },
  ];
  writeFileSync(join(dumpDir, 'export-messagerie.zip'), await makeZip(zipEntries));

  // ---- documents
  const rng = createRng(seed ^ 0xd0c5);
  const hm = PEOPLE[0]!;
  const fl = PEOPLE[1]!;
  const created = new Date(Date.UTC(2017, 2, 28, 8, 12, 5));
  const modified = new Date(Date.UTC(2017, 3, 3, 15, 47, 31));
  const notePdf = makePdf(
    {
      title: 'Note interne',
      author: hm.name,
      producer: 'macOS Version 10.12.4 (Build 16E195) Quartz PDFContext',
      creationDate: pdfDate(created, parisOffsetMinutes(created)),
      modDate: pdfDate(modified, parisOffsetMinutes(modified)),
    },
    ['Note interne - ne pas diffuser'],
  );
  const rapportPdf = makePdf(
    {
      title: 'Rapport financier 2016',
      author: fl.name,
      creator: 'Microsoft Word',
      producer: 'Microsoft: Print To PDF',
      creationDate: pdfDate(new Date(Date.UTC(2017, 0, 12, 10, 0, 0)), 60),
      modDate: pdfDate(new Date(Date.UTC(2017, 1, 2, 17, 30, 0)), 60),
    },
    ['Rapport financier 2016', 'Recettes : 1 254 300 EUR', 'Depenses : 1 198 750 EUR', 'Solde : 55 550 EUR'],
  );
  const docs: SampleManifest['documents'] = [];
  mkdirSync(join(dumpDir, 'documents'), { recursive: true });
  writeFileSync(join(dumpDir, 'documents/note-interne.pdf'), notePdf);
  writeFileSync(join(dumpDir, 'documents/budget-2017.csv'), makeCsv(rng, 2500, 2017));
  writeFileSync(
    join(dumpDir, 'documents/compte-rendu-reunion.docx'),
    await makeDocx({
      title: 'Compte rendu de la réunion du 3 avril',
      creator: PEOPLE[13]!.name,
      lastModifiedBy: hm.name,
      created,
      modified,
      paragraphs: [
        'Compte rendu de la réunion du 3 avril 2017',
        'Présents : Hélène Marchand, Frédéric Lemaire, Gaëlle Rousseau, Léa Vasseur.',
        'Budget : le plafond des dépenses sera atteint fin avril au rythme actuel.',
        'Presse : aucune déclaration avant la conférence de jeudi.',
      ],
    }),
  );
  docs.push(
    { path: 'documents/note-interne.pdf', kind: 'pdf', container: null },
    { path: 'documents/budget-2017.csv', kind: 'csv', container: null },
    { path: 'documents/compte-rendu-reunion.docx', kind: 'docx', container: null },
  );
  const tarEntries = [
    { name: 'Documents/rapport-financier-2016.pdf', data: rapportPdf },
    { name: 'Documents/liste-donateurs.csv', data: makeCsv(rng, 4000, 2016) },
  ];
  writeFileSync(join(dumpDir, 'documents.tar.gz'), await tarGz(tarEntries));
  docs.push(
    { path: tarEntries[0]!.name, kind: 'pdf', container: 'documents.tar.gz' },
    { path: tarEntries[1]!.name, kind: 'csv', container: 'documents.tar.gz' },
  );

  // ---- keys, counts, manifest
  writeFileSync(keysFile, JSON.stringify(keyFileJson(keys), null, 2) + '\n');
  writeFileSync(laterKeysFile, JSON.stringify(keyFileJson([missingKey]), null, 2) + '\n');
  writeFileSync(
    disclosedFile,
    'domain,selector,disclosed,source\n' +
      `${DISCLOSED.domain},${DISCLOSED.selector},${DISCLOSED.disclosed},${DISCLOSED.source}\n`,
  );

  const instances: Buffer[] = [
    ...caseFiles.map((c) => c.raw),
    ...emlMessages.map((m) => m.raw),
    ...mboxMessages.map((m) => m.raw),
    ...[...maildirOwn, ...maildirDups].map((m) => m.raw),
    ...zipEntries.map((e) => e.data),
  ];
  const ids = new Set<string>();
  for (const raw of instances) {
    const mid = /^Message-ID:\s*<([^>]*)>/im.exec(raw.toString('latin1'));
    if (mid) ids.add(mid[1]!);
  }
  const files: SampleFile[] = walk(dumpDir).map((p) => {
    const data = readFileSync(p);
    const rel = relative(dumpDir, p).split(sep).join('/');
    return { path: rel, kind: kindOf(rel), bytes: data.length, sha256: sha256Hex(data) };
  });
  const rel = (p: string) => relative(dumpDir, p).split(sep).join('/');
  const maildirFiles = maildirRes.files.map(rel);

  const manifest: SampleManifest = {
    version: 1,
    seed,
    ...layout,
    counts: {
      files: files.length,
      messages: instances.length,
      distinctMessages: new Set(instances.map(contentKey)).size,
      distinctMessageIds: ids.size,
      documents: docs.length,
      eml: caseFiles.length + emlMessages.length,
      mbox: mboxRes.messages,
      maildir: maildirRes.messages,
      zipMessages: zipEntries.length,
      signedMessages: instances.filter((raw) => /^DKIM-Signature:/im.test(splitHead(raw).head)).length,
    },
    mbox: {
      path: 'archive.mbox',
      variant: 'mboxrd',
      messages: mboxRes.messages,
      escapedLines: mboxRes.escapedLines,
    },
    maildir: {
      path: 'Maildir',
      messages: maildirRes.messages,
      cur: maildirFiles.filter((f) => f.startsWith('Maildir/cur/')).length,
      new: maildirFiles.filter((f) => f.startsWith('Maildir/new/')).length,
      duplicatesOfEml: maildirDups.map(emlName),
    },
    zip: {
      path: 'export-messagerie.zip',
      entries: zipEntries.map((e) => e.name),
      messages: zipEntries.length,
      duplicatesOfEml: zipDups.map(emlName),
    },
    tar: { path: 'documents.tar.gz', entries: tarEntries.map((e) => e.name) },
    documents: docs,
    keys: keys.map((k) => ({
      name: keyName(k.selector, k.domain),
      domain: k.domain,
      selector: k.selector,
      type: k.type,
      bits: k.bits,
    })),
    cases,
    files,
  };
  writeFileSync(manifest.manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
