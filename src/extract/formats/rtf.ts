// RTF: the {\info} group (title, author, operator, company, the \creatim/\revtim/\printim dates,
// \version, \edmins, counts), the {\*\userprops} custom properties, the code page (\ansicpg, font
// charsets), the declared languages (\lang, \deflang…: Windows language ids), the font table and the
// text. One pass over the bytes: control words are read, destinations that hold no text (font and
// colour tables, pictures, field instructions, any unknown \* destination) are left out, \'hh bytes
// are decoded in the code page in force, \uN takes the place of its \ucN fallback characters. Group
// nesting is bounded; what lies deeper than the bound is counted, not read.
import { coded } from '../../report/catalogue.ts';
import { parseIsoDate } from '../dates.ts';
import { addField, emptyExtraction, splitAuthors } from '../facts.ts';
import type { Extraction, ExtractOptions, Extractor, WrittenDate } from '../types.ts';
import { decodeCodePage, lcidTag } from './ole-properties.ts';

/** Deeper than any editor nests (Word stays far below); a hostile file's millions of braces stop here. */
const MAX_DEPTH = 512;
/** Revision-save ids kept (Word adds one per editing session). */
const MAX_RSIDS = 10_000;
/** Fonts kept from the font table (a document uses a few dozen). */
const MAX_FONTS = 1000;
/** Characters kept of one info or user property value. */
const MAX_VALUE_CHARS = 65_536;

const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** Bytes and characters of one destination, decoded in the code page each byte came in. */
class Collector {
  private readonly parts: string[] = [];
  /** Bytes not decoded yet, all in `pendingCodePage`: decoded together, so a \'hh pair of a double-byte code page stays whole. */
  private pending: Buffer = Buffer.allocUnsafe(256);
  private pendingLength = 0;
  private pendingCodePage = 1252;
  private size = 0;
  private readonly limit: number;
  cut = false;

  constructor(limit: number) {
    this.limit = limit;
  }

  private room(n: number): number {
    const left = this.limit - this.size;
    if (n > left) this.cut = true;
    return Math.max(0, Math.min(n, left));
  }

  bytes(source: Buffer, start: number, end: number, codePage: number): void {
    const n = this.room(end - start);
    if (n === 0) return;
    if (this.pendingLength > 0 && codePage !== this.pendingCodePage) this.flush();
    this.pendingCodePage = codePage;
    if (this.pendingLength + n > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.pending.length, this.pendingLength + n));
      this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    source.copy(this.pending, this.pendingLength, start, start + n);
    this.pendingLength += n;
    this.size += n;
  }

  /** One character; ASCII joins the pending bytes (every code page read here keeps ASCII as is). */
  char(code: number): void {
    if (
      code < 0x80 &&
      this.pendingLength > 0 &&
      this.pendingLength < this.pending.length &&
      this.room(1) === 1
    ) {
      this.pending[this.pendingLength++] = code;
      this.size++;
    } else this.chars(String.fromCharCode(code));
  }

  chars(text: string): void {
    const n = this.room(text.length);
    if (n === 0) return;
    this.flush();
    this.parts.push(n < text.length ? text.slice(0, n) : text);
    this.size += n;
  }

  private flush(): void {
    if (this.pendingLength === 0) return;
    this.parts.push(decodeCodePage(this.pending.subarray(0, this.pendingLength), this.pendingCodePage));
    this.pendingLength = 0;
  }

  value(): string {
    this.flush();
    return this.parts.join('');
  }
}

type DateParts = Partial<Record<'yr' | 'mo' | 'dy' | 'hr' | 'min' | 'sec', number>>;

interface Group {
  /** Where this group's characters go: the text, an info or user property, the font table, or nowhere. */
  dest: 'text' | 'skip' | 'info' | 'value' | 'date' | 'userprops' | 'fonttbl' | 'font';
  collector: Collector | null;
  /** The info field, date or user-property part this group holds. */
  name: string;
  date: DateParts | null;
  uc: number;
  /** The font in force (\fN), whose charset can set the code page of \'hh bytes; -1: the default font. */
  font: number;
}

