// Writers of OLE2 compound files for tests: a version 3 compound file from named streams (small
// streams in the mini stream, as Office writes them), property set streams (SummaryInformation,
// DocumentSummaryInformation with a user-defined section) in a chosen code page, a CompObj stream,
// and minimal Word and Excel main streams with text. The layout is returned so a test can damage a
// chain on purpose.
import { TextDecoder } from 'node:util';

const SECTOR = 512;
const MINI = 64;
const CUTOFF = 4096;
const END = 0xfffffffe;
const FREE = 0xffffffff;
const FAT_MARK = 0xfffffffd;

export interface CompoundLayout {
  bytes: Buffer;
  /** The regular sectors of each stream at or above the 4,096-byte cutoff, by name. */
  sectors: Map<string, number[]>;
  fatSectors: number[];
}

/** CFB's name order: shorter names first, then by upper-case code units. */
function compareNames(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  const ua = a.toUpperCase();
  const ub = b.toUpperCase();
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** A compound file holding `streams` at its root. */
export function writeCompoundFile(streams: Record<string, Buffer>): CompoundLayout {
  const names = Object.keys(streams).sort(compareNames);
  const small = names.filter((n) => streams[n]!.length < CUTOFF);
  const large = names.filter((n) => streams[n]!.length >= CUTOFF);
  const miniStart = new Map<string, number>();
  let miniCount = 0;
  for (const n of small) {
    miniStart.set(n, miniCount);
    miniCount += Math.ceil(streams[n]!.length / MINI);
  }
  const miniStreamSize = miniCount * MINI;
  const dirSectors = Math.ceil(((names.length + 1) * 128) / SECTOR);
  const miniFatSectors = Math.ceil((miniCount * 4) / SECTOR);
  const miniStreamSectors = Math.ceil(miniStreamSize / SECTOR);
  const largeSectors = large.reduce((sum, n) => sum + Math.ceil(streams[n]!.length / SECTOR), 0);
  const others = dirSectors + miniFatSectors + miniStreamSectors + largeSectors;
  let fatCount = 1;
  while (fatCount * (SECTOR / 4) < fatCount + others) fatCount++;
  const total = fatCount + others;
  const fat = new Uint32Array(fatCount * (SECTOR / 4)).fill(FREE);
  const fatSectors = Array.from({ length: fatCount }, (_, i) => i);
  for (const s of fatSectors) fat[s] = FAT_MARK;
  let next = fatCount;
  const run = (count: number): number[] => {
    const sectors = Array.from({ length: count }, (_, i) => next + i);
    sectors.forEach((s, i) => {
      fat[s] = i + 1 < sectors.length ? s + 1 : END;
    });
    next += count;
    return sectors;
  };
  const dir = run(dirSectors);
  const miniFatRun = run(miniFatSectors);
  const miniStreamRun = run(miniStreamSectors);
  const sectors = new Map<string, number[]>();
  for (const n of large) sectors.set(n, run(Math.ceil(streams[n]!.length / SECTOR)));

  const file = Buffer.alloc(SECTOR * (total + 1));
  const at = (sector: number) => (sector + 1) * SECTOR;
  // Header.
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(file, 0);
  file.writeUInt16LE(0x3e, 24);
  file.writeUInt16LE(3, 26);
  file.writeUInt16LE(0xfffe, 28);
  file.writeUInt16LE(9, 30);
  file.writeUInt16LE(6, 32);
  file.writeUInt32LE(fatCount, 44);
  file.writeUInt32LE(dir[0]!, 48);
  file.writeUInt32LE(CUTOFF, 56);
  file.writeUInt32LE(miniFatRun[0] ?? END, 60);
  file.writeUInt32LE(miniFatSectors, 64);
  file.writeUInt32LE(END, 68);
  for (let i = 0; i < 109; i++) file.writeUInt32LE(fatSectors[i] ?? FREE, 76 + 4 * i);
  fat.forEach((value, i) => {
    file.writeUInt32LE(value, at(Math.floor(i / (SECTOR / 4))) + 4 * (i % (SECTOR / 4)));
  });
  // Directory: the root, then the streams as a right-leaning chain in name order.
  const entry = (
    index: number,
    name: string,
    type: number,
    child: number,
    right: number,
    start: number,
    size: number,
  ) => {
    const sectorIndex = Math.floor((index * 128) / SECTOR);
    const base = at(dir[sectorIndex]!) + ((index * 128) % SECTOR);
    file.write(name, base, 'utf16le');
    file.writeUInt16LE(2 * (name.length + 1), base + 64);
    file[base + 66] = type;
    file[base + 67] = 1;
    file.writeUInt32LE(FREE, base + 68);
    file.writeUInt32LE(right, base + 72);
    file.writeUInt32LE(child, base + 76);
    file.writeUInt32LE(start, base + 116);
    file.writeUInt32LE(size, base + 120);
  };
  entry(0, 'Root Entry', 5, names.length > 0 ? 1 : FREE, FREE, miniStreamRun[0] ?? END, miniStreamSize);
  names.forEach((n, i) => {
    const data = streams[n]!;
    const start = data.length >= CUTOFF ? sectors.get(n)![0]! : data.length > 0 ? miniStart.get(n)! : END;
    entry(i + 1, n, 2, FREE, i + 1 < names.length ? i + 2 : FREE, start, data.length);
  });
  // Unused directory slots are empty entries with no links.
  for (let i = names.length + 1; i < (dirSectors * SECTOR) / 128; i++) {
    const base = at(dir[Math.floor((i * 128) / SECTOR)]!) + ((i * 128) % SECTOR);
    file.writeUInt32LE(FREE, base + 68);
    file.writeUInt32LE(FREE, base + 72);
    file.writeUInt32LE(FREE, base + 76);
  }
  // Mini FAT and mini stream.
  const miniStream = Buffer.alloc(miniStreamSize);
  const miniFat: number[] = [];
  for (const n of small) {
    const start = miniStart.get(n)!;
    const count = Math.ceil(streams[n]!.length / MINI);
    for (let i = 0; i < count; i++) miniFat[start + i] = i + 1 < count ? start + i + 1 : END;
    streams[n]!.copy(miniStream, start * MINI);
  }
  miniFat.forEach((value, i) => {
    file.writeUInt32LE(value, at(miniFatRun[Math.floor(i / (SECTOR / 4))]!) + 4 * (i % (SECTOR / 4)));
  });
  for (let i = miniFat.length; i < miniFatSectors * (SECTOR / 4); i++)
    file.writeUInt32LE(FREE, at(miniFatRun[Math.floor(i / (SECTOR / 4))]!) + 4 * (i % (SECTOR / 4)));
  miniStreamRun.forEach((s, i) => {
    miniStream.copy(file, at(s), i * SECTOR, (i + 1) * SECTOR);
  });
  for (const n of large) {
    sectors.get(n)!.forEach((s, i) => {
      streams[n]!.copy(file, at(s), i * SECTOR, (i + 1) * SECTOR);
    });
  }
  return { bytes: file, sectors, fatSectors };
}

/** Points FAT entry `sector` at `value` (a test's damaged chain). */
export function setFatEntry(layout: CompoundLayout, sector: number, value: number): void {
  const perSector = SECTOR / 4;
  const fatSector = layout.fatSectors[Math.floor(sector / perSector)]!;
  layout.bytes.writeUInt32LE(value, (fatSector + 1) * SECTOR + 4 * (sector % perSector));
}

/** Text in a single-byte Windows code page (1251, 1252, 10000…) or UTF-16 for 1200. */
export function encodeCodePage(text: string, codePage: number): Buffer {
  if (codePage === 1200) return Buffer.from(text, 'utf16le');
  const label = codePage === 10000 ? 'macintosh' : `windows-${codePage}`;
  const decoder = new TextDecoder(label);
  const table = new Map<string, number>();
  for (let b = 255; b >= 0; b--) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Buffer.from([...text].map((ch) => table.get(ch) ?? 0x3f));
}

export type PropertyValue =
  | { type: 'string'; value: string }
  | { type: 'i4'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'filetime'; value: bigint }
  | { type: 'strings'; value: string[] }
  | { type: 'pairs'; value: Array<[string, number]> };

export interface SectionSpec {
  fmtid: string;
  codePage: number;
  properties: Array<[number, PropertyValue]>;
  /** User-defined property names by id (the dictionary, property 0). */
  names?: Array<[number, string]>;
}

const pad4 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const typed = (type: number, body: Buffer) => Buffer.concat([u32(type), body]);

function lpstr(value: string, codePage: number, padded: boolean): Buffer {
  const bytes = Buffer.concat([encodeCodePage(value, codePage), Buffer.alloc(codePage === 1200 ? 2 : 1)]);
  const raw = Buffer.concat([u32(bytes.length), bytes]);
  return padded ? pad4(raw) : raw;
}

function propertyBytes(value: PropertyValue, codePage: number): Buffer {
  switch (value.type) {
    case 'string':
      return typed(30, lpstr(value.value, codePage, true));
    case 'i4':
      return typed(3, u32(value.value));
    case 'bool':
      return typed(11, u32(value.value ? 0xffff : 0));
    case 'filetime': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(value.value);
      return typed(64, b);
    }
    case 'strings':
      return pad4(
        typed(
          0x101e,
          Buffer.concat([u32(value.value.length), ...value.value.map((s) => lpstr(s, codePage, false))]),
        ),
      );
    case 'pairs':
      return pad4(
        typed(
          0x100c,
          Buffer.concat([
            u32(2 * value.value.length),
            ...value.value.flatMap(([name, count]) => [
              typed(30, lpstr(name, codePage, false)),
              typed(3, u32(count)),
            ]),
          ]),
        ),
      );
  }
}

