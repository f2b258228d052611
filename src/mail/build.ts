// An RFC 5322 message built from what a mail store kept of one (Outlook PST/OST, MSG, OLM, TNEF):
// the transport headers first when the store has them, else headers made from its properties; the
// bodies as a multipart/alternative; the RTF body, attachments and embedded messages as parts. The
// output is ASCII but for the transport headers and embedded messages, which are kept as they are
// (UTF-8, 8bit). It is deterministic: the same properties give the same bytes (boundaries come
// from a hash of the parts), so ingesting a store twice stores each message once.

import { createHash } from 'node:crypto';

export interface BuiltAddress {
  name: string;
  /** An SMTP address; anything else (an Exchange X.500 DN) is written as a name without an address. */
  address: string;
}

export interface BuiltAttachment {
  filename: string | null;
  /** `message/rfc822` for an embedded message (its bytes built by buildMessage, kept as they are). */
  contentType: string;
  contentId: string | null;
  bytes: Buffer;
}

export interface MessageProperties {
  /** The headers the message travelled with (PR_TRANSPORT_MESSAGE_HEADERS), as the store kept them. */
  transportHeaders: string | null;
  from: BuiltAddress[];
  to: BuiltAddress[];
  cc: BuiltAddress[];
  bcc: BuiltAddress[];
  subject: string | null;
  date: Date | null;
  messageId: string | null;
  inReplyTo: string | null;
  text: string | null;
  html: string | null;
  /** The RTF body, decompressed. */
  rtf: Buffer | null;
  attachments: BuiltAttachment[];
}

const CRLF = '\r\n';
/** Header fields of the transport headers that described the original body, not the rebuilt one. */
const MIME_FIELDS = new Set(['mime-version', 'content-type', 'content-transfer-encoding']);

/** Whether `text` is printable ASCII (tabs allowed). */
function isPlainAscii(text: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(text);
}

/** Encoded words (RFC 2047, UTF-8, base64) of at most 75 characters, never splitting a character. */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(`${CRLF} `);
}

/** An unstructured header value: as it is when plain and short, else encoded words. */
function unstructured(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return isPlainAscii(oneLine) && oneLine.length <= 900 ? oneLine : encodedWords(oneLine);
}

function displayName(name: string): string {
  const oneLine = name.replace(/[\r\n]+/g, ' ');
  if (isPlainAscii(oneLine) && oneLine.length <= 200) return `"${oneLine.replace(/[\\"]/g, '\\$&')}"`;
  return encodedWords(oneLine);
}

const ADDR_SPEC = /^[^\s<>()[\]\\,;:"@]+@[^\s<>()[\]\\,;:"@]+$/;

/**
 * One mailbox. An address that is not an SMTP address (an Exchange DN) is not invented into one:
 * the name is written as an empty group (`"Name": ;`), which every parser reads as no address.
 */
function mailbox(a: BuiltAddress): string {
  const address = a.address.trim();
  if (ADDR_SPEC.test(address) && isPlainAscii(address)) {
    return a.name && a.name !== address ? `${displayName(a.name)} <${address}>` : `<${address}>`;
  }
  const name = a.name || address;
  return name ? `${displayName(name)}: ;` : '';
}

