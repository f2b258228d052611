import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { ContainerEvent, Format, Probe } from '../src/ingest/format.ts';
import { mboxFormat } from '../src/ingest/formats/mbox.ts';
import { zipFormat } from '../src/ingest/formats/zip.ts';
import { defaultLimits } from '../src/ingest/limits.ts';
import { identify, identifyFile, listFormats, probeBuffer, probeFile } from '../src/ingest/registry.ts';
import { coded, isKnownCode, render } from '../src/report/catalogue.ts';

const dir = mkdtempSync(join(tmpdir(), 'crible-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function of(bytes: Buffer | string, name = 'item', claimed = false) {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return identify(probeBuffer(data, name, claimed));
}

function detected(bytes: Buffer | string, name = 'item', claimed = false): string {
  return of(bytes, name, claimed).module.name;
}

// ---------------------------------------------------------------- fixtures

interface ZipItem {
  name: string;
  data: Buffer | string;
  stored?: boolean;
}

async function makeZip(items: ZipItem[], options: { zip64?: boolean } = {}): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  for (const item of items) {
    const data = typeof item.data === 'string' ? Buffer.from(item.data) : item.data;
    archive.addBuffer(data, item.name, {
      compress: !item.stored,
      forceZip64Format: options.zip64 ?? false,
      mtime: new Date(0),
    });
  }
  archive.end();
  const chunks: Buffer[] = [];
  for await (const chunk of archive.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const CONTENT_TYPES = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/><Override PartName="/main.xml" ContentType="${main}"/></Types>`;
const WORD_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';

/** An OOXML package whose manifest is not the first member (so the directory must be read). */
function ooxml(folder: string, main: string, extra: ZipItem[] = []): Promise<Buffer> {
  return makeZip([
    ...extra,
    { name: 'docProps/core.xml', data: '<cp:coreProperties/>' },
    { name: '_rels/.rels', data: '<Relationships/>' },
    { name: `${folder}${main}`, data: '<document/>' },
    { name: '[Content_Types].xml', data: CONTENT_TYPES(WORD_MAIN) },
  ]);
}

function odf(mediaType: string): Promise<Buffer> {
  return makeZip([
    { name: 'mimetype', data: mediaType, stored: true },
    { name: 'META-INF/manifest.xml', data: '<manifest:manifest/>' },
    { name: 'content.xml', data: '<office:document-content/>' },
  ]);
}

interface OleNode {
  name: string;
  children?: OleNode[];
}

const FREE = 0xffffffff;
const END_OF_CHAIN = 0xfffffffe;

/**
 * A minimal compound file (version 3, 512-byte sectors): sector 0 the FAT, then the directory.
 * Streams are empty: identification reads only the directory. Siblings are a chain of right links.
 */
function compoundFile(rootChildren: OleNode[]): Buffer {
  interface Flat {
    name: string;
    type: number;
    left: number;
    right: number;
    child: number;
  }
  const flat: Flat[] = [{ name: 'Root Entry', type: 5, left: FREE, right: FREE, child: FREE }];
  const add = (nodes: OleNode[]): number => {
    const ids = nodes.map((n) => {
      flat.push({ name: n.name, type: n.children ? 1 : 2, left: FREE, right: FREE, child: FREE });
      return flat.length - 1;
    });
    nodes.forEach((n, i) => {
      const entry = flat[ids[i]!]!;
      entry.right = ids[i + 1] ?? FREE;
      if (n.children) entry.child = add(n.children);
    });
    return ids[0] ?? FREE;
  };
  flat[0]!.child = add(rootChildren);
  const dirSectors = Math.ceil(flat.length / 4);
  const file = Buffer.alloc(512 * (2 + dirSectors));
  file.write('\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1', 0, 'latin1');
  file.writeUInt16LE(0x3e, 24);
  file.writeUInt16LE(3, 26);
  file.writeUInt16LE(0xfffe, 28);
  file.writeUInt16LE(9, 30);
  file.writeUInt16LE(6, 32);
  file.writeUInt32LE(1, 44); // one FAT sector
  file.writeUInt32LE(1, 48); // the directory starts at sector 1
  file.writeUInt32LE(4096, 56);
  file.writeUInt32LE(END_OF_CHAIN, 60);
  file.writeUInt32LE(END_OF_CHAIN, 68);
  for (let i = 0; i < 109; i++) file.writeUInt32LE(i === 0 ? 0 : FREE, 76 + 4 * i);
  const fat = 512;
  for (let i = 0; i < 128; i++) file.writeUInt32LE(FREE, fat + 4 * i);
  file.writeUInt32LE(0xfffffffd, fat); // sector 0 is the FAT
  for (let s = 1; s <= dirSectors; s++)
    file.writeUInt32LE(s === dirSectors ? END_OF_CHAIN : s + 1, fat + 4 * s);
  for (let i = 0; i < dirSectors * 4; i++) {
    const at = 1024 + 128 * i;
    const e = flat[i];
    if (!e) {
      file.writeUInt32LE(FREE, at + 68);
      file.writeUInt32LE(FREE, at + 72);
      file.writeUInt32LE(FREE, at + 76);
      continue;
    }
    file.write(e.name, at, 'utf16le');
    file.writeUInt16LE((e.name.length + 1) * 2, at + 64);
    file[at + 66] = e.type;
    file[at + 67] = 1;
    file.writeUInt32LE(e.left, at + 68);
    file.writeUInt32LE(e.right, at + 72);
    file.writeUInt32LE(e.child, at + 76);
    file.writeUInt32LE(END_OF_CHAIN, at + 116);
  }
  return file;
}

const streams = (...names: string[]): OleNode[] => names.map((name) => ({ name }));
const MSG_ROOT = streams('__nameid_version1.0', '__substg1.0_0037001F', '__properties_version1.0');

async function makeTar(name: string, data: Buffer): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  pack.entry({ name, mtime: new Date(0) }, data);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const MESSAGE =
  'From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody\r\n';
const ENVELOPE = 'From alice@example.org Mon Jan  1 00:00:00 2024';

async function collect(events: AsyncIterable<ContainerEvent>): Promise<ContainerEvent[]> {
  const out: ContainerEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

// ---------------------------------------------------------------- the registry

/** 7z and RAR are read through bsdtar; without it they are recognised and say what to install. */
const TOOL_FORMATS = ['7z', 'rar'];
const BSDTAR = process.env.CRIBLE_BSDTAR || 'bsdtar';
const bsdtar = spawnSync(BSDTAR, ['--version']).status === 0;
if (!bsdtar)
  console.warn('[registry] bsdtar (libarchive-tools) not installed: 7z and RAR checked as not readable here');
const toolMissing = (format: string) =>
  coded('format.tool-missing', { format, tool: BSDTAR, package: 'libarchive-tools' });

describe('registry', () => {
  it('lists every module once, with its kind', () => {
    const formats = listFormats();
    const names = formats.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    const kinds = Object.fromEntries(formats.map((f) => [f.name, f.kind]));
    expect(kinds).toMatchObject({
      eml: 'message',
      zip: 'container',
      gzip: 'container',
      tar: 'container',
      mbox: 'container',
      docx: 'document',
      pdf: 'document',
      unknown: 'document',
      pst: 'container',
      msg: 'container',
      tnef: 'container',
      emlx: 'container',
      bzip2: 'container',
      olm: 'container',
    });
    for (const f of formats) {
      if (f.kind !== 'unread') continue;
      expect(f.reason).toEqual(
        TOOL_FORMATS.includes(f.name)
          ? toolMissing(f.name)
          : coded('format.not-read-yet', { format: f.name }),
      );
      expect(isKnownCode(f.reason.code)).toBe(true);
      expect(render(f.reason)).toMatch(
        TOOL_FORMATS.includes(f.name)
          ? /not read: the .* program is missing \(install the Debian package libarchive-tools\); .* not in the case$/
          : /: not read yet by this version of Crible; .* not in the case$/,
      );
    }
    // A case an older version ingested kept this reason for its PST stores: the words say this one reads them.
    expect(render(coded('format.not-read-yet', { format: 'pst' }))).toBe(
      'Outlook PST mail store: not read by the version of Crible that ingested it, so its messages are not in the case; this version reads it: run the same ingest again',
    );
  });

  it('picks the highest score, the first listed on a tie, and survives a module that throws', () => {
    const thrower: Format = {
      name: 'thrower',
      kind: 'document',
      score: () => {
        throw new Error('boom');
      },
    };
    const nan: Format = { name: 'nan', kind: 'document', score: () => Number.NaN };
    const a: Format = { name: 'a', kind: 'document', score: () => 7 };
    const b: Format = { name: 'b', kind: 'document', score: () => 7 };
    const probe = probeBuffer(Buffer.from('x'), 'x', false);
    expect(identify(probe, [thrower, nan, a, b])).toEqual({ module: a, score: 7 });
    expect(identify(probe).module.name).toBe('text');
  });
});

// ---------------------------------------------------------------- zip-based documents

describe('documents built on zip', () => {
  it('tells docx, xlsx and pptx apart by their main part, reading the central directory', async () => {
    const docx = await ooxml('word/', 'document.xml');
    // The first local header is not the manifest: only the directory names it.
    expect(docx.subarray(30, 30 + 17).toString()).toBe('docProps/core.xml');
    expect(of(docx, 'report.bin')).toMatchObject({ module: { name: 'docx', kind: 'document' }, score: 100 });
    expect(detected(await ooxml('xl/', 'workbook.xml'))).toBe('xlsx');
    expect(detected(await ooxml('ppt/', 'presentation.xml'))).toBe('pptx');
  });

  it('falls back to the content types when the folders do not say, and keeps other OPC packages zips', async () => {
    const custom = await makeZip([
      { name: 'main.xml', data: '<document/>' },
      { name: '[Content_Types].xml', data: CONTENT_TYPES(WORD_MAIN) },
    ]);
    expect(detected(custom)).toBe('docx');
    const macro = await makeZip([
      { name: 'main.xml', data: '<workbook/>' },
      {
        name: '[Content_Types].xml',
        data: CONTENT_TYPES('application/vnd.ms-excel.sheet.macroEnabled.main+xml'),
      },
    ]);
    expect(detected(macro)).toBe('xlsx');
    const nupkg = await makeZip([
      { name: 'package.nuspec', data: '<package/>' },
      { name: '[Content_Types].xml', data: CONTENT_TYPES('application/octet') },
    ]);
    expect(of(nupkg).module).toBe(zipFormat);
  });

  it('reads zip64 directories and finds the main part of a large file on disk beyond its head', async () => {
    expect(detected(await ooxml('word/', 'document.xml'), 'x', false)).toBe('docx');
    const zip64 = await makeZip(
      [
        { name: 'word/document.xml', data: '<document/>' },
        { name: '[Content_Types].xml', data: CONTENT_TYPES(WORD_MAIN) },
      ],
      { zip64: true },
    );
    expect(of(zip64)).toMatchObject({ module: { name: 'docx' }, score: 100 });

    const big = await ooxml('ppt/', 'presentation.xml', [
      { name: 'ppt/media/image1.png', data: randomBytes(300 * 1024), stored: true },
    ]);
    const path = join(dir, 'slides.bin');
    writeFileSync(path, big);
    const found = identifyFile(path, big.length, 'slides.bin', false);
    expect(found).toMatchObject({ module: { name: 'pptx' }, score: 100 });
    expect(found.head.length).toBe(64 * 1024);
    // The same from a Buffer path (names that are not UTF-8 are opened as bytes).
    expect(identifyFile(Buffer.from(path), big.length, 'slides.bin', false).module.name).toBe('pptx');
  });

  it('names a docx cut short from its local headers, below a sound one', async () => {
    const docx = await makeZip([
      { name: '[Content_Types].xml', data: CONTENT_TYPES(WORD_MAIN) },
      { name: 'word/document.xml', data: '<document/>' },
    ]);
    const cut = docx.subarray(0, docx.indexOf(Buffer.from('PK\x01\x02', 'latin1')));
    expect(of(cut)).toMatchObject({ module: { name: 'docx' }, score: 95 });
  });

  it('reads OpenDocument and EPUB from their mimetype member', async () => {
    expect(detected(await odf('application/vnd.oasis.opendocument.text'))).toBe('odt');
    expect(detected(await odf('application/vnd.oasis.opendocument.spreadsheet'))).toBe('ods');
    expect(detected(await odf('application/vnd.oasis.opendocument.presentation'))).toBe('odp');
    expect(detected(await odf('application/vnd.oasis.opendocument.text-template'))).toBe('odt');
    expect(detected(await odf('application/vnd.oasis.opendocument.formula'))).toBe('odf');
    expect(of(await odf('application/epub+zip'))).toMatchObject({
      module: { name: 'epub', kind: 'document' },
    });
  });

  it('keeps a plain zip a container', async () => {
    const zip = await makeZip([
      { name: 'mail/1.eml', data: MESSAGE },
      { name: 'notes.xml', data: '<notes/>' },
    ]);
    expect(of(zip, 'dump.zip')).toEqual({ module: zipFormat, score: 90 });
    expect(of(await makeZip([]))).toEqual({ module: zipFormat, score: 90 });
  });
});

// ---------------------------------------------------------------- mail

describe('mail', () => {
  it('recognises a message after a UTF-8 BOM or blank lines, by content whatever the name', () => {
    expect(of(MESSAGE, 'x.txt')).toMatchObject({ module: { name: 'eml', kind: 'message' }, score: 50 });
    expect(detected(Buffer.from(`\ufeff${MESSAGE}`), 'x.txt')).toBe('eml');
    expect(detected(`\r\n\r\n${MESSAGE}`, 'x')).toBe('eml');
    expect(detected(`\n${MESSAGE}`, 'x')).toBe('eml');
  });

  it('recognises an mbox, with a line or two of preamble before its first From line', async () => {
    expect(of(`${ENVELOPE}\n${MESSAGE}`)).toMatchObject({ module: mboxFormat, score: 80 });
    const preambles = [
      `Mailbox exported by a tool\n${ENVELOPE}\n${MESSAGE}`,
      `Exported 2024-01-02\nby someone\n\n${ENVELOPE}\nX-Note: a\n\nbody\n`,
    ];
    for (const text of preambles) {
      expect(of(text).module).toBe(mboxFormat);
      // The splitter agrees: the preamble is a member of its own, then the message.
      const events = await collect(
        mboxFormat.entries({ kind: 'buffer', data: Buffer.from(text), name: 'x' }, defaultLimits),
      );
      expect(events.map((e) => e.path)).toEqual(['preamble', '1']);
    }
    // A message whose body quotes an envelope line stays a message.
    expect(detected(`Subject: x\nFrom: a@example.org\n\n${ENVELOPE}\nquoted\n`)).toBe('eml');
    // An envelope line far down a text is not an mbox.
    expect(detected(`${'line\n'.repeat(20)}\n${ENVELOPE}\nSubject: x\n`)).toBe('text');
  });

  it('treats what the container says is a message as one, whatever it looks like', async () => {
    const zip = await makeZip([{ name: 'a', data: 'a' }]);
    for (const bytes of [zip, Buffer.from('%PDF-1.4\n'), randomBytes(100), Buffer.alloc(0)]) {
      expect(of(bytes, 'cur/1:2,S', true)).toMatchObject({ module: { name: 'eml' }, score: 1000 });
    }
  });
});

// ---------------------------------------------------------------- not read yet

describe('formats recognised before they can be read', () => {
  const unread = (bytes: Buffer | string, name = 'item') => {
    const { module } = of(bytes, name);
    if (module.kind !== 'unread') return { name: module.name, kind: module.kind };
    return { name: module.name, kind: module.kind, itemType: module.itemType, reason: module.reason };
  };
  const expected = (name: string, itemType: string) => ({
    name,
    kind: 'unread',
    itemType,
    reason: coded('format.not-read-yet', { format: name }),
  });
  const ndb = (client: string) =>
    Buffer.concat([Buffer.from(`!BDN\x01\x02\x03\x04${client}\x17\x00`, 'latin1'), Buffer.alloc(500)]);

  it('Outlook PST and OST by their NDB header', () => {
    expect(unread(ndb('SM'))).toEqual({ name: 'pst', kind: 'container' });
    expect(unread(ndb('SO'))).toEqual({ name: 'ost', kind: 'container' });
    expect(unread(ndb('AB'))).toMatchObject({ name: 'unknown' });
    expect(unread(ndb('AB'), 'old.pst')).toMatchObject({ name: 'pst' });
  });

  it('Outlook MSG by the property streams at the root of its compound file', () => {
    expect(unread(compoundFile(MSG_ROOT))).toEqual({ name: 'msg', kind: 'container' });
    // A Word document holding a message as an embedded object is the Word document.
    const docWithMsg = compoundFile([
      ...streams('WordDocument', '1Table'),
      { name: 'ObjectPool', children: [{ name: '_1234', children: MSG_ROOT }] },
    ]);
    expect(detected(docWithMsg)).toBe('doc');
    // A message with a Word document attached is the message.
    const msgWithDoc = compoundFile([
      ...MSG_ROOT,
      { name: '__attach_version1.0_#00000000', children: streams('WordDocument') },
    ]);
    expect(detected(msgWithDoc)).toBe('msg');
  });

  it('Apple EMLX by its byte count, message and property list', () => {
    const plist = '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict/></plist>\n';
    const emlx = `${Buffer.byteLength(MESSAGE)}\n${MESSAGE}${plist}`;
    expect(unread(emlx, '12.emlx')).toEqual({ name: 'emlx', kind: 'container' });
    expect(of(emlx)).toMatchObject({ score: 100 });
    expect(of(`${Buffer.byteLength(MESSAGE) + 5}\n${MESSAGE}`)).toMatchObject({
      module: { name: 'emlx' },
      score: 90,
    });
    expect(detected('2024\nnotes for the year\n')).toBe('text');
  });

  it('Outlook for Mac OLM by its folder layout', async () => {
    const olm = await makeZip([
      { name: 'Categories.xml', data: '<categories/>' },
      {
        name: 'Accounts/alice@example.org/com.microsoft.__Messages/Inbox/message_00000.xml',
        data: '<emails/>',
      },
    ]);
    expect(unread(olm, 'archive.olm')).toEqual({ name: 'olm', kind: 'container' });
    const local = await makeZip([
      { name: 'Local/com.microsoft.__Messages/Sent/message_00001.xml', data: '<e/>' },
    ]);
    expect(detected(local)).toBe('olm');
    const notOlm = await makeZip([{ name: 'Accounts/readme.txt', data: 'x' }]);
    expect(detected(notOlm, 'x.olm')).toBe('zip');
  });

  it('bzip2, xz, zstd, 7z and RAR by their magic (7z and RAR read through bsdtar when it is installed)', () => {
    const throughTool = (name: string) =>
      bsdtar
        ? { name, kind: 'container' }
        : { name, kind: 'unread', itemType: 'container', reason: toolMissing(name) };
    const tail = randomBytes(64);
    const withTail = (magic: string) => Buffer.concat([Buffer.from(magic, 'latin1'), tail]);
    expect(unread(withTail('BZh91AY&SY'))).toEqual({ name: 'bzip2', kind: 'container' });
    expect(unread(withTail('BZh9\x17\x72\x45\x38\x50\x90'))).toEqual({ name: 'bzip2', kind: 'container' });
    expect(detected('BZh9 is not a block')).toBe('text');
    expect(unread(withTail('\xfd7zXZ\x00'))).toEqual({ name: 'xz', kind: 'container' });
    expect(unread(withTail('\x28\xb5\x2f\xfd'))).toEqual(expected('zstd', 'container'));
    expect(unread(withTail('7z\xbc\xaf\x27\x1c'))).toEqual(throughTool('7z'));
    expect(unread(withTail('Rar!\x1a\x07\x00'))).toEqual(throughTool('rar'));
    expect(unread(withTail('Rar!\x1a\x07\x01\x00'))).toEqual(throughTool('rar'));
  });
});

// ---------------------------------------------------------------- documents by content

describe('documents by content', () => {
  it('by magic number', () => {
    expect(of('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')).toMatchObject({ module: { name: 'pdf' }, score: 100 });
    expect(of('junk before\r\n%PDF-1.4\n')).toMatchObject({ module: { name: 'pdf' }, score: 70 });
    expect(detected('\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR')).toBe('png');
    expect(detected('\xff\xd8\xff\xe0\x00\x10JFIF')).toBe('jpeg');
    expect(detected('GIF89a\x01\x00')).toBe('gif');
    expect(detected('II*\x00\x08\x00\x00\x00')).toBe('tiff');
    expect(detected('MM\x00*\x00\x00\x00\x08')).toBe('tiff');
    expect(detected('RIFF\x24\x00\x00\x00WEBPVP8 ')).toBe('webp');
    expect(detected('RIFF\x24\x00\x00\x00WAVEfmt ')).toBe('unknown');
    expect(detected('{\\rtf1\\ansi hello}')).toBe('rtf');
  });

  it('Office 97-2003 documents by the streams at the root of their compound file', () => {
    expect(of(compoundFile(streams('WordDocument', '1Table')))).toMatchObject({
      module: { name: 'doc', kind: 'document' },
      score: 100,
    });
    expect(detected(compoundFile(streams('Workbook')))).toBe('xls');
    expect(detected(compoundFile(streams('Book')))).toBe('xls');
    expect(detected(compoundFile(streams('Current User', 'PowerPoint Document')))).toBe('ppt');
    expect(detected(compoundFile(streams('VisioDocument')))).toBe('ole');
  });

  it('markup and text', () => {
    expect(of('<!DOCTYPE html>\n<html><body>x</body></html>')).toMatchObject({
      module: { name: 'html' },
      score: 50,
    });
    expect(
      detected('<?xml version="1.0"?>\n<!-- x -->\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0"><html>'),
    ).toBe('html');
    expect(detected('  <p>Hello</p>\n<body>')).toBe('html');
    expect(detected('<?xml version="1.0" encoding="UTF-8"?>\n<root/>')).toBe('xml');
    expect(
      detected(
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0"?><a/>', 'utf16le')]),
      ),
    ).toBe('xml');
    expect(detected('name,email,date\nalice,a@example.org,2024\nbob,b@example.org,2023\n')).toBe('csv');
    expect(detected('a;b\n1;2\n', 'list.csv')).toBe('csv');
    expect(detected('Dear Bob,\nhere are the notes.\nBest, Alice\n')).toBe('text');
    expect(detected('Grüße aus Köln\n')).toBe('text');
    expect(detected('caf\xe9 cr\xe8me\n')).toBe('text'); // latin-1
    expect(detected(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('hi', 'utf16le').swap16()]))).toBe(
      'text',
    );
    expect(detected('')).toBe('text');
    expect(detected(Buffer.from([0, 1, 2, 3, 250, 251, 0, 0]))).toBe('unknown');
  });
});

// ---------------------------------------------------------------- names

describe('names are a hint only', () => {
  const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));

  it('claims a .eml that is not mail as a message, unless the content says otherwise', () => {
    expect(of(garbage, 'garbage.eml')).toMatchObject({ module: { name: 'eml' }, score: 10 });
    expect(detected('just some text\n', 'notes.eml')).toBe('eml');
    expect(detected('<p>Hello</p><body>', 'fragment.eml')).toBe('eml');
    expect(detected('<!DOCTYPE html><html>', 'page.eml')).toBe('html');
    expect(detected(garbage, 'garbage.bin')).toBe('unknown');
    expect(detected('%PDF-1.4\n', 'invoice.eml')).toBe('pdf');
    expect(detected(compoundFile(MSG_ROOT), 'saved.eml')).toBe('msg');
  });

  it('lets the name help an old v7 tar, and only with a valid header checksum', async () => {
    const archive = await makeTar('a.eml', Buffer.from(MESSAGE));
    expect(of(archive, 'x.bin')).toMatchObject({ module: { name: 'tar' }, score: 100 });
    const v7 = Buffer.from(archive);
    v7.fill(0, 257, 265); // no ustar magic
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : v7[i]!;
    v7.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    expect(of(v7, 'old.tar')).toMatchObject({ module: { name: 'tar' }, score: 60 });
    expect(detected(v7, 'old.bin')).toBe('unknown');
    v7[0] = 0x5a;
    expect(detected(v7, 'old.tar')).toBe('unknown');
  });
});

// ---------------------------------------------------------------- hostile input

describe('hostile input', () => {
  it('survives damaged compound files: loops, bad links, truncation', () => {
    const loop = compoundFile(MSG_ROOT);
    loop.writeUInt32LE(1, 512 + 4); // the directory chain points back to itself
    expect(detected(loop)).toBe('msg'); // the first sector was read, then the loop stopped
    const badTree = compoundFile(MSG_ROOT);
    badTree.writeUInt32LE(999, 1024 + 76); // the root's child is out of range
    expect(of(badTree)).toMatchObject({ module: { name: 'ole' }, score: 80 });
    const farDirectory = compoundFile(MSG_ROOT);
    farDirectory.writeUInt32LE(0x7fffffff, 48);
    expect(detected(farDirectory)).toBe('ole');
    const hugeFat = compoundFile(MSG_ROOT);
    hugeFat.writeUInt32LE(0xffffffff, 44); // claims 4 billion FAT sectors
    hugeFat.writeUInt32LE(5, 68); // and a DIFAT chain
    hugeFat.writeUInt32LE(0x00ffffff, 512 + 4); // whose sector the directory chain needs
    expect(() => of(hugeFat)).not.toThrow();
    expect(detected(compoundFile(MSG_ROOT).subarray(0, 600))).toBe('ole');
  });

  it('survives damaged zips: directories pointing anywhere, names cut short', async () => {
    const docx = await ooxml('word/', 'document.xml');
    const end = docx.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
    const far = Buffer.from(docx);
    far.writeUInt32LE(0xfffffff0, end + 16); // directory offset past the end
    far.writeUInt32LE(0xfffffff0, end + 12); // and a size to match
    expect(() => of(far)).not.toThrow();
    const cutName = Buffer.from(docx);
    const central = docx.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
    cutName.writeUInt16LE(0xffff, central + 28);
    expect(['docx', 'zip']).toContain(detected(cutName));
  });

  it('scores lower, without throwing, when a file probe cannot be read any more', async () => {
    const big = await ooxml('word/', 'document.xml', [
      { name: 'word/media/image1.png', data: randomBytes(100 * 1024), stored: true },
    ]);
    const path = join(dir, 'closed.docx');
    writeFileSync(path, big);
    const probe = probeFile(path, big.length, 'closed.docx', false);
    probe.close();
    probe.close();
    expect(() => probe.read(0, 10)).toThrow();
    expect(['docx', 'zip']).toContain(identify(probe).module.name);
    expect(() => probeFile(join(dir, 'missing'), 10, 'missing', false)).toThrow();
  });

  it('never throws or hangs on random bytes behind every magic number', async () => {
    const docx = await ooxml('word/', 'document.xml');
    const magics = [
      '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1',
      'PK\x03\x04',
      'PK\x05\x06',
      '!BDN',
      'BZh9',
      '%PDF-',
      'From ',
      '\x1f\x8b\x08',
      '\xef\xbb\xbf',
      '\xff\xfe',
      '123\n',
    ];
    const started = Date.now();
    for (let round = 0; round < 300; round++) {
      const magic = Buffer.from(magics[round % magics.length]!, 'latin1');
      const body = randomBytes(round % 7 === 0 ? 70_000 : 1 + (round % 2000));
      const ole = compoundFile(MSG_ROOT);
      const mutated = Buffer.from(round % 2 === 0 ? docx : ole);
      for (let i = 0; i < 8; i++) mutated[(round * 131 + i * 977) % mutated.length] = body[i] ?? 0;
      for (const bytes of [Buffer.concat([magic, body]), mutated, Buffer.concat([magic, ole.subarray(8)])]) {
        const probe: Probe = probeBuffer(bytes, round % 3 ? 'x.eml' : 'x', false);
        const { module, score } = identify(probe);
        expect(score).toBeGreaterThan(0);
        expect(listFormats()).toContain(module);
      }
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
