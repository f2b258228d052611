// mbox (mboxo and mboxrd): one member per message, never rewriting a byte.
//
// Separator rule (a "From line" is a line starting with the five bytes `From `):
//  1. The first From line of the file is a separator when nothing but a UTF-8 BOM and blank
//     lines precede it, whatever follows `From `.
//  2. Any later From line is a separator only if it looks like an envelope line:
//     `From <sender> <date>`, where the date part contains a time (`12:34`) and a 4-digit year,
//     and the line is at most 1000 bytes long; and either
//       a. the line before it is blank (the classic rule), or
//       b. (tolerance for writers that forget the blank line) the line after it looks like a
//          header field (`Name:`).
//     A body line `From here on…` is thus never a separator, even in an unescaped mboxo.
//  Lines end at LF; a CR before the LF belongs to the terminator (CRLF mboxes work unchanged).
//
// A member is the bytes after its separator line up to the start of the next separator line (or
// the end of the file), minus one line terminator when the member ends with a blank line: that
// blank line is the one the mbox writer added before the next From line. With no blank line,
// nothing is removed, so the member is exactly the message as it was appended. byteStart/byteEnd
// give that exact range in the container. Members are named by their 1-based ordinal ("1", "2"…).
//
// Data before the first separator (other than a BOM and blank lines) is not dropped: it becomes
// an entry named `preamble` with isMessage false (the pipeline identifies it like any loose file).
//
// Escaped lines are left as stored and recorded as a transformation on the member:
//  - `mboxrd-unescape`: the member has a `>>From ` line (two or more `>`), which only mboxrd
//    produces by escaping; reading removes one `>` from every line matching /^>+From /.
//  - `mbox-unescape`: the member has `>From ` lines only, which is ambiguous (mboxo escaping, or
//    a quoted `>From ` an mboxo writer left alone); reading removes the `>` from lines matching
//    /^>From / (same result as mboxrd rules on such a member).
// `unescapeMbox` applies either to produce the readable message for the parser.

import { open } from 'node:fs/promises';
import { coded } from '../../report/catalogue.ts';
import type { ContainerEvent, ContainerInput, ContainerModule } from '../format.ts';
import type { Limits } from '../limits.ts';

export const MBOX_RD_UNESCAPE = 'mboxrd-unescape';
export const MBOX_UNESCAPE = 'mbox-unescape';
export const MBOX_PREAMBLE_NAME = 'preamble';

/** Bytes read from a file at a time. Exported for tests. */
export const MBOX_CHUNK_BYTES = 1024 * 1024;
/** Longest line that can be an envelope line; longer lines are always content. */
const MAX_ENVELOPE_LINE = 1000;

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const FROM_ = Buffer.from('From ', 'latin1');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const ENVELOPE = /^From +\S+ +(.*)$/;
const HEADER_FIELD = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

/** `From <sender> <date>`: the date has a time and a four-digit year. Takes the line without terminator. */
export function isEnvelopeLine(line: Buffer): boolean {
  if (line.length > MAX_ENVELOPE_LINE) return false;
  const m = ENVELOPE.exec(line.toString('latin1').replace(/\r$/, ''));
  if (!m) return false;
  const rest = m[1] ?? '';
  return /\d{1,2}:\d{2}/.test(rest) && /(^|\D)\d{4}(\D|$)/.test(rest);
}

function startsWithFrom(buf: Buffer, at: number, end: number): boolean {
  if (end - at < 5) return false;
  for (let i = 0; i < 5; i++) if (buf[at + i] !== FROM_[i]) return false;
  return true;
}

/** Counts the `>` of a `>…>From ` line starting at `at`, or 0. */
function escapeDepth(buf: Buffer, at: number, end: number): number {
  let i = at;
  while (i < end && buf[i] === GT) i++;
  const depth = i - at;
  if (depth === 0 || !startsWithFrom(buf, i, end)) return 0;
  return depth;
}

