// OLE property sets (MS-OLEPS): the SummaryInformation and DocumentSummaryInformation streams of a
// compound file, read from their bytes alone. Strings are decoded in the set's own code page
// (property 1), which is itself a locale signal; counts and lengths come from the file, so each is
// checked against the bytes there are before anything is allocated. Also the Windows code page and
// language (LCID) tables that OLE and RTF share.
import { TextDecoder } from 'node:util';
import { type Coded, coded } from '../../report/catalogue.ts';

/** A FILETIME as stored: a date, or (TotalEditTime) a duration in 100 ns units. */
export interface FileTime {
  filetime: bigint;
}

export type OleValue = string | number | boolean | FileTime | OleValue[] | null;

export interface PropertySection {
  /** The section's format id, lower-case with dashes (`f29f85e0-4ff9-1068-ab91-08002b27b3d9`). */
  fmtid: string;
  codePage: number | null;
  properties: Map<number, OleValue>;
  /** Names of user-defined properties (property 0), by id. */
  names: Map<number, string>;
}

export const FMTID_SUMMARY = 'f29f85e0-4ff9-1068-ab91-08002b27b3d9';
export const FMTID_DOC_SUMMARY = 'd5cdd502-2e9c-101b-9397-08002b2cf9ae';
export const FMTID_USER_DEFINED = 'd5cdd505-2e9c-101b-9397-08002b2cf9ae';

/** More properties than any writer puts in one section: a count above it is a damaged or hostile claim. */
const MAX_PROPERTIES = 4096;
/** Elements of one vector (TitlesOfParts of a workbook with many sheets fits easily). */
const MAX_VECTOR = 65_536;
const MAX_SECTIONS = 8;

const CODE_PAGE_LABELS: Record<number, string> = {
  708: 'iso-8859-6',
  866: 'ibm866',
  874: 'windows-874',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  1200: 'utf-16le',
  1201: 'utf-16be',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
  10000: 'macintosh',
  10007: 'x-mac-cyrillic',
  20866: 'koi8-r',
  21866: 'koi8-u',
  28591: 'iso-8859-1',
  28592: 'iso-8859-2',
  28595: 'iso-8859-5',
  28597: 'iso-8859-7',
  28605: 'iso-8859-15',
  51932: 'euc-jp',
  54936: 'gb18030',
  65001: 'utf-8',
};

const decoders = new Map<number, TextDecoder>();

/** Whether text in this code page can be decoded here. */
export function knownCodePage(codePage: number): boolean {
  return codePage in CODE_PAGE_LABELS;
}

/** Bytes in a Windows code page as text (windows-1252 when the code page is not one we decode). */
export function decodeCodePage(bytes: Uint8Array, codePage: number | null): string {
  const page = codePage !== null && knownCodePage(codePage) ? codePage : 1252;
  let decoder = decoders.get(page);
  if (decoder === undefined) {
    decoder = new TextDecoder(CODE_PAGE_LABELS[page]);
    decoders.set(page, decoder);
  }
  return decoder.decode(bytes);
}

