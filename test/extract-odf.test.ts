// The OpenDocument extractor on the corpus (the three ODF rows of PROVENANCE.md, value by value),
// on files generated here (spaces, tabs and breaks, annotations, pictures read as members), under two
// process time zones, and on hostile ones (a decompression bomb, broken XML, an encrypted package).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { durationMinutes, odfExtractor } from '../src/extract/formats/odf.ts';
import type { Extraction } from '../src/extract/types.ts';
import { odsFormat, odtFormat } from '../src/ingest/formats/open-document.ts';
import { defaultLimits } from '../src/ingest/limits.ts';
import { identify, probeBuffer } from '../src/ingest/registry.ts';
import { isKnownCode } from '../src/report/catalogue.ts';
import { zip } from './helpers/archives.ts';
import { collect } from './helpers/containers.ts';
import { requireCorpus } from './helpers/corpus.ts';

const options = { maxTextChars: 1_000_000, ocr: false };
const docs = requireCorpus('docs', 'extract-odf');

const extractFile = (name: string) => odfExtractor.extract(readFileSync(join(docs!, name)), options);
/** An ODF date: the wall time written, no zone. */
const local = (written: string) => ({ written, local: written, offset: null });
const field = (x: Extraction, name: string) => x.fields.filter((f) => f.name === name).map((f) => f.value);

describe.skipIf(!docs)('ODF extractor on the corpus (PROVENANCE.md)', () => {
  it('tika__testOpenOffice2.odt: NeoOffice, dates without a zone, two cycles, PT1M7S, no creator', async () => {
    const x = await extractFile('tika__testOpenOffice2.odt');
    const f = x.facts;
    expect(f.application).toBe('NeoOffice/2.2$Unix OpenOffice.org_project/680m18$Build-9161');
    expect(f.created).toEqual(local('2007-09-14T11:06:08'));
    expect(f.modified).toEqual(local('2007-09-14T11:07:10'));
    expect(f.revision).toBe('2');
    expect(f.editMinutes).toBe(1.12);
    expect(field(x, 'meta:editing-duration')).toEqual(['PT1M7S']);
    expect(f.authors).toEqual([]);
    expect(f.lastModifiedBy).toBeNull();
    expect(f.languages).toEqual(['en-US']);
    expect(f.fonts).toEqual(['Times New Roman', 'Arial', 'MS Mincho', 'Tahoma']);
    expect(x.text).toBe('This is a sample Open Office document, written in NeoOffice 2.2.1 for the Mac.');
    expect(x.problems).toEqual([]);
  });

  it('tika__testODFwithOOo3.odt: initial-creator and creator, OpenOffice.org 3.1, PT02H03M24S, embedded objects', async () => {
    const x = await extractFile('tika__testODFwithOOo3.odt');
    const f = x.facts;
    expect(f.authors).toEqual(['Bart Hanssens']);
    expect(f.lastModifiedBy).toBe('Bart Hanssens');
    expect(f.created).toEqual(local('2009-10-05T19:04:01'));
    expect(f.modified).toEqual(local('2009-10-05T21:22:38'));
    expect(f.revision).toBe('2');
    expect(f.editMinutes).toBe(123.4);
    expect(f.application).toBe('OpenOffice.org/3.1$Unix OpenOffice.org_project/310m19$Build-9420');
    expect(f.title).toBe('Apache Tika');
    expect(f.subject).toBe('Test document');
    expect(field(x, 'meta:keyword')).toEqual(['Apache', 'Lucene', 'Tika']);
    expect(field(x, 'meta:object-count')).toEqual(['2']);
    expect(f.custom).toEqual({ Editor: 'Bart Hanssens', 'Info 2': '', 'Info 3': '', 'Info 4': '' });
    expect(field(x, 'embedded')).toContain('Object 1/content.xml');
    // An annotation's text is kept, its author and date are not the text.
    expect(x.text).toMatch(/^complex\nApache Tika Tika is part of the Lucene project\.\nTest Document\n/);
    expect(x.text).toContain('Reference to the title: Apache Tika Test Document');
  });

  it('exiftool__OpenDoc.ods: fractional seconds kept, OpenOffice.org 3.2 Win32, user-defined License, Dutch sheet names', async () => {
    const x = await extractFile('exiftool__OpenDoc.ods');
    const f = x.facts;
    expect(f.authors).toEqual(['IDHW IDHW Informatica']);
    expect(f.created).toEqual(local('2010-04-19T11:16:49.13'));
    expect(f.modified).toEqual(local('2010-04-19T11:18:04.30'));
    expect(f.application).toBe('OpenOffice.org/3.2$Win32 OpenOffice.org_project/320m12$Build-9483');
    expect(f.custom).toEqual({ License: 'test' });
    expect(field(x, 'meta:user-defined License')).toEqual(['test']);
    expect(f.sheetNames).toEqual(['Blad1', 'Blad2', 'Blad3']);
    expect(f.revision).toBe('1');
    expect(f.editMinutes).toBe(1.28);
  });

  it('yields the embedded objects of tika__testODFwithOOo3.odt as members, not the document parts', async () => {
    const data = readFileSync(join(docs!, 'tika__testODFwithOOo3.odt'));
    const { events, error } = await collect(
      odtFormat.members!({ kind: 'buffer', data, name: 'x.odt' }, defaultLimits),
    );
    expect(error).toBeNull();
    const paths = events.flatMap((e) => (e.kind === 'entry' ? [e.path] : []));
    // The objects' content; their view settings, styles and empty configuration files are not members.
    expect(paths).toEqual(['Object 1/content.xml', 'Object 2/content.xml']);
  });

  it('gives the same dates under two process time zones (a child process per TZ)', () => {
    const files = ['tika__testOpenOffice2.odt', 'tika__testODFwithOOo3.odt', 'exiftool__OpenDoc.ods'].map(
      (n) => join(docs!, n),
    );
    const script = `
      const { readFileSync } = await import('node:fs');
      const { odfExtractor } = await import(process.argv[1]);
      const out = [];
      for (const file of process.argv.slice(2)) {
        const x = await odfExtractor.extract(readFileSync(file), { maxTextChars: 1000, ocr: false });
        out.push([x.facts.created, x.facts.modified]);
      }
      console.log(JSON.stringify({ zone: new Date(2020, 0, 1).getTimezoneOffset(), out }));`;
    const module = pathToFileURL(join(import.meta.dirname, '../src/extract/formats/odf.ts')).href;
    const run = (tz: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script, module, ...files], {
          env: { ...process.env, TZ: tz },
          encoding: 'utf8',
        }),
      );
    const east = run('Asia/Tokyo');
    const west = run('America/New_York');
    expect(east.zone).toBe(-540);
    expect(west.zone).toBe(300);
    expect(east.out).toEqual(west.out);
    expect(east.out[0]).toEqual([local('2007-09-14T11:06:08'), local('2007-09-14T11:07:10')]);
  });
});

