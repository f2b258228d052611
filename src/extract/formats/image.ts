// Images (jpeg, png, gif, tiff, webp): EXIF through exifr, given only the TIFF block each container
// holds (so exifr's own container readers, one of which inflates PNG colour profiles without a limit,
// never see hostile bytes); the containers themselves, XMP, IPTC and PNG text are walked here, every
// loop bounded by the file's length and every inflation by a limit. HEIC is not read: ingest names no
// `heic` format yet. Images have no text layer: they are OCR candidates.
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import exifr from 'exifr';
import { type Coded, coded } from '../../report/catalogue.ts';
import { parseExifDate, parseIsoDate } from '../dates.ts';
import { addField, emptyExtraction, splitAuthors } from '../facts.ts';
import type {
  Extraction,
  Extractor,
  ImageFacts,
  MetadataField,
  WrittenDate,
  XmpHistoryEvent,
  XmpPacket,
} from '../types.ts';

/** Output of one compressed PNG text chunk. */
const MAX_INFLATED_TEXT = 4 * 1024 * 1024;
/** Output of all of a file's compressed text chunks together (a thousand small bombs are one big one). */
const MAX_INFLATED_TOTAL = 16 * 1024 * 1024;
/** Characters of one field value kept. */
const MAX_VALUE_CHARS = 4096;
/** Fields kept per document (an XMP packet can hold thousands). */
const MAX_FIELDS = 5000;
/** XMP packets read per image (a JPEG may carry one per APP1 segment). */
const MAX_XMP_PACKETS = 16;
/** XMP element nesting followed. */
const MAX_XMP_DEPTH = 64;
/** Bytes of an embedded binary value shown (as hex). */
const MAX_BINARY_SHOWN = 32;

/** What the container walk found, before EXIF/XMP/IPTC are read. */
interface Segments {
  tiff: Buffer | null;
  xmp: { offset: number; bytes: Buffer }[];
  /** Photoshop image resources (JPEG APP13): the IPTC record and its stored digest. */
  iptc: Buffer | null;
  iptcDigest: Buffer | null;
  width: number | null;
  height: number | null;
  fields: MetadataField[];
  problems: Coded[];
  traces: Coded[];
  pngModified: WrittenDate | null;
  /** Bytes compressed text chunks may still unpack to. */
  inflateBudget: number;
  /** What an old Canon camera's own CIFF record says (a JPEG APP0 segment). */
  ciff: { make: string | null; model: string | null; original: WrittenDate | null };
}

function newSegments(): Segments {
  return {
    tiff: null,
    xmp: [],
    iptc: null,
    iptcDigest: null,
    width: null,
    height: null,
    fields: [],
    problems: [],
    traces: [],
    pngModified: null,
    inflateBudget: MAX_INFLATED_TOTAL,
    ciff: { make: null, model: null, original: null },
  };
}

const truncated = (format: string, at: number) => coded('extract.image.truncated', { format, at });

// JPEG: markers up to the first scan (metadata precedes the image data).
const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const PHOTOSHOP_HEADER = Buffer.from('Photoshop 3.0\0', 'latin1');

function walkJpeg(bytes: Buffer, out: Segments): void {
  const irb: Buffer[] = [];
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) {
      out.problems.push(coded('extract.image.jpeg-marker', { at: pos }));
      break;
    }
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break;
    const length = bytes.readUInt16BE(pos + 2);
    const end = pos + 2 + length;
    if (length < 2 || end > bytes.length) {
      out.problems.push(truncated('jpeg', pos));
      break;
    }
    const body = bytes.subarray(pos + 4, end);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (body.length >= 5 && out.width === null) {
        out.height = body.readUInt16BE(1);
        out.width = body.readUInt16BE(3);
      }
    } else if (marker === 0xe0 && body.subarray(6, 14).toString('latin1') === 'HEAPJPGM') {
      readCiff(body, out);
    } else if (marker === 0xe1) {
      if (body.subarray(0, 6).equals(EXIF_HEADER)) out.tiff ??= body.subarray(6);
      else {
        const start = xmpStart(body);
        if (start >= 0) out.xmp.push({ offset: pos + 4 + start, bytes: body.subarray(start) });
      }
    } else if (marker === 0xed && body.subarray(0, PHOTOSHOP_HEADER.length).equals(PHOTOSHOP_HEADER)) {
      irb.push(body.subarray(PHOTOSHOP_HEADER.length));
    } else if (marker === 0xfe) {
      addField(out.fields, 'JPEG', 'Comment', clip(decodeText(body)));
    }
    pos = end;
  }
  if (irb.length > 0) readImageResources(Buffer.concat(irb), out);
}

// CIFF (Canon's camera record, in the APP0 of JPEGs from its cameras of 1997–2000): a heap whose last
// four bytes locate its directory of 10-byte entries; sub-directories are heaps in turn.
const CIFF_MAX_DEPTH = 8;
const CIFF_MAX_ENTRIES = 1024;

