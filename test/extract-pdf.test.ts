// The PDF extractor on the corpus PDFs (the values PROVENANCE.md lists, value by value), under two
// process time zones, on PDFs built here (an incremental update changing the author, layers, an
// Illustrator /PieceInfo, a scan, an object stream), on hostile PDFs (a /Prev loop, a Flate bomb, a
// truncated file, a million nested arrays: each a problem, never a hang), and its text against pdf.js.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pdfExtractor, readPdf } from '../src/extract/formats/pdf/index.ts';
import { extractorFor } from '../src/extract/index.ts';
import type { Extraction } from '../src/extract/types.ts';
import { render } from '../src/report/catalogue.ts';
import { inCi, requireCorpus } from './helpers/corpus.ts';

const OPTIONS = { maxTextChars: 1_000_000, ocr: false };
const extract = (bytes: Buffer) => pdfExtractor.extract(bytes, OPTIONS);
const codes = (r: Extraction) => r.problems.map((p) => p.code);
const field = (r: Extraction, group: string, name: string) =>
  r.fields.find((f) => f.group === group && f.name === name)?.value;
const count = (bytes: Buffer, what: string) => {
  let n = 0;
  for (let at = bytes.indexOf(what); at >= 0; at = bytes.indexOf(what, at + 1)) n++;
  return n;
};

// --- a small PDF writer: objects numbered from 1, an xref table, and incremental updates ------------

type Body = string | Buffer;