function sectionBytes(spec: SectionSpec): Buffer {
  const values: Array<[number, Buffer]> = [[1, typed(2, u32(spec.codePage & 0xffff))]];
  if (spec.names) {
    const entries = spec.names.map(([id, name]) => {
      const bytes = Buffer.concat([encodeCodePage(name, spec.codePage), Buffer.alloc(1)]);
      return Buffer.concat([u32(id), u32(bytes.length), bytes]);
    });
    values.push([0, pad4(Buffer.concat([u32(entries.length), ...entries]))]);
  }
  for (const [id, value] of spec.properties) values.push([id, propertyBytes(value, spec.codePage)]);
  let offset = 8 + 8 * values.length;
  const index: Buffer[] = [];
  for (const [id, body] of values) {
    index.push(u32(id), u32(offset));
    offset += body.length;
  }
  return Buffer.concat([u32(offset), u32(values.length), ...index, ...values.map(([, body]) => body)]);
}

function fmtidBytes(fmtid: string): Buffer {
  const hex = fmtid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

/** A property set stream of one or two sections. */
export function writePropertySetStream(sections: SectionSpec[]): Buffer {
  const header = Buffer.alloc(28);
  header.writeUInt16LE(0xfffe, 0);
  header.writeUInt32LE(0x00020006, 4);
  header.writeUInt32LE(sections.length, 24);
  const bodies = sections.map(sectionBytes);
  let offset = 28 + 20 * sections.length;
  const index = sections.map((s, i) => {
    const entry = Buffer.concat([fmtidBytes(s.fmtid), u32(offset)]);
    offset += bodies[i]!.length;
    return entry;
  });
  return Buffer.concat([header, ...index, ...bodies]);
}

export const FMTID_SUMMARY = 'f29f85e0-4ff9-1068-ab91-08002b27b3d9';
export const FMTID_DOC_SUMMARY = 'd5cdd502-2e9c-101b-9397-08002b2cf9ae';
export const FMTID_USER_DEFINED = 'd5cdd505-2e9c-101b-9397-08002b2cf9ae';

/** A FILETIME for a UTC instant given as ISO text (`2017-05-04T22:10:00Z`). */
export function fileTime(iso: string): bigint {
  return (BigInt(Date.parse(iso)) + 11_644_473_600_000n) * 10_000n;
}

export interface SummarySpec {
  codePage?: number;
  title?: string;
  subject?: string;
  author?: string;
  lastAuthor?: string;
  template?: string;
  revision?: string;
  appName?: string;
  /** ISO instants, written as FILETIMEs. */
  created?: string;
  modified?: string;
  printed?: string;
  editMinutes?: number;
}

/** A SummaryInformation stream. */
export function summaryInformation(spec: SummarySpec): Buffer {
  const props: Array<[number, PropertyValue]> = [];
  const str = (id: number, value: string | undefined) => {
    if (value !== undefined) props.push([id, { type: 'string', value }]);
  };
  const time = (id: number, value: string | undefined) => {
    if (value !== undefined) props.push([id, { type: 'filetime', value: fileTime(value) }]);
  };
  str(2, spec.title);
  str(3, spec.subject);
  str(4, spec.author);
  str(7, spec.template);
  str(8, spec.lastAuthor);
  str(9, spec.revision);
  if (spec.editMinutes !== undefined)
    props.push([10, { type: 'filetime', value: BigInt(Math.round(spec.editMinutes * 60)) * 10_000_000n }]);
  time(11, spec.printed);
  time(12, spec.created);
  time(13, spec.modified);
  str(18, spec.appName);
  return writePropertySetStream([
    { fmtid: FMTID_SUMMARY, codePage: spec.codePage ?? 1252, properties: props },
  ]);
}

export interface DocSummarySpec {
  codePage?: number;
  company?: string;
  manager?: string;
  /** As app.xml writes it: `16.0000`. */
  appVersion?: string;
  headingPairs?: Array<[string, number]>;
  titlesOfParts?: string[];
  custom?: Record<string, string>;
}

/** A DocumentSummaryInformation stream, with a user-defined section when `custom` is given. */
export function docSummaryInformation(spec: DocSummarySpec): Buffer {
  const codePage = spec.codePage ?? 1252;
  const props: Array<[number, PropertyValue]> = [];
  if (spec.company !== undefined) props.push([15, { type: 'string', value: spec.company }]);
  if (spec.manager !== undefined) props.push([14, { type: 'string', value: spec.manager }]);
  if (spec.headingPairs) props.push([12, { type: 'pairs', value: spec.headingPairs }]);
  if (spec.titlesOfParts) props.push([13, { type: 'strings', value: spec.titlesOfParts }]);
  if (spec.appVersion !== undefined) {
    const [major, minor] = spec.appVersion.split('.').map(Number);
    props.push([23, { type: 'i4', value: ((major! << 16) | minor!) >>> 0 }]);
  }
  const sections: SectionSpec[] = [{ fmtid: FMTID_DOC_SUMMARY, codePage, properties: props }];
  if (spec.custom) {
    const entries = Object.entries(spec.custom);
    sections.push({
      fmtid: FMTID_USER_DEFINED,
      codePage,
      names: entries.map(([name], i) => [i + 2, name]),
      properties: entries.map(([, value], i) => [i + 2, { type: 'string', value }]),
    });
  }
  return writePropertySetStream(sections);
}

/** A CompObj stream naming the user type (`Лист Microsoft Excel`) in `codePage`, with its Unicode copy. */
export function compObj(
  userType: string,
  progId = 'Word.Document.8',
  clipboard = 'MSWordDoc',
  codePage = 1252,
): Buffer {
  const ansi = (s: string) => {
    const bytes = Buffer.concat([encodeCodePage(s, codePage), Buffer.alloc(1)]);
    return Buffer.concat([u32(bytes.length), bytes]);
  };
  const header = Buffer.alloc(28);
  header.writeUInt32LE(0xfffe0001, 0);
  header.writeUInt32LE(0x00000a03, 4);
  header.writeUInt32LE(0xffffffff, 8);
  const unicode = Buffer.concat([u32(userType.length + 1), Buffer.from(`${userType}\0`, 'utf16le')]);
  return Buffer.concat([
    header,
    ansi(userType),
    ansi(clipboard),
    ansi(progId),
    u32(0x71b239f4),
    unicode,
    u32(0),
    u32(0),
  ]);
}

export interface WordExtras {
  /** The attached template's path (SttbfAssoc). */
  template?: string;
  /** Authors of tracked changes (SttbfRMark). */
  revisionAuthors?: string[];
  /** The last saves as [author, path] (SttbSavedBy). */
  savedBy?: Array<[string, string]>;
  /** The DOP's creation and save times, local wall time to the minute (`2017-05-04T22:10`). */
  dop?: { created?: string; revised?: string };
}

/** A DTTM: Word's packed local date and time. */
function dttmOf(local: string | undefined): number {
  if (local === undefined) return 0;
  const [, y, mo, d, h, mi] = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(local)!.map(Number) as number[];
  return (((y! - 1900) << 20) | (mo! << 16) | (d! << 11) | (h! << 6) | mi!) >>> 0;
}

/** An extended (UTF-16) STTB of `strings`. */
function sttbBytes(strings: string[]): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt16LE(0xffff, 0);
  head.writeUInt16LE(strings.length, 2);
  return Buffer.concat([
    head,
    ...strings.map((s) => {
      const length = Buffer.alloc(2);
      length.writeUInt16LE(s.length);
      return Buffer.concat([length, Buffer.from(s, 'utf16le')]);
    }),
  ]);
}

