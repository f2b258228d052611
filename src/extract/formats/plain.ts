// Text-like documents (html, xml, csv, text): their text, decoded from a byte order mark, else the
// charset an HTML page declares, else UTF-8 when the bytes are valid UTF-8, else windows-1252 (what
// an 8-bit file from Windows almost always is). HTML: the text of the page with tags, scripts and
// styles dropped, its <title> and <meta> author/generator/description/keywords; nothing is executed
// or fetched. XML: its text content, entities limited to the predefined and numeric ones (no DTD is
// read, so nothing expands). Every scan moves forward through indexOf: linear in the input.
import { isUtf8 } from 'node:buffer';
import { type Coded, coded } from '../../report/catalogue.ts';
import { addField, emptyExtraction, splitAuthors } from '../facts.ts';
import type { Extraction, ExtractOptions, Extractor } from '../types.ts';

/** Bytes of an HTML page's head searched for its charset declaration. */
const CHARSET_PROBE = 2048;
/** Bytes always read, whatever maxTextChars (an HTML page's head, a charset's evidence). */
const MIN_SOURCE_BYTES = 1024 * 1024;
/** Characters of a title or meta value kept. */
const MAX_VALUE_CHARS = 4096;

interface Decoded {
  text: string;
  charset: string;
}

function decode(bytes: Buffer, declared: string | null): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: bytes.toString('utf8', 3), charset: 'UTF-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: bytes.toString('utf16le', 2), charset: 'UTF-16LE' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const even = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    return { text: even.swap16().toString('utf16le'), charset: 'UTF-16BE' };
  }
  if (declared && !/^utf-?8$/i.test(declared)) {
    try {
      return { text: new TextDecoder(declared).decode(bytes), charset: declared };
    } catch {
      // an unknown label: fall through to the content's own evidence
    }
  }
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), charset: 'UTF-8' };
  return { text: new TextDecoder('windows-1252').decode(bytes), charset: 'windows-1252' };
}

/**
 * The charset the document declares near its top: an XML declaration's `encoding`, else (a page)
 * `<meta charset=…>` or `<meta http-equiv=Content-Type content="…; charset=…">`.
 */
function declaredCharset(bytes: Buffer, html: boolean): string | null {
  const head = bytes.toString('latin1', 0, CHARSET_PROBE);
  const xml = /^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{1,40})/.exec(head);
  const meta = html ? /<meta[^>]{0,400}?charset\s*=\s*["']?([\w.:-]{1,40})/i.exec(head) : null;
  const m = xml ?? meta;
  return m ? m[1]!.toLowerCase() : null;
}

// Entities: XML's five, numeric ones, and HTML's Latin-1 set (U+00A0..U+00FF in order) with a few
// typographic ones; an unknown name stays as written.
const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const HTML_ENTITIES: Record<string, string> = {
  ...XML_ENTITIES,
  ...Object.fromEntries(LATIN1_NAMES.split(' ').map((name, i) => [name, String.fromCharCode(0xa0 + i)])),
  euro: '€',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  trade: '™',
  oelig: 'œ',
  OElig: 'Œ',
};

const ENTITY = /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?/g;

function decodeEntities(text: string, names: Record<string, string>): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number.parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
        ? String.fromCodePoint(code)
        : '\ufffd';
    }
    return Object.hasOwn(names, entity) ? names[entity]! : whole;
  });
}

/** Elements whose content is not text of the page. */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'object', 'iframe']);
/** Elements that end a line of text. */
const BLOCKS = new Set(
  'p div br li ul ol tr td th table h1 h2 h3 h4 h5 h6 section article header footer nav aside blockquote pre hr dt dd dl form fieldset address figure figcaption main caption title option'.split(
    ' ',
  ),
);

interface Markup {
  text: string;
  title: string | null;
  meta: [name: string, content: string][];
  lang: string | null;
}

