// The OLE2 extractor (doc, xls, ppt) on the corpus files, value by value as PROVENANCE.md and
// ExifTool give them; on compound files written here (test/helpers/ole-write.ts) in other code pages,
// with text; under two process time zones (with the RTF files); and on hostile files (a looping sector chain, a property
// set claiming 10^9 properties, a stream claiming more bytes than the file): problems, no hang.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { instantOf } from '../src/extract/dates.ts';
import { ole2Extractor } from '../src/extract/formats/ole2.ts';
import { extractorFor } from '../src/extract/index.ts';
import type { Extraction } from '../src/extract/types.ts';
import { isKnownCode } from '../src/report/catalogue.ts';
import { requireCorpus } from './helpers/corpus.ts';
import {
  biff5WorkbookStream,
  compObj,
  docSummaryInformation,
  FMTID_SUMMARY,
  setFatEntry,
  summaryInformation,
  wordStreams,
  workbookStream,
  writeCompoundFile,
  writePropertySetStream,
} from './helpers/ole-write.ts';

const OPTIONS = { maxTextChars: 100_000, ocr: false };
const extract = (bytes: Buffer, options = OPTIONS) => ole2Extractor.extract(bytes, options);
const codes = (r: Extraction) => r.problems.map((p) => p.code);
const field = (r: Extraction, group: string, name: string) =>
  r.fields.find((f) => f.group === group && f.name === name)?.value;
/** The fields of one group by name. */
const group = (r: Extraction, name: string) =>
  Object.fromEntries(r.fields.filter((f) => f.group === name).map((f) => [f.name, f.value]));
const local = (local: string) => ({ written: local.replace('T', ' '), local, offset: null });

