// PDF object syntax (ISO 32000 §7.3): a parser over the file's bytes that reads one value at a time,
// from any offset, without converting the file to a string. Nesting is bounded (MAX_DEPTH) and every
// loop advances through the buffer, so hostile input ends in a PdfSyntaxError, never a hang.
import { MAX_DEPTH } from './limits.ts';

export class Name {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

export class Ref {
  readonly num: number;
  readonly gen: number;
  constructor(num: number, gen: number) {
    this.num = num;
    this.gen = gen;
  }
}

/** A string's bytes as written (escapes and hex resolved); decoding to text is strings.ts's. */
export class PdfString {
  readonly bytes: Buffer;
  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }
}

export type Dict = Map<string, PdfValue>;

/** A stream: its dictionary and where its raw (still encoded) data lies in `source`. */
export class PdfStream {
  readonly dict: Dict;
  readonly source: Buffer;
  readonly start: number;
  readonly end: number;
  /** Set for a stream of an encrypted file: turns the raw data into the encoded data. */
  decrypt: ((raw: Buffer) => Buffer) | null = null;
  constructor(dict: Dict, source: Buffer, start: number, end: number) {
    this.dict = dict;
    this.source = source;
    this.start = start;
    this.end = end;
  }
  get raw(): Buffer {
    return this.source.subarray(this.start, this.end);
  }
}

export type PdfValue = null | boolean | number | Name | PdfString | Ref | PdfValue[] | Dict | PdfStream;

export class PdfSyntaxError extends Error {
  readonly reason: string;
  readonly at: number;
  constructor(reason: string, at: number) {
    super(`${reason} at byte ${at}`);
    this.reason = reason;
    this.at = at;
  }
}

export const isDict = (v: unknown): v is Dict => v instanceof Map;

const WS = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

export const isWhite = (c: number): boolean => WS[c] === 1;
/** A byte that ends a token (white space or a delimiter), or the end of the buffer. */
export const endsToken = (c: number | undefined): boolean => c === undefined || WS[c] === 1 || DELIM[c] === 1;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Where the literal string whose `(` is at `pos` ends (nesting and escapes followed), packed in one
 * number so the hot path allocates nothing: `close` is the offset of its `)`, `escaped` whether it
 * holds a backslash (see closeOf and isEscaped).
 */
export function literalStringEnd(buf: Buffer, pos: number): number {
  const len = buf.length;
  let depth = 1;
  let escaped = 0;
  for (let i = pos + 1; i < len; i++) {
    const c = buf[i]!;
    if (c === 0x5c) {
      escaped = 1;
      i++;
    } else if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i * 2 + escaped;
  }
  throw new PdfSyntaxError('unterminated-string', pos);
}

export const closeOf = (end: number): number => end >> 1;
export const isEscaped = (end: number): boolean => (end & 1) === 1;

/**
 * Reads a literal string whose `(` is at `pos`: the bytes and the offset after the closing `)`. A string
 * without escapes is returned as a view of `buf` (no copy: content streams are mostly such strings).
 */
export function readLiteralString(buf: Buffer, pos: number): { bytes: Buffer; next: number } {
  const packed = literalStringEnd(buf, pos);
  const end = closeOf(packed);
  const i = end + 1;
  if (!isEscaped(packed)) return { bytes: buf.subarray(pos + 1, end), next: i };
  const out = Buffer.allocUnsafe(end - pos);
  let n = 0;
  for (let k = pos + 1; k < end; ) {
    const c = buf[k++]!;
    if (c !== 0x5c) {
      out[n++] = c;
      continue;
    }
    const e = buf[k++]!;
    if (e === 0x6e) out[n++] = 0x0a;
    else if (e === 0x72) out[n++] = 0x0d;
    else if (e === 0x74) out[n++] = 0x09;
    else if (e === 0x62) out[n++] = 0x08;
    else if (e === 0x66) out[n++] = 0x0c;
    else if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let d = 0; d < 2 && k < end && buf[k]! >= 0x30 && buf[k]! <= 0x37; d++)
        v = v * 8 + buf[k++]! - 0x30;
      out[n++] = v & 0xff;
    } else if (e === 0x0d) {
      if (buf[k] === 0x0a) k++;
    } else if (e !== 0x0a) out[n++] = e;
  }
  return { bytes: out.subarray(0, n), next: i };
}