function readCiff(body: Buffer, out: Segments): void {
  if (body.length < 14 || body.toString('latin1', 0, 2) !== 'II') return;
  const start = body.readUInt32LE(2);
  let entries = 0;
  const walk = (heap: Buffer, depth: number): void => {
    if (heap.length < 6 || depth > CIFF_MAX_DEPTH) return;
    const dir = heap.readUInt32LE(heap.length - 4);
    if (dir + 2 > heap.length) {
      out.problems.push(truncated('ciff', dir));
      return;
    }
    const count = heap.readUInt16LE(dir);
    for (let n = 0; n < count && entries++ < CIFF_MAX_ENTRIES; n++) {
      const at = dir + 2 + n * 10;
      if (at + 10 > heap.length) {
        out.problems.push(truncated('ciff', at));
        return;
      }
      const tag = heap.readUInt16LE(at);
      const inEntry = (tag & 0xc000) === 0x4000;
      const size = heap.readUInt32LE(at + 2);
      const offset = heap.readUInt32LE(at + 6);
      if (!inEntry && offset + size > heap.length) continue;
      const data = inEntry ? heap.subarray(at + 2, at + 10) : heap.subarray(offset, offset + size);
      const id = tag & 0x3fff;
      const type = tag & 0x3800;
      if (type === 0x2800 || type === 0x3000) walk(data, depth + 1);
      else if (id === 0x080a) {
        const [make, model] = data.toString('latin1').split('\0');
        out.ciff.make = make?.trim() || null;
        out.ciff.model = model?.trim() || null;
        addField(out.fields, 'CIFF', 'Make', out.ciff.make);
        addField(out.fields, 'CIFF', 'Model', out.ciff.model);
      } else if (id === 0x180e && data.length >= 4) {
        // seconds since 1970 of the camera's clock: its wall time, no zone
        const wall = new Date(data.readUInt32LE(0) * 1000).toISOString().slice(0, 19);
        const written = wall.replace(/-/g, ':').replace('T', ' ');
        out.ciff.original = parseExifDate(written);
        addField(out.fields, 'CIFF', 'DateTimeOriginal', written);
      }
    }
  };
  walk(body.subarray(Math.min(start, body.length)), 0);
  if (entries > CIFF_MAX_ENTRIES)
    out.problems.push(coded('extract.image.ciff-limit', { limit: CIFF_MAX_ENTRIES }));
}

/** Where the XMP of an APP1 segment starts: after its namespace header (some writers vary it). */
function xmpStart(body: Buffer): number {
  const head = body.subarray(0, 80).toString('latin1');
  if (!head.includes('ns.adobe.com/xap/') && !head.includes('XMP')) return -1;
  if (head.includes('ns.adobe.com/xmp/extension/')) return -1; // extended XMP: a continuation, not a packet
  const zero = body.indexOf(0);
  const start = body.indexOf('<', zero >= 0 && zero < 80 ? zero : 0);
  return start;
}

/** Photoshop image resources: 0x0404 is the IPTC record, 0x0425 the digest of it Photoshop stored. */
function readImageResources(data: Buffer, out: Segments): void {
  let pos = 0;
  while (pos + 12 <= data.length) {
    const signature = data.toString('latin1', pos, pos + 4);
    if (!['8BIM', 'PHUT', 'AgHg', 'DCSR'].includes(signature)) break;
    const id = data.readUInt16BE(pos + 4);
    const nameLength = data[pos + 6]!;
    const sizeAt = pos + 6 + ((nameLength + 2) & ~1);
    if (sizeAt + 4 > data.length) {
      out.problems.push(truncated('photoshop-resources', pos));
      return;
    }
    const size = data.readUInt32BE(sizeAt);
    const start = sizeAt + 4;
    if (start + size > data.length) {
      out.problems.push(truncated('photoshop-resources', pos));
      return;
    }
    if (id === 0x0404) out.iptc ??= data.subarray(start, start + size);
    else if (id === 0x0425) out.iptcDigest ??= data.subarray(start, start + size);
    pos = start + size + (size & 1);
  }
}

// IPTC IIM: datasets `0x1C record dataset size(2) data`. Names of the application record's common ones.
const IPTC_NAMES: Record<number, string> = {
  0: 'ApplicationRecordVersion',
  5: 'ObjectName',
  10: 'Urgency',
  15: 'Category',
  20: 'SupplementalCategories',
  25: 'Keywords',
  40: 'SpecialInstructions',
  55: 'DateCreated',
  60: 'TimeCreated',
  62: 'DigitalCreationDate',
  63: 'DigitalCreationTime',
  65: 'OriginatingProgram',
  70: 'ProgramVersion',
  80: 'By-line',
  85: 'By-lineTitle',
  90: 'City',
  92: 'Sub-location',
  95: 'Province-State',
  101: 'Country-PrimaryLocationName',
  103: 'OriginalTransmissionReference',
  105: 'Headline',
  110: 'Credit',
  115: 'Source',
  116: 'CopyrightNotice',
  120: 'Caption-Abstract',
  122: 'Writer-Editor',
};

interface IptcValues {
  byName: Map<string, string[]>;
}

