// Office 97–2003 documents and other compound files (doc, xls, ppt, ole): the property sets
// (SummaryInformation, DocumentSummaryInformation and its user-defined section), the CompObj user
// type (written in the language of the Office that saved it), PowerPoint's Current User, and the text
// where its structure is simple enough to read safely: Word's piece table, Excel's shared strings,
// PowerPoint's text atoms. The compound file is read here from the bytes (no library: the ones there
// are follow sector chains and sizes as the file claims them); every chain is walked with a visited
// set, every size is checked against the bytes there are.
import { type Coded, coded } from '../../report/catalogue.ts';
import { fileTimeDate, parseIsoDate } from '../dates.ts';
import { addField, emptyExtraction, splitAuthors } from '../facts.ts';
import type { Extraction, ExtractOptions, Extractor, MetadataField, WrittenDate } from '../types.ts';
import {
  decodeCodePage,
  type FileTime,
  FMTID_DOC_SUMMARY,
  FMTID_SUMMARY,
  FMTID_USER_DEFINED,
  lcidTag,
  type OleValue,
  type PropertySection,
  readPropertySets,
} from './ole-properties.ts';

const MAGIC = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const END_OF_CHAIN = 0xfffffffe;
const FREE = 0xffffffff;
const MAX_REGULAR = 0xfffffffa;
const ENTRY_BYTES = 128;

interface DirectoryEntry {
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
  modified: bigint;
}

/** A compound file read from memory: its directory and its streams by name, bounded throughout. */
class CompoundFile {
  private readonly sectorSize: number;
  private readonly sectorCount: number;
  private readonly fat: Uint32Array;
  private readonly miniCutoff: number;
  private miniFat: Uint32Array | null = null;
  private miniStream: Buffer | null = null;
  readonly entries: DirectoryEntry[];
  /** The root storage's children, by lower-case name. */
  readonly root = new Map<string, DirectoryEntry>();

  private readonly bytes: Buffer;
  private readonly problems: Coded[];

  constructor(bytes: Buffer, problems: Coded[]) {
    this.bytes = bytes;
    this.problems = problems;
    if (bytes.length < 512 || !bytes.subarray(0, 8).equals(MAGIC) || bytes.readUInt16LE(28) !== 0xfffe)
      throw new Error('extract.ole.not-compound');
    const shift = bytes.readUInt16LE(30);
    if (shift !== 9 && shift !== 12) throw new Error('extract.ole.not-compound');
    this.sectorSize = 1 << shift;
    this.sectorCount = Math.max(0, Math.ceil((bytes.length - this.sectorSize) / this.sectorSize));
    this.miniCutoff = bytes.readUInt32LE(56) || 4096;
    this.fat = this.readFat();
    this.entries = this.readDirectory(bytes.readUInt32LE(48));
    const rootEntry = this.entries[0];
    if (rootEntry === undefined || rootEntry.type !== 5) throw new Error('extract.ole.not-compound');
    this.walkChildren(rootEntry.child);
  }

  private sector(n: number): Buffer {
    const at = (n + 1) * this.sectorSize;
    return this.bytes.subarray(at, Math.min(at + this.sectorSize, this.bytes.length));
  }

  private readFat(): Uint32Array {
    const header = this.bytes;
    const perSector = this.sectorSize / 4;
    const declared = header.readUInt32LE(44);
    const fatCount = Math.min(declared, this.sectorCount);
    const fatSectors: number[] = [];
    for (let i = 0; i < 109 && fatSectors.length < fatCount; i++)
      fatSectors.push(header.readUInt32LE(76 + 4 * i));
    const seen = new Set<number>();
    for (let difat = header.readUInt32LE(68); fatSectors.length < fatCount && difat <= MAX_REGULAR; ) {
      if (seen.has(difat) || difat >= this.sectorCount) {
        this.problems.push(coded('extract.ole.chain-loop', { stream: 'DIFAT' }));
        break;
      }
      seen.add(difat);
      const block = this.sector(difat);
      for (let i = 0; i + 4 <= block.length - 4 && fatSectors.length < fatCount; i += 4)
        fatSectors.push(block.readUInt32LE(i));
      difat = block.length === this.sectorSize ? block.readUInt32LE(this.sectorSize - 4) : END_OF_CHAIN;
    }
    const fat = new Uint32Array(fatSectors.length * perSector).fill(FREE);
    fatSectors.forEach((sector, index) => {
      if (sector >= this.sectorCount) return;
      const block = this.sector(sector);
      for (let i = 0; i + 4 <= block.length; i += 4) fat[index * perSector + i / 4] = block.readUInt32LE(i);
    });
    return fat;
  }