const MIMETYPE = 'application/vnd.oasis.opendocument.text';
const META = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:xlink="http://www.w3.org/1999/xlink"><office:meta><meta:generator>LibreOffice/7.4.7.2$Linux_X86_64</meta:generator><meta:initial-creator>Иван Петров</meta:initial-creator><dc:creator>Рошка Георгий Петрович</dc:creator><meta:creation-date>2017-03-27T09:58:00.123456789</meta:creation-date><dc:date>2017-03-27T10:02:00Z</dc:date><meta:print-date>2017-03-27T10:01:00</meta:print-date><meta:template xlink:href="../Templates/Счёт.ott" xlink:title="Счёт"/><meta:editing-cycles>14</meta:editing-cycles><meta:editing-duration>P1DT2H</meta:editing-duration><dc:language>ru-RU</dc:language><meta:user-defined meta:name="Отдел" meta:value-type="string">Бухгалтерия</meta:user-defined><meta:user-defined meta:name="Amount" meta:value-type="float">1000.50</meta:user-defined></office:meta></office:document-meta>`;

const content = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:font-face-decls><style:font-face style:name="Liberation Serif" svg:font-family="&apos;Liberation Serif&apos;"/></office:font-face-decls><office:body><office:text>${body}</office:text></office:body></office:document-content>`;

const BODY =
  '<text:h>Счёт №17</text:h><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d <text:span>1 000,50 &amp; €</text:span><office:annotation><dc:creator>Ivan</dc:creator><dc:date>2017-03-27T10:00:00</dc:date><text:p>check this</text:p></office:annotation> on <text:date>27/03/2017</text:date></text:p>';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const OLE = Buffer.from('d0cf11e0a1b11ae1000000000000000000000000000000003e000300feff0900', 'hex');

function odt(parts: Record<string, string | Buffer>): Promise<Buffer> {
  const all: Record<string, string | Buffer> = {
    mimetype: MIMETYPE,
    'meta.xml': META,
    'content.xml': content(BODY),
    ...parts,
  };
  return zip(Object.entries(all).map(([name, value]) => [name, Buffer.from(value)]));
}

