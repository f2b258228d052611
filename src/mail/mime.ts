// Fast MIME structure parser, built on Node primitives (Buffer.indexOf, native base64, TextDecoder).
//
// It reproduces what postal-mime 4 returns for the fields crible uses (headers, addresses, subject,
// text/html bodies, attachments) at a fraction of the cost: postal-mime walks the message one line at a
// time, decodes base64 in JavaScript and copies every part through `new Blob(chunks).arrayBuffer()`.
// Here a multipart body is split by searching for its delimiter with Buffer.indexOf, and a part's bytes
// are decoded in one call. The fiddly header grammars stay with postal-mime: addressParser for address
// lists, decodeWords for RFC 2047 encoded words.
//
// Deliberate differences from postal-mime (see test/mime.test.ts, "deliberate differences"):
// - attachment bytes are exact: a 7bit/8bit/binary part keeps its own line endings, and the CRLF before
//   the next delimiter belongs to the delimiter (RFC 2046 5.1.1). postal-mime rewrites every line ending
//   to LF and appends one, which changes the hash of text attachments and of attached messages;
// - quoted-printable attachments keep their hard line breaks as written (CRLF stays CRLF);
// - text/calendar attachments are kept as decoded, not re-encoded to UTF-8 with LF line endings;
// - an unknown charset falls back to UTF-8 when the bytes are valid UTF-8, else windows-1252 (postal-mime:
//   always windows-1252), and the fallback is flagged; so is undeclared 8-bit text that is not UTF-8;
// - a multipart reusing the boundary of its grandparent or higher is split by that ancestor (RFC 2046
//   forbids reuse; a part reusing its direct parent's boundary is handled as postal-mime does);
// - a part's header block in raw 8-bit bytes that are not UTF-8 is read as windows-1252 (postal-mime:
//   U+FFFD for each such byte), and flagged. The top-level block is left to the caller (parse.ts reads
//   it the same way and hands it over as UTF-8).
// The text and html bodies themselves are produced exactly as postal-mime produces them (LF line
// endings, parts joined with '\n', text converted to html and back where postal-mime does it, and
// format=flowed unfolded with postal-mime's algorithm).

import { isAscii, isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TextDecoder } from 'node:util';
import { type Address, addressParser, decodeWords } from 'postal-mime';

export interface MimeHeader {
  /** Lower-cased field name. */
  key: string;
  originalKey: string;
  /** Unfolded value, line breaks removed, surrounding whitespace trimmed. */
  value: string;
}

export interface MimeAttachment {
  filename: string | null;
  /** Lower-cased type/subtype as declared ('' when the header is empty). */
  mimeType: string;
  /** Lower-cased Content-Disposition value, null when absent or empty. */
  disposition: string | null;
  contentId: string | null;
  /** Content-Description, encoded words decoded; null when absent or empty. */
  description: string | null;
  /** The transfer encoding token as declared, lower-cased ('' when absent). */
  transferEncoding: string;
  /** Decoded bytes. */
  content: Buffer;
  /** Where the part's body lies, still transfer-encoded, in the parsed buffer: [start, end). */
  encodedStart: number;
  encodedEnd: number;
}

export interface MimeMessage {
  /** Top-level header fields, in order, duplicates kept. */
  headers: MimeHeader[];
  subject: string | undefined;
  from: Address | undefined;
  sender: Address | undefined;
  to: Address[] | undefined;
  cc: Address[] | undefined;
  bcc: Address[] | undefined;
  replyTo: Address[] | undefined;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string | undefined;
  /** Raw value of the first Date header. */
  date: string | undefined;
  text: string | undefined;
  html: string | undefined;
  attachments: MimeAttachment[];
  /**
   * Things a reader should know: charset fallbacks (`charset:unknown:<label>`, `charset:undeclared:…`),
   * raw 8-bit part headers (`8bit-part-headers:utf-8`, `8bit-part-headers:windows-1252-fallback`).
   */
  flags: string[];
}

export interface MimeOptions {
  /** Multipart nesting deeper than this throws (postal-mime's maxNestingDepth). */
  maxNestingDepth: number;
  /** Header bytes of all parts together; more throws (postal-mime's maxHeadersSize). */
  maxHeadersSize: number;
}

const LF = 0x0a;
const CR = 0x0d;
const EQUALS = 0x3d;

interface Entity {
  headers: MimeHeader[];
  /** Lower-cased Content-Type value. */
  type: string;
  params: Record<string, string>;
  multipart: string | false;
  disposition: string;
  dispositionParams: Record<string, string>;
  encoding: string;
  contentId: string | null;
  description: string | null;
  /** The body: every line the part holds after its header block, up to and including the LF
   *  that precedes the next delimiter when `delimited`. */
  bodyStart: number;
  limit: number;
  delimited: boolean;
  /** Whether a blank line ended the header block (else the headers run to the end of the region). */
  headerComplete: boolean;
  boundary: string | undefined;
  /** Where reading stopped: after the closing delimiter line of a multipart, else `limit`. */
  end: number;
  children: Entity[];
}

interface Context {
  buf: Buffer;
  options: MimeOptions;
  headerBytes: number;
  flags: string[];
}