function stream(dict: string, data: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
  return Buffer.concat([
    Buffer.from(`<< ${dict} /Length ${bytes.length} >>\nstream\n`, 'latin1'),
    bytes,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

/** Objects and an xref section after `base` (offsets counted from the start of the whole file). */
function section(base: number, objects: Map<number, Body>, trailer: string): Buffer {
  const parts: Buffer[] = [];
  const offsets = new Map<number, number>();
  let at = base;
  for (const [num, body] of objects) {
    const bytes = Buffer.concat([
      Buffer.from(`${num} 0 obj\n`, 'latin1'),
      Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'),
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    offsets.set(num, at);
    parts.push(bytes);
    at += bytes.length;
  }
  let xref = 'xref\n';
  if (base === 0 || objects.has(0)) xref += '0 1\n0000000000 65535 f \n';
  for (const [num, offset] of [...offsets].sort((a, b) => a[0] - b[0]))
    xref += `${num} 1\n${String(offset).padStart(10, '0')} 00000 n \n`;
  parts.push(Buffer.from(`${xref}trailer\n<< ${trailer} >>\nstartxref\n${at}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

function pdf(objects: Body[], trailer = '/Root 1 0 R'): Buffer {
  const header = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const map = new Map(objects.map((body, i) => [i + 1, body] as [number, Body]));
  // Offsets are counted from the start: build once with the header's length as the base.
  const body = section(header.length, map, `/Size ${objects.length + 1} ${trailer}`);
  return Buffer.concat([header, body]);
}

/** Appends an incremental update: the objects given, a section whose /Prev is the file's last one. */
function update(file: Buffer, objects: Map<number, Body>, trailer: string): Buffer {
  const prev = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(file.toString('latin1'))![1];
  return Buffer.concat([file, section(file.length, objects, `${trailer} /Prev ${prev}`)]);
}

const utf16 = (text: string) =>
  `<FEFF${Buffer.from(text, 'utf16le').swap16().toString('hex').toUpperCase()}>`;

/** A one-page PDF with Helvetica text, Info object 5. */
function simplePdf(info: string, text = 'Hello from a built PDF'): Buffer {
  return pdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> >> /Contents 4 0 R >>',
      stream('', `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`),
      info,
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    ],
    '/Root 1 0 R /Info 5 0 R',
  );
}

/** Text in a Type0 font with a ToUnicode CMap, and in a simple font with /Differences. */
function fontsPdf(): Buffer {
  const cmap = `/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange 2 beginbfchar <0001> <0416> <0002> <0443> endbfchar 1 beginbfrange <0010> <0012> <0061> endbfrange endcmap end end`;
  return pdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R /F2 7 0 R >> >> /Contents 4 0 R >>',
    stream(
      '',
      'BT /F1 12 Tf 72 720 Td <000100020010> Tj 0 -14 Td [<0011> -500 <0012>] TJ /F2 10 Tf 0 -14 Td (\\101\\(x\\)\\\\\x01) Tj ET',
    ),
    '<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Arial /Encoding /Identity-H /ToUnicode 6 0 R /DescendantFonts [8 0 R] >>',
    stream('', cmap),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /BaseEncoding /WinAnsiEncoding /Differences [1 /eacute] >> >>',
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Arial >>',
  ]);
}

/** Japanese text in a Type0 font with the predefined UniJIS-UCS2-H CMap (codes are UCS-2), no ToUnicode. */
function ucs2Pdf(): Buffer {
  const text = Buffer.from('日本語の文書', 'utf16le').swap16().toString('hex');
  return pdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    stream('', `BT /F1 12 Tf 72 720 Td <${text}> Tj ET`),
    '<< /Type /Font /Subtype /Type0 /BaseFont /KozMinPr6N-Regular /Encoding /UniJIS-UCS2-H /DescendantFonts [6 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /KozMinPr6N-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >> >>',
  ]);
}

/** Writes numbered objects one after another, keeping each one's offset (for xref streams built by hand). */
function objectWriter(header: string) {
  const parts: Buffer[] = [Buffer.from(header, 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  const push = (bytes: Buffer) => {
    parts.push(bytes);
    at += bytes.length;
  };
  return {
    offsets,
    at: () => at,
    add(num: number, body: Body) {
      offsets[num] = at;
      push(
        Buffer.concat([
          Buffer.from(`${num} 0 obj\n`),
          Buffer.isBuffer(body) ? body : Buffer.from(body),
          Buffer.from('\nendobj\n'),
        ]),
      );
    },
    text: (text: string) => push(Buffer.from(text, 'latin1')),
    bytes: () => Buffer.concat(parts),
  };
}

/** Xref stream rows (type, field 2, field 3) packed with /W [1 3 1]. */
function xrefRows(rows: number[][]): Buffer {
  const packed = Buffer.alloc(rows.length * 5);
  rows.forEach(([type, a, b], i) => {
    packed[i * 5] = type!;
    packed.writeUIntBE(a!, i * 5 + 1, 3);
    packed[i * 5 + 4] = b!;
  });
  return packed;
}

// --- the corpus -------------------------------------------------------------------------------------

const corpus = requireCorpus('docs', 'extract-pdf');

describe.skipIf(!corpus)('corpus PDFs: the values PROVENANCE.md lists', () => {
  const read = (name: string) => extract(readFileSync(join(corpus!, name)));

  it('is the extractor of the pdf format', () => {
    expect(extractorFor('pdf')).toBe(pdfExtractor);
  });

  it('tika__testPDF.pdf: a printed-to-PDF file, non-ASCII author, +02:00 kept', async () => {
    const r = await read('tika__testPDF.pdf');
    expect(r.facts.authors).toEqual(['Bertrand Delacrétaz']);
    expect(r.facts.application).toBe('Firefox');
    expect(r.facts.producer).toBe('Mac OS X 10.4.10 Quartz PDFContext');
    expect(r.facts.title).toBe('Apache Tika - Apache Tika');
    const date = { written: "D:20070915110231+02'00'", local: '2007-09-15T11:02:31', offset: '+02:00' };
    expect(r.facts.created).toEqual(date);
    expect(r.facts.modified).toEqual(date);
    expect(r.facts.pdf!.version).toBe('1.3');
    expect(r.facts.pdf!.revisions).toHaveLength(1);
    expect(r.facts.pdf!.xmp).toEqual([]);
    expect(r.facts.pdf!.pages).toBe(1);
    expect(r.facts.fonts.sort()).toEqual(['Times-Roman', 'Verdana', 'Verdana-Bold']);
    expect(field(r, 'PDF Info', 'Author')).toBe('Bertrand Delacrétaz');
    expect(r.text).toContain('Apache Tika is a toolkit for detecting and extracting metadata');
    expect(r.textSource).toBe('document');
    expect(r.problems).toEqual([]);
  });

  it('tika__testPDF_incrementalUpdates.pdf: 4 %%EOF, the first a linearisation trailer: 3 revisions', async () => {
    const bytes = readFileSync(join(corpus!, 'tika__testPDF_incrementalUpdates.pdf'));
    expect(count(bytes, '%%EOF')).toBe(4);
    const r = await extract(bytes);
    const pdfFacts = r.facts.pdf!;
    expect(pdfFacts.linearized).toBe(true);
    // The original (linearised, saved 10:37:44) and two incremental saves: three saves, three ModDates.
    expect(pdfFacts.revisions.map((v) => v.end)).toEqual([16241, 41225, 64871]);
    expect(pdfFacts.revisions.map((v) => v.info.ModDate)).toEqual([
      "D:20230410103744-06'00'",
      "D:20230410103850-06'00'",
      "D:20230410104217-06'00'",
    ]);
    expect(pdfFacts.revisions[0]!.changed).toEqual([]);
    for (const later of pdfFacts.revisions.slice(1))
      expect(later.changed).toEqual(['Info/ModDate', 'XMP', 'page-content']);
    expect(r.facts.application).toBe('TextEdit');
    expect(r.facts.producer).toBe('macOS Version 13.2.1 (Build 22D68) Quartz PDFContext');
    expect(r.facts.created).toEqual({
      written: 'D:20230327163701Z',
      local: '2023-03-27T16:37:01',
      offset: '+00:00',
    });
    expect(r.facts.modified).toEqual({
      written: "D:20230410104217-06'00'",
      local: '2023-04-10T10:42:17',
      offset: '-06:00',
    });
    expect(pdfFacts.xmp).toHaveLength(5);
    expect(pdfFacts.xmp.map((x) => x.toolkit?.slice(0, 18))).toEqual(Array(5).fill('Adobe XMP Core 9.0'));
    expect(pdfFacts.xmp.filter((x) => x.producer?.includes('Quartz'))).toHaveLength(3);
    const photoshop = pdfFacts.xmp.find((x) => x.history.length > 0)!;
    expect(photoshop.creatorTool).toBe('Adobe Photoshop 24.3 (Macintosh)');
    expect(photoshop.history).toEqual([
      {
        action: 'created',
        when: { written: '2023-04-10T10:41:59-06:00', local: '2023-04-10T10:41:59', offset: '-06:00' },
        softwareAgent: 'Adobe Photoshop 24.3 (Macintosh)',
        changed: null,
      },
    ]);
    expect(field(r, 'XMP 4', 'xmpMM:History[1]/stEvt:softwareAgent')).toBe(
      'Adobe Photoshop 24.3 (Macintosh)',
    );
    expect(r.text?.replace(/\s+/g, ' ')).toBe('Testing Testing Incremental');
  });

  it('tika__testPDF_twoAuthors.pdf: Author and Title added by the later revision', async () => {
    const bytes = readFileSync(join(corpus!, 'tika__testPDF_twoAuthors.pdf'));
    expect(count(bytes, '%%EOF')).toBe(3);
    const r = await extract(bytes);
    const [first, second] = r.facts.pdf!.revisions;
    expect(r.facts.pdf!.revisions).toHaveLength(2);
    expect(first!.info.Author).toBeUndefined();
    expect(first!.info.Title).toBe('');
    expect(first!.info.ModDate).toBe("D:20140304090703+01'00'");
    expect(second!.info.Title).toBe('Sample Title');
    expect(second!.info.Author).toBe('Sample Author 1');
    expect(second!.changed).toEqual(
      expect.arrayContaining(['Info/Author', 'Info/Title', 'Info/ModDate', 'XMP']),
    );
    expect(second!.changed).not.toContain('page-content');
    expect(r.facts.authors).toEqual(['Sample Author 1']);
    expect(r.facts.application).toBe('Adobe Acrobat 10.0');
    expect(r.facts.producer).toBe('Acrobat Web Capture 10.0');
    expect(r.facts.modified).toEqual({
      written: "D:20140304090831+01'00'",
      local: '2014-03-04T09:08:31',
      offset: '+01:00',
    });
    expect(r.facts.pdf!.xmp.map((x) => x.creators)).toEqual([[], ['Sample Author 1', 'Sample Author 2']]);
    expect(r.facts.custom.CitationName).toBe('AUTHOR 1, Sample; AUTHOR 2, Sample');
  });

  it('tika__testPDF_XMPBasicSchema.pdf: no Info, the facts from XMP', async () => {
    const r = await read('tika__testPDF_XMPBasicSchema.pdf');
    expect(r.fields.filter((f) => f.group === 'PDF Info')).toEqual([]);
    expect(r.facts.created).toEqual({
      written: '1998-08-29T13:53:15-01:00',
      local: '1998-08-29T13:53:15',
      offset: '-01:00',
    });
    expect(r.facts.application).toBe('Hewlett-Packard MFP');
    expect(r.facts.pdf!.xmp[0]!.toolkit).toBe('Adobe XMP Core 4.2.1-c041 52.342996, 1998/08/29-13:53:15');
    expect(field(r, 'XMP 1', 'xmp:CreatorTool')).toBe('Hewlett-Packard MFP');
    expect(r.text).toBe('Multiple rdf:Description tags');
  });

  it('tika__testPDF-custommetadata.pdf: placeholder strings, custom Info keys, XMP bib: schema', async () => {
    const r = await read('tika__testPDF-custommetadata.pdf');
    expect(r.facts.authors).toEqual(['Document author']);
    expect(r.facts.title).toBe('Document title');
    expect(r.facts.subject).toBe('Document subject');
    expect(r.facts.application).toBe('Tool used to make the PDF');
    expect(r.facts.producer).toBe('Apache FOP Version svn-trunk');
    expect(r.facts.created).toEqual({
      written: "D:20100630140154+02'00'",
      local: '2010-06-30T14:01:54',
      offset: '+02:00',
    });
    expect(r.facts.custom).toEqual({ 'Custom Property': 'Custom Value' });
    expect(field(r, 'XMP 1', 'bib:pub-number')).toBe('EP1000000A1');
    expect(r.facts.languages).toEqual(['de-CH']);
    expect(r.text).toBe('Hello World!');
  });

  it('exiftool__PDF.pdf: made by an image editor, Photoshop XMP, an image-only page', async () => {
    const r = await read('exiftool__PDF.pdf');
    expect(r.facts.application).toBe('Adobe Photoshop 7.0');
    expect(r.facts.producer).toBe('Adobe Photoshop for Macintosh');
    const date = { written: "D:20050718143045-04'00'", local: '2005-07-18T14:30:45', offset: '-04:00' };
    expect(r.facts.created).toEqual(date);
    expect(r.facts.modified).toEqual(date);
    expect(r.facts.pdf!.xmp[0]!.creators).toEqual(['Phil Harvey']);
    expect(field(r, 'XMP 1', 'photoshop:DateCreated')).toBe('2004-02-26');
    expect(field(r, 'XMP 1', 'photoshop:City')).toBe('Kingston');
    expect(field(r, 'XMP 1', 'photoshop:Country')).toBe('Canada');
    expect(field(r, 'XMP 1', 'about')).toBeUndefined();
    expect(r.facts.pdf!.pieceInfo).toEqual(['AdobePhotoshop']);
    expect(r.facts.pdf!.imageOnlyPages).toBe(1);
    expect(r.text).toBeNull();
    expect(r.ocrCandidate).toBe(true);
  });

  it('dates come out the same under two process time zones', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { readPdf } from ${JSON.stringify(new URL('../src/extract/formats/pdf/index.ts', import.meta.url).pathname)};
      const out = [];
      for (const name of ['tika__testPDF.pdf', 'tika__testPDF_incrementalUpdates.pdf', 'tika__testPDF_XMPBasicSchema.pdf']) {
        const r = readPdf(readFileSync(${JSON.stringify(corpus)} + '/' + name), { text: false, maxTextChars: 0 });
        out.push([r.facts.created, r.facts.modified, r.facts.pdf.xmp.map((x) => [x.created, x.modified, x.history])]);
      }
      console.log(JSON.stringify(out));`;
    const run = (tz: string) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
    const tokyo = run('Asia/Tokyo');
    expect(run('America/Los_Angeles')).toBe(tokyo);
    const [[created], [, modified]] = JSON.parse(tokyo);
    expect(created.local).toBe('2007-09-15T11:02:31');
    expect(modified).toEqual({
      written: "D:20230410104217-06'00'",
      local: '2023-04-10T10:42:17',
      offset: '-06:00',
    });
  });
});

// --- built here --------------------------------------------------------------------------------------

describe('PDFs built here', () => {
  it('an incremental update changing the Author is a second revision that says so', async () => {
    const original = simplePdf(
      "<< /Author (Jean Dupont) /Title (Note) /ModDate (D:20170503101500+02'00') >>",
    );
    const forged = update(
      original,
      new Map([
        [
          5,
          `<< /Author ${utf16('Рошка Георгий Петрович')} /Title (Note) /ModDate (D:20170504221000+03'00') >>`,
        ],
      ]),
      '/Size 7 /Root 1 0 R /Info 5 0 R',
    );
    expect(count(forged, '%%EOF')).toBe(2);
    const r = await extract(forged);
    const revisions = r.facts.pdf!.revisions;
    expect(revisions.map((v) => v.info.Author)).toEqual(['Jean Dupont', 'Рошка Георгий Петрович']);
    expect(revisions[0]!.end).toBe(original.lastIndexOf('%%EOF') + 5);
    expect(revisions[1]!.end).toBe(forged.lastIndexOf('%%EOF') + 5);
    expect(revisions[1]!.changed).toEqual(['Info/Author', 'Info/ModDate']);
    expect(revisions[1]!.objects).toBe(1);
    expect(r.facts.authors).toEqual(['Рошка Георгий Петрович']);
    expect(r.facts.modified).toEqual({
      written: "D:20170504221000+03'00'",
      local: '2017-05-04T22:10:00',
      offset: '+03:00',
    });
    expect(r.text).toBe('Hello from a built PDF');
    expect(r.problems).toEqual([]);
  });

  it('an update that rewrites the page content and adds a font says page-content and fonts', async () => {
    const original = simplePdf('<< /Author (A) >>');
    const edited = update(
      original,
      new Map<number, Body>([
        [
          3,
          '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R /F2 8 0 R >> >> /Contents 7 0 R >>',
        ],
        [7, stream('', 'BT /F2 12 Tf 72 720 Td (Account 4471) Tj ET')],
        [8, '<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Calibri >>'],
      ]),
      '/Size 9 /Root 1 0 R /Info 5 0 R',
    );
    const r = await extract(edited);
    expect(r.facts.pdf!.revisions[1]!.changed).toEqual(['page-content', 'fonts']);
    expect(r.facts.fonts.sort()).toEqual(['Calibri', 'Helvetica']);
    expect(r.text).toBe('Account 4471');
  });

  it('layers (/OCProperties) and Illustrator /PieceInfo', async () => {
    const bytes = pdf([
      `<< /Type /Catalog /Pages 2 0 R /OCProperties << /OCGs [5 0 R 6 0 R] /D << /Order [5 0 R 6 0 R] >> >> /PieceInfo << /Illustrator 7 0 R >> >>`,
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /PieceInfo << /Illustrator 7 0 R >> /Contents 4 0 R >>',
      stream('', '0 0 m 100 100 l S'),
      `<< /Type /OCG /Name (Letterhead) >>`,
      `<< /Type /OCG /Name ${utf16('Texte ajouté')} >>`,
      '<< /LastModified (D:20170503101500Z) /Private << /AIMetaData 8 0 R >> >>',
      stream('', '%AI metadata'),
    ]);
    const r = await extract(bytes);
    expect(r.facts.pdf!.layers).toEqual(['Letterhead', 'Texte ajouté']);
    expect(r.facts.pdf!.pieceInfo).toEqual(['Illustrator']);
    expect(r.text).toBeNull();
    expect(r.ocrCandidate).toBe(false);
  });

  it('a scan: a page that only draws a full-page image is counted and makes an OCR candidate', async () => {
    const image = stream(
      '/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8',
      '\xff',
    );
    const page = (content: string, extra: Body[] = []) =>
      pdf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>',
        '<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im0 5 0 R /Fm0 6 0 R >> >> /Contents 4 0 R >>',
        stream('', content),
        image,
        ...extra,
      ]);
    const form = stream(
      '/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Matrix [595 0 0 842 0 0] /Resources << /XObject << /Im0 5 0 R >> >>',
      '/Im0 Do',
    );
    for (const [what, bytes, scans] of [
      ['a full-page image', page('q 595 0 0 842 0 0 cm /Im0 Do Q'), 1],
      ['the same, scaled in two steps', page('q 2 0 0 2 0 0 cm q 297.5 0 0 421 0 0 cm /Im0 Do Q Q'), 1],
      ['an image drawn by a scaled form', page('/Fm0 Do', [form]), 1],
      ['a logo only', page('q 50 0 0 50 40 760 cm /Im0 Do Q'), 0],
      [
        'a scaled state restored before the image',
        page('q 595 0 0 842 0 0 cm Q q 50 0 0 50 0 0 cm /Im0 Do Q'),
        0,
      ],
    ] as const)
      for (const text of [true, false]) {
        const r = readPdf(bytes, { text, maxTextChars: 1000 });
        expect(r.facts.pdf!.imageOnlyPages, what).toBe(scans);
        expect(r.ocrCandidate, what).toBe(scans === 1);
      }
  });

  it('an xref stream with object streams and a Flate-compressed XMP packet with history', async () => {
    const xmp = `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.6"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#" xmlns:dc="http://purl.org/dc/elements/1.1/"><xmp:CreatorTool>Adobe InDesign CC 2017</xmp:CreatorTool><xmp:ModifyDate>2017-05-03T10:15:00+03:00</xmp:ModifyDate><dc:creator><rdf:Seq><rdf:li>Рошка Г. П.</rdf:li></rdf:Seq></dc:creator><xmpMM:History><rdf:Seq><rdf:li rdf:parseType="Resource"><stEvt:action>saved</stEvt:action><stEvt:when>2017-05-03T10:14:00+03:00</stEvt:when><stEvt:softwareAgent>Adobe InDesign CC 2017</stEvt:softwareAgent><stEvt:changed>/</stEvt:changed></rdf:li></rdf:Seq></xmpMM:History></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
    const w = objectWriter('%PDF-1.5\n');
    // Objects 1 (catalog), 2 (pages) and 6 (info) live in object stream 4.
    const inStream = [
      '<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Producer (Adobe PDF Library 15.0) /Author (Jean Dupont) >>',
    ];
    let body = '';
    const table: string[] = [];
    for (const [i, num] of [1, 2, 6].entries()) {
      table.push(`${num} ${body.length}`);
      body += `${inStream[i]}\n`;
    }
    const first = `${table.join(' ')}\n`;
    w.add(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>');
    w.add(
      4,
      stream(`/Type /ObjStm /N 3 /First ${first.length} /Filter /FlateDecode`, deflateSync(first + body)),
    );
    w.add(5, stream('/Type /Metadata /Subtype /XML /Filter /FlateDecode', deflateSync(Buffer.from(xmp))));
    const xrefOffset = w.at();
    const { offsets } = w;
    const rows = [
      [0, 0, 255],
      [2, 4, 0],
      [2, 4, 1],
      [1, offsets[3]!, 0],
      [1, offsets[4]!, 0],
      [1, offsets[5]!, 0],
      [2, 4, 2],
      [1, xrefOffset, 0],
    ];
    const dict = '/Type /XRef /Size 8 /W [1 3 1] /Root 1 0 R /Info 6 0 R /Filter /FlateDecode';
    w.add(7, stream(dict, deflateSync(xrefRows(rows))));
    w.text(`startxref\n${xrefOffset}\n%%EOF\n`);
    const file = w.bytes();
    expect(file.includes('xpacket')).toBe(false);
    const r = await extract(file);
    expect(r.problems).toEqual([]);
    expect(r.facts.authors).toEqual(['Jean Dupont']);
    expect(r.facts.producer).toBe('Adobe PDF Library 15.0');
    expect(r.facts.application).toBe('Adobe InDesign CC 2017');
    const [packet] = r.facts.pdf!.xmp;
    expect(packet!.offset).toBe(offsets[5]);
    expect(packet!.toolkit).toBe('Adobe XMP Core 5.6');
    expect(packet!.creators).toEqual(['Рошка Г. П.']);
    expect(packet!.history).toEqual([
      {
        action: 'saved',
        when: { written: '2017-05-03T10:14:00+03:00', local: '2017-05-03T10:14:00', offset: '+03:00' },
        softwareAgent: 'Adobe InDesign CC 2017',
        changed: '/',
      },
    ]);
    expect(r.facts.pdf!.revisions).toHaveLength(1);
  });

  it('a hybrid file: an xref table whose /XRefStm lists the objects kept in an object stream', async () => {
    const w = objectWriter('%PDF-1.5\n');
    w.add(1, '<< /Type /Catalog /Pages 2 0 R >>');
    w.add(2, '<< /Type /Pages /Kids [] /Count 0 >>');
    const info = '<< /Author (Hidden in a stream) >>';
    w.add(3, stream(`/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode`, deflateSync(`5 0 ${info}`)));
    const { offsets } = w;
    const rows = [
      [0, 0, 255],
      [1, offsets[1]!, 0],
      [1, offsets[2]!, 0],
      [1, offsets[3]!, 0],
      [0, 0, 0],
      [2, 3, 0],
    ];
    const xrefStream = w.at();
    w.add(4, stream('/Type /XRef /Size 6 /W [1 3 1]', xrefRows(rows)));
    const table = w.at();
    const line = (n: number) => `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
    w.text(
      `xref\n0 4\n0000000000 65535 f \n${line(1)}${line(2)}${line(3)}trailer\n<< /Size 6 /Root 1 0 R /Info 5 0 R /XRefStm ${xrefStream} >>\nstartxref\n${table}\n%%EOF\n`,
    );
    const r = await extract(w.bytes());
    expect(r.problems).toEqual([]);
    expect(r.facts.authors).toEqual(['Hidden in a stream']);
    expect(r.facts.pdf!.revisions).toHaveLength(1);
  });

  it('text through a ToUnicode CMap (Type0 font), /Differences, escapes and a TJ word gap', async () => {
    const bytes = fontsPdf();
    const r = await extract(bytes);
    expect(r.text).toBe('Жуa\nb c\nA(x)\\é');
    expect(r.facts.fonts.sort()).toEqual(['Arial', 'Times-Roman']);
    const japanese = await extract(ucs2Pdf());
    expect(japanese.text).toBe('日本語の文書');
    expect(japanese.problems).toEqual([]);
  });

  it('text is cut at maxTextChars, with a problem', async () => {
    const r = await pdfExtractor.extract(simplePdf('<< >>', 'x'.repeat(500)), {
      maxTextChars: 100,
      ocr: false,
    });
    expect(r.text).toHaveLength(100);
    expect(r.problems).toEqual([{ code: 'extract.pdf.text-cut', params: { limit: 100 } }]);
  });

  it('an encrypted PDF the empty password does not open says so, and shows no ciphertext as metadata', async () => {
    const bytes = pdf(
      [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [] /Count 0 >>',
        '<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>',
        '<< /Author <8a3f01c2> >>',
      ],
      '/Root 1 0 R /Encrypt 3 0 R /Info 4 0 R',
    );
    const r = await extract(bytes);
    expect(r.facts.pdf!.encrypted).toBe(true);
    expect(codes(r)).toEqual(['extract.pdf.encrypted', 'extract.pdf.encrypted-metadata']);
    expect(r.facts.authors).toEqual([]);
    expect(r.fields.filter((f) => f.group === 'PDF Info')).toEqual([]);
    expect(render(r.problems[0]!)).toContain('encrypted (Standard)');
  });
});

// --- encryption (ISO 32000 §7.6.3, written here independently of src/, checked by pdf.js) -------------

const PASSWORD_PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

function arc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) % 256;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  let i = 0;
  j = 0;
  return Buffer.from(
    data.map((byte) => {
      i = (i + 1) % 256;
      j = (j + s[i]!) % 256;
      [s[i], s[j]] = [s[j]!, s[i]!];
      return byte ^ s[(s[i]! + s[j]!) % 256]!;
    }),
  );
}

