// Fonts: the names a page uses (BaseFont, without the `ABCDEF+` subset prefix) and, for text, how a
// font's codes become Unicode: its ToUnicode CMap first, else its encoding (a named one with
// /Differences for simple fonts). A composite (Type0) font without ToUnicode nor a Unicode CMap
// (UniGB-UCS2-H…) has no reliable mapping:
// its text is not guessed, and a problem names the font.
import { parseToUnicode, type ToUnicode } from './cmap.ts';
import { nameOf, type PdfDocument } from './document.ts';
import { type CodeTable, glyphText, namedEncoding, STANDARD, WIN_ANSI } from './encodings.ts';
import { MAX_CMAP_ENTRIES, MAX_FORM_DEPTH } from './limits.ts';
import type { TextSink } from './sink.ts';
import { type Dict, isDict, Name, type PdfValue, Ref } from './syntax.ts';

const SUBSET = /^[A-Z]{6}\+/;

export function fontName(font: Dict): string | null {
  const base = nameOf(font.get('BaseFont'));
  return base ? base.replace(SUBSET, '') : null;
}

/** Every font name a resource dictionary uses, its Form XObjects' included (to MAX_FORM_DEPTH). */
export function resourceFonts(
  doc: PdfDocument,
  resources: Dict | null,
  rev: number,
  into: Set<string>,
): void {
  const seen = new Set<number>();
  const walk = (res: Dict | null, depth: number) => {
    if (!res || depth > MAX_FORM_DEPTH) return;
    const fonts = doc.dict(res.get('Font'), rev);
    for (const value of fonts?.values() ?? []) {
      const font = doc.dict(value, rev);
      if (!font) continue;
      const name = fontName(font);
      if (name) into.add(name);
      for (const descendant of doc.array(font.get('DescendantFonts'), rev)) {
        const d = doc.dict(descendant, rev);
        const dn = d && fontName(d);
        if (dn) into.add(dn);
      }
    }
    const xobjects = doc.dict(res.get('XObject'), rev);
    for (const value of xobjects?.values() ?? []) {
      if (value instanceof Ref) {
        if (seen.has(value.num)) continue;
        seen.add(value.num);
      }
      const form = doc.stream(value, rev);
      if (form && nameOf(form.dict.get('Subtype')) === 'Form')
        walk(doc.dict(form.dict.get('Resources'), rev), depth + 1);
    }
  };
  walk(resources, 0);
}

/** How one font's string bytes become text. */
export interface FontDecoder {
  name: string;
  /** Code lengths in bytes by range (composite fonts); null for one-byte simple fonts. */
  ranges: ToUnicode['ranges'] | null;
  /** Simple fonts: code → text. */
  table: CodeTable;
  /** Simple fonts: codes whose text is the Latin-1 character of the same value (fast path). */
  latin: Uint8Array;
  /** Composite fonts: code → text. */
  map: Map<number, string> | null;
  /** Composite fonts whose CMap is a Unicode one (UniJIS-UCS2-H…): a code without mapping is its character. */
  unicodeCodes: boolean;
  /** No mapping to Unicode is known (composite font without ToUnicode nor a Unicode CMap). */
  unmapped: boolean;
}

/** Predefined CMaps whose codes are UCS-2 / UTF-16 (ISO 32000 §9.7.5.2). */
const UNICODE_CMAP = /-(UCS2|UTF16)-[HV]$/;

function simpleTable(doc: PdfDocument, font: Dict, rev: number): CodeTable {
  const encoding = doc.resolve(font.get('Encoding'), rev);
  const subtype = nameOf(font.get('Subtype'));
  const fallback = subtype === 'TrueType' ? WIN_ANSI : STANDARD;
  if (encoding instanceof Name) return [...(namedEncoding(encoding.name) ?? fallback)];
  if (!isDict(encoding)) return [...fallback];
  const table = [...(namedEncoding(nameOf(encoding.get('BaseEncoding'))) ?? fallback)];
  let code = 0;
  for (const item of doc.array(encoding.get('Differences'), rev)) {
    if (typeof item === 'number') code = item;
    else if (item instanceof Name && code >= 0 && code < 256) table[code++] = glyphText(item.name);
  }
  return table;
}

export function fontDecoder(doc: PdfDocument, font: Dict, rev: number): FontDecoder {
  const name = fontName(font) ?? '?';
  const composite = nameOf(font.get('Subtype')) === 'Type0';
  const cmapStream = doc.stream(font.get('ToUnicode'), rev);
  const cmapData = cmapStream ? doc.decoded(cmapStream, refNum(font.get('ToUnicode'))) : null;
  const toUnicode = cmapData ? parseToUnicode(cmapData, doc.budget) : null;
  if (toUnicode?.truncated)
    doc.problems.add('extract.pdf.limit', { what: 'cmap-entries', limit: MAX_CMAP_ENTRIES });
  if (composite) {
    const ranges = toUnicode?.ranges.length ? toUnicode.ranges : [{ length: 2, low: 0, high: 0xffff }];
    const unicodeCodes = UNICODE_CMAP.test(nameOf(font.get('Encoding')) ?? '');
    return {
      name,
      ranges,
      table: [],
      latin: new Uint8Array(0),
      map: toUnicode?.map ?? new Map(),
      unicodeCodes,
      unmapped: !toUnicode && !unicodeCodes,
    };
  }
  const table = simpleTable(doc, font, rev);
  for (const [code, text] of toUnicode?.map ?? []) if (code < 256) table[code] = text;
  const latin = Uint8Array.from(table, (text, code) =>
    text.length === 1 && text.charCodeAt(0) === code ? 1 : 0,
  );
  return { name, ranges: null, table, latin, map: null, unicodeCodes: false, unmapped: false };
}

function refNum(value: PdfValue | undefined): number | null {
  return value instanceof Ref ? value.num : null;
}

/** Writes the text of a string shown with this font (its bytes `start` to `end`). */
export function showText(font: FontDecoder, bytes: Buffer, start: number, end: number, sink: TextSink): void {
  if (!font.ranges) {
    for (let i = sink.latin(bytes, start, end, font.latin); i < end; i++) sink.text(font.table[bytes[i]!]!);
    return;
  }
  const map = font.map!;
  for (let i = start; i < end; ) {
    let code = -1;
    let length = 1;
    for (const range of font.ranges) {
      if (i + range.length > end) continue;
      let v = 0;
      for (let k = 0; k < range.length; k++) v = v * 256 + bytes[i + k]!;
      if (v >= range.low && v <= range.high) {
        code = v;
        length = range.length;
        break;
      }
    }
    if (code < 0) code = bytes[i]!;
    const text = map.get(code) ?? (font.unicodeCodes && length === 2 ? String.fromCharCode(code) : '');
    if (text) sink.text(text);
    i += length;
  }
}