function readIptc(data: Buffer, out: Segments): IptcValues {
  const byName = new Map<string, string[]>();
  let utf8 = false;
  let pos = 0;
  while (pos + 5 <= data.length && data[pos] === 0x1c) {
    const record = data[pos + 1]!;
    const dataset = data[pos + 2]!;
    const size = data.readUInt16BE(pos + 3);
    if (size & 0x8000) {
      out.problems.push(coded('extract.image.iptc-extended', { at: pos }));
      break;
    }
    const start = pos + 5;
    if (start + size > data.length) {
      out.problems.push(truncated('iptc', pos));
      break;
    }
    const value = data.subarray(start, start + size);
    if (record === 1 && dataset === 90) utf8 = value.equals(Buffer.from('\x1b%G', 'latin1'));
    if (record === 2 && dataset !== 0) {
      const name = IPTC_NAMES[dataset] ?? `2:${dataset}`;
      const text = clip(utf8 ? value.toString('utf8') : decodeText(value));
      const list = byName.get(name) ?? [];
      list.push(text);
      byName.set(name, list);
      addField(out.fields, 'IPTC', name, text);
    }
    pos = start + size;
  }
  return { byName };
}

// PNG chunks: all of them (metadata written after the image data is still metadata).
const PNG_TEXT_GROUP = 'PNG text';

function walkPng(bytes: Buffer, out: Segments): void {
  let pos = 8;
  let afterData = false;
  const late: string[] = [];
  while (pos + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const start = pos + 8;
    if (start + length > bytes.length) {
      out.problems.push(truncated('png', pos));
      break;
    }
    const data = bytes.subarray(start, start + length);
    // Past the fields kept (one more, so the limit is reported), text chunks are only walked over.
    const textRoom = out.fields.length <= MAX_FIELDS;
    if (type === 'IDAT') afterData = true;
    else if (afterData && ['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME'].includes(type) && !late.includes(type))
      late.push(type);
    if (type === 'IHDR' && length >= 8) {
      out.width = data.readUInt32BE(0);
      out.height = data.readUInt32BE(4);
    } else if (!textRoom && (type === 'tEXt' || type === 'zTXt' || type === 'iTXt')) {
      // skipped
    } else if (type === 'tEXt') {
      const zero = data.indexOf(0);
      if (zero > 0)
        addField(
          out.fields,
          PNG_TEXT_GROUP,
          data.toString('latin1', 0, zero),
          clip(data.toString('latin1', zero + 1)),
        );
    } else if (type === 'zTXt') {
      const zero = data.indexOf(0);
      if (zero > 0) {
        const keyword = data.toString('latin1', 0, zero);
        const text = inflated(data.subarray(zero + 2), keyword, out);
        if (text) addField(out.fields, PNG_TEXT_GROUP, keyword, clip(text.toString('latin1')));
      }
    } else if (type === 'iTXt') readInternationalText(data, start, out);
    else if (type === 'tIME' && length >= 7) out.pngModified = pngTime(data, out);
    else if (type === 'eXIf') out.tiff ??= data;
    else if (type === 'IEND') break;
    pos = start + length + 4; // and the CRC
  }
  if (late.length > 0) out.traces.push(coded('extract.image.png-metadata-after-data', { chunks: late }));
}

