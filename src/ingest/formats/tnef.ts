// TNEF (`winmail.dat`, `application/ms-tnef`, [MS-OXTNEF]): Outlook's wrapper for a message's rich
// body and its attachments, met as a file or as an attachment of a message (the pipeline sends
// that back through the registry, so it is opened here too). Identified by its signature 0x223E9F78.
//
// A reader of our own (no maintained JS reader exists). The stream is a list of attributes: level
// (1 message, 2 attachment), id, length, data, checksum (the sum of the data's bytes). Members:
// - each attachment as its file: the name from its MAPI properties (PR_ATTACH_LONG_FILENAME, then
//   PR_ATTACH_FILENAME), else attAttachTitle, else `attachment-<n>`; the bytes from attAttachData
//   (or the object PR_ATTACH_DATA_OBJ holds: an embedded message is a TNEF stream, read in turn);
// - the message itself, rebuilt (mail/build.ts) from its subject, sender, recipients, date and
//   bodies (plain, HTML, compressed RTF) when it has any of them, flagged `rebuilt-from:tnef`.
// Every length is checked against what is left. A length that lies (past the end, or onto bytes
// that are no attribute) is a problem for the member it belongs to; the reader then looks for the
// next attribute whose checksum holds and reads on from there, and the bytes skipped are kept. A
// checksum that does not hold on an attribute followed by a sound one is a flag on its member.

import { TextDecoder } from 'node:util';
import { type BuiltAddress, buildMessage, type MessageProperties } from '../../mail/build.ts';
import { type Coded, coded } from '../../report/catalogue.ts';
import type { ContainerEvent, ContainerInput, ContainerModule, Entry, EntryProblem } from '../format.ts';
import { Score } from '../format.ts';
import type { Limits } from '../limits.ts';
import { pathSegment, rebuiltEntry } from './outlook/entries.ts';
import { readContainerBytes } from './outlook/read-input.ts';
import { decompressRtf } from './outlook/rtf.ts';

const SIGNATURE = 0x223e9f78;
/** Signature (4), key (2). */
const STREAM_HEADER = 6;
/** Level (1), id (4), length (4) before the data; the checksum (2) after it. */
const ATTRIBUTE_HEADER = 9;
const CHECKSUM = 2;
const LEVEL_MESSAGE = 1;
const LEVEL_ATTACHMENT = 2;

/** The attributes of [MS-OXTNEF] 2.1.3.3 this reader uses (the id holds the type in its high 16 bits). */
const ATT = {
  from: 0x00008000,
  subject: 0x00018004,
  body: 0x0002800c,
  attachData: 0x0006800f,
  attachTitle: 0x00018010,
  attachRendData: 0x00069002,
  msgProps: 0x00069003,
  recipTable: 0x00069004,
  attachment: 0x00069005,
  oemCodepage: 0x00069007,
} as const;

/** Every attribute id [MS-OXTNEF] defines: what the reader looks for when it resynchronises. */
const KNOWN_ATTRIBUTES = new Set([
  ...Object.values(ATT),
  0x00060000,
  0x00060001,
  0x00060002,
  0x00030006,
  0x00030007,
  0x00050008,
  0x00040009,
  0x00038005,
  0x00038006,
  0x00068007,
  0x00078008,
  0x00018009,
  0x0001800a,
  0x0001800b,
  0x0004800d,
  0x00068011,
  0x00038012,
  0x00038013,
  0x00038020,
  0x00069001,
  0x00089006,
  0x00078009,
]);

/** MAPI property ids ([MS-OXPROPS]). */
const PR = {
  subject: 0x0037,
  clientSubmitTime: 0x0039,
  sentRepresentingName: 0x0042,
  sentRepresentingEmail: 0x0065,
  transportHeaders: 0x007d,
  recipientType: 0x0c15,
  senderName: 0x0c1a,
  senderEmail: 0x0c1f,
  body: 0x1000,
  rtfCompressed: 0x1009,
  html: 0x1013,
  messageId: 0x1035,
  inReplyTo: 0x1042,
  displayName: 0x3001,
  emailAddress: 0x3003,
  attachDataObject: 0x3701,
  attachFilename: 0x3704,
  attachLongFilename: 0x3707,
  smtpAddress: 0x39fe,
  internetCodepage: 0x3fde,
  senderSmtpAddress: 0x5d01,
  sentRepresentingSmtpAddress: 0x5d02,
} as const;