  /** The sectors of a chain, stopped at a loop or a link out of range (a problem names the stream). */
  private chain(start: number, table: Uint32Array, limit: number, stream: string): number[] {
    const sectors: number[] = [];
    const seen = new Set<number>();
    for (let sector = start; sector !== END_OF_CHAIN && sectors.length < limit; sector = table[sector]!) {
      if (sector >= table.length || sector > MAX_REGULAR) {
        this.problems.push(coded('extract.ole.chain-broken', { stream }));
        break;
      }
      if (seen.has(sector)) {
        this.problems.push(coded('extract.ole.chain-loop', { stream }));
        break;
      }
      seen.add(sector);
      sectors.push(sector);
    }
    return sectors;
  }

  private readDirectory(first: number): DirectoryEntry[] {
    const entries: DirectoryEntry[] = [];
    for (const sector of this.chain(first, this.fat, this.sectorCount, 'directory')) {
      const block = this.sector(sector);
      for (let at = 0; at + ENTRY_BYTES <= block.length; at += ENTRY_BYTES) {
        const nameBytes = Math.min(block.readUInt16LE(at + 64), 64);
        entries.push({
          name: block.subarray(at, at + Math.max(0, nameBytes - 2)).toString('utf16le'),
          type: block[at + 66]!,
          left: block.readUInt32LE(at + 68),
          right: block.readUInt32LE(at + 72),
          child: block.readUInt32LE(at + 76),
          modified: block.readBigUInt64LE(at + 108),
          start: block.readUInt32LE(at + 116),
          // Version 3 files may leave garbage in the high half of the size.
          size:
            this.sectorSize === 512 ? block.readUInt32LE(at + 120) : Number(block.readBigUInt64LE(at + 120)),
        });
      }
    }
    return entries;
  }

  private walkChildren(first: number): void {
    const visited = new Set<number>();
    const pending = first === FREE ? [] : [first];
    while (pending.length > 0) {
      const id = pending.pop()!;
      const entry = this.entries[id];
      if (entry === undefined || id === 0 || visited.has(id)) {
        this.problems.push(coded('extract.ole.directory-damaged'));
        return;
      }
      visited.add(id);
      if (entry.type === 1 || entry.type === 2) this.root.set(entry.name.toLowerCase(), entry);
      if (entry.left !== FREE) pending.push(entry.left);
      if (entry.right !== FREE) pending.push(entry.right);
    }
  }

  /** A stream of the root storage by name (any case), or null when there is none. */
  stream(name: string): Buffer | null {
    const entry = this.root.get(name.toLowerCase());
    if (entry === undefined || entry.type !== 2) return null;
    const label = name.replace(/^[\x01-\x05]/, '');
    let size = entry.size;
    if (size > this.bytes.length) {
      this.problems.push(
        coded('extract.ole.stream-truncated', { stream: label, size, read: this.bytes.length }),
      );
      size = this.bytes.length;
    }
    if (size < this.miniCutoff) return this.miniStreamPart(entry.start, size, label);
    const sectors = this.chain(entry.start, this.fat, Math.ceil(size / this.sectorSize), label);
    return this.gather(
      sectors.map((s) => this.sector(s)),
      size,
      label,
    );
  }

  private gather(blocks: Buffer[], size: number, label: string): Buffer {
    const joined = Buffer.concat(blocks);
    if (joined.length < size)
      this.problems.push(coded('extract.ole.stream-truncated', { stream: label, size, read: joined.length }));
    return joined.subarray(0, size);
  }

  private miniStreamPart(start: number, size: number, label: string): Buffer {
    if (this.miniStream === null || this.miniFat === null) {
      const root = this.entries[0]!;
      const miniSectors = this.chain(
        this.bytes.readUInt32LE(60),
        this.fat,
        Math.min(this.bytes.readUInt32LE(64), this.sectorCount),
        'MiniFAT',
      );
      const table = Buffer.concat(miniSectors.map((s) => this.sector(s)));
      this.miniFat = new Uint32Array(table.length / 4).fill(FREE);
      for (let i = 0; i + 4 <= table.length; i += 4) this.miniFat[i / 4] = table.readUInt32LE(i);
      const rootSize = Math.min(root.size, this.bytes.length);
      const rootSectors = this.chain(
        root.start,
        this.fat,
        Math.ceil(rootSize / this.sectorSize),
        'mini stream',
      );
      this.miniStream = Buffer.concat(rootSectors.map((s) => this.sector(s)));
    }
    const mini = this.miniStream;
    const sectors = this.chain(start, this.miniFat, Math.ceil(size / 64), label);
    return this.gather(
      sectors.map((s) => mini.subarray(s * 64, Math.min(s * 64 + 64, mini.length))),
      size,
      label,
    );
  }
}

const SUMMARY_NAMES: Record<number, string> = {
  2: 'Title',
  3: 'Subject',
  4: 'Author',
  5: 'Keywords',
  6: 'Comments',
  7: 'Template',
  8: 'LastAuthor',
  9: 'RevNumber',
  10: 'EditTime',
  11: 'LastPrinted',
  12: 'CreateDateTime',
  13: 'LastSaveDateTime',
  14: 'PageCount',
  15: 'WordCount',
  16: 'CharCount',
  18: 'AppName',
  19: 'DocSecurity',
};

