// The plain-text extractor: HTML (text without tags, scripts or styles; title and meta as fields and
// facts), XML text content without entity expansion, CSV and text decoded by BOM, declaration, UTF-8
// validity or windows-1252; text cut at the limit with a problem; hostile markup read in linear time.
import { describe, expect, it } from 'vitest';
import { plainExtractor } from '../src/extract/formats/plain.ts';
import { extractorFor } from '../src/extract/index.ts';
import { isKnownCode } from '../src/report/catalogue.ts';

const OPTIONS = { maxTextChars: 100_000, ocr: false };
const extract = (bytes: Buffer | string, options = OPTIONS) =>
  plainExtractor.extract(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, options);

describe('plain-text documents', () => {
  it('is the extractor for html, xml, csv and text', () => {
    for (const format of ['html', 'xml', 'csv', 'text']) expect(extractorFor(format)?.name).toBe('plain');
  });

  it('HTML: the text without tags, scripts, styles or comments; title, lang and meta as fields and facts', async () => {
    const page = Buffer.from(
      `<!DOCTYPE html><html lang="fr"><head><meta charset="windows-1252"><title>Rapport &eacute;t&#233; 2017</title>
      <meta name="author" content="Jean Dupont; Marie Curie"><meta name="generator" content="Microsoft Word 15">
      <meta name="description" content="Bilan">
      <style>p{color:red}</style><script>document.write("<b>injected</b>")</script></head>
      <body><h1>Titre</h1><p>Un texte &amp; des&nbsp;mots &unknown; <img src="http://example.invalid/x.png"></p>
      <!-- caché --><p>Fin \xe9</p></body></html>`,
      'latin1',
    );
    const r = await extract(page);
    expect(r.text).toBe('Titre\nUn texte & des\u00a0mots &unknown;\nFin é'.replace('\u00a0', ' '));
    expect(r.facts.title).toBe('Rapport été 2017');
    expect(r.facts.authors).toEqual(['Jean Dupont', 'Marie Curie']);
    expect(r.facts.application).toBe('Microsoft Word 15');
    expect(r.facts.subject).toBe('Bilan');
    expect(r.facts.languages).toEqual(['fr']);
    expect(r.fields).toContainEqual({ group: 'Text', name: 'Charset', value: 'windows-1252' });
    expect(r.fields).toContainEqual({ group: 'HTML', name: 'meta generator', value: 'Microsoft Word 15' });
    expect(r.textSource).toBe('document');
    expect(r.ocrCandidate).toBe(false);
  });

  it('charsets: UTF-8 BOM, UTF-16 LE and BE BOMs, valid UTF-8, else windows-1252', async () => {
    const text = 'Zoë, café — 20 €';
    const utf16be = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
    const cases: [Buffer, string][] = [
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'UTF-8'],
      [Buffer.from(`\ufeff${text}`, 'utf16le'), 'UTF-16LE'],
      [utf16be, 'UTF-16BE'],
      [Buffer.from(text), 'UTF-8'],
      [
        Buffer.from([
          0x5a, 0x6f, 0xeb, 0x2c, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x97, 0x20, 0x32, 0x30, 0x20, 0x80,
        ]),
        'windows-1252',
      ],
    ];
    for (const [bytes, charset] of cases) {
      const r = await extract(bytes);
      expect(r.text).toBe(text);
      expect(r.fields).toContainEqual({ group: 'Text', name: 'Charset', value: charset });
    }
  });

  it('CSV keeps its rows as text', async () => {
    const r = await extract('nom;montant\n"Dupont, Jean";1200\nMartin;800\n');
    expect(r.text).toBe('nom;montant\n"Dupont, Jean";1200\nMartin;800\n');
  });

  it('XML: text content with CDATA and the predefined entities; a DTD entity is not expanded', async () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<doc><title>Compte &amp; bilan</title><body><![CDATA[a < b]]> &lol2; &#233;</body></doc>`;
    const r = await extract(bomb);
    expect(r.text).toBe('Compte & bilan a < b &lol2; é');
  });

  it('XML in the encoding its declaration names', async () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-15"?><a>\xa4 \xe9t\xe9</a>', 'latin1');
    const r = await extract(latin1);
    expect(r.text).toBe('€ été');
    expect(r.fields).toContainEqual({ group: 'Text', name: 'Charset', value: 'iso-8859-15' });
  });

  it('text past maxTextChars is cut, and a problem says so', async () => {
    const r = await extract('abcdefghij'.repeat(100), { maxTextChars: 25, ocr: false });
    expect(r.text).toBe('abcdefghijabcdefghijabcde');
    expect(r.problems).toEqual([{ code: 'extract.plain.text-cut', params: { limit: 25 } }]);
    expect(isKnownCode('extract.plain.text-cut')).toBe(true);
  });

  it('metadata only (maxTextChars 0): the title and charset, no text, no problem', async () => {
    const r = await extract('<html><head><title>Vu</title></head><body>texte</body></html>', {
      maxTextChars: 0,
      ocr: false,
    });
    expect([r.facts.title, r.text, r.problems]).toEqual(['Vu', '', []]);
  });

  it('a 64 MB text is decoded only as far as the text kept, and not cut inside a UTF-8 character', async () => {
    const big = Buffer.from('é'.repeat(32 * 1024 * 1024));
    const r = await extract(big, { maxTextChars: 1_000_001, ocr: false });
    expect(r.text).toHaveLength(1_000_001);
    expect(r.text).toMatch(/^é+$/);
    expect(r.fields).toContainEqual({ group: 'Text', name: 'Charset', value: 'UTF-8' });
    expect(r.problems).toEqual([{ code: 'extract.plain.text-cut', params: { limit: 1_000_001 } }]);
  });

  it('hostile markup: unclosed tags, comments and scripts, 100,000 "<", deep nesting end in one pass', async () => {
    const cases = [
      '<html><body><p>before<script>' + 'x'.repeat(1_000_000),
      '<html><body>kept <!--' + '-'.repeat(1_000_000),
      `<html><body>${'<'.repeat(100_000)}`,
      `<html><body>${'<div>'.repeat(200_000)}deep${'</div>'.repeat(200_000)}`,
      `<html><head><meta ${'a="b" '.repeat(100_000)}></head><body>ok</body></html>`,
    ];
    const texts = [];
    for (const page of cases) texts.push((await extract(page, { maxTextChars: 2_000_000, ocr: false })).text);
    expect(texts[0]).toBe('before');
    expect(texts[1]).toBe('kept');
    expect(texts[2]).toHaveLength(100_000);
    expect(texts[3]).toBe('deep');
    expect(texts[4]).toBe('ok');
  });
});