/** A one-page PDF encrypted with RC4 128 (R3), the empty user password and an owner password. */
function rc4Pdf(author: string, text: string): Buffer {
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const p = -3904;
  const rounds = (key: Buffer, data: Buffer) => {
    let out = arc4(key, data);
    for (let i = 1; i <= 19; i++) out = arc4(Buffer.from(key.map((b) => b ^ i)), out);
    return out;
  };
  let ownerKey = md5(Buffer.concat([Buffer.from('secret'), PASSWORD_PAD]).subarray(0, 32));
  for (let i = 0; i < 50; i++) ownerKey = md5(ownerKey);
  const o = rounds(ownerKey, PASSWORD_PAD);
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p);
  let key = md5(PASSWORD_PAD, o, pBytes, id);
  for (let i = 0; i < 50; i++) key = md5(key);
  const u = Buffer.concat([rounds(key, md5(PASSWORD_PAD, id)), Buffer.alloc(16)]);
  const objectKey = (num: number) => md5(key, Buffer.from([num, 0, 0, 0, 0]));
  const hex = (b: Buffer) => `<${b.toString('hex')}>`;
  const content = Buffer.from(`BT /F1 12 Tf 72 720 Td (${text}) Tj ET`, 'latin1');
  return pdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> >> /Contents 4 0 R >>',
      stream('', arc4(objectKey(4), content)),
      `<< /Author ${hex(arc4(objectKey(5), Buffer.from(author, 'latin1')))} >>`,
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
      `<< /Filter /Standard /V 2 /R 3 /Length 128 /O ${hex(o)} /U ${hex(u)} /P ${p} >>`,
    ],
    `/Root 1 0 R /Info 5 0 R /Encrypt 7 0 R /ID [${hex(id)} ${hex(id)}]`,
  );
}