const docs = requireCorpus('docs', 'extract-ole2');
const hasExiftool = (() => {
  try {
    execFileSync('exiftool', ['-ver'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('[extract-ole2] exiftool not installed: the cross-check of the writer is skipped');
    return false;
  }
})();

describe.skipIf(!docs)('OLE2 extractor on the corpus', () => {
  const read = (name: string) => extract(readFileSync(join(docs!, name)));

  it('tika__testWORD.doc: a Save As copy, Create = Modify, English Word', async () => {
    const x = await read('tika__testWORD.doc');
    expect(x.facts).toMatchObject({
      title: 'Sample Word Document',
      authors: ['Keith Bennett'],
      lastModifiedBy: 'Nick Burch',
      template: 'Normal.dotm',
      revision: '2',
      editMinutes: 1,
      application: 'Microsoft Office Word',
      appVersion: '12.0000',
      codePage: 1252,
      compObjType: 'Microsoft Office Word 97-2003 Document',
      created: local('2010-11-12T16:22:00'),
      modified: local('2010-11-12T16:22:00'),
      printed: null,
    });
    expect(group(x, 'SummaryInformation')).toMatchObject({
      PageCount: '2',
      WordCount: '122',
    });
    expect(field(x, 'DocumentSummaryInformation', 'HeadingPairs')).toBe('Title, 1');
    expect(field(x, 'CompObj', 'ProgID')).toBe('Word.Document.8');
    expect(field(x, 'WordDocument', 'InstallLanguage')).toBe('en-US');
    // The font table: Calibri and Cambria Math came with Office 2007, as AppVersion 12 says.
    expect(x.facts.fonts).toEqual([
      'Times New Roman',
      'Symbol',
      'Arial',
      'Calibri',
      'Times',
      'DejaVu Sans',
      'Georgia',
      'Cambria Math',
    ]);
    expect(x.text).toContain('This is a sample Microsoft Word Document.');
    expect(x.text).toContain('This document includes text that is BOLD and ITALIC.');
    // Headers and footers follow the main text.
    expect(x.text).toMatch(/This is the header for our document\n+This is the footer for our document$/);
    expect(x.problems).toEqual([]);
  });

  it('tika__testWORD_custom_props.doc: a French Word (CompObj), custom properties, a login ID as author', async () => {
    const x = await read('tika__testWORD_custom_props.doc');
    expect(x.facts).toMatchObject({
      title: 'My Title',
      subject: 'My subject',
      authors: ['EJ04325S'],
      lastModifiedBy: 'Etienne Jouvin',
      company: 'EDF-DIT',
      appVersion: '14.0000',
      codePage: 1252,
      revision: '6',
      compObjType: 'Document Microsoft Word 97-2003',
      created: local('2010-10-05T09:03:00'),
      modified: local('2012-01-03T22:14:00'),
      custom: { MyCustomDate: '2010-12-30 23:00:00', MyCustomString: 'MyStringValue' },
    });
    // 6.4 hours, as ExifTool says.
    expect(x.facts.editMinutes).toBe(386);
    expect(group(x, 'SummaryInformation')).toMatchObject({
      EditTime: 'PT6H26M0S',
      Keywords: 'My Keyword',
      Comments: 'My Comments',
    });
    expect(field(x, 'DocumentSummaryInformation', 'HeadingPairs')).toBe('Titre, 1');
    // Word's DOP keeps local time (23:14) where SummaryInformation keeps UTC (22:14): the author's
    // computer was at +01:00 (France in January), and the SummaryInformation dates are UTC.
    expect(group(x, 'WordDocument')).toMatchObject({
      DopCreated: '2010-10-05 10:03:00',
      DopRevised: '2012-01-03 23:14:00',
      DopRevision: '6',
      DopEditMinutes: '386',
      SaveZone: '+01:00',
    });
    expect(x.facts.modified?.derivedOffset).toBe('+00:00');
    // Rules comparing instants now read it as one instant, not a 26-hour range.
    expect(instantOf(x.facts.modified!)).toBe('2012-01-03T22:14:00.000Z');
    expect(x.text).toBe('Document content');
  });

  it('tika__testEXCEL.xls: three locale signals (code page, French CompObj, Feuil1-3) and Excel 2003', async () => {
    const x = await read('tika__testEXCEL.xls');
    expect(x.facts).toMatchObject({
      title: 'Simple Excel document',
      authors: ['Keith Bennett'],
      lastModifiedBy: 'RIBEN9',
      application: 'Microsoft Excel',
      appVersion: '11.8132',
      codePage: 1252,
      compObjType: 'Feuille de calcul Microsoft Office Excel',
      sheetNames: ['Feuil1', 'Feuil2', 'Feuil3'],
      fonts: ['Arial', 'Verdana'],
      created: local('2007-10-01T16:13:56'),
      modified: local('2007-10-01T16:31:43'),
    });
    expect(group(x, 'DocumentSummaryInformation')).toMatchObject({
      TitlesOfParts: 'Feuil1, Feuil2, Feuil3',
      HeadingPairs: 'Feuilles de calcul, 3',
    });
    expect(field(x, 'CompObj', 'ProgID')).toBe('Excel.Sheet.8');
    expect(x.text).toContain('Sample Excel Worksheet - Numbers and their Squares');
    expect(x.problems).toEqual([]);
  });

  it('exiftool__FlashPix.ppt: every SummaryInformation field, the Mac Roman code page, custom properties', async () => {
    const x = await read('exiftool__FlashPix.ppt');
    expect(x.facts).toMatchObject({
      title: 'title',
      subject: 'subject',
      authors: ['author'],
      lastModifiedBy: 'user name',
      revision: '1',
      company: 'company',
      manager: 'manager',
      application: 'Microsoft PowerPoint',
      appVersion: '10.2418',
      codePage: 10000,
      fonts: ['Times'],
      created: local('2007-02-09T16:23:23'),
      modified: local('2007-02-09T16:27:49'),
      custom: {
        'Custom Text': 'customtext',
        'Custom Number': '42',
        'Custom Date': '2007-01-09 05:00:00',
        'Custom Boolean': 'true',
      },
    });
    // ExifTool: 4.4 minutes.
    expect(x.facts.editMinutes).toBeCloseTo(4.43, 2);
    expect(field(x, 'SummaryInformation', 'Keywords')).toBe('keywords');
    expect(field(x, 'DocumentSummaryInformation', 'Category')).toBe('category');
    expect(field(x, 'DocumentSummaryInformation', 'HeadingPairs')).toBe(
      'Fonts Used, 1, Design Template, 1, Slide Titles, 1',
    );
    expect(field(x, 'Current User', 'UserName')).toBe('user name');
    // The slides' text, not the master's placeholders.
    expect(x.text).toBe('Title\nSubtitle\nSubtitle2\nsubtitle3');
    expect(x.problems).toEqual([]);
  });

  it('is the registry extractor for doc, xls, ppt and ole', () => {
    for (const format of ['doc', 'xls', 'ppt', 'ole']) expect(extractorFor(format)?.name).toBe('ole2');
  });

  it('gives the same dates under two process time zones, OLE2 and RTF alike (a child process per TZ)', () => {
    // Through the registry, by format: the RTF extractor's dates are checked here too.
    const files = [
      ['doc', 'tika__testWORD.doc'],
      ['xls', 'tika__testEXCEL.xls'],
      ['ppt', 'exiftool__FlashPix.ppt'],
      ['rtf', 'tika__testRTF.rtf'],
      ['rtf', 'exiftool__RTF.rtf'],
    ].map(([format, name]) => `${format}:${join(docs!, name!)}`);
    const script = `
      const { readFileSync } = await import('node:fs');
      const { extractorFor } = await import(process.argv[1]);
      const out = [];
      for (const arg of process.argv.slice(2)) {
        const [format, file] = [arg.slice(0, 3), arg.slice(4)];
        const x = await extractorFor(format).extract(readFileSync(file), { maxTextChars: 1000, ocr: false });
        out.push([x.facts.created, x.facts.modified, x.facts.printed, x.facts.custom]);
      }
      console.log(JSON.stringify({ zone: new Date(2020, 0, 1).getTimezoneOffset(), out }));`;
    const module = pathToFileURL(join(import.meta.dirname, '../src/extract/index.ts')).href;
    const run = (tz: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script, module, ...files], {
          env: { ...process.env, TZ: tz },
          encoding: 'utf8',
        }),
      );
    const kiritimati = run('Pacific/Kiritimati');
    const honolulu = run('Pacific/Honolulu');
    expect(kiritimati.zone).toBe(-840);
    expect(honolulu.zone).toBe(600);
    expect(kiritimati.out).toEqual(honolulu.out);
    expect(kiritimati.out[1][1]).toEqual(local('2007-10-01T16:31:43'));
    expect(kiritimati.out[3][0]).toEqual(local('2006-05-18T12:19:00'));
  });
});