const DOC_SUMMARY_NAMES: Record<number, string> = {
  2: 'Category',
  3: 'PresentationFormat',
  4: 'ByteCount',
  5: 'LineCount',
  6: 'ParagraphCount',
  7: 'SlideCount',
  8: 'NoteCount',
  9: 'HiddenSlideCount',
  10: 'MultimediaClipCount',
  11: 'ScaleCrop',
  12: 'HeadingPairs',
  13: 'TitlesOfParts',
  14: 'Manager',
  15: 'Company',
  16: 'LinksUpToDate',
  17: 'CharCountWithSpaces',
  19: 'SharedDoc',
  22: 'HyperlinksChanged',
  23: 'AppVersion',
  26: 'ContentType',
  27: 'ContentStatus',
  28: 'Language',
  29: 'DocVersion',
};

const isFileTime = (value: OleValue): value is FileTime =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An edit-time FILETIME (a duration) in ISO 8601 (`PT4M26S`). */
function duration(filetime: bigint): string {
  const seconds = Number(filetime / 10_000_000n);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `PT${h ? `${h}H` : ''}${h || m ? `${m}M` : ''}${seconds % 60}S`;
}

/** A value as a person reads it in the metadata table. */
function written(value: OleValue): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) {
    const parts = value.map(written).filter((v): v is string => v !== null);
    return parts.length > 0 ? parts.join(', ') : null;
  }
  if (isFileTime(value))
    return value.filetime === 0n ? null : (fileTimeDate(value.filetime)?.written ?? null);
  return String(value);
}

const text = (value: OleValue | undefined): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : null;

const date = (value: OleValue | undefined) =>
  value !== undefined && isFileTime(value) && value.filetime !== 0n ? fileTimeDate(value.filetime) : null;

/** AppVersion's DWORD as app.xml writes it: major in the high word, build in the low (`11.8132`). */
const appVersion = (value: number) => `${value >>> 16}.${String(value & 0xffff).padStart(4, '0')}`;

function readSummary(section: PropertySection, out: Extraction): void {
  const { facts, fields } = out;
  const p = section.properties;
  const group = 'SummaryInformation';
  if (section.codePage !== null) {
    facts.codePage = section.codePage;
    addField(fields, group, 'CodePage', section.codePage);
  }
  for (const [id, value] of p) {
    if (id === 1) continue;
    const name = SUMMARY_NAMES[id] ?? `Property ${id}`;
    if (id === 10 && isFileTime(value)) addField(fields, group, name, duration(value.filetime));
    else addField(fields, group, name, written(value));
  }
  facts.title = text(p.get(2));
  facts.subject = text(p.get(3));
  facts.authors = splitAuthors(text(p.get(4)));
  facts.template = text(p.get(7));
  facts.lastModifiedBy = text(p.get(8));
  facts.revision = text(p.get(9));
  const edit = p.get(10);
  if (edit !== undefined && isFileTime(edit))
    facts.editMinutes = Math.round(Number(edit.filetime) / 6e6) / 100;
  facts.printed = date(p.get(11));
  facts.created = date(p.get(12));
  facts.modified = date(p.get(13));
  facts.application = text(p.get(18));
}

function readDocSummary(section: PropertySection, out: Extraction): { headings: OleValue; parts: OleValue } {
  const { facts, fields } = out;
  const p = section.properties;
  const group = 'DocumentSummaryInformation';
  if (section.codePage !== null) {
    facts.codePage ??= section.codePage;
    addField(fields, group, 'CodePage', section.codePage);
  }
  for (const [id, value] of p) {
    if (id === 1) continue;
    const name = DOC_SUMMARY_NAMES[id] ?? `Property ${id}`;
    addField(
      fields,
      group,
      name,
      id === 23 && typeof value === 'number' ? appVersion(value) : written(value),
    );
  }
  facts.company = text(p.get(15));
  facts.manager = text(p.get(14));
  const version = p.get(23);
  if (typeof version === 'number') facts.appVersion = appVersion(version);
  return { headings: p.get(12) ?? null, parts: p.get(13) ?? null };
}

function readUserDefined(section: PropertySection, out: Extraction): void {
  for (const [id, value] of section.properties) {
    const name = section.names.get(id);
    if (id === 1 || name === undefined || name.startsWith('_PID_')) continue;
    const shown = written(value);
    if (shown === null) continue;
    out.facts.custom[name] = shown;
    addField(out.fields, 'DocumentSummaryInformation (user-defined)', name, shown);
  }
}