const hasQpdf = !spawnSync('qpdf', ['--version'], { stdio: 'ignore' }).error;
// Skipped without qpdf only off CI, saying so: CI installs it (.ci/run), so there its absence fails.
if (!hasQpdf && !inCi())
  console.warn('qpdf is not installed (apt-get install qpdf): the encrypted-PDF test is skipped');

describe('encrypted PDFs that open with the empty password are read in full', () => {
  it('RC4 128 (R3), written here: pdf.js reads the same text, so the file is right', async () => {
    const bytes = rc4Pdf('Jean Dupont', 'Relev\xe9 de compte');
    const r = await extract(bytes);
    expect(r.problems).toEqual([]);
    expect(r.facts.pdf!.encrypted).toBe(true);
    expect(r.facts.authors).toEqual(['Jean Dupont']);
    expect(r.text).toBe('Relevé de compte');
    expect(squeeze(await pdfjsText(bytes))).toBe(squeeze(r.text));
  });

  it.skipIf(!corpus || (!hasQpdf && !inCi()))(
    'RC4 40 and 128, AES-128 and AES-256 by qpdf; a user password locks',
    async () => {
      const source = join(corpus!, 'tika__testPDF.pdf');
      const plain = await extract(readFileSync(source));
      const dir = mkdtempSync(join(tmpdir(), 'crible-pdf-'));
      const encrypted = (name: string, args: string[]) => {
        const out = join(dir, name);
        spawnSync('qpdf', ['--allow-weak-crypto', '--encrypt', ...args, '--', source, out]);
        return readFileSync(out);
      };
      for (const [name, args] of [
        ['rc4-40', ['', 'owner', '40']],
        ['rc4-128', ['', 'owner', '128', '--use-aes=n']],
        ['aes-128', ['', 'owner', '128', '--use-aes=y']],
        // AES-256 salts are random: several files, so a key derivation right only for some salts shows.
        ...Array.from({ length: 12 }, (_, k) => [`aes-256-${k}`, ['', 'owner', '256']] as const),
      ] as const) {
        const r = await extract(encrypted(`${name}.pdf`, [...args]));
        expect(r.facts.pdf!.encrypted, name).toBe(true);
        expect(r.problems, name).toEqual([]);
        expect([r.facts.authors, r.facts.title, r.facts.created], name).toEqual([
          plain.facts.authors,
          plain.facts.title,
          plain.facts.created,
        ]);
        expect(r.text, name).toBe(plain.text);
      }
      const locked = await extract(encrypted('locked.pdf', ['user', 'owner', '256']));
      expect(codes(locked)).toEqual(['extract.pdf.encrypted', 'extract.pdf.encrypted-metadata']);
      expect(locked.facts.authors).toEqual([]);
      expect(locked.text).toBeNull();
      rmSync(dir, { recursive: true, force: true });
    },
  );
});