/** A Russian Excel as MacronLeaks described them: a Cyrillic last editor, code page 1251, a Russian CompObj. */
function russianWorkbook(): Buffer {
  return writeCompoundFile({
    '\x05SummaryInformation': summaryInformation({
      codePage: 1251,
      author: 'Рошка Георгий Петрович',
      lastAuthor: 'Рошка Георгий Петрович',
      created: '2017-05-04T19:06:00Z',
      modified: '2017-05-04T19:10:00Z',
      editMinutes: 4,
    }),
    '\x05DocumentSummaryInformation': docSummaryInformation({
      codePage: 1251,
      appVersion: '16.0000',
      company: 'ООО Ромашка',
      headingPairs: [['Листы', 2]],
      titlesOfParts: ['Лист1', 'Лист2'],
      custom: { Отдел: 'Финансы', Department: 'Финансы' },
    }),
    '\x01CompObj': compObj('Лист Microsoft Excel', 'Excel.Sheet.8', 'Biff8', 1251),
    Workbook: workbookStream(['Sheet1'], ['total']),
  }).bytes;
}

describe('OLE2 extractor on files written here', () => {
  it('reads a Russian Excel: code page 1251 strings, CompObj type, sheet names, custom properties', async () => {
    const x = await extract(russianWorkbook());
    expect(x.facts).toMatchObject({
      authors: ['Рошка Георгий Петрович'],
      lastModifiedBy: 'Рошка Георгий Петрович',
      company: 'ООО Ромашка',
      appVersion: '16.0000',
      codePage: 1251,
      compObjType: 'Лист Microsoft Excel',
      editMinutes: 4,
      created: local('2017-05-04T19:06:00'),
      modified: local('2017-05-04T19:10:00'),
      custom: { Отдел: 'Финансы', Department: 'Финансы' },
      // The workbook's own sheet list wins over the property set's.
      sheetNames: ['Sheet1'],
    });
    expect(field(x, 'DocumentSummaryInformation', 'TitlesOfParts')).toBe('Лист1, Лист2');
    expect(x.text).toBe('total');
    expect(x.problems).toEqual([]);
  });

  it('reads an Excel 95 workbook (BIFF5, a Book stream): sheet names in its own code page', async () => {
    const x = await extract(writeCompoundFile({ Book: biff5WorkbookStream(['Лист1', 'Лист2'], 1251) }).bytes);
    expect(x.facts.sheetNames).toEqual(['Лист1', 'Лист2']);
    expect(x.problems).toEqual([]);
  });

  it('reads the properties of a Word 6/95 document and says its text is not read', async () => {
    const streams = wordStreams('old');
    streams.WordDocument!.writeUInt16LE(0x65, 2);
    const x = await extract(
      writeCompoundFile({ ...streams, '\x05SummaryInformation': summaryInformation({ author: 'kept' }) })
        .bytes,
    );
    expect(x.facts.authors).toEqual(['kept']);
    expect(x.problems).toEqual([{ code: 'extract.ole.word-version', params: { nFib: 0x65 } }]);
    expect(x.text).toBeNull();
  });

  it.skipIf(!hasExiftool)(
    'writes compound files ExifTool reads the same way (the writer is checked, not only the reader)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'crible-ole-'));
      const file = join(dir, 'russian.xls');
      writeFileSync(file, russianWorkbook());
      const [tags] = JSON.parse(
        execFileSync('exiftool', ['-j', '-charset', 'UTF8', file], { encoding: 'utf8' }),
      );
      rmSync(dir, { recursive: true });
      expect(tags).toMatchObject({
        Author: 'Рошка Георгий Петрович',
        LastModifiedBy: 'Рошка Георгий Петрович',
        CodePage: 'Windows Cyrillic',
        Company: 'ООО Ромашка',
        AppVersion: 16,
        CreateDate: '2017:05:04 19:06:00',
        ModifyDate: '2017:05:04 19:10:00',
        TitleOfParts: ['Лист1', 'Лист2'],
        // ExifTool names custom tags in ASCII only: it drops `Отдел`.
        Department: 'Финансы',
      });
    },
  );

  it('reads UTF-16 strings when the code page is 1200', async () => {
    const { bytes } = writeCompoundFile({
      '\x05SummaryInformation': summaryInformation({ codePage: 1200, author: 'Žofie 李' }),
    });
    const x = await extract(bytes);
    expect(x.facts.authors).toEqual(['Žofie 李']);
    expect(x.facts.codePage).toBe(1200);
  });

  it('reads Mac Roman strings (code page 10000)', async () => {
    const { bytes } = writeCompoundFile({
      '\x05SummaryInformation': summaryInformation({
        codePage: 10000,
        author: 'Françoise Œuvre',
        title: 'Déjà vu™',
      }),
    });
    const x = await extract(bytes);
    expect(x.facts).toMatchObject({ authors: ['Françoise Œuvre'], title: 'Déjà vu™', codePage: 10000 });
  });

  it('says a password-protected Office Open XML file (EncryptedPackage) is encrypted', async () => {
    const { bytes } = writeCompoundFile({
      EncryptionInfo: Buffer.alloc(200, 1),
      EncryptedPackage: Buffer.alloc(5000, 2),
    });
    const x = await extract(bytes);
    expect(x.problems).toEqual([{ code: 'extract.ole.encrypted', params: { stream: 'EncryptedPackage' } }]);
    expect(x.text).toBeNull();
  });

  it("reads Word's text through its piece table, 8-bit and UTF-16, with field codes left out", async () => {
    const plain = await extract(
      writeCompoundFile(wordStreams('Hello\rWorld\x13 HYPERLINK x \x14link\x15!')).bytes,
    );
    expect(plain.text).toBe('Hello\nWorldlink!');
    const wide = await extract(writeCompoundFile(wordStreams('Привет, мир')).bytes);
    expect(wide.text).toBe('Привет, мир');
  });

  it("reads Excel's shared strings across CONTINUE records, a string cut in its characters", async () => {
    const strings = Array.from({ length: 40 }, (_, i) => `string number ${i}, `.repeat(3).trim());
    const x = await extract(writeCompoundFile({ Workbook: workbookStream(['A'], strings, 100) }).bytes);
    expect(x.text?.split('\n')).toEqual(strings);
    expect(x.problems).toEqual([]);
  });

  it('reads who Word names beside the text: template path, tracked-change authors, the last saves', async () => {
    const streams = wordStreams('Rapport', {
      template: 'C:\\Users\\groshka\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm',
      revisionAuthors: ['Unknown', 'Рошка Георгий Петрович', 'Рошка Георгий Петрович'],
      savedBy: [
        ['jdupont', 'C:\\Documents\\rapport.doc'],
        ['groshka', 'D:\\tmp\\rapport.doc'],
      ],
    });
    const x = await extract(writeCompoundFile(streams).bytes);
    expect(group(x, 'WordDocument')).toMatchObject({
      AttachedTemplate: 'C:\\Users\\groshka\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm',
      RevisionAuthors: 'Unknown; Рошка Георгий Петрович',
      'SavedBy 1': 'jdupont — C:\\Documents\\rapport.doc',
      'SavedBy 2': 'groshka — D:\\tmp\\rapport.doc',
    });
    expect(x.text).toBe('Rapport');
  });

  it.skipIf(!docs)(
    'reads metadata only when maxTextChars is 0: properties and fonts, no text, no problem',
    async () => {
      for (const name of ['tika__testWORD.doc', 'tika__testEXCEL.xls', 'exiftool__FlashPix.ppt']) {
        const x = await extract(readFileSync(join(docs!, name)), { maxTextChars: 0, ocr: false });
        expect(x.text, name).toBeNull();
        expect(x.problems, name).toEqual([]);
        expect(x.facts.fonts.length, name).toBeGreaterThan(0);
        expect(x.facts.modified, name).not.toBeNull();
      }
    },
  );

  it("finds the author's zone from Word's local DOP times against SummaryInformation's UTC (Moscow: +03:00)", async () => {
    const streams = wordStreams('Счёт', {
      dop: { created: '2017-05-04T21:06', revised: '2017-05-04T22:10' },
    });
    const x = await extract(
      writeCompoundFile({
        ...streams,
        '\x05SummaryInformation': summaryInformation({
          created: '2017-05-04T18:06:00Z',
          modified: '2017-05-04T19:10:00Z',
        }),
      }).bytes,
    );
    expect(field(x, 'WordDocument', 'SaveZone')).toBe('+03:00');
    expect(x.facts.modified).toEqual({ ...local('2017-05-04T19:10:00'), derivedOffset: '+00:00' });
    expect(x.facts.created?.derivedOffset).toBe('+00:00');
    // Equal times say nothing (a writer in UTC, or one writing local time in both): no zone is claimed.
    const same = wordStreams('x', { dop: { revised: '2017-05-04T19:10' } });
    const y = await extract(
      writeCompoundFile({
        ...same,
        '\x05SummaryInformation': summaryInformation({ modified: '2017-05-04T19:10:00Z' }),
      }).bytes,
    );
    expect(field(y, 'WordDocument', 'SaveZone')).toBeUndefined();
    expect(y.facts.modified?.derivedOffset).toBeUndefined();
  });

  it('cuts the text at maxTextChars and says so', async () => {
    const x = await extract(writeCompoundFile(wordStreams('x'.repeat(5000))).bytes, {
      maxTextChars: 100,
      ocr: false,
    });
    expect(x.text).toHaveLength(100);
    expect(codes(x)).toContain('extract.ole.text-cut');
  });
});