/** The parts listed under the first heading pair (Excel lists its worksheets first). */
function firstHeadingParts(headings: OleValue, parts: OleValue): string[] {
  if (!Array.isArray(headings) || !Array.isArray(parts)) return [];
  const count = headings[1];
  return typeof count === 'number'
    ? parts.slice(0, count).filter((p): p is string => typeof p === 'string')
    : [];
}

/** The CompObj stream: the user type (`Feuille de calcul Microsoft Office Excel`), clipboard format, ProgID. */
function readCompObj(bytes: Buffer, codePage: number | null, out: Extraction): void {
  let at = 28;
  const ansi = (): string | null => {
    if (at + 4 > bytes.length) return null;
    const length = bytes.readUInt32LE(at);
    at += 4;
    if (length > bytes.length - at) return null;
    const value = decodeCodePage(bytes.subarray(at, at + length), codePage).replace(/\0.*$/s, '');
    at += length;
    return value;
  };
  const userType = ansi();
  let clipboard: string | null = null;
  if (at + 4 <= bytes.length) {
    const marker = bytes.readUInt32LE(at);
    if (marker === 0xffffffff || marker === 0xfffffffe) {
      clipboard = at + 8 <= bytes.length ? `#${bytes.readUInt32LE(at + 4)}` : null;
      at += 8;
    } else if (marker !== 0) clipboard = ansi();
    else at += 4;
  }
  const progId = ansi();
  let unicodeType: string | null = null;
  if (at + 8 <= bytes.length && bytes.readUInt32LE(at) === 0x71b239f4) {
    const chars = bytes.readUInt32LE(at + 4);
    if (chars <= (bytes.length - at - 8) / 2)
      unicodeType = bytes
        .subarray(at + 8, at + 8 + 2 * chars)
        .toString('utf16le')
        .replace(/\0.*$/s, '');
  }
  if (userType === null) out.problems.push(coded('extract.ole.property-set-damaged', { stream: 'CompObj' }));
  const type = text(unicodeType) ?? text(userType);
  out.facts.compObjType = type;
  addField(out.fields, 'CompObj', 'UserType', type);
  addField(out.fields, 'CompObj', 'ClipboardFormat', clipboard);
  addField(out.fields, 'CompObj', 'ProgID', progId);
}

/** PowerPoint's Current User stream: the name of the user who last saved, as that Office knew them. */
function readCurrentUser(bytes: Buffer, codePage: number | null, out: Extraction): void {
  if (bytes.length < 28) return;
  const length = bytes.readUInt16LE(20);
  if (28 + length > bytes.length) return;
  const ansi = decodeCodePage(bytes.subarray(28, 28 + length), codePage);
  const wide = 28 + length + 4;
  const unicode =
    wide + 2 * length <= bytes.length ? bytes.subarray(wide, wide + 2 * length).toString('utf16le') : null;
  addField(out.fields, 'Current User', 'UserName', text(unicode) ?? text(ansi));
}

/** Collects text up to the caller's limit, saying once when it was cut. */
class TextSink {
  private readonly parts: string[] = [];
  private length = 0;
  private readonly limit: number;
  cut = false;
  constructor(limit: number) {
    this.limit = limit;
  }
  get full(): boolean {
    return this.length >= this.limit;
  }
  push(part: string): void {
    if (this.full) {
      if (part) this.cut = true;
      return;
    }
    const kept = part.length > this.limit - this.length ? part.slice(0, this.limit - this.length) : part;
    if (kept.length < part.length) this.cut = true;
    this.parts.push(kept);
    this.length += kept.length;
  }
  result(): string | null {
    const joined = this.parts.join('').trim();
    return joined ? joined : null;
  }
}