function inflated(data: Buffer, keyword: string, out: Segments): Buffer | null {
  if (out.inflateBudget <= 0) {
    if (!out.problems.some((p) => p.code === 'extract.image.text-budget'))
      out.problems.push(coded('extract.image.text-budget', { limit: MAX_INFLATED_TOTAL }));
    return null;
  }
  const limit = Math.min(MAX_INFLATED_TEXT, out.inflateBudget);
  try {
    const text = inflateSync(data, { maxOutputLength: Math.max(limit, 1) });
    out.inflateBudget -= text.length;
    return text;
  } catch (error) {
    const tooLarge =
      (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
    out.inflateBudget -= tooLarge ? limit : 0;
    out.problems.push(
      tooLarge
        ? coded('extract.image.text-too-large', { keyword, limit })
        : coded('extract.image.text-damaged', { keyword }),
    );
    return null;
  }
}

/** iTXt: keyword\0 flag method language\0 translated-keyword\0 text (UTF-8, maybe deflated). */
function readInternationalText(data: Buffer, at: number, out: Segments): void {
  const zero = data.indexOf(0);
  if (zero <= 0 || zero + 3 > data.length) return;
  const keyword = data.toString('latin1', 0, zero);
  const compressed = data[zero + 1] === 1;
  const languageEnd = data.indexOf(0, zero + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) {
    out.problems.push(coded('extract.image.text-damaged', { keyword }));
    return;
  }
  const raw = data.subarray(translatedEnd + 1);
  const text = compressed ? inflated(raw, keyword, out) : raw;
  if (!text) return;
  if (keyword === 'XML:com.adobe.xmp') out.xmp.push({ offset: at + translatedEnd + 1, bytes: text });
  else addField(out.fields, PNG_TEXT_GROUP, keyword, clip(text.toString('utf8')));
}

/** tIME is UTC by the PNG specification. */
function pngTime(data: Buffer, out: Segments): WrittenDate | null {
  const [year, month, day, hour, minute, second] = [
    data.readUInt16BE(0),
    data[2]!,
    data[3]!,
    data[4]!,
    data[5]!,
    data[6]!,
  ];
  const p = (n: number) => String(n).padStart(2, '0');
  const written = `${year}-${p(month)}-${p(day)}T${p(hour)}:${p(minute)}:${p(second)}Z`;
  addField(out.fields, 'PNG', 'ModificationTime', written);
  return parseIsoDate(written);
}

// GIF: the logical screen's size, comments and the XMP application extension.
function walkGif(bytes: Buffer, out: Segments): void {
  if (bytes.length < 13) {
    out.problems.push(truncated('gif', 0));
    return;
  }
  out.width = bytes.readUInt16LE(6);
  out.height = bytes.readUInt16LE(8);
  const colours = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  let pos = 13 + colours(bytes[10]!);
  while (pos < bytes.length) {
    const block = bytes[pos]!;
    if (block === 0x3b) return;
    if (block === 0x2c) {
      if (pos + 10 > bytes.length) break;
      pos += 10 + colours(bytes[pos + 9]!) + 1; // descriptor, local colours, LZW code size
    } else if (block === 0x21) {
      const label = bytes[pos + 1];
      const first = pos + 2;
      if (label === 0xff && bytes.toString('latin1', first + 1, first + 12) === 'XMP DataXMP') {
        // XMP is stored raw (not in sub-blocks), followed by a 258-byte "magic trailer".
        const start = first + 12;
        const endMark = bytes.indexOf('<?xpacket end=', start, 'latin1');
        const close = endMark < 0 ? -1 : bytes.indexOf('?>', endMark, 'latin1');
        if (close < 0) break;
        out.xmp.push({ offset: start, bytes: bytes.subarray(start, close + 2) });
        pos = close + 2;
        pos = skipSubBlocks(bytes, pos);
        continue;
      }
      if (label === 0xfe) {
        const parts: Buffer[] = [];
        pos = skipSubBlocks(bytes, first, parts);
        addField(out.fields, 'GIF', 'Comment', clip(decodeText(Buffer.concat(parts))));
        continue;
      }
      pos = first;
    } else {
      out.problems.push(coded('extract.image.gif-block', { at: pos }));
      return;
    }
    pos = skipSubBlocks(bytes, pos);
  }
  out.problems.push(truncated('gif', pos));
}

/** Past a run of GIF data sub-blocks (length byte, data) ending with a zero length; collects them when asked. */
function skipSubBlocks(bytes: Buffer, from: number, parts?: Buffer[]): number {
  let pos = from;
  while (pos < bytes.length) {
    const size = bytes[pos]!;
    if (size === 0) return pos + 1;
    parts?.push(bytes.subarray(pos + 1, pos + 1 + size));
    pos += 1 + size;
  }
  return pos;
}

// WebP: RIFF chunks; VP8X/VP8/VP8L give the size, EXIF and `XMP ` the metadata.
function walkWebp(bytes: Buffer, out: Segments): void {
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const type = bytes.toString('latin1', pos, pos + 4);
    const size = bytes.readUInt32LE(pos + 4);
    const start = pos + 8;
    if (start + size > bytes.length) {
      out.problems.push(truncated('webp', pos));
      return;
    }
    const data = bytes.subarray(start, start + size);
    if (type === 'VP8X' && size >= 10) {
      out.width = data.readUIntLE(4, 3) + 1;
      out.height = data.readUIntLE(7, 3) + 1;
    } else if (type === 'VP8 ' && size >= 10 && out.width === null) {
      out.width = data.readUInt16LE(6) & 0x3fff;
      out.height = data.readUInt16LE(8) & 0x3fff;
    } else if (type === 'VP8L' && size >= 5 && out.width === null) {
      const bits = data.readUInt32LE(1);
      out.width = (bits & 0x3fff) + 1;
      out.height = ((bits >> 14) & 0x3fff) + 1;
    } else if (type === 'EXIF') {
      out.tiff ??= data.subarray(0, 6).equals(EXIF_HEADER) ? data.subarray(6) : data;
    } else if (type === 'XMP ') out.xmp.push({ offset: start, bytes: data });
    pos = start + size + (size & 1);
  }
}

// EXIF through exifr, on the TIFF block alone; dates stay as written (reviveValues: false).
const EXIFR_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: false,
  iptc: false,
  icc: false,
  jfif: false,
  ihdr: false,
  reviveValues: false,
  translateValues: false,
  translateKeys: true,
  mergeOutput: false,
  sanitize: true,
  silentErrors: true,
  chunked: false,
} as const;

type Block = Record<string, unknown>;

interface Exif {
  ifd0: Block;
  exif: Block;
  gps: Block;
  latitude: number | null;
  longitude: number | null;
}