const ATTRIBUTE = /([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/g;

function attributesOf(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(ATTRIBUTE)) out.set(m[1]!.toLowerCase(), m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

/**
 * Text of HTML (and, with `xml`, of XML: every text node, CDATA kept, no element dropped). One pass:
 * each `<` either opens a comment, declaration or tag skipped to its end, or a dropped element skipped
 * to its closing tag.
 */
function readMarkup(source: string, xml: boolean): Markup {
  const parts: string[] = [];
  const meta: [string, string][] = [];
  const names = xml ? XML_ENTITIES : HTML_ENTITIES;
  let title: string | null = null;
  let lang: string | null = null;
  let inTitle = false;
  let titleParts: string[] = [];
  // What a tag leaves between the texts around it: nothing yet, a space, or a line end (a block).
  let separator = '';
  const text = (value: string) => {
    if (inTitle) return titleParts.push(value);
    if (separator) parts.push(separator);
    separator = '';
    parts.push(value);
  };
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    if (lt !== i) text(decodeEntities(source.slice(i, lt < 0 ? source.length : lt), names));
    if (lt < 0) break;
    const next = source.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
      if (source.startsWith('<!--', lt)) i = after(source, '-->', lt + 4);
      else if (source.startsWith('<![CDATA[', lt)) {
        const end = source.indexOf(']]>', lt + 9);
        text(source.slice(lt + 9, end < 0 ? source.length : end));
        i = end < 0 ? source.length : end + 3;
      } else {
        // a declaration; a DOCTYPE's internal subset holds `>` of its own and ends with `]>`
        const gt = source.indexOf('>', lt);
        const bracket = source.indexOf('[', lt);
        i = bracket >= 0 && bracket < gt ? after(source, ']>', bracket) : after(source, '>', lt);
      }
      continue;
    }
    const closing = next === 0x2f; /* / */
    const nameStart = closing ? lt + 2 : lt + 1;
    let nameEnd = nameStart;
    while (
      nameEnd < source.length &&
      nameEnd - nameStart < 64 &&
      isNameChar(source.charCodeAt(nameEnd), nameEnd === nameStart)
    )
      nameEnd++;
    const gt = nameEnd > nameStart ? source.indexOf('>', nameEnd) : -1;
    if (gt < 0) {
      // a `<` that opens no tag is text; so is the rest after a tag never closed
      if (nameEnd > nameStart) {
        text(decodeEntities(source.slice(lt), names));
        break;
      }
      text('<');
      i = lt + 1;
      continue;
    }
    i = gt + 1;
    if (xml) {
      separator ||= ' ';
      continue;
    }
    const name = source.slice(nameStart, nameEnd).toLowerCase();
    if (!closing && DROPPED.has(name) && source.charCodeAt(gt - 1) !== 0x2f) {
      const end = indexOfIgnoringCase(source, `</${name}`, i);
      i = end < 0 ? source.length : after(source, '>', end);
      separator ||= ' ';
      continue;
    }
    if (name === 'title') {
      if (!closing) {
        inTitle = true;
        titleParts = [];
      } else if (inTitle) {
        inTitle = false;
        title ??= clip(titleParts.join('').replace(/\s+/g, ' ').trim()) || null;
      }
      continue;
    }
    if (!closing && (name === 'meta' || name === 'html')) {
      const attributes = attributesOf(source.slice(nameEnd, gt));
      if (name === 'html') lang ??= attributes.get('lang') ?? null;
      const key = attributes.get('name') ?? attributes.get('property') ?? attributes.get('http-equiv');
      const content = attributes.get('content');
      if (key && content !== undefined)
        meta.push([key.toLowerCase(), clip(decodeEntities(content, names).trim())]);
    }
    if (BLOCKS.has(name)) separator = '\n';
    else separator ||= ' ';
  }
  return { text: tidy(parts.join('')), title, meta, lang };
}

/** Letters, then letters, digits and `: . - _` (a tag name). */
function isNameChar(c: number, first: boolean): boolean {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (first) return letter;
  return letter || (c >= 0x30 && c <= 0x3a) || c === 0x2d || c === 0x2e || c === 0x5f;
}

/** The next `needle` (ASCII, lower case) in `source` from `from`, in any case. */
function indexOfIgnoringCase(source: string, needle: string, from: number): number {
  const pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  pattern.lastIndex = from;
  return pattern.exec(source)?.index ?? -1;
}

function after(source: string, marker: string, from: number): number {
  const at = source.indexOf(marker, from);
  return at < 0 ? source.length : at + marker.length;
}

/** Runs of spaces to one, blank lines to one, line ends kept. */
function tidy(text: string): string {
  return text
    .replace(/[ \t\f\v\u00a0\r]+/g, ' ')
    .replace(/ ?\n[ \n]*/g, '\n')
    .trim();
}

function clip(value: string): string {
  return value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS) : value;
}

