// The RTF extractor on the corpus files, value by value as PROVENANCE.md and ExifTool give them (the
// French title, braces, backslashes and Japanese in the info group), on RTF written here (Cyrillic
// through a font charset, \uN with its \ucN fallback, fields, skipped destinations), and on hostile
// RTF (a million nested groups, an unclosed file): problems, no hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rtfExtractor } from '../src/extract/formats/rtf.ts';
import { extractorFor } from '../src/extract/index.ts';
import type { Extraction } from '../src/extract/types.ts';
import { isKnownCode } from '../src/report/catalogue.ts';
import { requireCorpus } from './helpers/corpus.ts';

const OPTIONS = { maxTextChars: 100_000, ocr: false };
const extract = (rtf: string | Buffer, options = OPTIONS) =>
  rtfExtractor.extract(typeof rtf === 'string' ? Buffer.from(rtf, 'latin1') : rtf, options);
const codes = (r: Extraction) => r.problems.map((p) => p.code);
const field = (r: Extraction, group: string, name: string) =>
  r.fields.find((f) => f.group === group && f.name === name)?.value;
/** The fields of one group by name. */
const group = (r: Extraction, name: string) =>
  Object.fromEntries(r.fields.filter((f) => f.group === name).map((f) => [f.name, f.value]));

const docs = requireCorpus('docs', 'extract-rtf');

describe.skipIf(!docs)('RTF extractor on the corpus', () => {
  const read = (name: string) => extract(readFileSync(join(docs!, name)));

  it('tika__testRTF.rtf: the French title, author and operator, company, dates without a zone, French languages', async () => {
    const x = await read('tika__testRTF.rtf');
    const date = { written: '2006-05-18 12:19:00', local: '2006-05-18T12:19:00', offset: null };
    expect(x.facts).toMatchObject({
      title: 'Test d’indexation Word',
      authors: ['Bibliotheque'],
      lastModifiedBy: 'Bibliotheque',
      company: 'Universite Laval',
      created: date,
      modified: date,
      printed: null,
      revision: '2',
      editMinutes: 0,
      codePage: 1252,
      languages: ['fr-FR'],
      application: 'Microsoft Word 11.0.6568',
    });
    expect(x.facts.fonts).toContain('Times New Roman Cyr');
    // \rsidroot2954171 and \rsidtbl \rsid2954171\rsid10375891, as OOXML writes rsids.
    expect(x.facts.rsids).toEqual(['002D13BB', '009E52D3']);
    expect(group(x, 'RTF info')).toMatchObject({
      nofpages: '1',
      nofwords: '3',
      nofchars: '21',
      nofcharsws: '23',
      vern: '24579',
      creatim: '2006-05-18 12:19:00',
    });
    expect(x.text).toBe('Test d’indexation Word');
    expect(x.problems).toEqual([]);
  });

  it('exiftool__RTF.rtf: accents, quotes, Japanese with \\uc fallbacks, braces, backslashes, user properties', async () => {
    const x = await read('exiftool__RTF.rtf');
    expect(x.facts).toMatchObject({
      title: 'ExifTool RTF test (with spécîål çhars)',
      subject: 'a “subject” in funny quotes',
      authors: ['an author {with braces}'],
      company: 'a company \\with backslashes and leading space\\',
      modified: { written: '2010-06-19 20:00:00', local: '2010-06-19T20:00:00', offset: null },
      created: null,
      custom: { CustomString: 'ABCDEF', CustomNumber: '123456' },
      fonts: ['Helvetica'],
    });
    // ExifTool shows the tab and the line break as dots.
    expect(field(x, 'RTF info', 'doccomm')).toBe(
      'ストロボ\tフラッシュ未発光、強制発光モード(end)\nanother line',
    );
    expect(group(x, 'RTF info')).toMatchObject({
      copyright: '© 2010 Phil Harvey',
      keywords: 'keyword1, keyword2',
    });
    expect(x.text).toBe('This is some text');
    expect(x.problems).toEqual([]);
  });

  it('is the registry extractor for rtf', () => {
    expect(extractorFor('rtf')?.name).toBe('rtf');
  });
  // Dates under two process time zones: test/extract-ole2.test.ts runs both extractors in one child per TZ.
});