/** `wholeFile`: a TIFF file, whose IFD0 also holds its XMP, IPTC and Photoshop resources. */
async function readExif(tiff: Buffer, out: Segments, wholeFile = false): Promise<Exif> {
  const empty: Exif = { ifd0: {}, exif: {}, gps: {}, latitude: null, longitude: null };
  if (tiff.length < 8) {
    out.problems.push(truncated('exif', 0));
    return empty;
  }
  const { referenced, xmp, iptc, resources } = scanIfds(tiff);
  if (wholeFile) {
    // A TIFF file keeps in IFD0 what a JPEG keeps in APP1 and APP13.
    if (xmp) out.xmp.push(xmp);
    if (resources) readImageResources(resources, out);
    out.iptc ??= iptc;
  }
  if (referenced > 2 * tiff.length + 65_536) {
    // Entries whose values overlap, each read again: a few KB could make exifr build GBs of arrays.
    out.problems.push(coded('extract.image.exif-overlapping', { referenced, size: tiff.length }));
    return empty;
  }
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = await exifr.parse(tiff, EXIFR_OPTIONS);
  } catch (error) {
    out.problems.push(coded('extract.image.exif-damaged', { detail: detailOf(error) }));
    return empty;
  }
  if (!parsed) return empty;
  for (const error of (parsed.errors as unknown[] | undefined) ?? [])
    out.problems.push(coded('extract.image.exif-damaged', { detail: detailOf(error) }));
  const block = (key: string) =>
    parsed[key] && typeof parsed[key] === 'object' ? (parsed[key] as Block) : {};
  const exif = {
    ifd0: block('ifd0'),
    exif: block('exif'),
    gps: block('gps'),
    latitude: null,
    longitude: null,
  } as Exif;
  for (const b of [exif.ifd0, exif.exif, exif.gps])
    for (const [name, value] of Object.entries(b)) {
      if (name === 'latitude' || name === 'longitude') continue;
      addField(out.fields, 'EXIF', name, shown(value));
    }
  const { latitude, longitude } = exif.gps as { latitude?: unknown; longitude?: unknown };
  if (typeof latitude === 'number' && typeof longitude === 'number') {
    if (Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) {
      exif.latitude = latitude;
      exif.longitude = longitude;
    } else out.problems.push(coded('extract.image.gps-invalid', { latitude, longitude }));
  }
  return exif;
}

const TIFF_TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];
const POINTERS = [0x8769, 0x8825, 0xa005]; // EXIF, GPS and interoperability IFDs

const TAG_XMP = 0x02bc;
const TAG_IPTC = 0x83bb;
const TAG_PHOTOSHOP = 0x8649;

interface IfdScan {
  /** Bytes the values claim, each entry counted (what exifr would read). */
  referenced: number;
  /** IFD0's XMP packet (with its offset), IPTC record and Photoshop image resources (a TIFF file's). */
  xmp: { offset: number; bytes: Buffer } | null;
  iptc: Buffer | null;
  resources: Buffer | null;
}

/**
 * IFD0 and the IFDs it points to; stops at the first IFD out of the block. Bounded: four IFDs of at
 * most 65,535 entries.
 */
function scanIfds(tiff: Buffer): IfdScan {
  const scan: IfdScan = { referenced: 0, xmp: null, iptc: null, resources: null };
  const little = tiff[0] === 0x49;
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const pending = [u32(4)];
  const seen = new Set<number>();
  while (pending.length > 0 && seen.size < 4) {
    const ifd = pending.shift()!;
    if (seen.has(ifd) || ifd + 2 > tiff.length) continue;
    const first = seen.size === 0;
    seen.add(ifd);
    const count = u16(ifd);
    for (let n = 0; n < count; n++) {
      const at = ifd + 2 + n * 12;
      if (at + 12 > tiff.length) break;
      const tag = u16(at);
      const size = (TIFF_TYPE_SIZES[u16(at + 2)] ?? 0) * u32(at + 4);
      scan.referenced += size;
      if (POINTERS.includes(tag)) pending.push(u32(at + 8));
      else if (
        first &&
        [TAG_XMP, TAG_IPTC, TAG_PHOTOSHOP].includes(tag) &&
        size > 4 &&
        u32(at + 8) + size <= tiff.length
      ) {
        const offset = u32(at + 8);
        const value = tiff.subarray(offset, offset + size);
        if (tag === TAG_XMP) scan.xmp = { offset, bytes: value };
        else if (tag === TAG_IPTC) scan.iptc = value;
        else scan.resources = value;
      }
    }
  }
  return scan;
}

function detailOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 200);
}

/** A value for the metadata table: text as written, numbers, lists joined, short binary as hex. */
function shown(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return clip(value.replace(/\0+$/, ''));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) {
    if (value.length > MAX_BINARY_SHOWN) return `(${value.length} bytes)`;
    const text = Buffer.from(value).toString('latin1');
    return /^[\x20-\x7e]*$/.test(text) ? text : Buffer.from(value).toString('hex');
  }
  if (Array.isArray(value)) return clip(value.map((v) => shown(v) ?? '').join(' '));
  return null;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.replace(/\0+$/, '').trim() ? value.replace(/\0+$/, '').trim() : null;

function clip(value: string): string {
  return value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS) : value;
}

/** Latin-1 unless the bytes are valid UTF-8 (EXIF ASCII, IPTC without a charset, comments). */
function decodeText(bytes: Buffer): string {
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\ufffd') ? bytes.toString('latin1') : utf8;
}