/** Reads a hex string whose `<` is at `pos`. */
export function readHexString(buf: Buffer, pos: number): { bytes: Buffer; next: number } {
  const end = buf.indexOf(0x3e, pos + 1);
  if (end < 0) throw new PdfSyntaxError('unterminated-string', pos);
  const out = Buffer.allocUnsafe((end - pos) >> 1 || 1);
  let n = 0;
  let high = -1;
  for (let i = pos + 1; i < end; i++) {
    const v = hexValue(buf[i]!);
    if (v < 0) continue;
    if (high < 0) high = v;
    else {
      out[n++] = (high << 4) | v;
      high = -1;
    }
  }
  if (high >= 0) out[n++] = high << 4;
  return { bytes: Buffer.from(out.subarray(0, n)), next: end + 1 };
}

/** Decodes a name's #xx escapes. */
function nameText(buf: Buffer, start: number, end: number): string {
  const hash = buf.indexOf(0x23, start);
  if (hash < 0 || hash >= end) return buf.toString('latin1', start, end);
  const bytes: number[] = [];
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    const hi = c === 0x23 && i + 2 < end ? hexValue(buf[i + 1]!) : -1;
    const lo = hi >= 0 ? hexValue(buf[i + 2]!) : -1;
    if (lo >= 0) {
      bytes.push((hi << 4) | lo);
      i += 2;
    } else bytes.push(c);
  }
  return Buffer.from(bytes).toString('utf8');
}

const endstreams = new WeakMap<Buffer, Int32Array>();

/**
 * The offset of the first `endstream` at or after `from`, or -1. Streams whose /Length is wrong are
 * found this way; the positions are listed once per buffer, so thousands of such streams (or bogus
 * offsets pointing into them) cost one scan of the file, not one each.
 */
export function nextEndstream(buf: Buffer, from: number): number {
  let positions = endstreams.get(buf);
  if (!positions) {
    const found: number[] = [];
    for (
      let at = buf.indexOf('endstream', 0, 'latin1');
      at >= 0;
      at = buf.indexOf('endstream', at + 9, 'latin1')
    )
      found.push(at);
    positions = Int32Array.from(found);
    endstreams.set(buf, positions);
  }
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (positions[mid]! < from) low = mid + 1;
    else high = mid;
  }
  return low < positions.length ? positions[low]! : -1;
}

/**
 * A cursor over PDF bytes. `resolveLength` gives a stream's /Length when it is an indirect object.
 */
export class Parser {
  readonly buf: Buffer;
  pos: number;
  resolveLength: ((ref: Ref) => number | null) | null = null;

  constructor(buf: Buffer, pos = 0) {
    this.buf = buf;
    this.pos = pos;
  }

  /** Skips white space and comments. */
  skipSpace(): void {
    const buf = this.buf;
    let i = this.pos;
    const len = buf.length;
    while (i < len) {
      const c = buf[i]!;
      if (WS[c] === 1) i++;
      else if (c === 0x25) {
        while (i < len && buf[i] !== 0x0a && buf[i] !== 0x0d) i++;
      } else break;
    }
    this.pos = i;
  }

  /** The regular token at the cursor (a keyword or number) without consuming it, or '' at a delimiter. */
  peekWord(): string {
    this.skipSpace();
    let i = this.pos;
    while (i < this.buf.length && !endsToken(this.buf[i])) i++;
    return this.buf.toString('latin1', this.pos, i);
  }

  readWord(): string {
    const word = this.peekWord();
    this.pos += word.length;
    return word;
  }

  /** Reads an unsigned integer at the cursor, or null (cursor unchanged) when there is none. */
  readInt(): number | null {
    this.skipSpace();
    let i = this.pos;
    let v = 0;
    while (i < this.buf.length && this.buf[i]! >= 0x30 && this.buf[i]! <= 0x39 && i - this.pos < 16)
      v = v * 10 + this.buf[i++]! - 0x30;
    if (i === this.pos || !endsToken(this.buf[i])) return null;
    this.pos = i;
    return v;
  }