describe('RTF extractor on RTF written here', () => {
  it("decodes \\'hh in the code page of the font in force (a Cyrillic font in a 1252 document)", async () => {
    const x = await extract(
      '{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}{\\f1\\froman\\fcharset204 Times New Roman Cyr;}}' +
        "{\\info{\\author \\'d0\\'ee\\'f8\\'ea\\'e0}{\\operator {\\f1 \\'d0\\'ee\\'f8\\'ea\\'e0}}}" +
        "\\pard\\lang1049 {\\f1 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2}\\par caf\\'e9}",
    );
    // The info group's author has no font: 1252. The operator's group sets the Cyrillic font.
    expect(x.facts.authors).toEqual(['Ðîøêà']);
    expect(x.facts.lastModifiedBy).toBe('Рошка');
    expect(x.text).toBe('Привет\ncafé');
    expect(x.facts.languages).toEqual(['ru-RU']);
    expect(x.facts.fonts).toEqual(['Arial', 'Times New Roman Cyr']);
  });

  it('takes \\uN in place of its \\ucN fallback, surrogate pairs included, and leaves destinations out', async () => {
    const x = await extract(
      '{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator Writer 1.0;}' +
        '{\\stylesheet{\\s0 Normal;}}{\\*\\unknowndest secret}' +
        '\\uc1 na\\u239?ve \\uc2\\u8364\\\'80\\\'80 {\\field{\\*\\fldinst HYPERLINK "x"}{\\fldrslt link}} \\uc1\\u-10179?\\u-8704?' +
        '{\\pict\\pngblip 89504e47}\\tab end\\emdash\\~!}',
    );
    expect(x.text).toBe('naïve € link 😀\tend—\u00a0!');
    expect(x.facts.application).toBe('Writer 1.0');
  });

  it('reads dates with seconds, a printed date, \\edmins and a bad date as a problem', async () => {
    const x = await extract(
      '{\\rtf1{\\info{\\creatim\\yr2017\\mo5\\dy4\\hr22\\min10\\sec5}{\\printim\\yr2017\\mo2\\dy30}{\\edmins42}}text}',
    );
    expect(x.facts.created).toEqual({
      written: '2017-05-04 22:10:05',
      local: '2017-05-04T22:10:05',
      offset: null,
    });
    expect(x.facts.printed).toBeNull();
    expect(codes(x)).toContain('extract.rtf.bad-date');
    expect(field(x, 'RTF info', 'printim')).toBe('\\yr2017\\mo2\\dy30');
    expect(x.facts.editMinutes).toBe(42);
  });

  it('reads metadata only when maxTextChars is 0: no text, no problem', async () => {
    const x = await extract('{\\rtf1{\\info{\\author A}}body text}', { maxTextChars: 0, ocr: false });
    expect(x.facts.authors).toEqual(['A']);
    expect(x.text).toBeNull();
    expect(x.problems).toEqual([]);
  });

  it('cuts the text at maxTextChars and says so', async () => {
    const x = await extract(`{\\rtf1 ${'word '.repeat(1000)}}`, { maxTextChars: 50, ocr: false });
    expect(x.text!.length).toBeLessThanOrEqual(50);
    expect(codes(x)).toContain('extract.rtf.text-cut');
  });
});

describe('RTF extractor on hostile RTF', () => {
  it('reads a million nested groups with a problem, keeping the info and text outside them', async () => {
    const depth = 1_000_000;
    const rtf = `{\\rtf1{\\info{\\author kept}}before ${'{'.repeat(depth)}deep${'}'.repeat(depth)} after}`;
    const x = await extract(rtf);
    expect(codes(x)).toContain('extract.rtf.too-deep');
    expect(x.facts.authors).toEqual(['kept']);
    expect(x.text).toBe('before  after');
  });

  it('reads an unclosed file, a \\bin claiming more bytes than there are, and huge parameters', async () => {
    const x = await extract(
      '{\\rtf1{\\info{\\title open}} text \\u99999999999 \\uc999999999 \\ansicpg-5 more {\\bin999999999 xx',
    );
    expect(codes(x)).toContain('extract.rtf.unclosed');
    expect(x.facts.title).toBe('open');
    expect(x.text).toMatch(/^text/);
  });

  it('throws only when the file is not RTF at all', async () => {
    await expect(extract('plain text')).rejects.toThrow('extract.rtf.not-rtf');
  });

  it('has words for every code it emits', () => {
    for (const code of [
      'extract.rtf.too-deep',
      'extract.rtf.unclosed',
      'extract.rtf.bad-date',
      'extract.rtf.text-cut',
      'extract.rtf.not-rtf',
    ])
      expect(isKnownCode(code), code).toBe(true);
  });
});