const PT = { string8: 0x001e, unicode: 0x001f, binary: 0x0102, object: 0x000d, systime: 0x0040 } as const;
/** Bytes of one value of each fixed-size MAPI type as TNEF writes it (16-bit values padded to 4). */
const FIXED_SIZES: Record<number, number> = {
  2: 4,
  3: 4,
  4: 4,
  10: 4,
  11: 4,
  5: 8,
  6: 8,
  7: 8,
  20: 8,
  64: 8,
  72: 16,
};
const VARIABLE_TYPES = new Set<number>([PT.string8, PT.unicode, PT.binary, PT.object]);
/** The interface id before an embedded message's TNEF stream in PR_ATTACH_DATA_OBJ. */
const IID_BYTES = 16;

/** A MAPI property's first value: its type and bytes. */
type Properties = Map<number, { type: number; data: Buffer }>;

/** A cursor that never reads past the end: every read checks what is left, and gives null when it does not fit. */
class Cursor {
  offset: number;
  readonly bytes: Buffer;
  constructor(bytes: Buffer, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }
  left(): number {
    return this.bytes.length - this.offset;
  }
  take(n: number): Buffer | null {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.left()) return null;
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  u16(): number | null {
    const b = this.take(2);
    return b ? b.readUInt16LE(0) : null;
  }
  u32(): number | null {
    const b = this.take(4);
    return b ? b.readUInt32LE(0) : null;
  }
}

const padded = (n: number) => (n + 3) & ~3;

/** One property list (a count, then the properties); null when it does not fit in what is left. */
function readProperties(c: Cursor): Properties | null {
  const count = c.u32();
  // Each property takes at least 4 bytes: a count larger than that is a lie.
  if (count === null || count > c.left() / 4) return null;
  const out: Properties = new Map();
  for (let i = 0; i < count; i++) {
    const type = c.u16();
    const id = c.u16();
    if (type === null || id === null) return null;
    if (id >= 0x8000) {
      // A named property: its GUID, then a number or a name (UTF-16, padded), not used here.
      if (!c.take(16)) return null;
      const kind = c.u32();
      if (kind === null) return null;
      const size = kind === 0 ? 4 : c.u32();
      if (size === null || !c.take(kind === 0 ? size : padded(size))) return null;
    }
    const base = type & 0x0fff;
    const multi = (type & 0x1000) !== 0;
    const fixed = FIXED_SIZES[base];
    if (fixed !== undefined) {
      const n = multi ? c.u32() : 1;
      if (n === null || n > c.left() / fixed) return null;
      const value = c.take(n * fixed);
      if (!value) return null;
      if (!out.has(id)) out.set(id, { type: base, data: value.subarray(0, fixed) });
      continue;
    }
    if (!VARIABLE_TYPES.has(base)) return null; // an unknown type: its size cannot be known
    const n = c.u32();
    if (n === null || n > c.left() / 4) return null;
    for (let v = 0; v < n; v++) {
      const length = c.u32();
      if (length === null) return null;
      const value = c.take(length);
      if (!value || !c.take(padded(length) - length)) return null;
      if (v === 0 && !out.has(id)) out.set(id, { type: base, data: value });
    }
  }
  return out;
}

/** A text decoder for a Windows code page number, windows-1252 when it is not one Node knows. */
function decoderFor(codepage: number | null): TextDecoder {
  const names: Record<number, string> = {
    65001: 'utf-8',
    20127: 'us-ascii',
    28591: 'iso-8859-1',
    932: 'shift_jis',
    936: 'gbk',
    949: 'euc-kr',
    950: 'big5',
    20866: 'koi8-r',
    50220: 'iso-2022-jp',
  };
  const label =
    codepage === null
      ? 'windows-1252'
      : (names[codepage] ??
        (codepage > 28590 && codepage < 28606 ? `iso-8859-${codepage - 28590}` : `windows-${codepage}`));
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder('windows-1252');
  }
}

interface Decoding {
  /** For 8-bit strings (attOemCodepage). */
  strings: TextDecoder;
}

function propertyText(p: { type: number; data: Buffer } | undefined, decoding: Decoding): string | null {
  if (!p) return null;
  if (p.type === PT.unicode) return p.data.toString('utf16le').replace(/\0+$/, '');
  if (p.type === PT.string8) return decoding.strings.decode(p.data).replace(/\0+$/, '');
  return null;
}