/** A message as an mboxrd member: one more `>` before every `From ` and `>…>From ` line (what `mboxrd-unescape` undoes). */
export function escapeMboxrd(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let copied = 0;
  for (let lineStart = 0; lineStart < bytes.length; ) {
    if (startsWithFrom(bytes, lineStart, bytes.length) || escapeDepth(bytes, lineStart, bytes.length) > 0) {
      parts.push(bytes.subarray(copied, lineStart), ESCAPE);
      copied = lineStart;
    }
    const nl = bytes.indexOf(LF, lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  if (parts.length === 0) return bytes;
  parts.push(bytes.subarray(copied));
  return Buffer.concat(parts);
}
const ESCAPE = Buffer.from('>');

/** Produces the readable message from a member's stored bytes, given one of its transformations. */
export function unescapeMbox(bytes: Buffer, transformation: string): Buffer {
  if (transformation !== MBOX_RD_UNESCAPE && transformation !== MBOX_UNESCAPE) {
    throw new Error(`unknown mbox transformation: ${transformation}`);
  }
  const parts: Buffer[] = [];
  let copied = 0;
  let lineStart = 0;
  while (lineStart < bytes.length) {
    const depth = escapeDepth(bytes, lineStart, bytes.length);
    if (depth === 1 || (depth > 1 && transformation === MBOX_RD_UNESCAPE)) {
      parts.push(bytes.subarray(copied, lineStart));
      copied = lineStart + 1; // drop one '>'
    }
    const nl = bytes.indexOf(LF, lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  if (parts.length === 0) return Buffer.from(bytes);
  parts.push(bytes.subarray(copied));
  return Buffer.concat(parts);
}

/**
 * Incremental splitter: fed the container in order, chunk by chunk, it returns the events for the
 * members it could close. Holds at most the current member (up to maxEntryBytes) plus two lines.
 */
export class MboxSplitter {
  private readonly maxEntryBytes: number;
  /** Unprocessed bytes (a partial line, or a From line waiting for the line after it). */
  private carry: Buffer = Buffer.alloc(0);
  /** Absolute offset of carry[0]. */
  private carryStart = 0;
  /** Inside a line already accounted as content (a long line split across chunks). */
  private midLine = false;
  /** Current member: start offset, collected bytes (null once over the limit), collected length. */
  private memberStart = 0;
  private parts: Buffer[] | null = [];
  /** Contiguous bytes of the current chunk not yet pushed to parts (fewer, larger parts). */
  private run: { data: Buffer; start: number; end: number } | null = null;
  private collected = 0;
  private inPreamble = true;
  /** True while the preamble holds only a BOM and blank lines. */
  private preambleTrivial = true;
  private lastLineBlank = false;
  private lastTerminatorLength = 0;
  private escSingle = false;
  private escMulti = false;
  private ordinal = 0;

  constructor(maxEntryBytes: number) {
    this.maxEntryBytes = maxEntryBytes;
  }

  push(chunk: Buffer): ContainerEvent[] {
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    return this.process(data, false);
  }

  end(): ContainerEvent[] {
    const events = this.process(this.carry, true);
    const last = this.closeMember(this.carryStart + this.carry.length);
    if (last) events.push(last);
    this.carry = Buffer.alloc(0);
    return events;
  }

  private process(data: Buffer, eof: boolean): ContainerEvent[] {
    const events: ContainerEvent[] = [];
    const base = this.carryStart;
    let p = 0;
    while (p < data.length) {
      const nl = data.indexOf(LF, p);
      if (this.midLine) {
        const end = nl < 0 ? data.length : nl + 1;
        this.append(data, p, end);
        if (nl >= 0) {
          this.midLine = false;
          this.lastLineBlank = false;
        }
        p = end;
        continue;
      }
      if (nl < 0 && !eof) {
        // A partial line: decide now only when it is too long to be an envelope line.
        if (data.length - p > MAX_ENVELOPE_LINE + 16) {
          this.contentLine(data, p, data.length);
          this.midLine = true;
          p = data.length;
        }
        break;
      }
      const lineEnd = nl < 0 ? data.length : nl + 1;
      let contentEnd = nl < 0 ? data.length : nl;
      if (contentEnd > p && data[contentEnd - 1] === CR && nl >= 0) contentEnd--;
      const isSeparator = this.isSeparator(data, p, contentEnd, lineEnd, eof);
      if (isSeparator === null) break; // need the next line
      if (isSeparator) {
        const closed = this.closeMember(base + p);
        if (closed) events.push(closed);
        this.memberStart = base + lineEnd;
        this.inPreamble = false;
      } else {
        this.contentLine(data, p, lineEnd);
        this.lastLineBlank = contentEnd === p;
        this.lastTerminatorLength = lineEnd - contentEnd;
      }
      p = lineEnd;
    }
    this.flushRun();
    this.carry = Buffer.from(data.subarray(p));
    this.carryStart = base + p;
    return events;
  }

  /** true/false, or null when the answer needs bytes not read yet. */
  private isSeparator(
    data: Buffer,
    p: number,
    contentEnd: number,
    lineEnd: number,
    eof: boolean,
  ): boolean | null {
    if (!startsWithFrom(data, p, contentEnd)) return false;
    if (this.inPreamble && this.preambleTrivial) return true;
    if (!isEnvelopeLine(data.subarray(p, contentEnd))) return false;
    if (this.lastLineBlank) return true;
    // No blank line before: require the next line to look like a header field.
    const nextNl = data.indexOf(LF, lineEnd);
    if (nextNl < 0 && !eof && data.length - lineEnd < MAX_ENVELOPE_LINE) return null;
    const nextEnd = nextNl < 0 ? data.length : nextNl;
    return HEADER_FIELD.test(
      data.subarray(lineEnd, Math.min(nextEnd, lineEnd + MAX_ENVELOPE_LINE)).toString('latin1'),
    );
  }

  private contentLine(data: Buffer, start: number, end: number): void {
    if (this.inPreamble && this.preambleTrivial) {
      let s = start;
      if (this.collected === 0 && data.subarray(s, s + 3).equals(BOM)) s += 3;
      for (let i = s; i < end; i++) {
        if (data[i] !== LF && data[i] !== CR) {
          this.preambleTrivial = false;
          break;
        }
      }
    }
    const depth = escapeDepth(data, start, end);
    if (depth === 1) this.escSingle = true;
    else if (depth > 1) this.escMulti = true;
    this.append(data, start, end);
  }

  /** Adds data[start, end) to the member, extending the current run when contiguous. */
  private append(data: Buffer, start: number, end: number): void {
    this.collected += end - start;
    if (this.parts === null) return;
    // +2: the trailing blank-line terminator removed at close may bring it back under the limit.
    if (this.collected > this.maxEntryBytes + 2) {
      this.parts = null;
      this.run = null;
      return;
    }
    if (this.run !== null && this.run.data === data && this.run.end === start) {
      this.run.end = end;
      return;
    }
    this.flushRun();
    this.run = { data, start, end };
  }

  private flushRun(): void {
    if (this.run !== null && this.parts !== null) {
      this.parts.push(this.run.data.subarray(this.run.start, this.run.end));
    }
    this.run = null;
  }

  /** Ends the current member where the next separator (or the file) starts. */
  private closeMember(separatorStart: number): ContainerEvent | null {
    const start = this.memberStart;
    let end = separatorStart;
    if (this.lastLineBlank && end - start >= this.lastTerminatorLength) end -= this.lastTerminatorLength;
    const length = end - start;
    this.flushRun();
    const parts = this.parts;
    const wasPreamble = this.inPreamble;
    const trivial = this.preambleTrivial;
    const transformations = this.escMulti ? [MBOX_RD_UNESCAPE] : this.escSingle ? [MBOX_UNESCAPE] : [];
    this.parts = [];
    this.collected = 0;
    this.lastLineBlank = false;
    this.lastTerminatorLength = 0;
    this.escSingle = false;
    this.escMulti = false;
    this.midLine = false;

    if (wasPreamble && (trivial || length === 0)) return null;
    const path = wasPreamble ? MBOX_PREAMBLE_NAME : String(++this.ordinal);
    if (parts === null || length > this.maxEntryBytes) {
      return {
        kind: 'problem',
        path,
        status: 'limited',
        reason: coded(wasPreamble ? 'mbox.preamble-too-large' : 'mbox.message-too-large', {
          size: length,
          limit: this.maxEntryBytes,
        }),
        bytes: null,
        byteStart: start,
        byteEnd: end,
        isMessage: !wasPreamble,
      };
    }
    const bytes = Buffer.concat(parts).subarray(0, length);
    return {
      kind: 'entry',
      path,
      bytes,
      byteStart: start,
      byteEnd: end,
      transformations: wasPreamble ? [] : transformations,
      isMessage: !wasPreamble,
    };
  }
}

async function* readFileChunks(path: string | Buffer, chunkBytes: number): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    for (;;) {
      // A fresh buffer per read: members keep slices of it until they are closed.
      const buf = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

export async function* mboxEntries(
  input: ContainerInput,
  limits: Limits,
  chunkBytes = MBOX_CHUNK_BYTES,
): AsyncGenerator<ContainerEvent> {
  const splitter = new MboxSplitter(limits.maxEntryBytes);
  if (input.kind === 'buffer') {
    for (let at = 0; at < input.data.length; at += chunkBytes) {
      yield* splitter.push(input.data.subarray(at, at + chunkBytes));
    }
  } else {
    for await (const chunk of readFileChunks(input.path, chunkBytes)) yield* splitter.push(chunk);
  }
  yield* splitter.end();
}

/** Strips a UTF-8 BOM and leading blank lines, as the splitter does. */
function firstLine(head: Buffer): Buffer {
  let i = head.subarray(0, 3).equals(BOM) ? 3 : 0;
  while (i < head.length && (head[i] === LF || head[i] === CR)) i++;
  const nl = head.indexOf(LF, i);
  return head.subarray(i, nl < 0 ? head.length : nl);
}

/** Lines of preamble looked through for the first envelope line, within PREAMBLE_BYTES. */
const PREAMBLE_LINES = 8;
const PREAMBLE_BYTES = 4096;

/**
 * Whether one of the first lines after the first is a separator by the splitter's rule for later
 * From lines (an envelope line after a blank line, or before a header field): an mbox with a line
 * or two of something else (a note, a stray header) before its first message.
 */
function envelopeAfterPreamble(head: Buffer): boolean {
  const end = Math.min(head.length, PREAMBLE_BYTES);
  const lineEnd = (start: number) => {
    const nl = head.indexOf(LF, start);
    return nl < 0 || nl >= end ? end : nl;
  };
  const content = (start: number, stop: number) => (stop > start && head[stop - 1] === CR ? stop - 1 : stop);
  let previousBlank = false;
  let start = 0;
  for (let i = 0; i <= PREAMBLE_LINES && start < end; i++) {
    const stop = lineEnd(start);
    const text = content(start, stop);
    if (
      i > 0 &&
      stop < end &&
      startsWithFrom(head, start, text) &&
      isEnvelopeLine(head.subarray(start, text))
    ) {
      const next = stop + 1;
      const nextLine = head.subarray(next, content(next, lineEnd(next))).toString('latin1');
      if (previousBlank || HEADER_FIELD.test(nextLine)) return true;
    }
    previousBlank = text === start;
    start = stop + 1;
  }
  return false;
}

/**
 * Score: 80 when the first line (after a BOM and blank lines) is an envelope line; 60 for a first
 * line starting `From ` in a file named .mbox, .mbx or .mbs (the name is only a hint); 40 for an
 * envelope line after a short preamble (kept as the `preamble` member), below a message's header
 * block (50) whose body happens to quote an envelope line.
 */
function mboxScore(head: Buffer, name: string): number {
  const line = firstLine(head);
  if (startsWithFrom(line, 0, line.length)) {
    if (isEnvelopeLine(line)) return 80;
    if (/\.(mbox|mbx|mbs)$/i.test(name)) return 60;
  }
  return envelopeAfterPreamble(head) ? 40 : 0;
}

export const mboxFormat: ContainerModule = {
  name: 'mbox',
  kind: 'container',
  score: (probe) => mboxScore(probe.head, probe.name),
  entries(input: ContainerInput, limits: Limits): AsyncIterable<ContainerEvent> {
    return mboxEntries(input, limits);
  },
};