describe('ODF extractor on files generated here', () => {
  it('reads a planted Cyrillic editor, a zone only where written, typed user-defined values, text with its spacing', async () => {
    const bytes = await odt({
      'Pictures/1000000000000001.png': PNG,
      'Object 3': OLE,
      'Object 3/settings.xml': '<x/>',
    });
    expect(identify(probeBuffer(bytes, 'planted.odt', false)).module.name).toBe('odt');
    const x = await odfExtractor.extract(bytes, options);
    const f = x.facts;
    expect(f.application).toBe('LibreOffice/7.4.7.2$Linux_X86_64');
    expect(f.authors).toEqual(['Иван Петров']);
    expect(f.lastModifiedBy).toBe('Рошка Георгий Петрович');
    expect(f.created).toEqual(local('2017-03-27T09:58:00.123456789'));
    expect(f.modified).toEqual({
      written: '2017-03-27T10:02:00Z',
      local: '2017-03-27T10:02:00',
      offset: '+00:00',
    });
    expect(f.printed).toEqual(local('2017-03-27T10:01:00'));
    expect(f.template).toBe('../Templates/Счёт.ott');
    expect(f.revision).toBe('14');
    expect(f.editMinutes).toBe(1560);
    expect(f.languages).toEqual(['ru-RU']);
    expect(f.custom).toEqual({ Отдел: 'Бухгалтерия', Amount: '1000.50' });
    expect(f.fonts).toEqual(['Liberation Serif']);
    expect(x.text).toBe('Счёт №17\na   b\tc\nd 1 000,50 & €check this\n on 27/03/2017');
    expect(field(x, 'embedded')).toEqual(['Pictures/1000000000000001.png', 'Object 3']);
    expect(x.problems).toEqual([]);

    const { events } = await collect(
      odtFormat.members!({ kind: 'buffer', data: bytes, name: 'planted.odt' }, defaultLimits),
    );
    const entries = events.filter((e) => e.kind === 'entry');
    expect(entries.map((e) => e.path)).toEqual(['Pictures/1000000000000001.png', 'Object 3']);
    expect(entries[0]!.bytes.equals(PNG)).toBe(true);
    expect(entries[1]!.bytes.equals(OLE)).toBe(true);
    expect(odsFormat.members).toBeTypeOf('function');
  });

  it('broken XML: problems saying where, the rest kept', async () => {
    const bytes = await odt({
      'meta.xml': META.replace('</meta:editing-cycles>', '</meta:editing-cycle>').slice(0, -40),
      'content.xml': content(BODY).slice(0, 700),
    });
    const x = await odfExtractor.extract(bytes, options);
    expect(x.problems.map((p) => [p.code, p.params?.part])).toEqual([
      ['extract.office.xml-damaged', 'meta.xml'],
      ['extract.office.xml-damaged', 'content.xml'],
    ]);
    expect(x.problems[0]!.params?.error).toBe(
      'end tag </meta:editing-cycle> where </meta:editing-cycles> was expected',
    );
    expect(x.facts.lastModifiedBy).toBe('Рошка Георгий Петрович');
    // The last value was written before the cut: it is kept.
    expect(x.facts.custom).toEqual({ Отдел: 'Бухгалтерия', Amount: '1000.50' });
    expect(x.text).toMatch(/^Счёт №17\na {3}b/);
    for (const p of x.problems) expect(isKnownCode(p.code)).toBe(true);
  });

  it('a decompression bomb as content.xml is a problem; meta.xml is still read', async () => {
    const bytes = await odt({ 'content.xml': `${content('')}<!--${' '.repeat(65 * 1024 ** 2)}-->` });
    const x = await odfExtractor.extract(bytes, options);
    expect(x.problems).toEqual([
      { code: 'extract.office.part-too-large', params: { part: 'content.xml', limit: 64 * 1024 ** 2 } },
    ]);
    expect(x.facts.lastModifiedBy).toBe('Рошка Георгий Петрович');
  }, 60_000);

  it('an encrypted package: its metadata, and a problem instead of its text', async () => {
    const manifest =
      '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum="x"/></manifest:file-entry></manifest:manifest>';
    const bytes = await odt({
      'META-INF/manifest.xml': manifest,
      'content.xml': Buffer.from('d1e2c3', 'hex'),
    });
    const x = await odfExtractor.extract(bytes, options);
    expect(x.problems).toEqual([{ code: 'extract.office.encrypted' }]);
    expect(x.facts.authors).toEqual(['Иван Петров']);
    expect(x.text).toBeNull();
  });

  it('ISO 8601 durations to minutes, and none from what is not one', () => {
    expect(durationMinutes('PT02H03M24S')).toBe(123.4);
    expect(durationMinutes('PT1M7S')).toBe(1.12);
    expect(durationMinutes('P2D')).toBe(2880);
    expect(durationMinutes('PT0,5S')).toBe(0.01);
    expect(durationMinutes('P')).toBeNull();
    expect(durationMinutes('PT')).toBeNull();
    expect(durationMinutes('12 minutes')).toBeNull();
    expect(durationMinutes(`P${'9'.repeat(100_000)}`)).toBeNull();
  });
});