/**
 * Iterations of the parser's own loops, added up over every call. Everything else it does is native
 * (Buffer.indexOf, base64, TextDecoder) or bounded by the header budget; tests read these to check
 * that the work grows linearly with the input. A loop over bytes counts in a local and adds it once.
 */
export const loopWork = {
  /** The header-block scan of each entity: one per line, plus each CR skipped. */
  headerLines: 0,
  /** Multipart splitting: one per delimiter candidate found, plus each byte read after it on its line. */
  delimiters: 0,
  /** The quoted-printable decoder: one per iteration, plus each byte its inner loops read. */
  quotedPrintable: 0,
};

/** Parses one message. Throws only when a limit is exceeded (nesting depth, header bytes). */
export function parseMime(buf: Buffer, options: MimeOptions): MimeMessage {
  const ctx: Context = { buf, options, headerBytes: 0, flags: [] };
  const root = parseEntity(ctx, 0, buf.length, false, 0, false);

  const collector = new Collector(ctx);
  collector.collect(root, null);
  const { text, html } = collector.render();

  const message: MimeMessage = {
    headers: root.headers,
    subject: undefined,
    from: undefined,
    sender: undefined,
    to: undefined,
    cc: undefined,
    bcc: undefined,
    replyTo: undefined,
    messageId: undefined,
    inReplyTo: undefined,
    references: undefined,
    date: undefined,
    text: text || undefined,
    html: html || undefined,
    attachments: collector.attachments,
    flags: ctx.flags,
  };

  const first = new Map<string, string>();
  const lists: Record<'to' | 'cc' | 'bcc' | 'replyTo', Address[]> = { to: [], cc: [], bcc: [], replyTo: [] };
  for (const h of root.headers) {
    switch (h.key) {
      case 'to':
      case 'cc':
      case 'bcc':
      case 'reply-to':
        // postal-mime: every header of the kind contributes, in order.
        if (h.value) lists[h.key === 'reply-to' ? 'replyTo' : h.key].push(...addressParser(h.value));
        break;
      case 'from':
      case 'sender':
      case 'subject':
      case 'message-id':
      case 'in-reply-to':
      case 'references':
      case 'date':
        if (!first.has(h.key)) first.set(h.key, h.value);
        break;
    }
  }
  for (const key of ['to', 'cc', 'bcc', 'replyTo'] as const) {
    if (lists[key].length) message[key] = lists[key];
  }
  for (const key of ['from', 'sender'] as const) {
    const value = first.get(key);
    if (value) message[key] = addressParser(value)[0];
  }
  const words = (key: string): string | undefined => {
    const value = first.get(key);
    return value ? decodeWords(value) : undefined;
  };
  message.subject = words('subject');
  message.messageId = words('message-id');
  message.inReplyTo = words('in-reply-to');
  message.references = words('references');
  message.date = first.get('date');
  return message;
}

// ---------------------------------------------------------------------------------------------
// Structure

/**
 * Reads the entity held by bytes [start, limit): its header block, then, for a multipart, its parts.
 * `delimited` says the region ends with the LF that starts the next delimiter line of the parent.
 */
function parseEntity(
  ctx: Context,
  start: number,
  limit: number,
  delimited: boolean,
  depth: number,
  parentMultipart: string | false,
): Entity {
  const buf = ctx.buf;

  // Header block: lines up to the first empty one (a line of nothing but CRs counts as empty, as in
  // postal-mime, which strips every trailing CR of a line).
  let headerEnd = limit;
  let bodyStart = limit;
  let headerComplete = false;
  let pos = start;
  let steps = 0;
  while (pos < limit) {
    let q = pos;
    while (q < limit && buf[q] === CR) q++;
    steps += 1 + q - pos;
    if (q === limit || buf[q] === LF) {
      headerComplete = true;
      headerEnd = pos;
      bodyStart = q === limit ? limit : q + 1;
      break;
    }
    const lf = buf.indexOf(LF, q);
    if (lf === -1 || lf >= limit) break;
    pos = lf + 1;
  }
  loopWork.headerLines += steps;

  // Counted across every part of the message, like postal-mime: a per-part budget would let a
  // multipart carry the whole allowance again for every part.
  ctx.headerBytes += headerEnd - start;
  if (ctx.headerBytes > ctx.options.maxHeadersSize) {
    throw new Error(`Maximum header size of ${ctx.options.maxHeadersSize} bytes exceeded`);
  }

  const headers = headerEnd > start ? readHeaders(ctx, start, headerEnd, depth > 0) : [];
  let contentType: string | null = null;
  let transferEncoding = '';
  let disposition = '';
  let contentId: string | null = null;
  let description: string | null = null;
  // A header that decides how the body is read resolves to its first occurrence, always.
  let seen = 0;
  for (const h of headers) {
    if (h.key.charCodeAt(0) !== 99 /* c */ || !h.key.startsWith('content-')) continue;
    if (h.key === 'content-type' && !(seen & 1)) {
      seen |= 1;
      contentType = h.value;
    } else if (h.key === 'content-transfer-encoding' && !(seen & 2)) {
      seen |= 2;
      transferEncoding = h.value;
    } else if (h.key === 'content-disposition' && !(seen & 4)) {
      seen |= 4;
      disposition = h.value;
    } else if (h.key === 'content-id' && !(seen & 8)) {
      seen |= 8;
      contentId = h.value;
    } else if (h.key === 'content-description' && !(seen & 16)) {
      seen |= 16;
      description = h.value;
    }
  }

  // RFC 2046 5.1.5: the parts of a multipart/digest default to message/rfc822.
  const ct = parseStructuredHeader(
    contentType ?? (parentMultipart === 'digest' ? 'message/rfc822' : 'text/plain'),
  );
  const cd = parseStructuredHeader(disposition);
  const multipart = ct.value.startsWith('multipart/') ? ct.value.slice(ct.value.indexOf('/') + 1) : false;
  const entity: Entity = {
    headers,
    type: ct.value,
    params: ct.params,
    multipart,
    disposition: cd.value,
    dispositionParams: cd.params,
    encoding: transferEncodingToken(transferEncoding),
    contentId,
    description,
    bodyStart,
    limit,
    delimited,
    headerComplete,
    boundary: (multipart && ct.params.boundary) || undefined,
    end: limit,
    children: [],
  };
  if (entity.boundary) entity.end = splitMultipart(ctx, entity, entity.boundary, depth);
  return entity;
}