/** Word's main text through the piece table (Word 97 and later), with field codes left out. */
function wordText(file: CompoundFile, word: Buffer, sink: TextSink, out: Extraction): void {
  if (word.length < 0x1aa || word.readUInt16LE(0) !== 0xa5ec) {
    out.problems.push(coded('extract.ole.text-damaged', { stream: 'WordDocument' }));
    return;
  }
  const lid = word.readUInt16LE(6);
  addField(out.fields, 'WordDocument', 'InstallLanguage', lcidTag(lid) ?? `LCID ${lid}`);
  // Word 6 and 95 (nFib 101–105) lay the FIB out otherwise and keep no piece table there.
  const nFib = word.readUInt16LE(2);
  if (nFib < 0xc1) {
    out.problems.push(coded('extract.ole.word-version', { nFib }));
    return;
  }
  const flags = word.readUInt16LE(10);
  if (flags & 0x0100) {
    out.problems.push(coded('extract.ole.encrypted', { stream: 'WordDocument' }));
    return;
  }
  const table = file.stream(flags & 0x0200 ? '1Table' : '0Table');
  if (table) {
    wordTables(word, table, out);
    wordDop(tablePart(word, table, 31), out);
  }
  // The main text, then footnotes, headers, comments, endnotes and text boxes, in that order of CPs.
  let mainChars = 0;
  for (let at = 0x4c; at <= 0x68; at += 4) mainChars += Math.max(0, word.readInt32LE(at));
  const clxAt = word.readUInt32LE(0x1a2);
  const clxEnd = Math.min(table?.length ?? 0, clxAt + word.readUInt32LE(0x1a6));
  let at = clxAt;
  let pieces: Buffer | null = null;
  while (table && at < clxEnd) {
    if (table[at] === 1 && at + 3 <= clxEnd) at += 3 + table.readUInt16LE(at + 1);
    else if (table[at] === 2 && at + 5 <= clxEnd) {
      pieces = table.subarray(at + 5, Math.min(clxEnd, at + 5 + table.readUInt32LE(at + 1)));
      break;
    } else break;
  }
  if (pieces === null || pieces.length < 16) {
    out.problems.push(coded('extract.ole.text-damaged', { stream: 'WordDocument' }));
    return;
  }
  const count = Math.floor((pieces.length - 4) / 12);
  const cleaner = new WordCleaner();
  // Pieces may point at the same bytes over and over: what is decoded is bounded by the stream's size.
  let budget = 2 * word.length;
  for (let i = 0; i < count && !sink.full; i++) {
    const from = pieces.readUInt32LE(4 * i);
    const to = Math.min(pieces.readUInt32LE(4 * (i + 1)), mainChars);
    if (to <= from) continue;
    const fc = pieces.readUInt32LE(4 * (count + 1) + 8 * i + 2);
    const compressed = (fc & 0x40000000) !== 0;
    const start = compressed ? (fc & 0x3fffffff) / 2 : fc;
    const chars = to - from;
    const end = start + (compressed ? chars : 2 * chars);
    budget -= end - start;
    if (end > word.length || budget < 0) {
      out.problems.push(coded('extract.ole.text-damaged', { stream: 'WordDocument' }));
      break;
    }
    const raw = word.subarray(start, end);
    sink.push(cleaner.clean(compressed ? decodeCodePage(raw, 1252) : raw.toString('utf16le')));
  }
}

/** A part of Word's table stream by its index in the FIB's fc/lcb pairs (MS-DOC FibRgFcLcb97), or null. */
function tablePart(word: Buffer, table: Buffer, index: number): Buffer | null {
  const pairs = word.readUInt16LE(152);
  const at = 154 + 8 * index;
  if (index >= pairs || at + 8 > word.length) return null;
  const fc = word.readUInt32LE(at);
  const lcb = word.readUInt32LE(at + 4);
  return lcb > 0 && fc + lcb <= table.length ? table.subarray(fc, fc + lcb) : null;
}

/** The strings of an STTB (Word's string tables): 8-bit or, when extended, UTF-16, each followed by cbExtra bytes. */
function sttb(part: Buffer | null): string[] {
  if (part === null || part.length < 6) return [];
  const extended = part.readUInt16LE(0) === 0xffff;
  const head = extended ? 2 : 0;
  const count = part.readUInt16LE(head);
  const extra = part.readUInt16LE(head + 2);
  const strings: string[] = [];
  let at = head + 4;
  for (let i = 0; i < count && at < part.length; i++) {
    const chars = extended ? part.readUInt16LE(at) : part[at]!;
    at += extended ? 2 : 1;
    const end = at + (extended ? 2 * chars : chars);
    if (end > part.length) break;
    strings.push(extended ? part.toString('utf16le', at, end) : part.toString('latin1', at, end));
    at = end + extra;
  }
  return strings;
}

/**
 * What Word keeps about people and places beside the text: the attached template's path (often naming
 * the user's profile folder), the authors of tracked changes and of comments, the last saves (author and
 * path, Word 97–2002), and the font table.
 */