/** GPSDateStamp + GPSTimeStamp, UTC by the EXIF specification. */
function gpsWhen(gps: Block): { when: WrittenDate | null; seconds: number | null } {
  const stamp = gps.GPSTimeStamp;
  if (
    !Array.isArray(stamp) ||
    stamp.length < 3 ||
    !stamp.every((n) => typeof n === 'number' && Number.isFinite(n))
  )
    return { when: null, seconds: null };
  const [h, m, s] = stamp as [number, number, number];
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s >= 61) return { when: null, seconds: null };
  const seconds = h * 3600 + m * 60 + s;
  const date = text(gps.GPSDateStamp);
  if (!date) return { when: null, seconds };
  const p = (n: number) => String(Math.floor(n)).padStart(2, '0');
  const time = `${p(h)}:${p(m)}:${p(s)}`;
  const parsed = parseExifDate(`${date} ${time}`, '+00:00');
  return { when: parsed ? { ...parsed, written: `${date} ${time}` } : null, seconds };
}

const DAY = 86_400;

/**
 * The offset the camera's local clock implies against GPS UTC, to the quarter hour: from full dates when
 * the GPS date is written (none when they are more than a zone apart: a spliced or reset clock), else
 * from the times of day alone, taking the difference that lies within the zones on Earth.
 */
function derivedOffset(
  local: WrittenDate,
  gps: { when: WrittenDate | null; seconds: number | null },
): string | null {
  const wall = Date.parse(`${local.local.slice(0, 19)}Z`) / 1000;
  let difference: number;
  if (gps.when) difference = wall - Date.parse(`${gps.when.local.slice(0, 19)}Z`) / 1000;
  else if (gps.seconds !== null) {
    difference = ((((wall % DAY) - gps.seconds) % DAY) + DAY) % DAY;
    if (difference > 14 * 3600) difference -= DAY;
  } else return null;
  if (!Number.isFinite(difference) || difference < -12 * 3600 - 900 || difference > 14 * 3600 + 900)
    return null;
  const quarters = Math.round(difference / 900);
  const minutes = Math.abs(quarters) * 15;
  const sign = quarters < 0 ? '-' : '+';
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// XMP: a bounded, linear scan of the packet's elements (no XML library: a packet is small and a
// hostile one must not cost more than its length). Properties come out as paths (`dc:creator[1]`,
// `xmpMM:History[2]/stEvt:action`) under the usual prefixes, whatever prefixes the packet declares.
const CANONICAL_PREFIX: Record<string, string> = {
  'adobe:ns:meta/': 'x',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://ns.adobe.com/xap/1.0/': 'xmp',
  'http://ns.adobe.com/xap/1.0/mm/': 'xmpMM',
  'http://ns.adobe.com/xap/1.0/sType/ResourceEvent#': 'stEvt',
  'http://ns.adobe.com/xap/1.0/sType/ResourceRef#': 'stRef',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://ns.adobe.com/pdf/1.3/': 'pdf',
  'http://ns.adobe.com/photoshop/1.0/': 'photoshop',
  'http://ns.adobe.com/exif/1.0/': 'exif',
  'http://ns.adobe.com/exif/1.0/aux/': 'aux',
  'http://ns.adobe.com/tiff/1.0/': 'tiff',
  'http://cipa.jp/exif/1.0/': 'exifEX',
};

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function unescapeXml(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const e = entity.toLowerCase();
    if (e[0] === '#') {
      const code = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e] ?? '';
  });
}

export interface XmpRead {
  packet: XmpPacket;
  /** Every simple property, as path and value, in document order. */
  properties: [string, string][];
  /** Set when a limit stopped the scan (the properties read so far are kept). */
  limited: string | null;
}