/**
 * Splits a multipart body into its parts. A delimiter is a whole line: `--boundary`, optionally `--`,
 * then only spaces and tabs. Everything before the first one (preamble) and after the closing one
 * (epilogue) is ignored; without a closing delimiter the last part runs to the end of the body.
 * Each search continues where the previous one stopped, so the split is linear in the body size.
 * Returns where reading stopped: after the closing delimiter line, or the end of the body.
 */
function splitMultipart(ctx: Context, entity: Entity, boundary: string, depth: number): number {
  const { bodyStart, limit } = entity;
  if (bodyStart >= limit) return limit;
  const needle = Buffer.from(`\n--${boundary}`, 'utf8');
  // Searches stop at the end of this body: a view, so indexOf never scans the rest of the message.
  const buf = ctx.buf.subarray(0, limit);
  const childDepth = depth + 1;
  const boundaryEnd = needle.length; // offset after `\n--boundary`

  // The body starts at a line start: the LF before it (end of the blank line) can open the needle.
  let from = bodyStart - 1;
  let partStart = -1;
  const addChild = (regionEnd: number, delimited: boolean): Entity => {
    if (childDepth > ctx.options.maxNestingDepth) {
      throw new Error(`Maximum MIME nesting depth of ${ctx.options.maxNestingDepth} levels exceeded`);
    }
    const child = parseEntity(ctx, partStart, regionEnd, delimited, childDepth, entity.multipart);
    entity.children.push(child);
    return child;
  };

  while (from < limit) {
    const at = buf.indexOf(needle, from);
    if (at === -1) break;
    from = at + 1;
    // What may follow the boundary on its line: `--`, spaces/tabs, CRs, then LF or the end.
    let p = at + boundaryEnd;
    let closing = false;
    if (p + 1 < limit && buf[p] === 0x2d && buf[p + 1] === 0x2d) {
      closing = true;
      p += 2;
    }
    while (p < limit && (buf[p] === 0x20 || buf[p] === 0x09)) p++;
    while (p < limit && buf[p] === CR) p++;
    loopWork.delimiters += 1 + p - (at + boundaryEnd); // once per candidate, not per byte
    if (p < limit && buf[p] !== LF) continue;

    // `at` is the LF that ends the previous line: it belongs to the part before the delimiter.
    if (partStart !== -1) {
      const headerBytes = ctx.headerBytes;
      const child = addChild(Math.max(partStart, at + 1), true);
      if (child.boundary === boundary && child.headerComplete) {
        // A part that is a multipart with our own boundary (RFC 2046 forbids it, some mailers do it).
        // As in postal-mime, the innermost multipart takes the delimiters, up to its closing one; then
        // ours resume. Read again over the rest of our body, and continue after where it stopped.
        entity.children.pop();
        ctx.headerBytes = headerBytes;
        const owner = addChild(limit, entity.delimited);
        if (owner.end >= limit) return limit;
        partStart = -1;
        from = owner.end - 1;
        continue;
      }
    }
    if (closing) return p < limit ? p + 1 : limit;
    partStart = p < limit ? p + 1 : limit;
    from = partStart - 1;
  }
  // No closing delimiter: the last part runs to the end of the body.
  if (partStart !== -1) addChild(limit, entity.delimited);
  return limit;
}

function transferEncodingToken(value: string): string {
  if (!value) return '';
  const match = /[\w-]+/.exec((value.includes('(') ? stripComments(value) : value).toLowerCase());
  return match ? match[0] : '';
}

// ---------------------------------------------------------------------------------------------
// Header fields

const headerDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The header fields of bytes [start, end). Raw 8-bit bytes in a part's block are read as UTF-8 when
 * the block is valid UTF-8, else as windows-1252 (the usual culprit: a Western mail client writing
 * filenames raw), and flagged. The top-level block is read as UTF-8: parse.ts has already made it so.
 */