/**
 * A Word 97 main stream and its table stream holding `text` (one piece, 8-bit when it fits 1252), with
 * the string tables of `extras`.
 */
export function wordStreams(text: string, extras: WordExtras = {}): Record<string, Buffer> {
  const wide = /[^\x00-\xff]/.test(text);
  const body = wide ? Buffer.from(text, 'utf16le') : Buffer.from(text, 'latin1');
  const textAt = 0x800;
  const word = Buffer.alloc(Math.max(CUTOFF, textAt + body.length));
  word.writeUInt16LE(0xa5ec, 0);
  word.writeUInt16LE(0x00c1, 2);
  word.writeUInt16LE(0x0409, 6);
  word.writeUInt16LE(0x0200, 10);
  word.writeInt32LE(text.length, 0x4c);
  word.writeUInt16LE(93, 152);
  body.copy(word, textAt);
  const pcd = Buffer.alloc(8);
  pcd.writeUInt32LE(wide ? textAt : ((textAt * 2) | 0x40000000) >>> 0, 2);
  const plc = Buffer.concat([u32(0), u32(text.length), pcd]);
  const parts: Array<[index: number, bytes: Buffer]> = [
    [33, Buffer.concat([Buffer.of(2), u32(plc.length), plc])],
  ];
  if (extras.template !== undefined) parts.push([32, sttbBytes(['', extras.template])]);
  if (extras.revisionAuthors) parts.push([51, sttbBytes(extras.revisionAuthors)]);
  if (extras.savedBy) parts.push([71, sttbBytes(extras.savedBy.flat())]);
  if (extras.dop) {
    const dop = Buffer.alloc(500);
    dop.writeUInt32LE(dttmOf(extras.dop.created), 20);
    dop.writeUInt32LE(dttmOf(extras.dop.revised), 24);
    parts.push([31, dop]);
  }
  let offset = 0;
  for (const [index, bytes] of parts) {
    word.writeUInt32LE(offset, 154 + 8 * index);
    word.writeUInt32LE(bytes.length, 158 + 8 * index);
    offset += bytes.length;
  }
  return { WordDocument: word, '1Table': Buffer.concat(parts.map(([, bytes]) => bytes)) };
}

