// The OOXML extractor on the corpus (every value PROVENANCE.md lists), on documents generated here
// (a planted Cyrillic last editor, an embedded object read as a member), under two process time
// zones, and on hostile ones (a decompression bomb, broken XML, nesting, entity declarations).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { ooxmlExtractor } from '../src/extract/formats/ooxml.ts';
import type { Extraction } from '../src/extract/types.ts';
import type { ContainerEvent } from '../src/ingest/format.ts';
import { docxFormat, pptxFormat, xlsxFormat } from '../src/ingest/formats/office-open.ts';
import { defaultLimits } from '../src/ingest/limits.ts';
import { identify, probeBuffer } from '../src/ingest/registry.ts';
import { isKnownCode, render } from '../src/report/catalogue.ts';
import { zip } from './helpers/archives.ts';
import { collect } from './helpers/containers.ts';
import { requireCorpus } from './helpers/corpus.ts';
import { tempDir } from './helpers/mail.ts';

const options = { maxTextChars: 1_000_000, ocr: false };
const docs = requireCorpus('docs', 'extract-ooxml');

async function extractFile(name: string): Promise<Extraction> {
  return ooxmlExtractor.extract(readFileSync(join(docs!, name)), options);
}

const utc = (written: string) => ({ written, local: written.slice(0, -1), offset: '+00:00' });
const field = (x: Extraction, group: string, name: string) =>
  x.fields.filter((f) => f.group === group && f.name === name).map((f) => f.value);
const codes = (x: Extraction) => x.problems.map((p) => p.code);