/** Metadata only (maxTextChars 0) cuts nothing a reader asked for: no problem then. */
function cut(text: string, options: ExtractOptions, problems: Coded[], more: boolean): string {
  if (text.length <= options.maxTextChars && !more) return text;
  if (options.maxTextChars > 0)
    problems.push(coded('extract.plain.text-cut', { limit: options.maxTextChars }));
  return text.slice(0, options.maxTextChars);
}

/** Source bytes read for `maxTextChars` characters of text: markup is mostly tags, so more of it. */
function sourceBytes(options: ExtractOptions, markup: boolean): number {
  return Math.max(options.maxTextChars * (markup ? 16 : 4), MIN_SOURCE_BYTES);
}

/** `bytes` cut to `limit`, not inside a UTF-8 sequence (when they are UTF-8). */
function window(bytes: Buffer, limit: number): Buffer {
  if (bytes.length <= limit) return bytes;
  let end = limit;
  // back over continuation bytes (10xxxxxx) to the lead byte, and leave that incomplete sequence out
  while (end > limit - 4 && end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

function extractPlain(format: string, bytes: Buffer, options: ExtractOptions): Extraction {
  const extraction = emptyExtraction();
  const { fields, facts, problems } = extraction;
  const html = format === 'html';
  const markup = html || format === 'xml';
  const declared = markup ? declaredCharset(bytes, html) : null;
  // A huge file is decoded only as far as the text kept needs (a 300 MB log is not one string).
  const source = window(bytes, sourceBytes(options, markup));
  const more = source.length < bytes.length;
  const { text: decoded, charset } = decode(source, declared);
  addField(fields, 'Text', 'Charset', charset);
  let text = decoded;
  if (markup) {
    const read = readMarkup(decoded, !html);
    text = read.text;
    if (read.title) {
      facts.title = read.title;
      addField(fields, 'HTML', 'title', read.title);
    }
    if (read.lang) {
      facts.languages = [read.lang];
      addField(fields, 'HTML', 'lang', read.lang);
    }
    for (const [name, content] of read.meta) {
      addField(fields, 'HTML', `meta ${name}`, content);
      if (name === 'author') facts.authors.push(...splitAuthors(content));
      else if (name === 'generator') facts.application ??= content || null;
      else if (name === 'description') facts.subject ??= content || null;
    }
  }
  extraction.text = cut(text, options, problems, more);
  extraction.textSource = 'document';
  return extraction;
}

export const plainExtractor: Extractor = {
  name: 'plain',
  formats: ['html', 'xml', 'csv', 'text'],
  // The format is not passed to extract(): an HTML page is told by its markup, as ingest told it.
  extract: async (bytes, options) => extractPlain(formatOf(bytes), bytes, options),
};

/**
 * As ingest tells them (formats/markup.ts), in its order: a page by its doctype or <html> start, XML
 * by its declaration, a page by an <html>/<head>/<body> tag in the first KB; else text (and CSV).
 */
function formatOf(bytes: Buffer): 'html' | 'xml' | 'text' {
  const head = decode(bytes.subarray(0, 1024), null).text;
  const start = head.replace(/^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*/, '').slice(0, 64);
  if (/^(?:<!doctype\s+html\b|<html\b)/i.test(start)) return 'html';
  if (/^\s*<\?xml\s/.test(head)) return 'xml';
  return /<(?:html|head|body)\b[^>]*>/i.test(head) ? 'html' : 'text';
}