/** Reads one XMP packet (`offset`: where it is in the file). */
export function readXmp(xml: string, offset: number): XmpRead {
  const prefixes = new Map<string, string>();
  const properties: [string, string][] = [];
  let toolkit: string | null = null;
  let limited: string | null = null;
  // Each open element: its name, the property path it stands for, and its rdf:li count.
  const stack: { name: string; path: string; items: number }[] = [];
  const canonical = (qname: string) => {
    const colon = qname.indexOf(':');
    if (colon < 0) return qname;
    const uri = prefixes.get(qname.slice(0, colon));
    const prefix = uri ? CANONICAL_PREFIX[uri] : undefined;
    return prefix ? `${prefix}:${qname.slice(colon + 1)}` : qname;
  };
  const add = (path: string, value: string) => {
    if (properties.length >= MAX_FIELDS) limited ??= 'properties';
    else properties.push([path, clip(unescapeXml(value))]);
  };
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const top = stack[stack.length - 1];
    const chunk = xml.slice(i, lt < 0 ? xml.length : lt);
    if (top?.path && chunk.trim()) add(top.path, chunk.trim());
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) i = endOf(xml, '-->', lt);
    else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      if (top?.path) add(top.path, xml.slice(lt + 9, end < 0 ? xml.length : end));
      i = end < 0 ? xml.length : end + 3;
    } else if (xml[lt + 1] === '?' || xml[lt + 1] === '!') i = endOf(xml, '>', lt);
    else if (xml[lt + 1] === '/') {
      stack.pop();
      i = endOf(xml, '>', lt);
    } else {
      const gt = tagEnd(xml, lt);
      const tag = xml.slice(lt + 1, gt);
      i = gt + 1;
      const selfClosing = tag.endsWith('/');
      const nameEnd = tag.search(/[\s/]|$/);
      const attributes: [string, string][] = [];
      for (const m of tag.slice(nameEnd).matchAll(ATTRIBUTE)) {
        const [, name, double, single] = m;
        if (name!.startsWith('xmlns:')) prefixes.set(name!.slice(6), double ?? single ?? '');
        else attributes.push([name!, double ?? single ?? '']);
      }
      const name = canonical(tag.slice(0, nameEnd));
      const parent = stack[stack.length - 1];
      let path = parent?.path ?? '';
      if (name === 'rdf:li' && parent) path = `${parent.path}[${++parent.items}]`;
      else if (name === 'x:xmpmeta' || name === 'x:xapmeta') {
        toolkit = attributes.find(([n]) => canonical(n) === 'x:xmptk')?.[1] ?? toolkit;
      } else if (!name.startsWith('rdf:')) path = path ? `${path}/${name}` : name;
      for (const [attribute, value] of attributes) {
        const key = canonical(attribute);
        if (key.startsWith('rdf:') || key === 'about' || key === 'xml:lang' || key.startsWith('x:')) continue;
        add(path ? `${path}/${key}` : key, value);
      }
      if (!selfClosing) {
        if (stack.length >= MAX_XMP_DEPTH) {
          limited ??= 'depth';
          break;
        }
        // rdf:Seq/Bag/Alt keep their property's path and number the rdf:li inside them.
        stack.push({ name, path, items: 0 });
      }
    }
  }
  return { packet: packetOf(properties, offset, toolkit), properties, limited };
}

/** XMP may be UTF-8 or UTF-16 (ExifTool's test image holds a big-endian packet). */
function xmpText(bytes: Buffer): string {
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0 && bytes[1] !== 0)) {
    const even = Buffer.from(bytes.subarray(0, bytes.length & ~1));
    return even
      .swap16()
      .toString('utf16le')
      .replace(/^\ufeff/, '');
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] !== 0 && bytes[1] === 0))
    return bytes.toString('utf16le').replace(/^\ufeff/, '');
  return bytes.toString('utf8').replace(/^\ufeff/, '');
}

function endOf(xml: string, marker: string, from: number): number {
  const at = xml.indexOf(marker, from);
  return at < 0 ? xml.length : at + marker.length;
}

