// Outlook for Mac archives (.olm): a zip laid out by account, one XML file per message:
// `Accounts/<account>/com.microsoft.__Messages/<folder…>/message_00000.xml` (or `Local/…`), the
// files attached to a message in the folder's `com.microsoft.__Attachments/`, named by the
// message's `OPFAttachmentURL`; contacts, calendars and categories beside them.
//
// What identifies one, from the archive's names alone: a member under a top-level `Accounts/` or
// `Local/` folder inside one of Outlook's `com.microsoft.__<Kind>` folders, or a message file
// `message_<digits>.xml` under those top-level folders. The name does not count. Scores: 100 from
// the central directory, 95 from local headers only; both beat the zip (90).
//
// Read as a container over the zip reader (zip.ts, with all its guards), in two passes: the first
// reads only the message files, to learn which members are attachments and how many messages each
// folder holds (its `expected` count); the second rebuilds each message as RFC 5322 (mail/build.ts,
// flagged `rebuilt-from:olm`: XML fields are not the bytes that were sent) with its attachments as
// parts, so they are its children. An attachment met before its message is held until it comes
// (within a memory budget: past it, the attachment is recorded beside the message, which is
// flagged); one the archive lacks is a failed member. Every other member (contacts, calendars,
// files no message names) is recorded as it is.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { type BuiltAddress, type BuiltAttachment, buildMessage } from '../../mail/build.ts';
import { coded } from '../../report/catalogue.ts';
import type { ContainerEvent, ContainerInput, ContainerModule, Entry } from '../format.ts';
import { memberProblem, wholeEntry } from '../format.ts';
import type { Limits } from '../limits.ts';
import { errorText, rebuiltEntry } from './outlook/entries.ts';
import { zipEntries } from './zip.ts';
import { zipListing } from './zip-directory.ts';

const OLM_MEMBER = /^(?:Accounts|Local)\/(?:.*\/)?(?:com\.microsoft\.__[A-Za-z]+\/|message_\d+\.xml$)/;
/** A message file: `message_<n>.xml` in a folder of a `com.microsoft.__Messages` tree, not among attachments. */
const MESSAGE_FILE = /(?:^|\/)com\.microsoft\.__Messages\/(?:[^/]+\/)*message_[^/]*\.xml$/;
const ATTACHMENTS_FOLDER = '/com.microsoft.__Attachments/';

/** Attachments held for messages not met yet: at most this many bytes (or maxEntryBytes if lower). */
const HOLD_BYTES = 256 * 1024 ** 2;

function isMessageFile(path: string): boolean {
  return MESSAGE_FILE.test(path) && !path.includes(ATTACHMENTS_FOLDER);
}

function folderOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

/** The member name of the message rebuilt from `message_00000.xml`: `message_00000.eml` beside it. */
function messagePath(xmlPath: string): string {
  return xmlPath.replace(/\.xml$/i, '.eml');
}

type XmlNode = string | { [name: string]: XmlNode | XmlNode[] } | XmlNode[];

const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  trimValues: false,
  isArray: (name) => name === 'emailAddress' || name === 'messageAttachment' || name === 'email',
});

/** The text of an element or attribute value: its string, or its `#text`; null when absent or empty. */
function textOf(node: XmlNode | undefined): string | null {
  if (node === undefined || node === null) return null;
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'string') return node === '' ? null : node;
  const inner = node['#text'];
  return typeof inner === 'string' && inner !== '' ? inner : null;
}

function childOf(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  return node[name] as XmlNode | undefined;
}

function listOf(node: XmlNode | undefined): XmlNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

/** An `emailAddress` element: its address and name as attributes (newer archives) or child elements (older). */
function addressOf(node: XmlNode): BuiltAddress | null {
  const field = (name: string) => textOf(childOf(node, `@${name}`)) ?? textOf(childOf(node, name));
  const address = field('OPFContactEmailAddressAddress')?.trim() ?? '';
  const name = field('OPFContactEmailAddressName')?.trim() ?? '';
  return address || name ? { name, address } : null;
}

function addresses(email: XmlNode, field: string): BuiltAddress[] {
  return listOf(childOf(childOf(email, field), 'emailAddress'))
    .map(addressOf)
    .filter((a): a is BuiltAddress => a !== null);
}