function readHeaders(ctx: Context, start: number, end: number, part: boolean): MimeHeader[] {
  const block = ctx.buf.subarray(start, end);
  let text: string;
  if (isAscii(block)) {
    text = block.toString('latin1');
  } else if (!part || isUtf8(block)) {
    text = headerDecoder.decode(block);
    if (part) addFlag(ctx, '8bit-part-headers:utf-8');
  } else {
    text = windows1252Decoder.decode(block);
    addFlag(ctx, '8bit-part-headers:windows-1252-fallback');
  }
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();

  const headers: MimeHeader[] = [];
  let current: string | null = null;
  for (let line of lines) {
    let n = line.length;
    while (n > 0 && line.charCodeAt(n - 1) === 13) n--;
    if (n !== line.length) line = line.slice(0, n);
    const c = line.charCodeAt(0);
    // Only SP and HTAB continue a field (RFC 5322 3.2.2); unfolding drops the line break only.
    if (current !== null && (c === 0x20 || c === 0x09)) {
      current += line;
    } else {
      if (current !== null) headers.push(headerField(current));
      current = line;
    }
  }
  if (current !== null) headers.push(headerField(current));
  return headers;
}

function headerField(line: string): MimeHeader {
  const sep = line.indexOf(':');
  const originalKey = trimWsp(sep < 0 ? line : line.slice(0, sep));
  let value = sep < 0 ? '' : line.slice(sep + 1);
  // A bare CR is not legal in a field body; postal-mime turns runs of them into a space.
  if (value.includes('\r')) value = value.replace(/\r+/g, ' ');
  return { key: originalKey.toLowerCase(), originalKey, value: trimWsp(value) };
}