function wordTables(word: Buffer, table: Buffer, out: Extraction): void {
  const distinct = (names: string[]) => [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  const template = sttb(tablePart(word, table, 32))[1];
  addField(out.fields, 'WordDocument', 'AttachedTemplate', template);
  addField(
    out.fields,
    'WordDocument',
    'RevisionAuthors',
    distinct(sttb(tablePart(word, table, 51))).join('; '),
  );
  const owners = tablePart(word, table, 36);
  const commenters: string[] = [];
  for (let at = 0; owners && at + 2 <= owners.length; ) {
    const end = at + 2 + 2 * owners.readUInt16LE(at);
    if (end > owners.length) break;
    commenters.push(owners.toString('utf16le', at + 2, end));
    at = end;
  }
  addField(out.fields, 'WordDocument', 'CommentAuthors', distinct(commenters).join('; '));
  const saves = sttb(tablePart(word, table, 71));
  for (let i = 0; i + 1 < saves.length; i += 2)
    addField(out.fields, 'WordDocument', `SavedBy ${i / 2 + 1}`, `${saves[i]} — ${saves[i + 1]}`);
  const fonts = tablePart(word, table, 15);
  if (fonts && fonts.length >= 4) {
    const count = fonts.readUInt16LE(0);
    for (let i = 0, at = 4; i < count && at < fonts.length; i++) {
      const size = fonts[at]! + 1;
      addFont(out, fonts.toString('utf16le', at + 40, Math.min(at + size, fonts.length)));
      at += size;
    }
  }
}

/** Fonts kept (a document uses a few dozen; the check for one already kept is linear). */
const MAX_FONTS = 256;

/** A font name as stored (up to its NUL), once. */
function addFont(out: Extraction, stored: string): void {
  const name = stored.replace(/\0.*$/s, '').trim();
  if (name && out.facts.fonts.length < MAX_FONTS && !out.facts.fonts.includes(name))
    out.facts.fonts.push(name);
}

/** A DTTM (Word's packed local date and time, to the minute) as local ISO text, or null when zero or impossible. */
function dttm(value: number): string | null {
  if (value === 0) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  const year = 1900 + ((value >>> 20) & 0x1ff);
  const local = `${year}-${pad((value >>> 16) & 0x0f)}-${pad((value >>> 11) & 0x1f)}T${pad((value >>> 6) & 0x1f)}:${pad(value & 0x3f)}:00`;
  return parseIsoDate(local)?.local ?? null;
}

/** Minutes from `b` to `a`, two wall times read as if in the same zone. */
const wallMinutes = (a: string, b: string) => (Date.parse(`${a}Z`) - Date.parse(`${b}Z`)) / 60_000;

/** A UTC offset of whole quarter hours within what zones use (−12:00 to +14:00), as `+01:00`; null otherwise or for 0. */
function zoneOffset(minutes: number): string | null {
  const quarter = Math.round(minutes / 15) * 15;
  if (quarter === 0 || Math.abs(minutes - quarter) > 1 || quarter < -720 || quarter > 840) return null;
  const sign = quarter < 0 ? '-' : '+';
  const abs = Math.abs(quarter);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Word's document properties (the DOP): its own creation, save and print times in the author's LOCAL
 * time, where SummaryInformation keeps UTC. When the two differ by a zone's offset, that offset is the
 * zone the author's computer was set to at the last save (an author in Moscow shows +03:00), and
 * SummaryInformation's times are shown to be UTC: their derived offset says so.
 */
function wordDop(dop: Buffer | null, out: Extraction): void {
  if (dop === null || dop.length < 38) return;
  const created = dttm(dop.readUInt32LE(20));
  const revised = dttm(dop.readUInt32LE(24));
  const printed = dttm(dop.readUInt32LE(28));
  const group = 'WordDocument';
  addField(out.fields, group, 'DopCreated', created?.replace('T', ' '));
  addField(out.fields, group, 'DopRevised', revised?.replace('T', ' '));
  addField(out.fields, group, 'DopLastPrinted', printed?.replace('T', ' '));
  addField(out.fields, group, 'DopRevision', dop.readUInt16LE(32));
  addField(out.fields, group, 'DopEditMinutes', dop.readUInt32LE(34));
  const { facts } = out;
  const zone = (local: string | null, utc: WrittenDate | null) =>
    local && utc ? zoneOffset(wallMinutes(local, utc.local)) : null;
  const saveZone = zone(revised, facts.modified);
  if (saveZone === null) return;
  addField(out.fields, group, 'SaveZone', saveZone);
  if (facts.modified) facts.modified.derivedOffset = '+00:00';
  if (facts.created && zone(created, facts.created)) facts.created.derivedOffset = '+00:00';
  if (facts.printed && zone(printed, facts.printed)) facts.printed.derivedOffset = '+00:00';
}

/** Word's marks as text: paragraph, line and page ends as new lines, cell ends as tabs; other controls dropped. */
const WORD_MARKS: Record<string, string> = { '\r': '\n', '\v': '\n', '\f': '\n', '\x07': '\t', '\x1e': '-' };
const tidyWord = (text: string) => text.replace(/[\x00-\x08\x0b-\x1f]/g, (c) => WORD_MARKS[c] ?? '');
const FIELD_MARK = /[\x13-\x15]/g;
/** Fields nest a few levels deep; a file with more field starts than this is not read for nesting beyond it. */
const MAX_FIELD_DEPTH = 64;

/** Word's special characters: field codes (between 0x13 and 0x14) dropped, the field's result kept. */
class WordCleaner {
  /** Per open field: whether its code (not yet its result) is being read. */
  private readonly fields: boolean[] = [];
  private get inCode(): boolean {
    return this.fields.at(-1) === true;
  }
  clean(piece: string): string {
    let result = '';
    let from = 0;
    FIELD_MARK.lastIndex = 0;
    for (let mark = FIELD_MARK.exec(piece); mark !== null; mark = FIELD_MARK.exec(piece)) {
      if (!this.inCode) result += tidyWord(piece.slice(from, mark.index));
      const code = piece.charCodeAt(mark.index);
      if (code === 0x13) {
        if (this.fields.length < MAX_FIELD_DEPTH) this.fields.push(true);
      } else if (code === 0x14) {
        if (this.fields.length > 0) this.fields[this.fields.length - 1] = false;
      } else this.fields.pop();
      from = mark.index + 1;
    }
    if (!this.inCode) result += tidyWord(piece.slice(from));
    return result;
  }
}

/** A BIFF record stream's cursor across an SST and its CONTINUE records. */
class SstCursor {
  private segment = 0;
  private at = 0;
  private readonly segments: Buffer[];
  constructor(segments: Buffer[]) {
    this.segments = segments;
  }
  private current(): Buffer | undefined {
    while (this.segment < this.segments.length && this.at >= this.segments[this.segment]!.length) {
      this.segment++;
      this.at = 0;
    }
    return this.segments[this.segment];
  }
  get done(): boolean {
    return this.current() === undefined;
  }
  byte(): number {
    const block = this.current();
    if (block === undefined) throw new RangeError('sst');
    return block[this.at++]!;
  }
  u16(): number {
    return this.byte() | (this.byte() << 8);
  }
  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }
  skip(n: number): void {
    for (let left = n; left > 0; ) {
      const block = this.current();
      if (block === undefined) throw new RangeError('sst');
      const take = Math.min(left, block.length - this.at);
      this.at += take;
      left -= take;
    }
  }
  /** `count` characters; a CONTINUE record in between starts with a new width flag. */
  chars(count: number, wide: boolean): string {
    let result = '';
    let left = count;
    let isWide = wide;
    while (left > 0) {
      let block = this.segments[this.segment];
      if (block === undefined) throw new RangeError('sst');
      if (this.at >= block.length) {
        this.segment++;
        this.at = 0;
        block = this.segments[this.segment];
        if (block === undefined || block.length === 0) throw new RangeError('sst');
        isWide = (block[this.at++]! & 1) === 1;
      }
      const available = block.length - this.at;
      const take = Math.min(left, isWide ? available >> 1 : available);
      if (take === 0) throw new RangeError('sst');
      const raw = block.subarray(this.at, this.at + (isWide ? 2 * take : take));
      result += isWide ? raw.toString('utf16le') : raw.toString('latin1');
      this.at += raw.length;
      left -= take;
    }
    return result;
  }
}

/** Excel's workbook globals: sheet names (BOUNDSHEET) and, for BIFF8, the shared strings as text. */
function workbook(book: Buffer, codePage: number | null, sink: TextSink, out: Extraction): string[] {
  const sheets: string[] = [];
  let biff8 = false;
  let bookCodePage = codePage;
  for (let at = 0; at + 4 <= book.length; ) {
    const type = book.readUInt16LE(at);
    const length = book.readUInt16LE(at + 2);
    const body = book.subarray(at + 4, Math.min(book.length, at + 4 + length));
    at += 4 + length;
    if (type === 0x0809 && body.length >= 2) biff8 = body.readUInt16LE(0) === 0x0600;
    else if (type === 0x000a) break;
    else if (type === 0x002f) {
      out.problems.push(coded('extract.ole.encrypted', { stream: 'Workbook' }));
      return sheets;
    } else if (type === 0x0042 && body.length >= 2 && !biff8) bookCodePage = body.readUInt16LE(0);
    else if (type === 0x0031 && body.length >= 16) {
      const cch = body[14]!;
      addFont(
        out,
        biff8
          ? body[15]! & 1
            ? body.toString('utf16le', 16, 16 + 2 * cch)
            : body.toString('latin1', 16, 16 + cch)
          : decodeCodePage(body.subarray(15, 15 + cch), bookCodePage),
      );
    } else if (type === 0x0085 && body.length >= 8) {
      const cch = body[6]!;
      const name = biff8
        ? body[7]! & 1
          ? body.subarray(8, 8 + 2 * cch).toString('utf16le')
          : body.subarray(8, 8 + cch).toString('latin1')
        : decodeCodePage(body.subarray(7, 7 + cch), bookCodePage);
      sheets.push(name);
    } else if (type === 0x00fc && biff8) {
      const segments = [body];
      while (at + 4 <= book.length && book.readUInt16LE(at) === 0x003c) {
        const next = book.readUInt16LE(at + 2);
        segments.push(book.subarray(at + 4, Math.min(book.length, at + 4 + next)));
        at += 4 + next;
      }
      sharedStrings(segments, sink, out);
    }
  }
  return sheets;
}

function sharedStrings(segments: Buffer[], sink: TextSink, out: Extraction): void {
  const cursor = new SstCursor(segments);
  try {
    cursor.skip(8);
    while (!cursor.done && !sink.full) {
      const cch = cursor.u16();
      const flags = cursor.byte();
      const runs = flags & 0x08 ? cursor.u16() : 0;
      const ext = flags & 0x04 ? cursor.u32() : 0;
      sink.push(`${cursor.chars(cch, (flags & 1) === 1)}\n`);
      cursor.skip(4 * runs + ext);
    }
  } catch {
    out.problems.push(coded('extract.ole.text-damaged', { stream: 'Workbook' }));
  }
}

/** PowerPoint's text atoms (TextCharsAtom in UTF-16, TextBytesAtom in 8 bits), in stream order. */
function presentationText(deck: Buffer, sink: TextSink, out: Extraction): void {
  // The masters' placeholder text ("Click to edit Master title style") is the template's, not the
  // deck's: two decks from one template would read as near copies.
  let masterEnd = 0;
  // Walked to the end even when the text is full: the font list is in the records too.
  for (let at = 0; at + 8 <= deck.length; ) {
    const container = (deck.readUInt16LE(at) & 0x0f) === 0x0f;
    const type = deck.readUInt16LE(at + 2);
    const length = deck.readUInt32LE(at + 4);
    if (type === 0x2f14) {
      out.problems.push(coded('extract.ole.encrypted', { stream: 'PowerPoint Document' }));
      return;
    }
    if (container) {
      if (type === 0x03f8) masterEnd = Math.max(masterEnd, at + 8 + length);
      at += 8;
      continue;
    }
    if (at < masterEnd && (type === 0x0fa0 || type === 0x0fa8)) {
      at += 8 + length;
      continue;
    }
    if (length > deck.length - at - 8) {
      out.problems.push(coded('extract.ole.text-damaged', { stream: 'PowerPoint Document' }));
      return;
    }
    const body = deck.subarray(at + 8, at + 8 + length);
    if (type === 0x0fb7) addFont(out, body.toString('utf16le', 0, Math.min(64, body.length)));
    else if ((type === 0x0fa0 || type === 0x0fa8) && sink.full) sink.cut = true;
    else if (type === 0x0fa0) sink.push(`${body.toString('utf16le').replace(/[\r\v]/g, '\n')}\n`);
    else if (type === 0x0fa8) sink.push(`${body.toString('latin1').replace(/[\r\v]/g, '\n')}\n`);
    at += 8 + length;
  }
}

async function extract(bytes: Buffer, options: ExtractOptions): Promise<Extraction> {
  const out = emptyExtraction();
  const file = new CompoundFile(bytes, out.problems);
  const sets = (name: string) => {
    const stream = file.stream(name);
    return stream ? readPropertySets(stream, name.slice(1), out.problems) : [];
  };
  for (const section of sets('\x05SummaryInformation'))
    if (section.fmtid === FMTID_SUMMARY) readSummary(section, out);
  let parts: string[] = [];
  for (const section of sets('\x05DocumentSummaryInformation')) {
    if (section.fmtid === FMTID_DOC_SUMMARY) {
      const { headings, parts: titles } = readDocSummary(section, out);
      parts = firstHeadingParts(headings, titles);
    } else if (section.fmtid === FMTID_USER_DEFINED) readUserDefined(section, out);
  }
  const codePage = out.facts.codePage;
  const compObj = file.stream('\x01CompObj');
  if (compObj) readCompObj(compObj, codePage, out);
  const currentUser = file.stream('Current User');
  if (currentUser) readCurrentUser(currentUser, codePage, out);
  rootModified(file, out.fields);

  // An Office Open XML file saved with a password is a compound file around the encrypted zip.
  if (file.root.has('encryptedpackage'))
    out.problems.push(coded('extract.ole.encrypted', { stream: 'EncryptedPackage' }));
  const sink = new TextSink(options.maxTextChars);
  const word = file.stream('WordDocument');
  const book = file.stream('Workbook') ?? file.stream('Book');
  const deck = file.stream('PowerPoint Document');
  if (word) wordText(file, word, sink, out);
  if (book) {
    const sheets = workbook(book, codePage, sink, out);
    out.facts.sheetNames = sheets.length > 0 ? sheets : parts;
  }
  if (deck) presentationText(deck, sink, out);
  out.text = sink.result();
  out.textSource = out.text === null ? null : 'document';
  // A limit of 0 asks for metadata only: nothing was cut.
  if (sink.cut && options.maxTextChars > 0)
    out.problems.push(coded('extract.ole.text-cut', { limit: options.maxTextChars }));
  return out;
}

/** The root storage's modification time, which some writers set on every save. */
function rootModified(file: CompoundFile, fields: MetadataField[]): void {
  const modified = file.entries[0]!.modified;
  if (modified !== 0n) addField(fields, 'Compound file', 'RootModified', fileTimeDate(modified)?.written);
}

export const ole2Extractor: Extractor = {
  name: 'ole2',
  formats: ['doc', 'xls', 'ppt', 'ole'],
  extract,
};