describe.skipIf(!docs)('OOXML extractor on the corpus (PROVENANCE.md)', () => {
  it('tika__testWORD.docx: creator ≠ last editor, minute dates, Word 12, template, edit time, rsids', async () => {
    const x = await extractFile('tika__testWORD.docx');
    const f = x.facts;
    expect(f.authors).toEqual(['Keith Bennett']);
    expect(f.lastModifiedBy).toBe('Nick Burch');
    expect(f.created).toEqual(utc('2008-12-11T16:04:00Z'));
    expect(f.modified).toEqual(utc('2010-11-12T16:21:00Z'));
    expect(f.application).toBe('Microsoft Office Word');
    expect(f.appVersion).toBe('12.0000');
    expect(f.template).toBe('Normal.dotm');
    expect(f.editMinutes).toBe(3);
    expect(f.revision).toBe('3');
    expect(f.rsids).toEqual(['00693A70', '003B3513', '00E46F9C']);
    expect(field(x, 'settings.xml', 'w:rsidRoot')).toEqual(['00693A70']);
    expect(f.languages).toEqual(['en-US', 'en-GB']);
    expect(f.fonts).toEqual([
      'Calibri',
      'Times New Roman',
      'Arial',
      'DejaVu Sans',
      'Times',
      'Georgia',
      'Cambria',
    ]);
    expect(field(x, 'app.xml', 'AppVersion')).toEqual(['12.0000']);
    expect(field(x, 'core.xml', 'dcterms:created')).toEqual(['2008-12-11T16:04:00Z']);
    expect(x.text).toMatch(/^Sample Word Document Title\nAnd now for a subtitle\n/);
    expect(x.text).toContain('This document includes text that is BOLD and ITALIC.');
    // Headers and footers after the body.
    expect(x.text).toMatch(
      /That’s it!\nThis is the header for our document\nThis is the footer for our document$/,
    );
    expect(x.textSource).toBe('document');
    expect(x.problems).toEqual([]);
  });

  it('tika__testWORD_custom_props.docx: a login ID as creator, Word 14, Company, custom properties', async () => {
    const x = await extractFile('tika__testWORD_custom_props.docx');
    const f = x.facts;
    expect(f.authors).toEqual(['EJ04325S']);
    expect(f.lastModifiedBy).toBe('Etienne Jouvin');
    expect(f.created).toEqual(utc('2011-07-29T16:52:00Z'));
    expect(f.modified).toEqual(utc('2012-01-03T22:14:00Z'));
    expect(f.appVersion).toBe('14.0000');
    expect(f.company).toBe('EDF-DIT');
    expect(f.title).toBe('My Title');
    expect(f.subject).toBe('My subject');
    expect(field(x, 'core.xml', 'cp:keywords')).toEqual(['My Keyword']);
    expect(field(x, 'core.xml', 'dc:description')).toEqual(['My Comments']);
    // A French Word: the heading of TitlesOfParts is "Titre".
    expect(field(x, 'app.xml', 'HeadingPairs')).toEqual(['Titre; 1']);
    expect(f.custom).toEqual({
      MyCustomDate: '2010-12-30T23:00:00Z',
      MyCustomString: 'MyStringValue',
      myCustomSecondDate: '2010-12-29T22:00:00Z',
      myCustomNumber: '3',
      myCustomBoolean: 'true',
    });
    expect(field(x, 'custom.xml', 'myCustomNumber')).toEqual(['3']);
    expect(f.rsids[0]).toBe('00E069F1');
    expect(f.rsids).toHaveLength(15);
  });

  it('tika__testWORD_multi_authors.docx: an author list split on ";" with a comma inside a name', async () => {
    const x = await extractFile('tika__testWORD_multi_authors.docx');
    const f = x.facts;
    expect(f.authors).toEqual(['Allison, Timothy B.', 'author2', 'author3']);
    expect(field(x, 'core.xml', 'dc:creator')).toEqual(['Allison, Timothy B.;author2;author3']);
    expect(f.lastModifiedBy).toBe('Allison, Timothy B.');
    expect(f.created).toEqual(utc('2015-10-07T18:14:00Z'));
    expect(f.modified).toEqual(utc('2015-10-07T18:18:00Z'));
    expect(f.appVersion).toBe('15.0000');
    expect(f.company).toBe('metadata_company');
    expect(f.manager).toBe('manager1;manager2');
    expect(f.custom).toEqual({ 'Checked by': 'metadata_checked_by' });
    expect(f.title).toBeNull();
  });

  it('exiftool__OOXML.docx: Mac Word, template "Normal", Company, custom properties as written', async () => {
    const x = await extractFile('exiftool__OOXML.docx');
    const f = x.facts;
    expect(f.authors).toEqual(['Author: Jeff']);
    expect(f.lastModifiedBy).toBe('Jeff');
    expect(f.created).toEqual(utc('2009-10-24T01:41:00Z'));
    expect(f.modified).toEqual(utc('2009-10-24T01:48:00Z'));
    expect(f.application).toBe('Microsoft Macintosh Word');
    expect(f.appVersion).toBe('12.0000');
    expect(f.company).toBe('Company - ExifTool');
    expect(f.template).toBe('Normal');
    expect(f.manager).toBe('Manager: Self');
    expect(f.editMinutes).toBe(7);
    expect(f.custom['Date completed']).toBe('2009-10-23T07:00:00Z');
    expect(f.custom['Document number']).toBe('35');
    expect(f.custom.Client).toBe('Client');
    expect(field(x, 'core.xml', 'cp:category')).toEqual(['category goes here']);
    expect(field(x, 'app.xml', 'HyperlinkBase')).toEqual(['the hyperlink base goes here!']);
    expect(f.rsids).toEqual(['00AB6AD5']);
  });

  it('tika__testEXCEL.xlsx: Excel keeps seconds; sheets and cells in order', async () => {
    const x = await extractFile('tika__testEXCEL.xlsx');
    const f = x.facts;
    expect(f.authors).toEqual(['Keith Bennett']);
    expect(f.lastModifiedBy).toBe('garribas');
    expect(f.created).toEqual(utc('2007-10-01T16:13:56Z'));
    expect(f.modified).toEqual(utc('2008-12-11T16:02:17Z'));
    expect(f.application).toBe('Microsoft Excel');
    expect(f.appVersion).toBe('12.0000');
    expect(f.sheetNames).toEqual(['Feuil1', 'Feuil2', 'Feuil3']);
    // The Excel build that saved it.
    expect(field(x, 'workbook.xml', 'fileVersion rupBuild')).toEqual(['4505']);
    expect(field(x, 'workbook.xml', 'fileVersion lastEdited')).toEqual(['4']);
    expect(x.text).toMatch(
      /^Feuil1\nSample Excel Worksheet - Numbers and their Squares\nNumber\tSquare\n1\t1\n2\t4\n/,
    );
    expect(x.text).toContain(
      '15\t225\nWritten and saved in Microsoft Excel X for Mac Service Release 1.\nFeuil2',
    );
    expect(x.problems).toEqual([]);
  });

  it('tika__testEXCEL_custom_props.xlsx: empty authors, French default sheet names, custom properties', async () => {
    const x = await extractFile('tika__testEXCEL_custom_props.xlsx');
    const f = x.facts;
    expect(f.authors).toEqual([]);
    expect(f.lastModifiedBy).toBeNull();
    expect(f.created).toEqual(utc('2006-09-12T15:06:44Z'));
    expect(f.modified).toEqual(utc('2011-08-22T14:24:38Z'));
    expect(f.appVersion).toBe('12.0000');
    expect(f.sheetNames).toEqual(['Feuil1', 'Feuil2', 'Feuil3']);
    expect(field(x, 'app.xml', 'HeadingPairs')).toEqual(['Feuilles de calcul; 3']);
    expect(Object.keys(f.custom)).toEqual([
      'MyCustomDate',
      'MyCustomString',
      'myCustomSecondDate',
      'myCustomNumber',
      'myCustomBoolean',
    ]);
    expect(f.custom.MyCustomDate).toBe('2010-12-30T22:00:00Z');
  });

  it('tika__testPPT.pptx: PowerPoint 12, Company, slide text in order', async () => {
    const x = await extractFile('tika__testPPT.pptx');
    const f = x.facts;
    expect(f.authors).toEqual(['Rajiv']);
    expect(f.lastModifiedBy).toBe('Rajiv');
    expect(f.created).toEqual(utc('2010-05-04T06:43:54Z'));
    expect(f.modified).toEqual(utc('2010-06-29T06:34:35Z'));
    expect(f.application).toBe('Microsoft Office PowerPoint');
    expect(f.appVersion).toBe('12.0000');
    expect(f.company).toBe('Pegasystems');
    expect(f.revision).toBe('2');
    expect(field(x, 'app.xml', 'TitlesOfParts')).toEqual(['Office Theme; Attachment Test; Slide 2; Slide 3']);
    expect(x.text).toMatch(/^Attachment Test\nRajiv\n\nThis is a test file data/);
    expect(x.text).toContain('developed by Rajiv Kumar Nistala.');
    expect(x.text).toMatch(/Quest\nHello\nWatershed/);
  });

  it('gives the same dates under two process time zones (a child process per TZ)', () => {
    const files = [
      'tika__testWORD.docx',
      'tika__testEXCEL.xlsx',
      'tika__testPPT.pptx',
      'tika__testWORD_custom_props.docx',
    ].map((name) => join(docs!, name));
    const script = `
      const { readFileSync } = await import('node:fs');
      const { ooxmlExtractor } = await import(process.argv[1]);
      const out = [];
      for (const file of process.argv.slice(2)) {
        const x = await ooxmlExtractor.extract(readFileSync(file), { maxTextChars: 1000, ocr: false });
        out.push([x.facts.created, x.facts.modified, x.facts.custom]);
      }
      console.log(JSON.stringify({ zone: new Date(2020, 0, 1).getTimezoneOffset(), out }));`;
    const run = (tz: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            script,
            pathToFileURL(join(import.meta.dirname, '../src/extract/formats/ooxml.ts')).href,
            ...files,
          ],
          { env: { ...process.env, TZ: tz }, encoding: 'utf8' },
        ),
      );
    const kiritimati = run('Pacific/Kiritimati');
    const honolulu = run('Pacific/Honolulu');
    // The zones really differ (UTC+14 and UTC−10)…
    expect(kiritimati.zone).toBe(-840);
    expect(honolulu.zone).toBe(600);
    // …and the dates do not.
    expect(kiritimati.out).toEqual(honolulu.out);
    expect(kiritimati.out[0][0]).toEqual(utc('2008-12-11T16:04:00Z'));
  });
});