/** Trims SP and HTAB only: String#trim would also eat U+00A0, U+FEFF… that are content. */
function trimWsp(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

// ---------------------------------------------------------------------------------------------
// Structured header values: `type/subtype; name=value; name="quoted"; name*=utf-8''%C3%A9; name*0*=…`
// Same grammar and the same tolerances as postal-mime's MimeNode.parseStructuredHeader.

interface StructuredHeader {
  value: string;
  params: Record<string, string>;
}

/**
 * Removes RFC 822 comments. Inside a parameter value a parenthesis only opens a comment after
 * whitespace (`filename=Invoice(1).pdf` is a filename); an unbalanced `(` is kept when a parameter
 * follows it, so a stray parenthesis cannot swallow the boundary.
 */
function stripComments(str: string): string {
  let result = '';
  let depth = 0;
  let escaped = false;
  let inQuote = false;
  let commentStart = -1;
  let inParameterValue = false;
  let endsWithWsp = false;
  for (let i = 0; i < str.length; i++) {
    const chr = str[i]!;
    if (escaped) {
      if (depth === 0) {
        result += chr;
        endsWithWsp = chr === ' ' || chr === '\t';
      }
      escaped = false;
      continue;
    }
    if (chr === '\\') {
      escaped = true;
      if (depth === 0) {
        result += chr;
        endsWithWsp = false;
      }
      continue;
    }
    if (chr === '"' && depth === 0) {
      inQuote = !inQuote;
      result += chr;
      endsWithWsp = false;
      continue;
    }
    if (!inQuote) {
      if (chr === '(' && (!inParameterValue || !result.length || endsWithWsp)) {
        if (depth === 0) commentStart = i;
        depth++;
        continue;
      }
      if (chr === ')' && depth > 0) {
        depth--;
        continue;
      }
      if (depth === 0) {
        if (chr === '=') inParameterValue = true;
        else if (chr === ';') inParameterValue = false;
      }
    }
    if (depth === 0) {
      result += chr;
      endsWithWsp = chr === ' ' || chr === '\t';
    }
  }
  if (depth === 0) return result;
  return str.indexOf(';', commentStart) < 0 ? result : str;
}

function parseStructuredHeader(input: string): StructuredHeader {
  if (!input) return { value: '', params: {} };
  // Fast path for the common `type/subtype` with no parameters, quotes or comments.
  if (!/[;"(\\\s]/.test(input)) return { value: input.toLowerCase(), params: {} };
  const str = input.includes('(') ? stripComments(input) : input;
  const response: StructuredHeader = { value: '', params: {} };

  let key: string | null = null;
  let value = '';
  let stage: 'key' | 'value' = 'value';
  // Whitespace outside quotes is held back until something significant follows it.
  let pendingSpace = '';
  let quoteClosed = false;
  let quote = false;
  let escaped = false;

  const addChr = (c: string): void => {
    if (value.length) value += pendingSpace;
    pendingSpace = '';
    value += c;
  };
  const takeValue = (): string => {
    const result = value;
    value = '';
    pendingSpace = '';
    quoteClosed = false;
    return result;
  };
  // Duplicated parameters resolve to the first occurrence (as duplicated headers do).
  const storeParam = (name: string, result: string): void => {
    if (!Object.hasOwn(response.params, name)) response.params[name] = result;
  };
  const storeValue = (): void => {
    const result = takeValue();
    if (key === null) response.value = result;
    else storeParam(key, result);
  };
  const storeEmptyKey = (): void => {
    const name = takeValue().trim();
    if (name) storeParam(name.toLowerCase(), '');
  };

  for (let i = 0; i < str.length; i++) {
    const chr = str[i]!;
    if (stage === 'key') {
      if (chr === '=') {
        key = takeValue().trim().toLowerCase();
        stage = 'value';
      } else if (chr === ';') {
        storeEmptyKey();
      } else {
        value += chr;
      }
      continue;
    }
    if (escaped) {
      addChr(chr);
    } else if (quote && chr === '\\') {
      // A backslash escapes only inside a quoted string (`filename=C:\a.txt` is a path).
      escaped = true;
      continue;
    } else if (quote && chr === '"') {
      quote = false;
      quoteClosed = true;
    } else if (!quote && chr === '"') {
      quote = true;
      if (value.length) value += pendingSpace;
      pendingSpace = '';
    } else if (!quote && chr === ';') {
      storeValue();
      stage = 'key';
    } else if (!quote && (chr === ' ' || chr === '\t')) {
      pendingSpace += chr;
    } else if (!quoteClosed) {
      addChr(chr);
    }
    // else: junk after a closed quoted string is dropped.
    escaped = false;
  }
  if (stage === 'value') storeValue();
  else storeEmptyKey();

  if (response.value) response.value = response.value.toLowerCase();
  decodeContinuations(response);
  return response;
}

/** RFC 2231: `name*=charset'lang'%XX…`, `name*0=…; name*1*=…`, joined in section order. */
function decodeContinuations(header: StructuredHeader): void {
  let groups: Map<
    string,
    { charset: string | null; sections: { nr: number; value: string; encoded: boolean }[] }
  > | null = null;
  for (const key of Object.keys(header.params)) {
    if (!key.includes('*')) continue;
    const match = /\*((\d+)\*?)?$/.exec(key);
    if (!match) continue;
    const name = key.slice(0, match.index).toLowerCase();
    const nr = Number(match[2]) || 0;
    groups ??= new Map();
    let group = groups.get(name);
    if (!group) {
      group = { charset: null, sections: [] };
      groups.set(name, group);
    }
    let value = header.params[key]!;
    // Only a section whose name ends in `*` is percent-encoded (RFC 2231 4.1).
    const encoded = match[0].endsWith('*');
    const lang = nr === 0 && encoded ? /^([^']*)'[^']*'(.*)$/.exec(value) : null;
    if (lang) {
      group.charset = lang[1] || 'utf-8';
      value = lang[2]!;
    }
    group.sections.push({ nr, value, encoded });
    delete header.params[key];
  }
  if (!groups) return;
  for (const [name, group] of groups) {
    let result = '';
    // Adjacent encoded sections decode together: a character may be split across them.
    let pending = '';
    for (const section of group.sections.sort((a, b) => a.nr - b.nr)) {
      if (section.encoded) {
        pending += section.value;
        continue;
      }
      if (pending) result += percentDecode(pending, group.charset);
      pending = '';
      result += section.value;
    }
    if (pending) result += percentDecode(pending, group.charset);
    header.params[name] = result;
  }
}

function hexNibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function percentDecode(str: string, charset: string | null): string {
  // Characters beyond ASCII (raw UTF-8 in a header) are kept as their UTF-8 bytes.
  const src = Buffer.from(str, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x25 && i + 2 < src.length) {
      const hi = hexNibble(src[i + 1]!);
      const lo = hi >= 0 ? hexNibble(src[i + 2]!) : -1;
      if (lo >= 0) {
        out[o++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[o++] = c;
  }
  return charsetDecoder(charset || 'utf-8').decode(out.subarray(0, o));
}

// ---------------------------------------------------------------------------------------------
// Transfer decoding

/** Base64 with Node's decoder, which skips whitespace and stray characters. */
function decodeBase64(buf: Buffer, start: number, end: number): Buffer {
  if (end - start > BASE64_CHUNK_BYTES * 2) {
    const chunked = decodeBase64Chunked(buf, start, end);
    if (chunked) return chunked;
  }
  return decodeBase64String(buf.toString('latin1', start, end));
}

function decodeBase64String(input: string): Buffer {
  let str = input;
  // Node also reads the URL-safe alphabet; in mail `-` and `_` are garbage (a stray `--` line).
  if (str.includes('-') || str.includes('_')) str = str.replace(/[-_]+/g, '');
  const eq = str.indexOf('=');
  // Node stops at the first padding. Some mailers pad every line: then each padded unit is decoded
  // on its own, as postal-mime does, rather than losing everything after the first one.
  if (eq === -1 || !/[A-Za-z0-9+/]/.test(str.slice(eq))) return Buffer.from(str, 'base64');
  const units = str.replace(/[^A-Za-z0-9+/=]+/g, '').split(/=+/);
  return Buffer.concat(units.filter((u) => u.length > 1).map((u) => Buffer.from(u, 'base64')));
}

// Strings over 128 KB go to V8's large-object space and cost ~20× more to create than smaller ones, so
// a big attachment is decoded a few dozen lines at a time.
const BASE64_CHUNK_BYTES = 48 * 1024;

/**
 * Decodes regular base64 (every line the same length, a multiple of 4 characters) chunk by chunk.
 * Each chunk is checked: line breaks where expected and exactly 3 bytes per 4 characters out, so a
 * chunk holding anything else (padding, garbage, a short line) makes the rest go through the general
 * path from an aligned point. Returns null when the body does not look regular at all.
 */
function decodeBase64Chunked(whole: Buffer, start: number, end: number): Buffer | null {
  const buf = whole.subarray(0, end);
  const firstLf = buf.indexOf(LF, start);
  if (firstLf === -1) return null;
  const eol = firstLf > start && buf[firstLf - 1] === CR ? 2 : 1;
  const lineBytes = firstLf + 1 - start;
  const chars = lineBytes - eol;
  if (chars < 4 || chars % 4 !== 0) return null;
  // Node would read `-` and `_` as data; postal-mime drops them. Rare: leave those to the string path.
  if (buf.indexOf(0x2d, start) !== -1 || buf.indexOf(0x5f, start) !== -1) return null;

  const out = Buffer.allocUnsafe(Math.ceil(((end - start) * 3) / 4) + 3);
  let o = 0;
  let i = start;
  const linesPerChunk = Math.max(1, Math.floor(BASE64_CHUNK_BYTES / lineBytes));
  const chunkBytes = linesPerChunk * lineBytes;
  while (end - i > chunkBytes) {
    let regular = true;
    for (let p = i + lineBytes - 1; p < i + chunkBytes; p += lineBytes) {
      if (buf[p] !== LF || (eol === 2 && buf[p - 1] !== CR)) {
        regular = false;
        break;
      }
    }
    if (!regular) break;
    const written = out.write(buf.toString('latin1', i, i + chunkBytes), o, 'base64');
    // At most chars × lines alphabet characters fit; exactly 3/4 of that out means all of them were
    // data (no padding, no garbage), so the next chunk starts on a 4-character boundary.
    if (written !== (linesPerChunk * chars * 3) / 4) break;
    o += written;
    i += chunkBytes;
  }
  const rest = decodeBase64String(buf.toString('latin1', i, end));
  if (o === 0) return rest;
  o += rest.copy(out, o);
  return out.subarray(0, o);
}

/** Hex digit values, -1 for anything else. */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX[0x41 + c] = 10 + c;
  HEX[0x61 + c] = 10 + c;
}

/**
 * Quoted-printable. `=XX` decodes to a byte, `=` at the end of a line is a soft break (removed with its
 * line break), any other `=` is kept literally. With `normalize`, line breaks become LF and a final LF is
 * added unless the text ends in a soft break — postal-mime's output, used for text bodies; without it,
 * hard line breaks are kept as written (attachments).
 *
 * A plain byte loop: in non-English text escapes come every few dozen bytes, and a native search and
 * copy per run cost more in call overhead than they save (measured 1.5× slower on French mail).
 */
function decodeQuotedPrintable(buf: Buffer, start: number, end: number, normalize: boolean): Buffer {
  const out = Buffer.allocUnsafe(end - start + 1);
  let o = 0;
  let softEnd = false;
  let steps = 0;
  for (let i = start; i < end; i++) {
    steps++;
    const c = buf[i]!;
    if (c !== EQUALS && c !== CR) {
      out[o++] = c;
      softEnd = false;
      continue;
    }
    if (c === EQUALS) {
      if (i + 2 < end) {
        const hi = HEX[buf[i + 1]!]!;
        const lo = HEX[buf[i + 2]!]!;
        if ((hi | lo) >= 0) {
          out[o++] = (hi << 4) | lo;
          i += 2;
          softEnd = false;
          continue;
        }
      }
      let q = i + 1;
      while (q < end && buf[q] === CR) q++;
      steps += q - i - 1;
      if (q >= end || buf[q] === LF) {
        // Soft line break: the `=`, any CRs and the LF go.
        i = q;
        softEnd = true;
        continue;
      }
      out[o++] = EQUALS;
    } else if (normalize) {
      // A run of CRs: dropped before LF or at the end (postal-mime strips them), kept otherwise.
      let q = i;
      while (q < end && buf[q] === CR) q++;
      steps += q - i;
      if (q < end && buf[q] !== LF) {
        steps += q - i;
        while (i < q) out[o++] = buf[i++]!;
      }
      i = q - 1;
    } else {
      out[o++] = c;
    }
    softEnd = false;
  }
  loopWork.quotedPrintable += steps;
  if (normalize && end > start && !softEnd && buf[end - 1] !== LF) out[o++] = LF;
  return out.subarray(0, o);
}

/** postal-mime's view of an unencoded body: every line with its trailing CRs removed, then LF. */
function normalizeLines(whole: Buffer, start: number, end: number): Buffer {
  const buf = whole.subarray(0, end);
  const out = Buffer.allocUnsafe(end - start + 1);
  let o = 0;
  let i = start;
  while (i < end) {
    let cr = buf.indexOf(CR, i);
    if (cr === -1 || cr >= end) cr = end;
    o += buf.copy(out, o, i, cr);
    if (cr >= end) {
      i = end;
      break;
    }
    let q = cr;
    while (q < end && buf[q] === CR) q++;
    if (q < end && buf[q] !== LF) o += buf.copy(out, o, cr, q);
    i = q;
  }
  if (end > start && buf[end - 1] !== LF) out[o++] = LF;
  return out.subarray(0, o);
}

// ---------------------------------------------------------------------------------------------
// Charsets

const utf8Decoder = new TextDecoder('utf-8');
const windows1252Decoder = new TextDecoder('windows-1252');

// Labels TextDecoder does not know, but that name an encoding it has (postal-mime's alias table).
const charsetAliases = new Map<string, string>([
  ['iso88598i', 'iso-8859-8'],
  ['iso88598e', 'iso-8859-8'],
  ['shiftjis', 'shift_jis'],
  ['windows31j', 'shift_jis'],
  ['mskanji', 'shift_jis'],
  ['eucjp', 'euc-jp'],
  ['iso2022jp', 'iso-2022-jp'],
  ['iso2022jp1', 'iso-2022-jp'],
  ['iso2022jp2', 'iso-2022-jp'],
  ['junet', 'iso-2022-jp'],
  ['euckr', 'euc-kr'],
  ['uhc', 'euc-kr'],
  ['tis620', 'windows-874'],
]);
const codePageAliases = new Map<string, string>([
  ['932', 'shift_jis'],
  ['936', 'gbk'],
  ['949', 'euc-kr'],
  ['950', 'big5'],
  ['874', 'windows-874'],
  ['51932', 'euc-jp'],
  ['50220', 'iso-2022-jp'],
  ['50221', 'iso-2022-jp'],
  ['50222', 'iso-2022-jp'],
]);

interface CharsetEntry {
  /** null: the label names nothing TextDecoder can decode. */
  decoder: TextDecoder | null;
  /** utf-16: CR and LF are not single bytes, line endings must be fixed before decoding. */
  wide: boolean;
}
const charsetCache = new Map<string, CharsetEntry>();
const CHARSET_CACHE_MAX = 512;

function tryDecoder(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label);
  } catch {
    return null;
  }
}

function lookupCharset(label: string): CharsetEntry {
  let entry = charsetCache.get(label);
  if (entry) return entry;
  let decoder = /^[\w.:+-]{1,64}$/.test(label) ? tryDecoder(label) : null;
  if (!decoder && label.length <= 64) {
    const normalized = label.replace(/^(?:x-ms-|x-|cs)/, '').replace(/[\s._-]+/g, '');
    const codePage = /^(?:cp|windows|ms|ibm)(\d+)$/.exec(normalized);
    const alias =
      (codePage && codePageAliases.get(codePage[1]!)) || charsetAliases.get(normalized) || normalized;
    decoder = /^[\w.:+-]{1,64}$/.test(alias) ? tryDecoder(alias) : null;
  }
  entry = { decoder, wide: !!decoder?.encoding.startsWith('utf-16') };
  // Labels come from the message: cache a bounded number of them.
  if (charsetCache.size < CHARSET_CACHE_MAX) charsetCache.set(label, entry);
  return entry;
}

/** A decoder for a label; unknown labels give windows-1252 (postal-mime's fallback for header words). */
function charsetDecoder(label: string): TextDecoder {
  return lookupCharset(label.trim().toLowerCase()).decoder ?? windows1252Decoder;
}

/**
 * RFC 3676 format=flowed, as postal-mime unfolds it: a line ending in a space continues on the next
 * one (the space removed too with delsp=yes), a leading space is stuffing, `-- ` stays a line.
 */
function decodeFlowed(str: string, delSp: boolean): string {
  const parts: string[] = [];
  let lineStart = 0;
  let lineLength = 0;
  const lines = str.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.charAt(0) === ' ') line = line.slice(1);
    if (i) {
      const last = parts.length ? parts[parts.length - 1]! : '';
      const isSignature = lineLength === 3 && parts.slice(lineStart).join('') === '-- ';
      if (last.endsWith(' ') && !isSignature) {
        if (delSp) {
          if (last.length > 1) parts[parts.length - 1] = last.slice(0, -1);
          else parts.pop();
          lineLength--;
        }
      } else {
        parts.push('\n');
        lineStart = parts.length;
        lineLength = 0;
      }
    }
    if (line) {
      parts.push(line);
      lineLength += line.length;
    }
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Text bodies and attachments (postal-mime's collectNode / renderTextContent, with every
// message/rfc822 part kept as an attachment)

type TextType = 'plain' | 'html';
type TextEntry = Partial<Record<TextType, string[]>>;

interface TextFormat {
  textToHtml(str: string): string;
  htmlToText(str: string): string;
}
let textFormat: TextFormat | null = null;

/**
 * postal-mime's own text↔html conversion, used when one body part has only the other type (a plain
 * footer after an html body). It is not exported by the package, so it is loaded from the package
 * directory, once, on first need.
 */
function loadTextFormat(): TextFormat {
  if (!textFormat) {
    const require = createRequire(import.meta.url);
    textFormat = require(join(dirname(require.resolve('postal-mime')), 'text-format.js')) as TextFormat;
  }
  return textFormat;
}

class Collector {
  readonly ctx: Context;
  readonly attachments: MimeAttachment[] = [];
  readonly textMap = new Map<Entity, TextEntry>();
  readonly textTypes = new Set<TextType>();

  constructor(ctx: Context) {
    this.ctx = ctx;
  }

  collect(node: Entity, alternative: Entity | null): void {
    if (!node.multipart) {
      if (node.disposition !== 'attachment' && (node.type === 'text/plain' || node.type === 'text/html')) {
        const textType: TextType = node.type === 'text/html' ? 'html' : 'plain';
        const selector = alternative ?? node;
        let entry = this.textMap.get(selector);
        if (!entry) {
          entry = {};
          this.textMap.set(selector, entry);
        }
        const values = entry[textType] ?? [];
        entry[textType] = values;
        values.push(this.textOf(node));
        this.textTypes.add(textType);
      } else {
        this.attachments.push(this.attachmentOf(node));
      }
      return;
    }
    if (node.multipart === 'alternative') alternative = node;
    for (const child of node.children) this.collect(child, alternative);
  }

  render(): { text: string; html: string } {
    const output: Record<TextType, string[]> = { plain: [], html: [] };
    for (const entry of this.textMap.values()) {
      for (const textType of this.textTypes) {
        const own = entry[textType];
        if (own) {
          output[textType].push(...own);
          continue;
        }
        // A part with only the other type is converted, as postal-mime does.
        const other = entry[textType === 'html' ? 'plain' : 'html'] ?? [];
        const format = other.length ? loadTextFormat() : null;
        for (const value of other) {
          output[textType].push(textType === 'html' ? format!.textToHtml(value) : format!.htmlToText(value));
        }
      }
    }
    return { text: output.plain.join('\n'), html: output.html.join('\n') };
  }

  /** Content bytes exactly: for an unencoded part, the body without the delimiter's line break. */
  private contentEnd(node: Entity): number {
    let end = node.limit;
    if (node.delimited && end > node.bodyStart) {
      end--; // the LF that opens the delimiter
      if (end > node.bodyStart && this.ctx.buf[end - 1] === CR) end--;
    }
    return end;
  }

  private attachmentOf(node: Entity): MimeAttachment {
    const buf = this.ctx.buf;
    let content: Buffer;
    if (node.encoding.includes('base64')) {
      content = decodeBase64(buf, node.bodyStart, node.limit);
    } else if (node.encoding.includes('quoted-printable')) {
      content = decodeQuotedPrintable(buf, node.bodyStart, this.contentEnd(node), false);
    } else {
      // A copy: the caller keeps parts longer than the message buffer may live.
      content = Buffer.from(buf.subarray(node.bodyStart, this.contentEnd(node)));
    }
    const filename = node.dispositionParams.filename || node.params.name || null;
    return {
      filename: filename ? decodeWords(filename) : null,
      mimeType: node.type,
      disposition: node.disposition || null,
      contentId: node.contentId,
      description: node.description ? decodeWords(node.description) : null,
      transferEncoding: node.encoding,
      content,
      encodedStart: node.bodyStart,
      encodedEnd: node.encoding.includes('base64') ? node.limit : this.contentEnd(node),
    };
  }

  /** The text of an inline text part, exactly as postal-mime gives it. */
  private textOf(node: Entity): string {
    const buf = this.ctx.buf;
    const { bodyStart, limit } = node;
    if (bodyStart >= limit) return '';
    const label = node.params.charset?.trim().toLowerCase() || '';
    const entry = label ? lookupCharset(label) : null;
    const wide = entry?.wide ?? false;

    let bytes: Buffer;
    let needsLineFix = false;
    if (node.encoding.includes('base64')) {
      bytes = decodeBase64(buf, bodyStart, limit);
    } else if (node.encoding.includes('quoted-printable')) {
      bytes = decodeQuotedPrintable(buf, bodyStart, limit, true);
    } else if (wide) {
      bytes = normalizeLines(buf, bodyStart, limit);
    } else {
      // Line endings are fixed on the decoded string, which is cheaper (CR and LF are single bytes in
      // every ASCII-compatible charset, and never part of a multi-byte sequence).
      bytes = buf.subarray(bodyStart, limit);
      needsLineFix = true;
    }

    let decoder: TextDecoder;
    if (entry?.decoder) {
      decoder = entry.decoder;
    } else if (isUtf8(bytes)) {
      decoder = utf8Decoder;
      if (label) addFlag(this.ctx, `charset:unknown:${label}`);
    } else {
      decoder = windows1252Decoder;
      addFlag(this.ctx, label ? `charset:unknown:${label}` : 'charset:undeclared:windows-1252');
    }
    let text = decoder.decode(bytes);
    if (needsLineFix) {
      if (text.includes('\r')) text = text.replace(/\r+\n/g, '\n');
      if (buf[limit - 1] !== LF) {
        // The last line is not terminated: postal-mime strips its trailing CRs and ends it with LF.
        let n = text.length;
        while (n > 0 && text.charCodeAt(n - 1) === 13) n--;
        text = `${text.slice(0, n)}\n`;
      }
    }
    if (node.params.format && /^flowed$/i.test(node.params.format)) {
      text = decodeFlowed(text, /^yes$/i.test(node.params.delsp ?? ''));
    }
    return text;
  }
}

/** Adds a flag once; it may carry a label from the message, so it is made printable and short. */
function addFlag(ctx: Context, flag: string): void {
  const clean = flag.replace(/[^\x21-\x7e]/g, '?').slice(0, 80);
  if (!ctx.flags.includes(clean)) ctx.flags.push(clean);
}