/** Destinations whose characters are not text of the document. */
const SKIPPED = new Set([
  'colortbl',
  'stylesheet',
  'listtable',
  'listoverridetable',
  'revtbl',
  'rsidtbl',
  'pict',
  'shppict',
  'nonshppict',
  'object',
  'objdata',
  'fldinst',
  'bkmkstart',
  'bkmkend',
  'xmlnstbl',
  'datastore',
  'themedata',
  'colorschememapping',
  'latentstyles',
  'pnseclvl',
  'pntext',
  'pntxta',
  'pntxtb',
  'listtext',
  'filetbl',
  'mmathPr',
  'sp',
  'sn',
  'sv',
  'do',
  'upr',
  'xe',
  'tc',
  'txe',
  'docvar',
  'pgdsctbl',
  'protusertbl',
  'wgrffmtfilter',
  'fchars',
  'lchars',
  'panose',
  'falt',
  'fontemb',
  'fontfile',
]);

const INFO_TEXT = new Set([
  'title',
  'subject',
  'author',
  'operator',
  'manager',
  'company',
  'category',
  'keywords',
  'comment',
  'doccomm',
  'hlinkbase',
  'copyright',
]);
const INFO_DATES = new Set(['creatim', 'revtim', 'printim', 'buptim']);
const INFO_NUMBERS = new Set([
  'version',
  'vern',
  'edmins',
  'nofpages',
  'nofwords',
  'nofchars',
  'nofcharsws',
  'id',
]);
const LANGUAGE_WORDS = new Set(['lang', 'langfe', 'deflang', 'deflangfe', 'langnp', 'langfenp']);

const TEXT_WORDS: Record<string, number> = {
  par: 0x0a,
  line: 0x0a,
  sect: 0x0a,
  page: 0x0a,
  row: 0x0a,
  tab: 0x09,
  cell: 0x09,
  emdash: 0x2014,
  endash: 0x2013,
  bullet: 0x2022,
  lquote: 0x2018,
  rquote: 0x2019,
  ldblquote: 0x201c,
  rdblquote: 0x201d,
  emspace: 0x2003,
  enspace: 0x2002,
  qmspace: 0x2005,
};

/** Windows font charsets (\fcharsetN) and the code page their bytes are in. */
const CHARSET_CODE_PAGES: Record<number, number> = {
  77: 10000,
  128: 932,
  129: 949,
  134: 936,
  136: 950,
  161: 1253,
  162: 1254,
  163: 1258,
  177: 1255,
  178: 1256,
  186: 1257,
  204: 1251,
  222: 874,
  238: 1250,
};

/** Every byte value once, so a \\'hh byte is copied from here instead of allocated. */
const HEX_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Every control word the reader acts on: the others (formatting) are passed over at once. */
const ACTED_ON = new Set([
  ...SKIPPED,
  ...INFO_TEXT,
  ...INFO_DATES,
  ...INFO_NUMBERS,
  ...LANGUAGE_WORDS,
  ...Object.keys(TEXT_WORDS),
  ...['u', 'uc', 'info', 'userprops', 'propname', 'staticval', 'generator', 'template', 'fonttbl', 'f'],
  ...[
    'yr',
    'mo',
    'dy',
    'hr',
    'min',
    'sec',
    'ansicpg',
    'mac',
    'deff',
    'fcharset',
    'plain',
    'rsid',
    'rsidroot',
  ],
]);

const wordHash = (hash: number, byte: number) => (Math.imul(hash, 31) + byte) | 0;
const ACTED_BY_HASH = new Map(
  [...ACTED_ON, 'bin'].map((word) => [[...word].reduce((h, c) => wordHash(h, c.charCodeAt(0)), 0), word]),
);
if (ACTED_BY_HASH.size !== ACTED_ON.size + 1) throw new Error('rtf: two control words share a hash');