/** The `>` closing a tag, outside quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let quote = '';
  for (let j = from + 1; j < xml.length; j++) {
    const c = xml[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return xml.length;
}

function packetOf(properties: [string, string][], offset: number, toolkit: string | null): XmpPacket {
  const first = (path: string) => properties.find(([p]) => p === path)?.[1] ?? null;
  const date = (path: string) => {
    const value = first(path);
    return value ? parseIsoDate(value) : null;
  };
  const creators = properties.filter(([p]) => /^dc:creator(?:\[\d+\])?$/.test(p)).map(([, v]) => v);
  const events = new Map<string, Map<string, string>>();
  for (const [path, value] of properties) {
    const m = /^xmpMM:History(\[\d+\])\/stEvt:(\w+)$/.exec(path);
    if (!m) continue;
    const event = events.get(m[1]!) ?? new Map<string, string>();
    event.set(m[2]!, value);
    events.set(m[1]!, event);
  }
  const history: XmpHistoryEvent[] = [...events.values()].map((e) => ({
    action: e.get('action') ?? null,
    when: e.has('when') ? parseIsoDate(e.get('when')!) : null,
    softwareAgent: e.get('softwareAgent') ?? null,
    changed: e.get('changed') ?? null,
  }));
  return {
    offset,
    toolkit,
    creatorTool: first('xmp:CreatorTool'),
    producer: first('pdf:Producer'),
    created: date('xmp:CreateDate'),
    modified: date('xmp:ModifyDate'),
    metadataDate: date('xmp:MetadataDate'),
    creators,
    history,
  };
}

function formatOf(bytes: Buffer): 'jpeg' | 'png' | 'gif' | 'tiff' | 'webp' | null {
  const head = bytes.toString('latin1', 0, 12);
  if (head.startsWith('\xff\xd8\xff')) return 'jpeg';
  if (head.startsWith('\x89PNG\r\n\x1a\n')) return 'png';
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'gif';
  if (/^(?:II\*\0|MM\0\*)/.test(head)) return 'tiff';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'webp';
  return null;
}

async function extract(bytes: Buffer): Promise<Extraction> {
  const format = formatOf(bytes);
  if (!format) throw new Error('not a JPEG, PNG, GIF, TIFF or WebP image');
  const found = newSegments();
  if (format === 'jpeg') walkJpeg(bytes, found);
  else if (format === 'png') walkPng(bytes, found);
  else if (format === 'gif') walkGif(bytes, found);
  else if (format === 'webp') walkWebp(bytes, found);
  else found.tiff = bytes;

  const exif = found.tiff ? await readExif(found.tiff, found, format === 'tiff') : null;
  if (format === 'tiff' && exif) {
    found.width = numberOf(exif.ifd0.ImageWidth);
    found.height = numberOf(exif.ifd0.ImageHeight ?? exif.ifd0.ImageLength);
  }
  if (found.xmp.length > MAX_XMP_PACKETS)
    found.problems.push(coded('extract.image.xmp-limit', { limit: 'packets', count: found.xmp.length }));
  const xmp = found.xmp.slice(0, MAX_XMP_PACKETS).map(({ offset, bytes: packet }) => {
    const read = readXmp(xmpText(packet), offset);
    for (const [path, value] of read.properties) {
      if (found.fields.length > MAX_FIELDS) break;
      addField(found.fields, 'XMP', path, value);
    }
    if (read.limited) found.problems.push(coded('extract.image.xmp-limit', { limit: read.limited }));
    return read;
  });
  const iptc = found.iptc ? readIptc(found.iptc, found) : null;
  if (found.iptc && found.iptcDigest && found.iptcDigest.length === 16) {
    const actual = createHash('md5').update(found.iptc).digest('hex');
    const stored = found.iptcDigest.toString('hex');
    if (actual !== stored) found.traces.push(coded('extract.image.iptc-digest-stale', { stored, actual }));
  }
  return build(found, exif, xmp, iptc);
}

const numberOf = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function build(found: Segments, exif: Exif | null, xmp: XmpRead[], iptc: IptcValues | null): Extraction {
  const extraction = emptyExtraction();
  const ifd0 = exif?.ifd0 ?? {};
  const sub = exif?.exif ?? {};
  const xmpFirst = (path: string) => {
    for (const read of xmp) {
      const hit = read.properties.find(([p]) => p === path);
      if (hit) return hit[1];
    }
    return null;
  };
  const pngText = (name: string) =>
    found.fields.find((f) => f.group === PNG_TEXT_GROUP && f.name === name)?.value ?? null;
  const date = (value: unknown, offset: unknown) => {
    const written = text(value);
    return written ? parseExifDate(written, text(offset)) : null;
  };
  const gps = exif ? gpsWhen(exif.gps) : { when: null, seconds: null };
  // The Canon camera's CIFF record, when there is one, before EXIF (as ExifTool does).
  const original = found.ciff.original ?? date(sub.DateTimeOriginal, sub.OffsetTimeOriginal);
  const digitized = date(sub.CreateDate ?? sub.DateTimeDigitized, sub.OffsetTimeDigitized);
  const capture = original ?? digitized;
  if (capture && capture.offset === null) {
    const derived = derivedOffset(capture, gps);
    if (derived) {
      capture.derivedOffset = derived;
      if (
        digitized &&
        capture !== digitized &&
        digitized.local === capture.local &&
        digitized.offset === null
      )
        digitized.derivedOffset = derived;
    }
  }
  const image: ImageFacts = {
    make: found.ciff.make ?? text(ifd0.Make) ?? pngText('Make'),
    model: found.ciff.model ?? text(ifd0.Model) ?? pngText('Model'),
    serial:
      text(sub.SerialNumber) ?? // BodySerialNumber (0xA431), as exifr names it
      text(ifd0.CameraSerialNumber) ??
      xmpFirst('aux:SerialNumber') ??
      xmpFirst('exifEX:BodySerialNumber'),
    software: text(ifd0.Software) ?? pngText('Software'),
    original,
    digitized,
    modified: date(ifd0.ModifyDate, sub.OffsetTime),
    gps:
      exif && exif.latitude !== null && exif.longitude !== null
        ? { latitude: exif.latitude, longitude: exif.longitude, when: gps.when }
        : null,
    width: found.width,
    height: found.height,
    traces: found.traces,
  };
  const facts = extraction.facts;
  facts.image = image;
  const packets = xmp.map((r) => r.packet);
  facts.application = image.software ?? packets.find((p) => p.creatorTool)?.creatorTool ?? null;
  facts.created = original ?? digitized ?? packets.find((p) => p.created)?.created ?? null;
  facts.modified = image.modified ?? packets.find((p) => p.modified)?.modified ?? found.pngModified;
  facts.title = iptc?.byName.get('ObjectName')?.[0] ?? xmpFirst('dc:title[1]') ?? pngText('Title');
  const authors = [
    ...splitAuthors(text(ifd0.Artist)),
    ...(iptc?.byName.get('By-line') ?? []),
    ...packets.flatMap((p) => p.creators),
    ...splitAuthors(pngText('Author')),
  ];
  facts.authors = [...new Set(authors.map((a) => a.trim()).filter(Boolean))];
  extraction.fields = found.fields.slice(0, MAX_FIELDS);
  if (found.fields.length > MAX_FIELDS)
    found.problems.push(coded('extract.image.fields-limit', { limit: MAX_FIELDS }));
  extraction.problems = found.problems;
  extraction.ocrCandidate = true;
  return extraction;
}

export const imageExtractor: Extractor = {
  name: 'image',
  formats: ['jpeg', 'png', 'gif', 'tiff', 'webp'],
  extract: (bytes) => extract(bytes),
};