const record = (type: number, body: Buffer) => {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(type, 0);
  head.writeUInt16LE(body.length, 2);
  return Buffer.concat([head, body]);
};

/**
 * An Excel 97 workbook stream: its sheets' names and shared strings (8-bit), the SST split into
 * CONTINUE records of at most `maxRecord` bytes the way Excel splits it (a string cut in its
 * characters goes on after a width flag).
 */
export function workbookStream(sheets: string[], strings: string[], maxRecord = 8224): Buffer {
  const bof = Buffer.alloc(16);
  bof.writeUInt16LE(0x0600, 0);
  bof.writeUInt16LE(0x0005, 2);
  const parts = [record(0x0809, bof)];
  for (const sheet of sheets) {
    const name = Buffer.from(sheet, 'latin1');
    parts.push(record(0x0085, Buffer.concat([u32(0), Buffer.of(0, 0, name.length, 0), name])));
  }
  const records: number[][] = [[]];
  const current = () => records[records.length - 1]!;
  for (const b of [...u32(strings.length), ...u32(strings.length)]) current().push(b);
  for (const s of strings) {
    if (current().length + 3 > maxRecord) records.push([]);
    current().push(s.length & 0xff, s.length >> 8, 0);
    for (const ch of Buffer.from(s, 'latin1')) {
      if (current().length >= maxRecord) records.push([0]);
      current().push(ch);
    }
  }
  records.forEach((bytes, i) => {
    parts.push(record(i === 0 ? 0x00fc : 0x003c, Buffer.from(bytes)));
  });
  parts.push(record(0x000a, Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** An Excel 5/95 (BIFF5) workbook stream: sheet names in `codePage`, as its CODEPAGE record says. */
export function biff5WorkbookStream(sheets: string[], codePage: number): Buffer {
  const bof = Buffer.alloc(8);
  bof.writeUInt16LE(0x0500, 0);
  bof.writeUInt16LE(0x0005, 2);
  const page = Buffer.alloc(2);
  page.writeUInt16LE(codePage);
  const parts = [record(0x0809, bof), record(0x0042, page)];
  for (const sheet of sheets) {
    const name = encodeCodePage(sheet, codePage);
    parts.push(record(0x0085, Buffer.concat([u32(0), Buffer.of(0, 0, name.length), name])));
  }
  parts.push(record(0x000a, Buffer.alloc(0)));
  return Buffer.concat(parts);
}