const CORE = (lastModifiedBy: string, modified: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Keith Bennett</dc:creator><cp:lastModifiedBy>${lastModifiedBy}</cp:lastModifiedBy><cp:lastPrinted>2017-03-27T09:01:00+03:00</cp:lastPrinted><cp:revision>7</cp:revision><dc:language>ru-RU</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">2008-12-11T16:04:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${modified}</dcterms:modified></cp:coreProperties>`;

const APP = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Template>Normal.dotm</Template><TotalTime>1</TotalTime><Application>Microsoft Office Word</Application><Company>ООО Ромашка</Company><AppVersion>16.0000</AppVersion></Properties>`;

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`;

const body = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${inner}</w:body></w:document>`;

const OLE_OBJECT = Buffer.from('d0cf11e0a1b11ae1000000000000000000000000000000003e000300feff0900', 'hex');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** A docx built here: the parts given over a minimal valid package. */
function docx(parts: Record<string, string | Buffer>): Promise<Buffer> {
  const all: Record<string, string | Buffer> = {
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': ROOT_RELS,
    'docProps/core.xml': CORE('Рошка Георгий Петрович', '2017-03-27T10:02:00Z'),
    'docProps/app.xml': APP,
    'word/document.xml': body(
      '<w:p><w:r><w:rPr><w:lang w:val="ru-RU"/></w:rPr><w:t>Счёт</w:t><w:tab/><w:t xml:space="preserve"> 1 000 &amp; </w:t></w:r></w:p><w:p><w:r><w:t>offshore</w:t><w:br/><w:t>account</w:t></w:r><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del></w:p>',
    ),
    ...parts,
  };
  return zip(Object.entries(all).map(([name, value]) => [name, Buffer.from(value)]));
}

async function members(bytes: Buffer, limits = defaultLimits): Promise<ContainerEvent[]> {
  const { events, error } = await collect(
    docxFormat.members!({ kind: 'buffer', data: bytes, name: 'planted.docx' }, limits),
  );
  expect(error).toBeNull();
  return events;
}

describe('OOXML extractor on documents generated here', () => {
  it('reads a planted Cyrillic last editor, Word 16, an offset date and an embedded object', async () => {
    const bytes = await docx({
      'word/embeddings/oleObject1.bin': OLE_OBJECT,
      'word/media/image1.png': PNG,
    });
    expect(identify(probeBuffer(bytes, 'planted.docx', false)).module.name).toBe('docx');
    const x = await ooxmlExtractor.extract(bytes, options);
    const f = x.facts;
    expect(f.lastModifiedBy).toBe('Рошка Георгий Петрович');
    expect(f.authors).toEqual(['Keith Bennett']);
    expect(f.appVersion).toBe('16.0000');
    expect(f.company).toBe('ООО Ромашка');
    expect(f.created).toEqual(utc('2008-12-11T16:04:00Z'));
    expect(f.modified).toEqual(utc('2017-03-27T10:02:00Z'));
    expect(f.printed).toEqual({
      written: '2017-03-27T09:01:00+03:00',
      local: '2017-03-27T09:01:00',
      offset: '+03:00',
    });
    expect(f.revision).toBe('7');
    expect(f.languages).toEqual(['ru-RU']);
    // Tracked deletions are not the text; tabs, breaks and entities are.
    expect(x.text).toBe('Счёт\t 1 000 & \noffshore\naccount');
    expect(field(x, 'package', 'embedded')).toEqual([
      'word/embeddings/oleObject1.bin',
      'word/media/image1.png',
    ]);
    expect(x.problems).toEqual([]);
  });

  it('yields the embedded objects and media as members, and none of the document parts', async () => {
    const bytes = await docx({
      'word/embeddings/oleObject1.bin': OLE_OBJECT,
      'word/media/image1.png': PNG,
    });
    const events = await members(bytes);
    expect(events.filter((e) => e.kind === 'expected')).toEqual([{ kind: 'expected', path: '', count: 2 }]);
    const entries = events.filter((e) => e.kind === 'entry');
    expect(entries.map((e) => e.path)).toEqual(['word/embeddings/oleObject1.bin', 'word/media/image1.png']);
    expect(entries[0]!.bytes.equals(OLE_OBJECT)).toBe(true);
    expect(entries[1]!.bytes.equals(PNG)).toBe(true);
    expect(xlsxFormat.members).toBeTypeOf('function');
    expect(pptxFormat.members).toBeTypeOf('function');
  });

  it('an embedded bomb is a limited member with its reason, under the ingest limits', async () => {
    const bytes = await docx({ 'word/embeddings/bomb.bin': Buffer.alloc(8 * 1024 ** 2) });
    const events = await members(bytes, { ...defaultLimits, maxEntryBytes: 1024 ** 2 });
    const problems = events.filter((e) => e.kind === 'problem');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'word/embeddings/bomb.bin', status: 'limited' });
    expect(events.some((e) => e.kind === 'entry')).toBe(false);
  });

  it('a decompression bomb as the main part is a problem; the properties are still read', async () => {
    // 65 MB of spaces deflate to ~65 KB: past the 64 MB a part may inflate to.
    const bomb = `${body('<w:p><w:r><w:t>start</w:t></w:r></w:p>').slice(0, -20)}<!--${' '.repeat(65 * 1024 ** 2)}-->`;
    const bytes = await docx({ 'word/document.xml': bomb });
    expect(bytes.length).toBeLessThan(1024 ** 2);
    const x = await ooxmlExtractor.extract(bytes, options);
    expect(x.problems).toEqual([
      { code: 'extract.office.part-too-large', params: { part: 'word/document.xml', limit: 64 * 1024 ** 2 } },
    ]);
    expect(render(x.problems[0]!)).toBe(
      'the part word/document.xml expands to more than 64.0 MB (possibly a decompression bomb): it was not read, the other parts were',
    );
    expect(x.facts.lastModifiedBy).toBe('Рошка Георгий Петрович');
    expect(x.text).toBeNull();
  }, 60_000);

  it('many bombs cost one budget: reading stops once the parts together pass 256 MB, said once', async () => {
    const archive = new yazl.ZipFile();
    const add = (name: string, text: string) => archive.addBuffer(Buffer.from(text), name);
    add('[Content_Types].xml', CONTENT_TYPES);
    add(
      'ppt/presentation.xml',
      `<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst>${[0, 1, 2, 3, 4].map((i) => `<p:sldId id="${256 + i}" r:id="rId${i}"/>`).join('')}${'<p:sldId id="1" r:id="rId0"/>'.repeat(100_000)}</p:sldIdLst></p:presentation>`,
    );
    add(
      'ppt/_rels/presentation.xml.rels',
      `<Relationships>${[0, 1, 2, 3, 4].map((i) => `<Relationship Id="rId${i}" Type="x/slide" Target="slides/slide${i}.xml"/>`).join('')}</Relationships>`,
    );
    // Five slides of 60 MB each (spaces, fast to deflate): each under the part cap, all five over the budget.
    const filler = Buffer.alloc(60 * 1024 ** 2, 0x20);
    for (let i = 0; i < 5; i++)
      archive.addBuffer(filler, `ppt/slides/slide${i}.xml`, { compressionLevel: 1 });
    archive.end();
    const chunks: Buffer[] = [];
    for await (const chunk of archive.outputStream) chunks.push(chunk as Buffer);
    const x = await ooxmlExtractor.extract(Buffer.concat(chunks), options);
    expect(x.problems).toEqual([
      {
        code: 'extract.office.document-too-large',
        params: { part: 'ppt/slides/slide4.xml', limit: 256 * 1024 ** 2 },
      },
    ]);
  }, 60_000);

  it('broken XML gives problems with where, keeps what was read, and never hangs', async () => {
    const bytes = await docx({
      'docProps/core.xml': `<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>Keith</dc:title><cp:lastModifiedBy>Nick`,
      'word/document.xml': body('<w:p><w:r><w:t>Hello</w:t></w:r></w:p><w:p><w:r><w:t>cut he').replace(
        '</w:body></w:document>',
        '',
      ),
      'docProps/app.xml': '<Properties><AppVersion>12.0000</AppVersion><Company a="1>',
    });
    const x = await ooxmlExtractor.extract(bytes, options);
    expect(codes(x)).toEqual([
      'extract.office.xml-damaged',
      'extract.office.xml-damaged',
      'extract.office.xml-damaged',
    ]);
    expect(x.problems[0]!.params).toMatchObject({
      part: 'docProps/core.xml',
      error: 'end tag </dc:title> where </dc:creator> was expected',
    });
    expect(x.problems[1]!.params).toMatchObject({ part: 'docProps/app.xml', error: 'tag not closed' });
    expect(x.problems[2]!.params).toMatchObject({ part: 'word/document.xml' });
    expect(x.facts.authors).toEqual(['Keith']);
    expect(x.facts.lastModifiedBy).toBe('Nick');
    expect(x.facts.appVersion).toBe('12.0000');
    expect(x.text).toBe('Hello\ncut he');
    for (const p of x.problems) expect(isKnownCode(p.code)).toBe(true);
  });

  it('hostile XML: deep nesting, declared entities (never expanded), a huge attribute without a value', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>`;
    // Declarations without a subset, each followed by no '[' at all: one short look each, not a search of the rest.
    const declarations = '<!X>'.repeat(200_000);
    const bytes = await docx({
      'docProps/core.xml': `${laughs}<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:title>&lol2;</dc:title></cp:coreProperties>`,
      'docProps/custom.xml':
        '<Properties xmlns:vt="vt"><property name="__proto__"><vt:lpwstr>kept</vt:lpwstr></property></Properties>',
      'word/document.xml': `<w:document>${'<w:p>'.repeat(100_000)}<w:t ${'a'.repeat(1_000_000)}>x</w:t>`,
      'docProps/app.xml': `${declarations}<Properties><Company ${'x'.repeat(2_000_000)} c="d">Acme</Company></Properties>`,
    });
    const x = await ooxmlExtractor.extract(bytes, options);
    expect(x.facts.title).toBe('&lol2;');
    // A property named __proto__ is an entry like any other, not a change of prototype.
    expect(Object.keys(x.facts.custom)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(x.facts.custom))).toEqual(JSON.parse('{"__proto__":"kept"}'));
    expect(x.facts.company).toBe('Acme');
    expect(x.problems).toEqual([
      expect.objectContaining({
        code: 'extract.office.xml-damaged',
        params: expect.objectContaining({ part: 'word/document.xml', error: 'nesting deeper than 512' }),
      }),
    ]);
  });

  it('hostile sizes that would be quadratic if scanned naively: no quote at all, padded dates, a million empty cells', async () => {
    const runs = '<w:r><w:t>word</w:t></w:r>'.repeat(200_000);
    // A shared-string cell without a value is empty, not the first shared string.
    const cells = `<c r="A1" t="inlineStr"><is><t>first</t></is></c>${'<c/>'.repeat(1_000_000)}<c t="s"/><c><v>42</v></c>`;
    const bytes = await docx({
      // Neither ' nor " anywhere: each tag's end is found without searching the rest of the part for a quote.
      'word/document.xml': `<w:document><w:body><w:p>${runs}</w:p></w:body></w:document>`,
      'docProps/core.xml': `<cp:coreProperties xmlns:cp="x" xmlns:dcterms="z"><dcterms:created>2008-12-11T16:04:00${' '.repeat(1_000_000)}x</dcterms:created></cp:coreProperties>`,
    });
    const x = await ooxmlExtractor.extract(bytes, options);
    expect(x.text).toHaveLength(200_000 * 4);
    expect(x.facts.created).toBeNull();
    expect(x.problems).toEqual([
      {
        code: 'extract.office.bad-date',
        params: expect.objectContaining({ part: 'docProps/core.xml', field: 'dcterms:created' }),
      },
    ]);
    const sheet = await zip([
      ['[Content_Types].xml', Buffer.from(CONTENT_TYPES)],
      [
        'xl/workbook.xml',
        Buffer.from('<workbook xmlns:r="r"><sheets><sheet name="Лист1" r:id="rId1"/></sheets></workbook>'),
      ],
      [
        'xl/_rels/workbook.xml.rels',
        Buffer.from(
          '<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        ),
      ],
      [
        'xl/worksheets/sheet1.xml',
        Buffer.from(`<worksheet><sheetData><row>${cells}</row></sheetData></worksheet>`),
      ],
      ['xl/sharedStrings.xml', Buffer.from('<sst><si><t>not this one</t></si></sst>')],
    ]);
    const y = await ooxmlExtractor.extract(sheet, options);
    expect(y.facts.sheetNames).toEqual(['Лист1']);
    expect(y.text).toBe('Лист1\nfirst\t42');
  });

  it('lists who made tracked changes and comments, a VBA project, and a part written twice', async () => {
    const bytes = await docx({
      'word/document.xml': body(
        '<w:p><w:ins w:id="1" w:author="Рошка Г.П." w:date="2017-03-27T10:00:00Z"><w:r><w:t>new</w:t></w:r></w:ins><w:del w:id="2" w:author="Nick Burch" w:date="2010-11-12T16:20:00Z"><w:r><w:delText>old</w:delText></w:r></w:del><w:ins w:id="3" w:author="Рошка Г.П."><w:r><w:t> figure</w:t></w:r></w:ins></w:p>',
      ),
      'word/comments.xml':
        '<w:comments xmlns:w="w"><w:comment w:id="0" w:author="Keith Bennett" w:date="2008-12-11T16:05:00Z"><w:p><w:r><w:t>check</w:t></w:r></w:p></w:comment></w:comments>',
      'word/vbaProject.bin': OLE_OBJECT,
      'word/settings.xml':
        '<w:settings xmlns:w="w" xmlns:r="r"><w:attachedTemplate r:id="rId1"/></w:settings>',
      'word/_rels/settings.xml.rels':
        '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///C:\\Users\\roshka\\AppData\\Roaming\\Microsoft\\Templates\\Счёт.dotm" TargetMode="External"/></Relationships>',
    });
    const x = await ooxmlExtractor.extract(bytes, options);
    expect(field(x, 'document.xml', 'tracked change w:author')).toEqual(['Рошка Г.П.', 'Nick Burch']);
    expect(field(x, 'comments.xml', 'w:comment w:author')).toEqual(['Keith Bennett']);
    expect(field(x, 'package', 'macros')).toEqual(['word/vbaProject.bin']);
    expect(field(x, 'settings.xml', 'w:attachedTemplate')).toEqual([
      'file:///C:\\Users\\roshka\\AppData\\Roaming\\Microsoft\\Templates\\Счёт.dotm',
    ]);
    expect(x.text).toBe('new figure');

    const twice = await zip([
      ['docProps/core.xml', Buffer.from(CORE('First Editor', '2010-11-12T16:21:00Z'))],
      ['docProps/core.xml', Buffer.from(CORE('Second Editor', '2017-03-27T10:02:00Z'))],
      ['word/document.xml', Buffer.from(body(''))],
    ]);
    const y = await ooxmlExtractor.extract(twice, options);
    expect(y.facts.lastModifiedBy).toBe('First Editor');
    expect(y.problems).toEqual([
      { code: 'extract.office.duplicate-part', params: { part: 'docProps/core.xml' } },
    ]);
  });

  it('lists the comment authors of a workbook and a presentation', async () => {
    const workbook = await zip([
      ['xl/workbook.xml', Buffer.from('<workbook><sheets/></workbook>')],
      [
        'xl/comments1.xml',
        Buffer.from(
          '<comments><authors><author>Рошка Георгий Петрович</author><author>garribas</author></authors><commentList><comment ref="A1" authorId="0"><text><t>ok</t></text></comment></commentList></comments>',
        ),
      ],
    ]);
    const x = await ooxmlExtractor.extract(workbook, options);
    expect(field(x, 'comments1.xml', 'author')).toEqual(['Рошка Георгий Петрович', 'garribas']);
    const slides = await zip([
      ['ppt/presentation.xml', Buffer.from('<p:presentation xmlns:p="p"/>')],
      [
        'ppt/commentAuthors.xml',
        Buffer.from(
          '<p:cmAuthorLst xmlns:p="p"><p:cmAuthor id="0" name="Rajiv" initials="R"/></p:cmAuthorLst>',
        ),
      ],
    ]);
    const y = await ooxmlExtractor.extract(slides, options);
    expect(field(y, 'commentAuthors.xml', 'p:cmAuthor')).toEqual(['Rajiv']);
    expect(y.text).toBeNull();
  });

  it('reads a slide and then its speaker notes, which the audience never sees', async () => {
    const slides = await zip([
      [
        'ppt/presentation.xml',
        Buffer.from(
          '<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>',
        ),
      ],
      [
        'ppt/_rels/presentation.xml.rels',
        Buffer.from(
          '<Relationships><Relationship Id="rId2" Type="x/slide" Target="slides/slide1.xml"/></Relationships>',
        ),
      ],
      [
        'ppt/slides/slide1.xml',
        Buffer.from(
          '<p:sld xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>Quarterly results</a:t></a:r></a:p></p:sld>',
        ),
      ],
      [
        'ppt/slides/_rels/slide1.xml.rels',
        Buffer.from(
          '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>',
        ),
      ],
      [
        'ppt/notesSlides/notesSlide1.xml',
        Buffer.from(
          '<p:notes xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>do not mention the offshore account</a:t></a:r></a:p></p:notes>',
        ),
      ],
    ]);
    const x = await ooxmlExtractor.extract(slides, options);
    expect(x.text).toBe('Quarterly results\ndo not mention the offshore account');
    expect(x.problems).toEqual([]);
  });

  it('cuts the text at maxTextChars and says so', async () => {
    const paragraphs = Array.from(
      { length: 200 },
      (_, i) => `<w:p><w:r><w:t>paragraph ${i}</w:t></w:r></w:p>`,
    );
    const bytes = await docx({ 'word/document.xml': body(paragraphs.join('')) });
    const x = await ooxmlExtractor.extract(bytes, { maxTextChars: 100, ocr: false });
    expect(x.text).toHaveLength(100);
    expect(x.problems).toEqual([{ code: 'extract.office.text-cut', params: { limit: 100 } }]);
  });

  it('throws only when nothing can be read: not a zip', async () => {
    await expect(ooxmlExtractor.extract(Buffer.from('not a zip at all'), options)).rejects.toThrow(
      /not a zip/,
    );
  });

  it('reads a package cut short from its local headers', async () => {
    const bytes = await docx({});
    const cut = bytes.subarray(0, bytes.indexOf(Buffer.from('PK\x01\x02', 'latin1')) + 10);
    const x = await ooxmlExtractor.extract(cut, options);
    expect(x.facts.lastModifiedBy).toBe('Рошка Георгий Петрович');
  });
});