/** An OLM time (`2022-05-26T17:55:40`, UTC when it names no zone). */
function timeOf(text: string | null): Date | null {
  if (!text) return null;
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(text.trim()) ? text.trim() : `${text.trim()}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}

interface AttachmentRef {
  url: string;
  name: string | null;
  contentType: string;
  contentId: string | null;
}

/** One message file, parsed: its `<email>` element and the attachments it names. */
interface ParsedMessage {
  path: string;
  /** Bytes of the message file, what holding it costs. */
  size: number;
  email: XmlNode;
  attachments: AttachmentRef[];
}

/** The message file's `<email>`, or the reason it cannot be read as one. */
function parseMessageFile(path: string, bytes: Buffer): ParsedMessage | { error: string } {
  const text = bytes.toString('utf8');
  // A DTD is no part of an OLM message, and entity expansion is a classic bomb: refused.
  if (/<!DOCTYPE/i.test(text)) return { error: 'the file declares a DTD (refused: entity expansion)' };
  // The parser reads unclosed elements leniently: a damaged file is said to be one, not half-read.
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { error: `${valid.err.msg} (line ${valid.err.line})` };
  let root: XmlNode;
  try {
    root = parser.parse(text) as XmlNode;
  } catch (err) {
    return { error: errorText(err) };
  }
  const emails = listOf(childOf(childOf(root, 'emails'), 'email'));
  const email = emails[0] ?? listOf(childOf(root, 'email'))[0];
  if (!email || typeof email === 'string') return { error: 'no <email> element' };
  const attachments = listOf(childOf(childOf(email, 'OPFMessageCopyAttachmentList'), 'messageAttachment'))
    .map((a): AttachmentRef | null => {
      const url = textOf(childOf(a, '@OPFAttachmentURL'));
      if (!url) return null;
      return {
        url,
        name: textOf(childOf(a, '@OPFAttachmentName')),
        contentType: textOf(childOf(a, '@OPFAttachmentContentType')) ?? 'application/octet-stream',
        contentId: textOf(childOf(a, '@OPFAttachmentContentID')),
      };
    })
    .filter((a): a is AttachmentRef => a !== null);
  return { path, size: bytes.length, email, attachments };
}

/** The message rebuilt from its fields and the attachments found for it. */
function rebuild(m: ParsedMessage, found: Map<string, Buffer>, flags: string[]): Entry {
  const e = m.email;
  const field = (name: string) => textOf(childOf(e, name));
  const from = addresses(e, 'OPFMessageCopyFromAddresses');
  const attachments: BuiltAttachment[] = [];
  for (const a of m.attachments) {
    const bytes = found.get(a.url);
    if (bytes)
      attachments.push({ filename: a.name, contentType: a.contentType, contentId: a.contentId, bytes });
  }
  const bytes = buildMessage({
    transportHeaders: null,
    from: from.length > 0 ? from : addresses(e, 'OPFMessageCopySenderAddress'),
    to: addresses(e, 'OPFMessageCopyToAddresses'),
    cc: addresses(e, 'OPFMessageCopyCCAddresses'),
    bcc: addresses(e, 'OPFMessageCopyBCCAddresses'),
    subject: field('OPFMessageCopySubject'),
    date: timeOf(field('OPFMessageCopySentTime') ?? field('OPFMessageCopyReceivedTime')),
    messageId: field('OPFMessageCopyMessageID'),
    inReplyTo: field('OPFMessageCopyInReplyTo'),
    text: field('OPFMessageCopyBody'),
    html: field('OPFMessageCopyHTMLBody'),
    rtf: null,
    attachments,
  });
  return rebuiltEntry(messagePath(m.path), bytes, 'olm', flags);
}

/** Pass one: how many messages each folder holds, and how many messages name each attachment. */
async function survey(input: ContainerInput, limits: Limits) {
  const folders = new Map<string, number>();
  const wanted = new Map<string, number>();
  try {
    for await (const event of zipEntries(input, limits, isMessageFile)) {
      if (event.kind === 'expected' || !isMessageFile(event.path)) continue;
      const folder = folderOf(event.path);
      folders.set(folder, (folders.get(folder) ?? 0) + 1);
      if (event.kind !== 'entry') continue;
      const parsed = parseMessageFile(event.path, event.bytes);
      if ('error' in parsed) continue;
      for (const url of new Set(parsed.attachments.map((a) => a.url)))
        wanted.set(url, (wanted.get(url) ?? 0) + 1);
    }
  } catch {
    // An archive cut short: the second pass meets the same end and says so.
  }
  return { folders, wanted };
}

/** Pass two: the messages rebuilt with their attachments, and every other member as it is. */
class MessageAssembly {
  private readonly wanted: Map<string, number>;
  private readonly holdLimit: number;
  /** Attachments read, waiting for the messages that name them. */
  private readonly held = new Map<string, Buffer>();
  private heldBytes = 0;
  /** Attachments recorded beside their messages (over the budget) or failed: not waited for. */
  private readonly apart = new Set<string>();
  /** Attachments set apart before they were met, with the message that named them (said missing if never met). */
  private readonly notMet = new Map<string, string>();
  /** Messages waiting for attachments not read yet, in the order they were met. */
  private readonly waiting: ParsedMessage[] = [];
  private waitingBytes = 0;

  constructor(wanted: Map<string, number>, limits: Limits) {
    this.wanted = wanted;
    this.holdLimit = Math.min(HOLD_BYTES, limits.maxEntryBytes);
  }

  private ready(m: ParsedMessage): boolean {
    return m.attachments.every((a) => this.held.has(a.url) || this.apart.has(a.url));
  }

  /** The message, rebuilt with the attachments held for it; those it was the last to need are let go. */
  private build(m: ParsedMessage, extra: string[] = []): Entry {
    const apart = m.attachments.some((a) => this.apart.has(a.url)) ? ['olm-attachment-apart'] : [];
    const entry = rebuild(m, this.held, [...apart, ...extra]);
    for (const url of new Set(m.attachments.map((a) => a.url))) {
      const left = (this.wanted.get(url) ?? 1) - 1;
      this.wanted.set(url, left);
      const bytes = this.held.get(url);
      if (left <= 0 && bytes) {
        this.held.delete(url);
        this.heldBytes -= bytes.length;
      }
    }
    return entry;
  }

  /** The waiting messages that have all they need now. */
  private *release(): Generator<ContainerEvent> {
    for (let i = 0; i < this.waiting.length; ) {
      const m = this.waiting[i]!;
      if (this.ready(m)) {
        this.waiting.splice(i, 1);
        this.waitingBytes -= m.size;
        yield this.build(m);
      } else i++;
    }
  }

  /** Past the budget, the messages waiting longest are built now, with what they have; the rest of theirs is set apart. */
  private *relieve(): Generator<ContainerEvent> {
    while (this.heldBytes + this.waitingBytes > this.holdLimit && this.waiting.length > 0) {
      const m = this.waiting.shift()!;
      this.waitingBytes -= m.size;
      for (const a of m.attachments) {
        if (this.held.has(a.url) || this.apart.has(a.url)) continue;
        this.apart.add(a.url);
        this.notMet.set(a.url, messagePath(m.path));
      }
      yield this.build(m);
    }
  }

  *take(event: ContainerEvent): Generator<ContainerEvent> {
    if (event.kind === 'expected' || event.kind === 'spooled') {
      yield event;
      return;
    }
    const isAttachment = (this.wanted.get(event.path) ?? 0) > 0;
    this.notMet.delete(event.path);
    if (event.kind === 'problem') {
      if (isMessageFile(event.path)) {
        yield { ...event, isMessage: true };
        return;
      }
      yield event;
      if (isAttachment) {
        this.apart.add(event.path);
        yield* this.release();
      }
      return;
    }
    if (isMessageFile(event.path)) {
      const parsed = parseMessageFile(event.path, event.bytes);
      if ('error' in parsed) {
        const reason = coded('olm.message-unreadable', { error: parsed.error });
        yield { ...memberProblem(event.path, 'failed', reason, event.bytes), isMessage: true };
      } else if (this.ready(parsed)) yield this.build(parsed);
      else {
        this.waiting.push(parsed);
        this.waitingBytes += parsed.size;
        yield* this.relieve();
      }
      return;
    }
    const setApart = this.apart.has(event.path);
    if (!setApart && (!isAttachment || this.held.has(event.path))) {
      yield event;
      return;
    }
    if (setApart || this.heldBytes + this.waitingBytes + event.bytes.length > this.holdLimit) {
      // Past the budget, or its message was built already: recorded beside the messages that name it.
      this.apart.add(event.path);
      yield { ...event, flags: [...(event.flags ?? []), 'olm-attachment-apart'] };
    } else {
      this.held.set(event.path, event.bytes);
      this.heldBytes += event.bytes.length;
    }
    yield* this.release();
  }

  /** At the end: messages whose attachments the archive lacks, built with those it has; each missing one said. */
  *finish(): Generator<ContainerEvent> {
    const said = new Set<string>();
    for (const [url, message] of this.notMet) {
      said.add(url);
      yield memberProblem(url, 'failed', coded('olm.attachment-missing', { message }));
    }
    this.waitingBytes = 0;
    for (const m of this.waiting.splice(0)) {
      for (const a of m.attachments) {
        if (this.held.has(a.url) || this.apart.has(a.url) || said.has(a.url)) continue;
        said.add(a.url);
        const reason = coded('olm.attachment-missing', { message: messagePath(m.path) });
        yield memberProblem(a.url, 'failed', reason);
      }
      yield this.build(m, ['olm-attachment-missing']);
    }
    // Held for messages that could not be read after all: recorded as they are.
    for (const [url, bytes] of this.held) yield wholeEntry(url, bytes);
    this.held.clear();
  }
}

export const olmFormat: ContainerModule = {
  name: 'olm',
  kind: 'container',
  maxScore: 100,
  score: (probe) => {
    const listing = zipListing(probe);
    if (listing === null || !listing.members.some((m) => OLM_MEMBER.test(m.name))) return 0;
    return listing.fromDirectory ? 100 : 95;
  },
  async *entries(input: ContainerInput, limits: Limits): AsyncGenerator<ContainerEvent> {
    const { folders, wanted } = await survey(input, limits);
    for (const [path, count] of folders) yield { kind: 'expected', path, count };
    const assembly = new MessageAssembly(wanted, limits);
    try {
      for await (const event of zipEntries(input, limits)) {
        // The zip's own count of its members is replaced by the folders' counts of messages.
        if (event.kind !== 'expected') yield* assembly.take(event);
      }
    } catch (err) {
      // Cut short: the messages read are recorded before the archive's own failure is said.
      yield* assembly.finish();
      throw err;
    }
    yield* assembly.finish();
  },
};