  /** Reads one value; a dictionary followed by `stream` is read as a stream. */
  readValue(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) throw new PdfSyntaxError('too-deep', this.pos);
    this.skipSpace();
    const buf = this.buf;
    const at = this.pos;
    const c = buf[at];
    if (c === undefined) throw new PdfSyntaxError('truncated', at);
    if (c === 0x2f) {
      let i = at + 1;
      while (i < buf.length && !endsToken(buf[i])) i++;
      this.pos = i;
      return new Name(nameText(buf, at + 1, i));
    }
    if (c === 0x28) {
      const s = readLiteralString(buf, at);
      this.pos = s.next;
      return new PdfString(s.bytes);
    }
    if (c === 0x3c) {
      if (buf[at + 1] === 0x3c) return this.readDictOrStream(depth);
      const s = readHexString(buf, at);
      this.pos = s.next;
      return new PdfString(s.bytes);
    }
    if (c === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        const d = buf[this.pos];
        if (d === undefined) throw new PdfSyntaxError('truncated', at);
        if (d === 0x5d) {
          this.pos++;
          return items;
        }
        items.push(this.readValue(depth + 1));
      }
    }
    if (c === 0x29 || c === 0x3e || c === 0x5d || c === 0x7b || c === 0x7d) {
      this.pos++;
      throw new PdfSyntaxError('unexpected-delimiter', at);
    }
    if (c >= 0x30 && c <= 0x39) {
      // An unsigned integer (the common case: lengths, counts, references) without making a string.
      let i = at;
      let v = 0;
      while (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39 && i - at < 15)
        v = v * 10 + buf[i++]! - 0x30;
      if (endsToken(buf[i])) {
        this.pos = i;
        const save = this.pos;
        const gen = this.readInt();
        if (gen !== null) {
          this.skipSpace();
          if (buf[this.pos] === 0x52 && endsToken(buf[this.pos + 1])) {
            this.pos += 1;
            return new Ref(v, gen);
          }
        }
        this.pos = save;
        return v;
      }
    }
    const word = this.readWord();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    const num = Number(word);
    if (word === '' || !Number.isFinite(num)) {
      if (word === '') this.pos++;
      throw new PdfSyntaxError('unexpected-token', at);
    }
    if (Number.isInteger(num) && num >= 0 && /^\d+$/.test(word)) {
      // `num gen R`: look ahead without consuming unless both follow.
      const save = this.pos;
      const gen = this.readInt();
      if (gen !== null && this.peekWord() === 'R') {
        this.pos += 1;
        return new Ref(num, gen);
      }
      this.pos = save;
    }
    return num;
  }

  private readDictOrStream(depth: number): Dict | PdfStream {
    const buf = this.buf;
    const at = this.pos;
    this.pos += 2;
    const dict: Dict = new Map();
    for (;;) {
      this.skipSpace();
      const c = buf[this.pos];
      if (c === undefined) throw new PdfSyntaxError('truncated', at);
      if (c === 0x3e && buf[this.pos + 1] === 0x3e) {
        this.pos += 2;
        break;
      }
      const key = this.readValue(depth + 1);
      if (!(key instanceof Name)) continue;
      this.skipSpace();
      if (buf[this.pos] === 0x3e && buf[this.pos + 1] === 0x3e) {
        dict.set(key.name, null);
        continue;
      }
      dict.set(key.name, this.readValue(depth + 1));
    }
    const save = this.pos;
    if (this.peekWord() !== 'stream') {
      this.pos = save;
      return dict;
    }
    this.pos += 6;
    if (buf[this.pos] === 0x0d) this.pos++;
    if (buf[this.pos] === 0x0a) this.pos++;
    const start = this.pos;
    const end = this.streamEnd(dict, start);
    this.pos = end;
    const after = buf.indexOf('endstream', end, 'latin1');
    if (after >= 0 && after - end < 64) this.pos = after + 9;
    return new PdfStream(dict, buf, start, end);
  }

  /** Where a stream's data ends: its /Length when `endstream` follows there, else the next `endstream`. */
  private streamEnd(dict: Dict, start: number): number {
    const buf = this.buf;
    let length = dict.get('Length');
    if (length instanceof Ref) length = this.resolveLength?.(length) ?? null;
    if (
      typeof length === 'number' &&
      Number.isInteger(length) &&
      length >= 0 &&
      start + length <= buf.length
    ) {
      let i = start + length;
      while (i < buf.length && WS[buf[i]!] === 1 && i - start - length < 8) i++;
      if (buf.toString('latin1', i, i + 9) === 'endstream') return start + length;
    }
    const found = nextEndstream(buf, start);
    if (found < 0) throw new PdfSyntaxError('unterminated-stream', start);
    let end = found;
    if (buf[end - 1] === 0x0a) end--;
    if (buf[end - 1] === 0x0d) end--;
    return Math.max(start, end);
  }

  /** Reads `num gen obj <value>` at the cursor. */
  readIndirect(): { num: number; gen: number; value: PdfValue } {
    const at = this.pos;
    const num = this.readInt();
    const gen = num === null ? null : this.readInt();
    if (num === null || gen === null || this.readWord() !== 'obj')
      throw new PdfSyntaxError('not-an-object', at);
    return { num, gen, value: this.readValue() };
  }
}