describe('OOXML documents ingested into a case', () => {
  it('records the embedded objects as children (an embedded workbook with its own media), and the extract analyser reads each', async () => {
    const workbook = await zip([
      ['[Content_Types].xml', Buffer.from(CONTENT_TYPES.replace('/word/document.xml', '/xl/workbook.xml'))],
      [
        'docProps/core.xml',
        Buffer.from(
          CORE('Рошка Георгий Петрович', '2017-03-27T10:02:00Z').replace('Keith Bennett', 'Excel user'),
        ),
      ],
      [
        'xl/workbook.xml',
        Buffer.from('<workbook xmlns:r="r"><sheets><sheet name="Лист1" r:id="rId1"/></sheets></workbook>'),
      ],
      // Other bytes than the outer image: items are content-addressed, the same bytes would be one item.
      ['xl/media/image9.png', Buffer.concat([PNG, Buffer.from('inner')])],
    ]);
    const bytes = await docx({
      'word/embeddings/Microsoft_Excel_Worksheet.xlsx': workbook,
      'word/media/image1.png': PNG,
    });
    const root = tempDir();
    mkdirSync(join(root, 'dump'));
    writeFileSync(join(root, 'dump', 'planted.docx'), bytes);
    const kase = openCase(join(root, 'case'), { create: true });
    await ingestIntoCase(kase, [join(root, 'dump')], { workers: 1 });
    const { store } = kase;
    try {
      const items = await store.listItems({});
      const doc = items.find((item) => item.first.path === 'planted.docx')!;
      expect(doc).toMatchObject({ type: 'document', format: 'docx', status: 'ok' });
      const children = await store.childrenOf(doc.id);
      expect(children.map((c) => [c.first.path, c.format, c.status])).toEqual([
        ['word/embeddings/Microsoft_Excel_Worksheet.xlsx', 'xlsx', 'ok'],
        ['word/media/image1.png', 'png', 'ok'],
      ]);
      const grandchildren = await store.childrenOf(children[0]!.id);
      expect(grandchildren.map((c) => [c.first.path, c.format])).toEqual([['xl/media/image9.png', 'png']]);
      const outer = await store.getAnalysis(doc.id, 'extract');
      const inner = await store.getAnalysis(children[0]!.id, 'extract');
      expect(outer?.status).toBe('ok');
      expect(outer?.result).toMatchObject({
        extractor: 'ooxml',
        facts: { lastModifiedBy: 'Рошка Георгий Петрович', appVersion: '16.0000' },
      });
      expect(inner?.result).toMatchObject({
        extractor: 'ooxml',
        facts: { sheetNames: ['Лист1'], authors: ['Excel user'] },
      });
    } finally {
      await store.close();
    }
  }, 60_000);
});