/** Common Windows language ids (LCID) as BCP 47 tags: Office and RTF record languages by number. */
const LCID_TAGS: Record<number, string> = {
  1025: 'ar-SA',
  1026: 'bg-BG',
  1027: 'ca-ES',
  1028: 'zh-TW',
  1029: 'cs-CZ',
  1030: 'da-DK',
  1031: 'de-DE',
  1032: 'el-GR',
  1033: 'en-US',
  1034: 'es-ES',
  1035: 'fi-FI',
  1036: 'fr-FR',
  1037: 'he-IL',
  1038: 'hu-HU',
  1039: 'is-IS',
  1040: 'it-IT',
  1041: 'ja-JP',
  1042: 'ko-KR',
  1043: 'nl-NL',
  1044: 'nb-NO',
  1045: 'pl-PL',
  1046: 'pt-BR',
  1048: 'ro-RO',
  1049: 'ru-RU',
  1050: 'hr-HR',
  1051: 'sk-SK',
  1053: 'sv-SE',
  1054: 'th-TH',
  1055: 'tr-TR',
  1056: 'ur-PK',
  1057: 'id-ID',
  1058: 'uk-UA',
  1059: 'be-BY',
  1060: 'sl-SI',
  1061: 'et-EE',
  1062: 'lv-LV',
  1063: 'lt-LT',
  1065: 'fa-IR',
  1066: 'vi-VN',
  1067: 'hy-AM',
  1068: 'az-Latn-AZ',
  1071: 'mk-MK',
  1079: 'ka-GE',
  1081: 'hi-IN',
  1087: 'kk-KZ',
  1091: 'uz-Latn-UZ',
  1092: 'tt-RU',
  2052: 'zh-CN',
  2055: 'de-CH',
  2057: 'en-GB',
  2058: 'es-MX',
  2060: 'fr-BE',
  2064: 'it-CH',
  2067: 'nl-BE',
  2070: 'pt-PT',
  2072: 'ro-MD',
  2073: 'ru-MD',
  2074: 'sr-Latn-CS',
  3079: 'de-AT',
  3081: 'en-AU',
  3082: 'es-ES',
  3084: 'fr-CA',
  3098: 'sr-Cyrl-CS',
  4105: 'en-CA',
  4108: 'fr-CH',
  5132: 'fr-LU',
  5129: 'en-NZ',
  6153: 'en-IE',
  6156: 'fr-MC',
};

/** The BCP 47 tag of a Windows language id, or null for "none" (0, 1024) and ids not in the table. */
export function lcidTag(lcid: number): string | null {
  return LCID_TAGS[lcid] ?? null;
}