// --- hostile ------------------------------------------------------------------------------------------

describe('hostile PDFs: a problem each, the rest kept, no hang', () => {
  it('a /Prev chain that loops, hiding the original revision', async () => {
    const original = simplePdf('<< /Author (A) >>');
    const looped = update(original, new Map([[5, '<< /Author (B) >>']]), '/Size 7 /Root 1 0 R /Info 5 0 R');
    // Point the update's /Prev at itself.
    const own = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(looped.toString('latin1'))![1]!;
    const prev = /\/Prev (\d+)/.exec(looped.toString('latin1', original.length))![1]!;
    const text = looped.toString('latin1').replace(`/Prev ${prev}`, `/Prev ${own.padEnd(prev.length)}`);
    const r = await extract(Buffer.from(text, 'latin1'));
    expect(codes(r)).toEqual(['extract.pdf.prev-cycle', 'extract.pdf.unlinked-revision']);
    // The original no chain reaches any more is still found, from its own startxref.
    expect(r.facts.pdf!.revisions.map((v) => v.info.Author)).toEqual(['A', 'B']);
    expect(r.facts.authors).toEqual(['B']);
  });

  it('a /Prev pointing at nothing: the earlier revision is still found by its own startxref', async () => {
    const original = simplePdf('<< /Author (A) >>');
    const updated = update(original, new Map([[5, '<< /Author (B) >>']]), '/Size 7 /Root 1 0 R /Info 5 0 R');
    const prev = /\/Prev (\d+)/.exec(updated.toString('latin1', original.length))![1]!;
    const broken = updated.toString('latin1').replace(`/Prev ${prev}`, `/Prev ${'9'.repeat(prev.length)}`);
    const r = await extract(Buffer.from(broken, 'latin1'));
    expect(codes(r)).toEqual(['extract.pdf.bad-xref', 'extract.pdf.unlinked-revision']);
    expect(r.facts.pdf!.revisions.map((v) => v.info.Author)).toEqual(['A', 'B']);
    expect(render(r.problems[1]!)).toContain('broken or altered /Prev');
  });

  it('thousands of bogus startxref markers, and a stream whose /Length lies with no endstream', async () => {
    const original = simplePdf('<< /Author (A) >>');
    const bogus = Array.from({ length: 5000 }, (_, k) => `startxref\n${(k * 7) % original.length}\n%%EOF\n`);
    const tail = `9 0 obj\n<< /Length 999999999 >>\nstream\n${'x'.repeat(1000)}\n`;
    const r = await extract(Buffer.concat([original, Buffer.from(tail + bogus.join(''), 'latin1')]));
    expect(codes(r)).toEqual(
      expect.arrayContaining(['extract.pdf.bad-xref', 'extract.pdf.unlinked-revision']),
    );
    expect(r.facts.authors).toEqual(['A']);
    expect(r.text).toBe('Hello from a built PDF');
  });

  it('a Flate bomb in the metadata stream and in the page content', async () => {
    const bomb = deflateSync(Buffer.alloc(80 * 1024 * 1024), { level: 9 });
    const bytes = pdf(
      [
        '<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>',
        stream('/Filter /FlateDecode', bomb),
        stream('/Type /Metadata /Subtype /XML /Filter /FlateDecode', bomb),
        '<< /Author (Still read) >>',
      ],
      '/Root 1 0 R /Info 6 0 R',
    );
    const r = await extract(bytes);
    for (const object of [4, 5])
      expect(r.problems).toContainEqual({
        code: 'extract.pdf.stream-too-large',
        params: { object, limit: 64 * 1024 * 1024 },
      });
    expect(r.facts.authors).toEqual(['Still read']);
    expect(render(r.problems[0]!)).toContain('64.0 MB');
  });

  it.skipIf(!corpus)('a truncated file: objects found by scanning', async () => {
    const bytes = readFileSync(join(corpus!, 'tika__testPDF.pdf'));
    const r = await extract(bytes.subarray(0, 20_000));
    expect(codes(r)).toEqual(
      expect.arrayContaining(['extract.pdf.no-startxref', 'extract.pdf.xref-rebuilt']),
    );
    expect(r.facts.pdf!.version).toBe('1.3');
    expect(r.facts.pdf!.revisions).toHaveLength(1);
  });

  it('a million nested arrays', async () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    const bytes = pdf(
      [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 6 0 R >> >> /Contents 4 0 R >>',
        stream('', `${deep} BT /F1 12 Tf (kept) Tj ET`),
        `<< /Author (Kept) /Title ${deep} >>`,
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
      ],
      '/Root 1 0 R /Info 5 0 R',
    );
    const r = await extract(bytes);
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        code: 'extract.pdf.object-unreadable',
        params: expect.objectContaining({ object: 5, reason: 'too-deep' }),
      }),
    );
    expect(r.text).toBe('kept');
  });

  it('bytes after the last %%EOF: an update whose xref is broken is said, not dropped silently', async () => {
    const original = simplePdf('<< /Author (A) >>');
    const broken = Buffer.concat([
      original,
      Buffer.from('5 0 obj\n<< /Author (B) >>\nendobj\nxref\ngarbage\n'),
    ]);
    const r = await extract(broken);
    expect(r.problems).toEqual([
      {
        code: 'extract.pdf.data-after-eof',
        params: { bytes: broken.length - original.lastIndexOf('%%EOF') - 5 },
      },
    ]);
    expect(r.facts.authors).toEqual(['A']);
    expect(render(r.problems[0]!)).toMatch(/^47 bytes after the last "%%EOF"/);
  });

  it('fonts whose ToUnicode CMaps together define more mappings than the file-wide budget', async () => {
    const fonts = 20;
    const cmap = stream(
      '',
      'begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0041> endbfrange endcmap',
    );
    const objects: Body[] = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /Resources << /Font << ${Array.from({ length: fonts }, (_, k) => `/F${k} ${6 + k} 0 R`).join(' ')} >> >> /Contents 4 0 R >>`,
      stream('', Array.from({ length: fonts }, (_, k) => `BT /F${k} 12 Tf <0000> Tj ET`).join('\n')),
      cmap,
      ...Array.from(
        { length: fonts },
        () => '<< /Type /Font /Subtype /Type0 /BaseFont /F /Encoding /Identity-H /ToUnicode 5 0 R >>',
      ),
    ];
    const r = await extract(pdf(objects));
    expect(r.problems).toEqual([
      { code: 'extract.pdf.limit', params: { what: 'cmap-entries', limit: 1_000_000 } },
    ]);
    expect(r.text?.startsWith('A')).toBe(true);
  });

  it('bytes that are not a PDF at all throw', async () => {
    await expect(extract(Buffer.from('just some text, no PDF here'))).rejects.toThrow(/not a PDF/);
  });

  it('every problem code has words', async () => {
    for (const code of [
      'extract.pdf.prev-cycle',
      'extract.pdf.stream-too-large',
      'extract.pdf.xref-rebuilt',
      'extract.pdf.object-unreadable',
      'extract.pdf.text-cut',
    ])
      expect(render({ code, params: { offset: 1, object: 2, limit: 3, reason: 'x' } })).not.toContain(code);
  });
});

// --- the text against pdf.js --------------------------------------------------------------------------

// pdf.js 6 compiles nothing with eval (its isEvalSupported option is gone); fonts are not loaded.
async function pdfjsText(bytes: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  const doc = await task.promise;
  let out = '';
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    for (const item of content.items) if ('str' in item) out += item.str;
  }
  await task.destroy();
  return out;
}

const squeeze = (text: string | null) => (text ?? '').replace(/\s+/g, '');

describe('text: the same characters as pdf.js', () => {
  it.skipIf(!corpus)('on every corpus PDF', async () => {
    for (const name of [
      'tika__testPDF.pdf',
      'tika__testPDF_incrementalUpdates.pdf',
      'tika__testPDF_twoAuthors.pdf',
      'tika__testPDF_XMPBasicSchema.pdf',
      'tika__testPDF-custommetadata.pdf',
      'exiftool__PDF.pdf',
    ]) {
      const bytes = readFileSync(join(corpus!, name));
      expect(squeeze((await extract(bytes)).text), name).toBe(squeeze(await pdfjsText(bytes)));
    }
  });

  it('on PDFs built here', async () => {
    for (const bytes of [
      simplePdf('<< >>', 'caf\\351 cr\\350me \\(br\\373l\\351e\\)'),
      simplePdf('<< >>', 'Quatre-vingt-dix'),
    ])
      expect(squeeze((await extract(bytes)).text)).toBe(squeeze(await pdfjsText(bytes)));
  });
});