describe('OLE2 extractor on hostile files', () => {
  it('stops a sector chain that loops back on itself, with a problem, and keeps the rest', async () => {
    const layout = writeCompoundFile({
      ...wordStreams('y'.repeat(6000)),
      '\x05SummaryInformation': summaryInformation({ author: 'kept' }),
    });
    const chain = layout.sectors.get('WordDocument')!;
    setFatEntry(layout, chain.at(-1)!, chain[0]!);
    // A loop past the stream's last sector is never reached: a chain is followed for the stream's size only.
    const x = await extract(layout.bytes);
    expect(x.facts.authors).toEqual(['kept']);
    expect(codes(x)).not.toContain('extract.ole.chain-loop');
    // A loop before the end of the stream: the chain is cut there.
    setFatEntry(layout, chain[2]!, chain[0]!);
    const looped = await extract(layout.bytes);
    expect(codes(looped)).toContain('extract.ole.chain-loop');
    expect(codes(looped)).toContain('extract.ole.stream-truncated');
    expect(looped.facts.authors).toEqual(['kept']);
  });

  it('stops a DIFAT chain that loops (a file claiming more FAT sectors than the header lists)', async () => {
    const layout = writeCompoundFile({
      Big: Buffer.alloc(130_000, 0),
      '\x05SummaryInformation': summaryInformation({ author: 'kept' }),
    });
    const loop = layout.sectors.get('Big')![0]!;
    layout.bytes.writeUInt32LE(240, 44);
    layout.bytes.writeUInt32LE(loop, 68);
    layout.bytes.writeUInt32LE(loop, (loop + 1) * 512 + 508);
    const x = await extract(layout.bytes);
    expect(x.problems).toContainEqual({ code: 'extract.ole.chain-loop', params: { stream: 'DIFAT' } });
    expect(x.facts.authors).toEqual(['kept']);
  });

  it('reads a property set claiming 10^9 properties as far as its bytes go', async () => {
    const stream = writePropertySetStream([
      { fmtid: FMTID_SUMMARY, codePage: 1252, properties: [[4, { type: 'string', value: 'someone' }]] },
    ]);
    stream.writeUInt32LE(1_000_000_000, 48 + 4);
    const x = await extract(writeCompoundFile({ '\x05SummaryInformation': stream }).bytes);
    expect(codes(x)).toContain('extract.ole.property-count');
    expect(x.problems.find((p) => p.code === 'extract.ole.property-count')?.params?.claimed).toBe(
      1_000_000_000,
    );
  });

  it('reads a vector many properties point at once, not once per property (no blow-up)', async () => {
    // One vector of 20,000 strings, and 4,000 property ids all pointing at it.
    const strings = Array.from({ length: 20_000 }, () => Buffer.from([2, 0, 0, 0, 0x61, 0]));
    const vector = Buffer.concat([Buffer.from([0x1e, 0x10, 0, 0]), Buffer.alloc(4), ...strings]);
    vector.writeUInt32LE(20_000, 4);
    const ids = 4000;
    const index = Buffer.alloc(8 * ids);
    for (let i = 0; i < ids; i++) {
      index.writeUInt32LE(i + 2, 8 * i);
      index.writeUInt32LE(8 + 8 * ids, 8 * i + 4);
    }
    const head = Buffer.alloc(8);
    head.writeUInt32LE(8 + index.length + vector.length, 0);
    head.writeUInt32LE(ids, 4);
    const stream = writePropertySetStream([{ fmtid: FMTID_SUMMARY, codePage: 1252, properties: [] }]);
    const section = Buffer.concat([head, index, vector]);
    const x = await extract(
      writeCompoundFile({ '\x05SummaryInformation': Buffer.concat([stream.subarray(0, 48), section]) }).bytes,
    );
    expect(codes(x)).toContain('extract.ole.property-unreadable');
    expect(x.fields.filter((f) => f.group === 'SummaryInformation').length).toBeLessThan(10);
  });

  it("bounds Word's piece table when every piece points at the same bytes", async () => {
    const length = 3000;
    const streams = wordStreams('\x01'.repeat(length));
    const pieces = 20_000;
    const plc = Buffer.alloc(4 * (pieces + 1) + 8 * pieces);
    for (let i = 0; i <= pieces; i++) plc.writeUInt32LE(i * length, 4 * i);
    for (let i = 0; i < pieces; i++)
      plc.writeUInt32LE(((0x800 * 2) | 0x40000000) >>> 0, 4 * (pieces + 1) + 8 * i + 2);
    const lcb = Buffer.alloc(4);
    lcb.writeUInt32LE(plc.length);
    streams['1Table'] = Buffer.concat([Buffer.of(2), lcb, plc]);
    const word = streams.WordDocument!;
    word.writeInt32LE(pieces * length, 0x4c);
    word.writeUInt32LE(streams['1Table'].length, 0x1a6);
    const x = await extract(writeCompoundFile(streams).bytes);
    expect(codes(x)).toContain('extract.ole.text-damaged');
    expect(x.text).toBeNull();
  });

  it('clamps a stream claiming 4 GB and a vector claiming 10^9 elements', async () => {
    const layout = writeCompoundFile({ '\x05SummaryInformation': summaryInformation({ author: 'a' }) });
    // The directory's second entry is the stream: its size field.
    const directory = (layout.bytes.readUInt32LE(48) + 1) * 512;
    layout.bytes.writeUInt32LE(0xfffffff0, directory + 128 + 120);
    const x = await extract(layout.bytes);
    expect(codes(x)).toContain('extract.ole.stream-truncated');

    const vector = writePropertySetStream([
      { fmtid: FMTID_SUMMARY, codePage: 1252, properties: [[4, { type: 'strings', value: ['a', 'b'] }]] },
    ]);
    vector.writeUInt32LE(1_000_000_000, vector.indexOf(Buffer.from([0x1e, 0x10, 0, 0])) + 4);
    const v = await extract(writeCompoundFile({ '\x05SummaryInformation': vector }).bytes);
    expect(codes(v)).toContain('extract.ole.property-unreadable');
  });

  it('throws only when the file is no compound file at all', async () => {
    await expect(extract(Buffer.from('not a compound file'.repeat(40)))).rejects.toThrow(
      'extract.ole.not-compound',
    );
    const truncated = writeCompoundFile({
      '\x05SummaryInformation': summaryInformation({ author: 'a' }),
    }).bytes;
    // Cut after the mini FAT: the mini stream holding the property set is gone.
    const x = await extract(truncated.subarray(0, 4 * 512));
    expect(codes(x)).toContain('extract.ole.stream-truncated');
  });

  it('has words for every code it emits', () => {
    for (const code of [
      'extract.ole.chain-loop',
      'extract.ole.chain-broken',
      'extract.ole.stream-truncated',
      'extract.ole.directory-damaged',
      'extract.ole.property-set-damaged',
      'extract.ole.property-count',
      'extract.ole.property-unreadable',
      'extract.ole.code-page-unknown',
      'extract.ole.encrypted',
      'extract.ole.text-damaged',
      'extract.ole.text-cut',
      'extract.ole.word-version',
      'extract.ole.not-compound',
    ])
      expect(isKnownCode(code), code).toBe(true);
  });
});