function addressList(list: BuiltAddress[]): string | null {
  const parts = list.map(mailbox).filter((m) => m !== '');
  return parts.length > 0 ? parts.join(`,${CRLF} `) : null;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An RFC 5322 date in UTC (`Wed, 30 Aug 2017 19:26:03 +0000`). */
export function rfc5322Date(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

function messageIdValue(id: string): string | null {
  const trimmed = id.trim().replace(/[\r\n]+/g, '');
  if (!trimmed || !isPlainAscii(trimmed)) return null;
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

/** The transport headers without the fields that described the original body, in CRLF lines. */
function transportLines(headers: string): string[] {
  const lines = headers.replace(/\r?\n|\r/g, '\n').split('\n');
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (line === '') break; // the end of the header block
    if (line[0] === ' ' || line[0] === '\t') {
      if (!dropping && kept.length > 0) kept.push(line);
      continue;
    }
    // A line that is no field (Outlook's "Microsoft Mail Internet Headers Version 2.0") is not kept.
    const field = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:/.exec(line);
    dropping = !field || MIME_FIELDS.has((field[1] ?? '').toLowerCase());
    if (!dropping) kept.push(line);
  }
  return kept;
}

function base64Lines(bytes: Buffer): string {
  const encoded = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join(CRLF);
}

/** A part: its header lines and body, both without the blank line between them. */
interface Part {
  headers: string[];
  body: Buffer;
}

function leafPart(contentType: string, bytes: Buffer, extra: string[] = []): Part {
  return {
    headers: [`Content-Type: ${contentType}`, 'Content-Transfer-Encoding: base64', ...extra],
    body: Buffer.from(base64Lines(bytes)),
  };
}

function filenameParams(name: string): string {
  if (isPlainAscii(name) && !/["\\]/.test(name)) return `filename="${name}"`;
  return `filename*=UTF-8''${encodeURIComponent(name)}`;
}

function attachmentPart(a: BuiltAttachment): Part {
  const disposition = `Content-Disposition: attachment${a.filename ? `; ${filenameParams(a.filename)}` : ''}`;
  const id = a.contentId ? messageIdValue(a.contentId) : null;
  const extra = [disposition, ...(id ? [`Content-ID: ${id}`] : [])];
  if (a.contentType.toLowerCase() === 'message/rfc822') {
    return {
      headers: ['Content-Type: message/rfc822', 'Content-Transfer-Encoding: 8bit', ...extra],
      body: a.bytes,
    };
  }
  const type = /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType) ? a.contentType : 'application/octet-stream';
  return leafPart(type, a.bytes, extra);
}

function serialise(part: Part): Buffer {
  return Buffer.concat([Buffer.from(part.headers.join(CRLF) + CRLF + CRLF), part.body]);
}

/** A multipart of `children`, or the one child itself. The boundary is a hash of the children. */
function multipart(subtype: string, children: Part[]): Part {
  if (children.length === 1 && children[0]) return children[0];
  const bodies = children.map(serialise);
  const hash = createHash('sha256');
  for (const body of bodies) hash.update(body);
  const digest = hash.digest('hex');
  let boundary = `=_crible_${digest.slice(0, 32)}`;
  for (let n = 1; bodies.some((b) => b.includes(boundary)); n++)
    boundary = `=_crible_${digest.slice(0, 32)}_${n}`;
  const pieces: Buffer[] = [];
  for (const body of bodies) pieces.push(Buffer.from(`--${boundary}${CRLF}`), body, Buffer.from(CRLF));
  pieces.push(Buffer.from(`--${boundary}--${CRLF}`));
  return {
    headers: [`Content-Type: multipart/${subtype}; boundary="${boundary}"`],
    body: Buffer.concat(pieces),
  };
}

function bodyPart(m: MessageProperties): Part {
  const alternatives: Part[] = [];
  if (m.text !== null || (m.html === null && m.rtf === null)) {
    alternatives.push(leafPart('text/plain; charset=utf-8', Buffer.from(m.text ?? '')));
  }
  if (m.html !== null) alternatives.push(leafPart('text/html; charset=utf-8', Buffer.from(m.html)));
  const parts = alternatives.length > 0 ? [multipart('alternative', alternatives)] : [];
  if (m.rtf !== null) {
    parts.push(leafPart('application/rtf', m.rtf, ['Content-Disposition: inline; filename="body.rtf"']));
  }
  for (const attachment of m.attachments) parts.push(attachmentPart(attachment));
  return multipart('mixed', parts);
}

/** The header lines made from the properties, for a message the store kept no transport headers of. */
function propertyLines(m: MessageProperties): string[] {
  const lines: string[] = [];
  const add = (name: string, value: string | null) => {
    if (value !== null && value !== '') lines.push(`${name}: ${value}`);
  };
  add('From', addressList(m.from));
  add('To', addressList(m.to));
  add('Cc', addressList(m.cc));
  add('Bcc', addressList(m.bcc));
  add('Subject', m.subject === null ? null : unstructured(m.subject));
  add('Date', m.date && !Number.isNaN(m.date.getTime()) ? rfc5322Date(m.date) : null);
  add('Message-ID', m.messageId === null ? null : messageIdValue(m.messageId));
  add('In-Reply-To', m.inReplyTo === null ? null : messageIdValue(m.inReplyTo));
  return lines;
}

/** The message, as bytes. */
export function buildMessage(m: MessageProperties): Buffer {
  const transport = m.transportHeaders?.trim() ? transportLines(m.transportHeaders) : [];
  const headers = transport.length > 0 ? transport : propertyLines(m);
  const body = bodyPart(m);
  return Buffer.concat([
    Buffer.from([...headers, 'MIME-Version: 1.0', ...body.headers].join(CRLF) + CRLF + CRLF),
    body.body,
  ]);
}