function guid(bytes: Buffer, at: number): string {
  const hex = (start: number, end: number, reverse: boolean) => {
    const part = Buffer.from(bytes.subarray(at + start, at + end));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

const VT_VECTOR = 0x1000;
const VT_LPSTR = 30;
const VT_LPWSTR = 31;
const VT_BSTR = 8;

/** A value read at `at`, and where the next one starts (4-byte aligned), or null past the end. */
type Read = { value: OleValue; end: number } | null;

class SectionReader {
  private readonly bytes: Buffer;
  private readonly end: number;
  private codePage: number | null;
  /**
   * Bytes left to read: offsets may point many properties at the same large vector or string, so
   * what is read is counted against the section's size (twice over: honest sections read each byte once).
   */
  private budget: number;

  constructor(bytes: Buffer, start: number, end: number, codePage: number | null) {
    this.bytes = bytes;
    this.end = end;
    this.codePage = codePage;
    this.budget = 2 * (end - start) + 1024;
  }

  /** Whether `n` more bytes may be read. */
  private spend(n: number): boolean {
    this.budget -= Math.max(1, n);
    return this.budget >= 0;
  }

  setCodePage(codePage: number | null) {
    this.codePage = codePage;
  }

  private fits(at: number, length: number): boolean {
    return at >= 0 && length >= 0 && at + length <= this.end && this.spend(length);
  }

  /**
   * A CodePageString: a byte count, then bytes in the section's code page (UTF-16 for 1200). The
   * spec pads it to 4 bytes, but writers do not inside vectors (`vector` leaves `end` unaligned).
   */
  private codePageString(at: number, vector: boolean): Read {
    if (!this.fits(at, 4)) return null;
    const size = this.bytes.readUInt32LE(at);
    if (!this.fits(at + 4, size)) return null;
    const raw = this.bytes.subarray(at + 4, at + 4 + size);
    const end = at + 4 + size;
    return { value: stripNul(decodeCodePage(raw, this.codePage)), end: vector ? end : align4(end) };
  }

  private unicodeString(at: number): Read {
    if (!this.fits(at, 4)) return null;
    const chars = this.bytes.readUInt32LE(at);
    if (chars > (this.end - at - 4) / 2 || !this.fits(at + 4, 2 * chars)) return null;
    const raw = this.bytes.subarray(at + 4, at + 4 + 2 * chars);
    return { value: stripNul(raw.toString('utf16le')), end: align4(at + 4 + 2 * chars) };
  }

  private scalar(type: number, at: number, vector = false): Read {
    const b = this.bytes;
    const need = (n: number, value: () => OleValue): Read =>
      this.fits(at, n) ? { value: value(), end: vector ? at + n : align4(at + n) } : null;
    switch (type) {
      case 0: // VT_EMPTY
      case 1: // VT_NULL
        return { value: null, end: at };
      case 2:
        return need(2, () => b.readInt16LE(at));
      case 18:
        return need(2, () => b.readUInt16LE(at));
      case 3:
      case 22:
        return need(4, () => b.readInt32LE(at));
      case 19:
      case 23:
      case 10: // VT_ERROR: an HRESULT
        return need(4, () => b.readUInt32LE(at));
      case 16:
        return need(1, () => b.readInt8(at));
      case 17:
        return need(1, () => b.readUInt8(at));
      case 4:
        return need(4, () => b.readFloatLE(at));
      case 5:
        return need(8, () => b.readDoubleLE(at));
      case 20:
        return need(8, () => Number(b.readBigInt64LE(at)));
      case 21:
        return need(8, () => Number(b.readBigUInt64LE(at)));
      case 6: // VT_CY: currency, 1/10,000 units
        return need(8, () => Number(b.readBigInt64LE(at)) / 10_000);
      case 7: // VT_DATE: days since 1899-12-30; kept as a number, never turned into a zoned date
        return need(8, () => b.readDoubleLE(at));
      case 11:
        return need(2, () => b.readUInt16LE(at) !== 0);
      case 64:
        return need(8, () => ({ filetime: b.readBigUInt64LE(at) }));
      case VT_LPSTR:
      case VT_BSTR:
        return this.codePageString(at, vector);
      case VT_LPWSTR:
        return this.unicodeString(at);
      case 72: // VT_CLSID
        return need(16, () => guid(b, at));
      case 65: // VT_BLOB
      case 71: {
        // VT_CF: a byte count and bytes (a thumbnail): skipped, its size kept
        if (!this.fits(at, 4)) return null;
        const size = b.readUInt32LE(at);
        return this.fits(at + 4, size) ? { value: null, end: align4(at + 4 + size) } : null;
      }
      default:
        return null;
    }
  }

  /** A TypedPropertyValue at `at` (a type word, padding, the value). */
  typed(at: number, depth = 0, vector = false): Read {
    if (!this.fits(at, 4) || depth > 2) return null;
    const type = this.bytes.readUInt16LE(at);
    const body = at + 4;
    if ((type & VT_VECTOR) === 0) return type === 12 ? null : this.scalar(type, body, vector);
    const element = type & 0x0fff;
    if (!this.fits(body, 4)) return null;
    const count = this.bytes.readUInt32LE(body);
    // Each element takes at least one byte: a count beyond the bytes left is a lie.
    if (count > MAX_VECTOR || count > this.end - body - 4) return null;
    const items: OleValue[] = [];
    let next = body + 4;
    for (let i = 0; i < count; i++) {
      next = this.skipZeroPadding(next);
      const item = element === 12 ? this.typed(next, depth + 1, true) : this.scalar(element, next, true);
      if (item === null) return null;
      items.push(item.value);
      next = item.end;
    }
    return { value: items, end: align4(next) };
  }

  /** Past the zeros that pad an unaligned element, when the writer wrote them (ExifTool reads vectors so). */
  private skipZeroPadding(at: number): number {
    const aligned = align4(at);
    if (aligned === at || aligned > this.end) return at;
    for (let i = at; i < aligned; i++) if (this.bytes[i] !== 0) return at;
    return aligned;
  }

  /** The dictionary (property 0): user-defined property names by id. */
  dictionary(at: number, names: Map<number, string>): boolean {
    if (!this.fits(at, 4)) return false;
    const count = this.bytes.readUInt32LE(at);
    if (count > MAX_PROPERTIES || count > (this.end - at - 4) / 8) return false;
    const unicode = this.codePage === 1200;
    let next = at + 4;
    for (let i = 0; i < count; i++) {
      if (!this.fits(next, 8)) return false;
      const id = this.bytes.readUInt32LE(next);
      const length = this.bytes.readUInt32LE(next + 4);
      const size = unicode ? 2 * length : length;
      if (!this.fits(next + 8, size)) return false;
      const raw = this.bytes.subarray(next + 8, next + 8 + size);
      names.set(id, stripNul(unicode ? raw.toString('utf16le') : decodeCodePage(raw, this.codePage)));
      next = unicode ? align4(next + 8 + size) : next + 8 + size;
    }
    return true;
  }
}

const align4 = (n: number) => (n + 3) & ~3;

function stripNul(text: string): string {
  const nul = text.indexOf('\0');
  return nul === -1 ? text : text.slice(0, nul);
}

/**
 * The sections of a property set stream. `stream` names it in problems (`SummaryInformation`…);
 * what cannot be read is a problem and the rest is kept.
 */
export function readPropertySets(bytes: Buffer, stream: string, problems: Coded[]): PropertySection[] {
  if (bytes.length < 28 || bytes.readUInt16LE(0) !== 0xfffe) {
    problems.push(coded('extract.ole.property-set-damaged', { stream }));
    return [];
  }
  const count = bytes.readUInt32LE(24);
  const sections: PropertySection[] = [];
  for (let i = 0; i < Math.min(count, MAX_SECTIONS); i++) {
    const at = 28 + 20 * i;
    if (at + 20 > bytes.length) {
      problems.push(coded('extract.ole.property-set-damaged', { stream }));
      break;
    }
    const section = readSection(bytes, guid(bytes, at), bytes.readUInt32LE(at + 16), stream, problems);
    if (section) sections.push(section);
  }
  return sections;
}

function readSection(
  bytes: Buffer,
  fmtid: string,
  start: number,
  stream: string,
  problems: Coded[],
): PropertySection | null {
  if (start + 8 > bytes.length) {
    problems.push(coded('extract.ole.property-set-damaged', { stream }));
    return null;
  }
  const declared = bytes.readUInt32LE(start);
  const end = Math.min(bytes.length, start + Math.max(declared, 8));
  const claimed = bytes.readUInt32LE(start + 4);
  const fitting = Math.floor((end - start - 8) / 8);
  const count = Math.min(claimed, fitting, MAX_PROPERTIES);
  if (count < claimed) problems.push(coded('extract.ole.property-count', { stream, claimed, read: count }));

  const entries: Array<{ id: number; offset: number }> = [];
  for (let i = 0; i < count; i++) {
    const at = start + 8 + 8 * i;
    entries.push({ id: bytes.readUInt32LE(at), offset: bytes.readUInt32LE(at + 4) });
  }
  const reader = new SectionReader(bytes, start, end, null);
  const section: PropertySection = { fmtid, codePage: null, properties: new Map(), names: new Map() };
  // The code page first: every string of the section is in it.
  const codePageEntry = entries.find((e) => e.id === 1);
  if (codePageEntry) {
    const read = reader.typed(start + codePageEntry.offset);
    if (typeof read?.value === 'number') {
      section.codePage = read.value & 0xffff;
      section.properties.set(1, section.codePage);
      if (!knownCodePage(section.codePage))
        problems.push(coded('extract.ole.code-page-unknown', { stream, codePage: section.codePage }));
      reader.setCodePage(section.codePage);
    }
  }
  let unreadable = 0;
  for (const { id, offset } of entries) {
    if (id === 1) continue;
    const at = start + offset;
    if (id === 0) {
      if (!reader.dictionary(at, section.names)) unreadable++;
      continue;
    }
    const read = reader.typed(at);
    if (read === null) unreadable++;
    else section.properties.set(id, read.value);
  }
  if (unreadable > 0) problems.push(coded('extract.ole.property-unreadable', { stream, count: unreadable }));
  return section;
}