/** A FILETIME (100 ns since 1601, UTC) as a date; null when it is not one. */
function fileTime(p: { type: number; data: Buffer } | undefined): Date | null {
  if (!p || p.type !== PT.systime || p.data.length < 8) return null;
  const ticks = p.data.readBigUInt64LE(0);
  const ms = Number(ticks / 10_000n) - 11_644_473_600_000;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The legacy attFrom: a triple (type, size, name length, address length), the name, then the address. */
function legacySender(data: Buffer, decoding: Decoding): BuiltAddress | null {
  const c = new Cursor(data);
  if (c.u16() === null || c.u16() === null) return null;
  const nameLength = c.u16();
  const addressLength = c.u16();
  const name = nameLength === null ? null : c.take(nameLength);
  const address = addressLength === null ? null : c.take(addressLength);
  if (!name || !address) return null;
  const text = (b: Buffer) => decoding.strings.decode(b).replace(/\0+$/, '');
  return { name: text(name), address: text(address).replace(/^SMTP:/i, '') };
}

/** An attachment as the stream describes it, and what went wrong with it. */
interface Attachment {
  title: string | null;
  data: { start: number; bytes: Buffer } | null;
  props: Properties | null;
  checksumMismatch: boolean;
  propertiesUnreadable: boolean;
  damage: Coded | null;
}

/** The message's own attributes. */
interface MessageParts {
  props: Properties | null;
  recipients: Properties[];
  subject: string | null;
  body: string | null;
  from: BuiltAddress | null;
  checksumMismatch: boolean;
  propertiesUnreadable: boolean;
}

function checksumOf(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum += bytes[i]!;
  return sum & 0xffff;
}

interface Attribute {
  start: number;
  level: number;
  id: number;
  data: Buffer;
  dataStart: number;
  checksumOk: boolean;
  end: number;
}

/**
 * The attribute at `at` (with whether its checksum holds) when its header is one and its length stays within
 * the stream; `lie` when the header is one but its length runs past the end; null when there is no header there.
 */
function attributeAt(
  bytes: Buffer,
  at: number,
): Attribute | { lie: { id: number; level: number; length: number } } | null {
  const c = new Cursor(bytes, at);
  const level = c.take(1)?.[0];
  const id = c.u32();
  const length = c.u32();
  if (level === undefined || id === null || length === null) return null;
  if ((level !== LEVEL_MESSAGE && level !== LEVEL_ATTACHMENT) || !KNOWN_ATTRIBUTES.has(id)) return null;
  const data = c.take(length);
  const checksum = data === null ? null : c.u16();
  if (data === null || checksum === null) return { lie: { id, level, length } };
  const dataStart = at + ATTRIBUTE_HEADER;
  return { start: at, level, id, data, dataStart, checksumOk: checksumOf(data) === checksum, end: c.offset };
}

/** Reads attributes, resynchronising past damage, within a budget of checksum work (hostile streams stay linear). */
class AttributeReader {
  private readonly bytes: Buffer;
  private offset = STREAM_HEADER;
  /** Bytes of checksums computed while resynchronising: four times the stream, then the rest is not searched. */
  private budget: number;
  constructor(bytes: Buffer) {
    this.bytes = bytes;
    this.budget = 4 * bytes.length + 1024 ** 2;
  }

  /** The next sound attribute at or after `from` (its checksum holds), or null. */
  private resync(from: number): Attribute | null {
    for (let at = from; at + ATTRIBUTE_HEADER + CHECKSUM <= this.bytes.length; at++) {
      const level = this.bytes[at];
      if (level !== LEVEL_MESSAGE && level !== LEVEL_ATTACHMENT) continue;
      if (!KNOWN_ATTRIBUTES.has(this.bytes.readUInt32LE(at + 1))) continue;
      const length = this.bytes.readUInt32LE(at + 5);
      if (length > this.bytes.length - at - ATTRIBUTE_HEADER - CHECKSUM) continue;
      this.budget -= length;
      if (this.budget < 0) return null;
      const found = attributeAt(this.bytes, at);
      if (found && !('lie' in found) && found.checksumOk) return found;
    }
    return null;
  }

  /**
   * The next attribute, or damage: a header whose length lies (`lie`: it runs past the end, or
   * onto bytes that are no attribute), or bytes that are no attribute, skipped to the next sound
   * one (`skipped`: where they start and end).
   */
  next():
    | { attribute: Attribute }
    | {
        lie: { start: number; id: number; level: number; length: number; available: number; beyond: boolean };
      }
    | { skipped: { start: number; end: number } }
    | null {
    if (this.offset >= this.bytes.length) return null;
    const start = this.offset;
    const found = attributeAt(this.bytes, start);
    if (found && !('lie' in found)) {
      // A checksum that fails on an attribute followed by a sound one (or the end) is a flag; followed
      // by bytes that are no attribute, it says the length lied: read on from inside its data.
      const after = found.end >= this.bytes.length ? true : attributeAt(this.bytes, found.end);
      if (found.checksumOk || (after !== null && (after === true || !('lie' in after)))) {
        this.offset = found.end;
        return { attribute: found };
      }
    }
    if (found) {
      const length = 'lie' in found ? found.lie.length : found.data.length;
      const { id, level } = 'lie' in found ? found.lie : found;
      this.continueAfterDamage(start + ATTRIBUTE_HEADER);
      const available = this.bytes.length - start - ATTRIBUTE_HEADER;
      return { lie: { start, id, level, length, available: Math.max(0, available), beyond: 'lie' in found } };
    }
    this.continueAfterDamage(start + 1);
    return { skipped: { start, end: this.offset } };
  }

  /** Where reading goes on after damage: the next sound attribute, or the end. */
  private continueAfterDamage(from: number): void {
    const next = this.resync(from);
    this.offset = next ? next.start : this.bytes.length;
  }

  /** Where reading goes on: after damage, the start of the next sound attribute (or the end). */
  get position(): number {
    return this.offset;
  }
}

/** The member's name for the rebuilt message: the stream's name with `.eml` (winmail.dat → winmail.eml). */
function messageName(name: string | null): string {
  const base = (name ?? 'winmail.dat').split('/').pop() || 'winmail.dat';
  return `${pathSegment(base.replace(/\.[^.]*$/, '') || 'winmail')}.eml`;
}

function address(props: Properties | null, name: number, email: number, smtp: number, d: Decoding) {
  const display = propertyText(props?.get(name), d);
  const addr = propertyText(props?.get(smtp), d) ?? propertyText(props?.get(email), d);
  return display || addr ? { name: display ?? '', address: addr ?? '' } : null;
}

/** The message rebuilt from its attributes, or null when it has no subject, body or sender to show. */
function rebuiltMessage(m: MessageParts, decoding: Decoding): Buffer | null {
  const p = m.props;
  const text = propertyText(p?.get(PR.body), decoding) ?? m.body;
  const htmlProperty = p?.get(PR.html);
  const htmlCodepage = p?.get(PR.internetCodepage)?.data.readUInt32LE(0) ?? null;
  const html = htmlProperty
    ? (propertyText(htmlProperty, decoding) ?? decoderFor(htmlCodepage).decode(htmlProperty.data))
    : null;
  const rtfProperty = p?.get(PR.rtfCompressed);
  const rtf = rtfProperty ? decompressRtf(rtfProperty.data) : null;
  const subject = propertyText(p?.get(PR.subject), decoding) ?? m.subject;
  const from =
    address(p, PR.sentRepresentingName, PR.sentRepresentingEmail, PR.sentRepresentingSmtpAddress, decoding) ??
    address(p, PR.senderName, PR.senderEmail, PR.senderSmtpAddress, decoding) ??
    m.from;
  if (text === null && html === null && rtf === null && subject === null && from === null) return null;
  const roles: Record<number, 'to' | 'cc' | 'bcc'> = { 1: 'to', 2: 'cc', 3: 'bcc' };
  const recipients = { to: [] as BuiltAddress[], cc: [] as BuiltAddress[], bcc: [] as BuiltAddress[] };
  for (const row of m.recipients) {
    const role = roles[row.get(PR.recipientType)?.data.readUInt32LE(0) ?? 1] ?? 'to';
    const who = address(row, PR.displayName, PR.emailAddress, PR.smtpAddress, decoding);
    if (who) recipients[role].push(who);
  }
  const properties: MessageProperties = {
    transportHeaders: propertyText(p?.get(PR.transportHeaders), decoding),
    from: from ? [from] : [],
    ...recipients,
    subject,
    date: fileTime(p?.get(PR.clientSubmitTime)),
    messageId: propertyText(p?.get(PR.messageId), decoding),
    inReplyTo: propertyText(p?.get(PR.inReplyTo), decoding),
    text,
    html,
    rtf,
    attachments: [],
  };
  return buildMessage(properties);
}

function problem(
  path: string,
  status: EntryProblem['status'],
  reason: Coded,
  bytes: Buffer | null,
  start: number | null,
): EntryProblem {
  const range = bytes && start !== null ? { byteStart: start, byteEnd: start + bytes.length } : null;
  return {
    kind: 'problem',
    path,
    status,
    reason,
    bytes,
    byteStart: range?.byteStart ?? null,
    byteEnd: range?.byteEnd ?? null,
  };
}

/** An attachment's name, made unique among the members. */
function attachmentName(a: Attachment, n: number, used: Set<string>, decoding: Decoding): string {
  const given =
    propertyText(a.props?.get(PR.attachLongFilename), decoding) ||
    propertyText(a.props?.get(PR.attachFilename), decoding) ||
    a.title ||
    propertyText(a.props?.get(PR.displayName), decoding);
  let name = pathSegment(given || `attachment-${n}`);
  const embedded = !a.data && a.props?.get(PR.attachDataObject);
  const held = embedded ? embedded.data.subarray(IID_BYTES) : null;
  if (held && held.length >= 4 && held.readUInt32LE(0) === SIGNATURE) name = `${name}.tnef`;
  const stem = name;
  for (let k = 2; used.has(name); k++) name = `${stem} (${k})`;
  used.add(name);
  return name;
}

/** The attachment's bytes: attAttachData, else the object PR_ATTACH_DATA_OBJ holds (after its interface id). */
function attachmentBytes(a: Attachment): { start: number | null; bytes: Buffer } | null {
  if (a.data) return a.data;
  const object = a.props?.get(PR.attachDataObject);
  if (!object) return null;
  const bytes = object.type === PT.object ? object.data.subarray(IID_BYTES) : object.data;
  return bytes.length > 0 ? { start: null, bytes } : null;
}

function attachmentEvent(a: Attachment, name: string): ContainerEvent {
  const found = attachmentBytes(a);
  if (a.damage) return problem(name, 'failed', a.damage, found?.bytes ?? null, found?.start ?? null);
  if (!found) return problem(name, 'failed', coded('tnef.attachment-no-data'), null, null);
  const flags = [
    ...(a.checksumMismatch ? ['tnef-checksum-mismatch'] : []),
    ...(a.propertiesUnreadable ? ['tnef-properties-unreadable'] : []),
  ];
  const entry: Entry = {
    kind: 'entry',
    path: name,
    bytes: found.bytes,
    byteStart: found.start,
    byteEnd: found.start === null ? null : found.start + found.bytes.length,
    transformations: [],
    isMessage: false,
    ...(flags.length > 0 ? { flags } : {}),
  };
  return entry;
}

export const tnefFormat: ContainerModule = {
  name: 'tnef',
  kind: 'container',
  maxScore: Score.certain,
  score: (probe) =>
    probe.head.length >= STREAM_HEADER + ATTRIBUTE_HEADER && probe.head.readUInt32LE(0) === SIGNATURE
      ? Score.certain
      : Score.none,
  async *entries(input: ContainerInput, limits: Limits): AsyncGenerator<ContainerEvent> {
    const bytes = readContainerBytes(input, limits);
    if (bytes.length < STREAM_HEADER || bytes.readUInt32LE(0) !== SIGNATURE)
      throw new Error('not a TNEF stream');
    const message: MessageParts = {
      props: null,
      recipients: [],
      subject: null,
      body: null,
      from: null,
      checksumMismatch: false,
      propertiesUnreadable: false,
    };
    const attachments: Attachment[] = [];
    // Damage that belongs to no attachment: yielded with the bytes skipped, after the members.
    const damage: EntryProblem[] = [];
    let codepage: number | null = null;
    const reader = new AttributeReader(bytes);
    // Attributes are collected first: the code page and an attachment's name may come after what they describe.
    const found: Attribute[] = [];
    for (let step = reader.next(); step !== null; step = reader.next()) {
      if ('attribute' in step) {
        found.push(step.attribute);
        if (step.attribute.id === ATT.oemCodepage && step.attribute.data.length >= 4)
          codepage = step.attribute.data.readUInt32LE(0);
        if (step.attribute.id === ATT.attachRendData)
          attachments.push({
            title: null,
            data: null,
            props: null,
            checksumMismatch: false,
            propertiesUnreadable: false,
            damage: null,
          });
        const owner = step.attribute.level === LEVEL_ATTACHMENT ? attachments.at(-1) : undefined;
        (owner ?? message).checksumMismatch ||= !step.attribute.checksumOk;
        continue;
      }
      if ('lie' in step) {
        const { start, id, level, length, available, beyond } = step.lie;
        const reason = beyond
          ? coded('tnef.length-exceeds', { at: start, length, available })
          : coded('tnef.length-wrong', { at: start, length });
        const current = level === LEVEL_ATTACHMENT ? attachments.at(-1) : undefined;
        if (current && !current.damage) {
          current.damage = reason;
          // The data an attachment's attribute had before the stream ended or the next sound attribute.
          if (id === ATT.attachData && !current.data) {
            const dataStart = start + ATTRIBUTE_HEADER;
            current.data = {
              start: dataStart,
              bytes: bytes.subarray(dataStart, Math.min(reader.position, dataStart + length)),
            };
          }
        } else {
          damage.push(
            problem(
              `damaged-at-${start}.bin`,
              'failed',
              reason,
              bytes.subarray(start, reader.position),
              start,
            ),
          );
        }
        continue;
      }
      const { start, end } = step.skipped;
      const reason = coded('tnef.damaged', { at: start, skipped: end - start });
      damage.push(problem(`damaged-at-${start}.bin`, 'failed', reason, bytes.subarray(start, end), start));
    }
    const decoding: Decoding = { strings: decoderFor(codepage) };
    let attachment = -1;
    for (const a of found) {
      if (a.id === ATT.attachRendData) attachment++;
      const current = a.level === LEVEL_ATTACHMENT ? attachments[attachment] : undefined;
      if (current) {
        if (a.id === ATT.attachTitle) current.title = decoding.strings.decode(a.data).replace(/\0+$/, '');
        else if (a.id === ATT.attachData) current.data = { start: a.dataStart, bytes: a.data };
        else if (a.id === ATT.attachment) {
          current.props = readProperties(new Cursor(a.data));
          current.propertiesUnreadable ||= current.props === null;
        }
        continue;
      }
      if (a.id === ATT.msgProps) {
        message.props = readProperties(new Cursor(a.data));
        message.propertiesUnreadable ||= message.props === null;
      } else if (a.id === ATT.recipTable) {
        const c = new Cursor(a.data);
        const rows = c.u32() ?? 0;
        for (let r = 0; r < rows && c.left() > 0; r++) {
          const row = readProperties(c);
          if (!row) {
            message.propertiesUnreadable = true;
            break;
          }
          message.recipients.push(row);
        }
      } else if (a.id === ATT.subject) message.subject = decoding.strings.decode(a.data).replace(/\0+$/, '');
      else if (a.id === ATT.body) message.body = decoding.strings.decode(a.data).replace(/\0+$/, '');
      else if (a.id === ATT.from) message.from = legacySender(a.data, decoding);
    }

    const rebuilt = rebuiltMessage(message, decoding);
    const name = messageName(input.name);
    const used = new Set<string>();
    if (rebuilt) {
      const flags = [
        ...(message.checksumMismatch ? ['tnef-checksum-mismatch'] : []),
        ...(message.propertiesUnreadable ? ['tnef-properties-unreadable'] : []),
      ];
      used.add(name);
      yield rebuiltEntry(name, rebuilt, 'tnef', flags);
    } else if (message.checksumMismatch || message.propertiesUnreadable) {
      // Nothing of the message to rebuild, but what was wrong with its attributes is still said.
      const what = message.checksumMismatch ? 'checksum' : 'properties';
      yield problem('(message attributes)', 'failed', coded('tnef.message-attributes', { what }), null, null);
    }
    for (const [i, a] of attachments.entries()) {
      if (i >= limits.maxEntries) {
        const reason = coded('tnef.too-many-attachments', {
          count: attachments.length,
          limit: limits.maxEntries,
        });
        yield problem(`attachment-${i + 1}`, 'limited', reason, null, null);
        break;
      }
      yield attachmentEvent(a, attachmentName(a, i + 1, used, decoding));
    }
    yield* damage;
  },
};