function sameWord(b: Buffer, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

const isLetter = (b: number) => (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a);
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const hexValue = (b: number) =>
  isDigit(b) ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1;

class RtfReader {
  private readonly bytes: Buffer;
  private readonly out: Extraction;
  private readonly stack: Group[] = [];
  private group: Group;
  /** Groups opened past MAX_DEPTH and not yet closed: read as nothing. */
  private overflow = 0;
  private skip = 0;
  private codePage = 1252;
  private defaultFont = -1;
  private readonly maxTextChars: number;
  private readonly fontCodePages = new Map<number, number>();
  private readonly fontNames = new Set<string>();
  private fontEntry = -1;
  private fontCharset: number | null = null;
  private readonly languages = new Set<number>();
  /** Word's revision-save ids (\\rsidtbl, \\rsidroot), written as OOXML writes them (`00693A70`). */
  readonly rsids = new Set<string>();
  rsidRoot: string | null = null;
  private userPropName: string | null = null;
  readonly text: Collector;
  readonly info = new Map<string, string>();
  readonly dates = new Map<string, DateParts>();
  readonly custom: Array<[string, string]> = [];
  readonly header = new Map<string, string>();

  constructor(bytes: Buffer, out: Extraction, maxTextChars: number) {
    this.bytes = bytes;
    this.out = out;
    this.maxTextChars = maxTextChars;
    this.text = new Collector(maxTextChars);
    this.group = { dest: 'text', collector: this.text, name: '', date: null, uc: 1, font: -1 };
  }

  read(): void {
    const b = this.bytes;
    let at = 0;
    while (at < b.length) {
      const byte = b[at]!;
      if (byte === OPEN) {
        this.open();
        at++;
      } else if (byte === CLOSE) {
        this.close();
        at++;
      } else if (byte === BACKSLASH) at = this.control(at + 1);
      else if (byte === 0x0d || byte === 0x0a) at++;
      else {
        let end = at + 1;
        while (end < b.length) {
          const c = b[end]!;
          if (c === OPEN || c === CLOSE || c === BACKSLASH || c === 0x0d || c === 0x0a) break;
          end++;
        }
        this.run(at, end);
        at = end;
      }
    }
    const open = this.stack.length + this.overflow;
    if (open > 0) this.out.problems.push(coded('extract.rtf.unclosed', { open }));
    // A limit of 0 asks for metadata only: nothing was cut.
    if (this.text.cut && this.maxTextChars > 0)
      this.out.problems.push(coded('extract.rtf.text-cut', { limit: this.maxTextChars }));
  }

  private open(): void {
    this.skip = 0;
    if (this.overflow > 0 || this.stack.length >= MAX_DEPTH) {
      if (this.overflow++ === 0) this.out.problems.push(coded('extract.rtf.too-deep', { limit: MAX_DEPTH }));
      return;
    }
    this.stack.push(this.group);
    this.group = { ...this.group };
  }

  private close(): void {
    this.skip = 0;
    if (this.overflow > 0) {
      this.overflow--;
      return;
    }
    const closing = this.group;
    const parent = this.stack.pop();
    if (parent === undefined) return;
    this.group = parent;
    this.finish(closing, parent);
  }

  /** What a destination leaves behind when its group closes. */
  private finish(closing: Group, parent: Group): void {
    if (closing.dest === 'date' && closing.date && closing.date !== parent.date)
      this.dates.set(closing.name, closing.date);
    if (closing.collector === parent.collector) return;
    if (closing.dest === 'value' && closing.collector) {
      const value = closing.collector.value();
      if (closing.name === 'propname') this.userPropName = value.trim();
      else if (closing.name === 'staticval') {
        if (this.userPropName) this.custom.push([this.userPropName, value.trim()]);
        this.userPropName = null;
      } else if (closing.name === 'generator')
        this.header.set('generator', value.replace(/;\s*$/, '').trim());
      else if (closing.name === 'template') this.header.set('template', value.trim());
      else if (!this.info.has(closing.name)) this.info.set(closing.name, value);
    } else if (closing.dest === 'font') this.endFont(closing);
  }

  private endFont(closing: Group): void {
    if (this.fontEntry >= 0 && this.fontCharset !== null) {
      const page = CHARSET_CODE_PAGES[this.fontCharset];
      if (page !== undefined) this.fontCodePages.set(this.fontEntry, page);
    }
    const name = closing.collector?.value().replace(/;.*$/s, '').trim();
    if (name && this.fontNames.size < MAX_FONTS) this.fontNames.add(name);
    this.fontEntry = -1;
    this.fontCharset = null;
  }

  private currentCodePage(): number {
    const font = this.group.font === -1 ? this.defaultFont : this.group.font;
    return this.fontCodePages.get(font) ?? this.codePage;
  }

  /** Plain bytes of the current destination, less the fallback characters a \u still skips. */
  private run(start: number, end: number): void {
    let from = start;
    if (this.skip > 0) {
      const dropped = Math.min(this.skip, end - from);
      this.skip -= dropped;
      from += dropped;
    }
    if (from < end && this.overflow === 0)
      this.group.collector?.bytes(this.bytes, from, end, this.currentCodePage());
  }

  /** A control word or symbol after its backslash at `at`; returns where reading goes on. */
  private control(at: number): number {
    const b = this.bytes;
    if (at >= b.length) return at;
    const first = b[at]!;
    if (!isLetter(first)) return this.symbol(first, at);
    let end = at;
    let hash = 0;
    while (end < b.length && end - at < 32 && isLetter(b[end]!)) hash = wordHash(hash, b[end++]!);
    let param: number | null = null;
    let next = end;
    const negative = b[next] === 0x2d;
    if (negative) next++;
    const digits = next;
    let value = 0;
    while (next < b.length && next - digits < 10 && isDigit(b[next]!)) value = value * 10 + b[next++]! - 0x30;
    if (next > digits) param = negative ? -value : value;
    else next = end;
    if (b[next] === 0x20) next++;
    // Words are named without making a string for each: most are formatting the reader passes over.
    const known = ACTED_BY_HASH.get(hash);
    const word =
      known !== undefined && sameWord(b, at, end, known)
        ? known
        : this.pendingIgnorable
          ? b.toString('latin1', at, end)
          : null;
    if (word === 'bin' && param !== null && param > 0) return Math.min(b.length, next + param);
    if (this.overflow === 0) this.word(word, param);
    return next;
  }

  private symbol(first: number, at: number): number {
    const b = this.bytes;
    if (first === 0x27) {
      const hi = hexValue(b[at + 1] ?? -1);
      const lo = hexValue(b[at + 2] ?? -1);
      if (hi < 0 || lo < 0) return at + 1;
      if (this.skip > 0) this.skip--;
      else if (this.overflow === 0)
        this.group.collector?.bytes(HEX_BYTES, hi * 16 + lo, hi * 16 + lo + 1, this.currentCodePage());
      return at + 3;
    }
    if (this.overflow > 0) return at + 1;
    if (this.skip > 0) {
      this.skip--;
      return at + 1;
    }
    const collector = this.group.collector;
    if (first === 0x2a) this.pendingIgnorable = true;
    else if (first === BACKSLASH || first === OPEN || first === CLOSE)
      collector?.chars(String.fromCharCode(first));
    else if (first === 0x7e) collector?.chars('\u00a0');
    else if (first === 0x5f) collector?.chars('\u2011');
    else if (first === 0x0a || first === 0x0d) collector?.chars('\n');
    return at + 1;
  }

  /** Set by \*: the next control word starts a destination, to be left out when not known. */
  private pendingIgnorable = false;

  /** A control word (null: one the reader does nothing with, outside a \\* destination). */
  private word(word: string | null, param: number | null): void {
    const ignorable = this.pendingIgnorable;
    this.pendingIgnorable = false;
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    if (word === null) return;
    const g = this.group;
    if (word === 'u' && param !== null) {
      g.collector?.chars(String.fromCharCode(param < 0 ? param + 65536 : param));
      this.skip = g.uc;
      return;
    }
    if (word === 'uc' && param !== null) {
      g.uc = Math.max(0, Math.min(param, 16));
      return;
    }
    if (this.destination(word, ignorable)) return;
    if (g.dest === 'date' && g.date && param !== null) {
      if (
        word === 'yr' ||
        word === 'mo' ||
        word === 'dy' ||
        word === 'hr' ||
        word === 'min' ||
        word === 'sec'
      )
        g.date[word] = param;
      return;
    }
    if (LANGUAGE_WORDS.has(word) && param !== null) {
      if (param > 0 && param !== 1024) this.languages.add(param);
      if (word === 'deflang' || word === 'deflangfe') this.header.set(word, String(param));
      return;
    }
    if ((word === 'rsid' || word === 'rsidroot') && param !== null && param >= 0) {
      const rsid = param.toString(16).toUpperCase().padStart(8, '0');
      if (word === 'rsidroot') this.rsidRoot = rsid;
      else if (this.rsids.size < MAX_RSIDS) this.rsids.add(rsid);
      return;
    }
    if (word === 'ansicpg' && param !== null && param > 0) {
      this.codePage = param;
      this.header.set('ansicpg', String(param));
    } else if (word === 'mac') this.codePage = 10000;
    else if (word === 'deff' && param !== null) this.defaultFont = param;
    else if (word === 'f' && param !== null) {
      if (g.dest === 'font' || g.dest === 'fonttbl') this.fontEntry = param;
      else g.font = param;
    } else if (word === 'fcharset' && param !== null) this.fontCharset = param;
    else if (g.dest === 'info' && INFO_NUMBERS.has(word) && param !== null)
      this.info.set(word, String(param));
    else if (g.collector && word in TEXT_WORDS) g.collector.char(TEXT_WORDS[word]!);
    else if (word === 'plain') g.font = -1;
  }

  /** Whether `word` starts a destination, switching the group to it. */
  private destination(word: string, ignorable: boolean): boolean {
    const g = this.group;
    if (g.dest === 'skip') return SKIPPED.has(word);
    const value = (name: string) => {
      g.dest = 'value';
      g.name = name;
      g.collector = new Collector(MAX_VALUE_CHARS);
      return true;
    };
    if (word === 'info') {
      g.dest = 'info';
      g.collector = null;
      return true;
    }
    if (g.dest === 'info' && INFO_TEXT.has(word)) return value(word);
    if (g.dest === 'info' && INFO_DATES.has(word)) {
      g.dest = 'date';
      g.name = word;
      g.date = {};
      g.collector = null;
      return true;
    }
    if (word === 'userprops') {
      g.dest = 'userprops';
      g.collector = null;
      return true;
    }
    if (g.dest === 'userprops' && (word === 'propname' || word === 'staticval')) return value(word);
    if (word === 'generator' || word === 'template') return value(word);
    if (word === 'fonttbl') {
      g.dest = 'fonttbl';
      g.collector = null;
      return true;
    }
    if ((g.dest === 'fonttbl' || g.dest === 'font') && word === 'f') {
      // A font entry: its name is its text, up to the ';' (Cocoa lists several in one group).
      if (g.dest === 'font') this.endFont(g);
      g.dest = 'font';
      g.collector = new Collector(256);
      return false;
    }
    if (SKIPPED.has(word) || (ignorable && g.dest !== 'info' && g.dest !== 'userprops')) {
      g.dest = 'skip';
      g.collector = null;
      return true;
    }
    if (ignorable) {
      // An unknown \* destination inside the info group: another property as text (\*\company…).
      return value(word);
    }
    return false;
  }

  fonts(): string[] {
    return [...this.fontNames];
  }

  languageIds(): number[] {
    return [...this.languages];
  }
}

function rtfDate(
  field: string,
  parts: DateParts,
  out: Extraction,
): { shown: string; date: WrittenDate | null } {
  const pad = (n: number | undefined, width = 2) => String(n ?? 0).padStart(width, '0');
  const written = Object.entries(parts)
    .map(([k, v]) => `\\${k}${v}`)
    .join('');
  const local = `${pad(parts.yr, 4)}-${pad(parts.mo ?? 1)}-${pad(parts.dy ?? 1)}T${pad(parts.hr)}:${pad(parts.min)}:${pad(parts.sec)}`;
  const parsed = parts.yr ? parseIsoDate(local) : null;
  if (parsed === null) {
    out.problems.push(coded('extract.rtf.bad-date', { field, value: written }));
    return { shown: written, date: null };
  }
  // Written as a person reads it (the control words are in the problem when the date is not one).
  const shown = local.replace('T', ' ');
  return { shown, date: { ...parsed, written: shown } };
}

async function extract(bytes: Buffer, options: ExtractOptions): Promise<Extraction> {
  if (!bytes.subarray(0, 5).equals(Buffer.from('{\\rtf'))) throw new Error('extract.rtf.not-rtf');
  const out = emptyExtraction();
  const reader = new RtfReader(bytes, out, options.maxTextChars);
  reader.read();
  const { facts, fields } = out;
  const info = (name: string) => {
    const value = reader.info.get(name)?.trim();
    return value ? value : null;
  };
  for (const [name, value] of reader.header) addField(fields, 'RTF header', name, value);
  for (const [name, value] of reader.info) addField(fields, 'RTF info', name, value);
  const dates: Record<string, WrittenDate | null> = {};
  for (const [name, parts] of reader.dates) {
    const { shown, date } = rtfDate(name, parts, out);
    addField(fields, 'RTF info', name, shown);
    dates[name] = date;
  }
  for (const [name, value] of reader.custom) {
    facts.custom[name] = value;
    addField(fields, 'RTF user properties', name, value);
  }
  facts.title = info('title');
  facts.subject = info('subject');
  facts.authors = splitAuthors(info('author'));
  facts.lastModifiedBy = info('operator');
  facts.company = info('company');
  facts.manager = info('manager');
  facts.revision = info('version');
  const edmins = info('edmins');
  facts.editMinutes = edmins === null ? null : Number(edmins);
  facts.created = dates.creatim ?? null;
  facts.modified = dates.revtim ?? null;
  facts.printed = dates.printim ?? null;
  facts.application = reader.header.get('generator') || null;
  facts.template = reader.header.get('template') || null;
  const ansicpg = reader.header.get('ansicpg');
  facts.codePage = ansicpg === undefined ? null : Number(ansicpg);
  facts.fonts = reader.fonts();
  const root = reader.rsidRoot;
  facts.rsids = root ? [root, ...[...reader.rsids].filter((r) => r !== root)] : [...reader.rsids];
  addField(fields, 'RTF header', 'rsidroot', root);
  const ids = reader.languageIds();
  facts.languages = [...new Set(ids.flatMap((id) => lcidTag(id) ?? []))];
  addField(fields, 'RTF header', 'languages', ids.map((id) => `${lcidTag(id) ?? '?'} (${id})`).join(', '));
  out.text = reader.text.value().trim() || null;
  out.textSource = out.text === null ? null : 'document';
  return out;
}

export const rtfExtractor: Extractor = { name: 'rtf', formats: ['rtf'], extract };
