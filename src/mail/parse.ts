import { isAscii } from 'node:buffer';
import type { Address } from 'postal-mime';
import type { Limits } from '../ingest/limits.ts';
import { coded } from '../report/catalogue.ts';
import { parseMailDate } from './date.ts';
import { leadOf, looksLikeMessage, splitHeader } from './header-block.ts';
import { type MimeMessage, parseMime } from './mime.ts';
import {
  ADDRESS_ROLES,
  type AddressRole,
  type MailAddress,
  type MessagePart,
  type ParsedFields,
  type ParsedMessage,
} from './types.ts';

export { formatBytes } from '../report/size.ts';
export type { AddressRole, MailAddress, MessagePart, ParsedFields, ParsedMessage } from './types.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

/**
 * Reads one message. Never throws for bad input: the result says failed or limited, and why.
 * The bytes given are never modified: a UTF-8 BOM or blank lines before the header block are skipped
 * on a view of them (and flagged), transcoding for the parser happens on a copy.
 */
/** The transfer encodings whose decoding turns a part's range into its bytes. */
const TRANSFER_DECODINGS: Record<string, string> = {
  base64: 'base64',
  'quoted-printable': 'quoted-printable',
};

export async function parseMessage(stored: Buffer, limits: Limits, claimed: boolean): Promise<ParsedMessage> {
  if (stored.length > limits.maxMessageBytes) {
    return {
      status: 'limited',
      reason: coded('message.too-large', { size: stored.length, limit: limits.maxMessageBytes }),
      message: null,
      parts: [],
    };
  }
  if (!looksLikeMessage(stored)) {
    return {
      status: 'failed',
      reason: coded(claimed ? 'message.no-header-block' : 'message.not-an-email'),
      message: null,
      parts: [],
    };
  }
  const flags: string[] = [];
  const lead = leadOf(stored);
  if (lead.bom) flags.push('leading-bom');
  if (lead.blankLines > 0) flags.push('leading-blank-lines');
  const bytes = stored.subarray(lead.start);

  const split = splitHeader(bytes, limits.maxHeaderBytes + 2);
  const headerEnd = split ? split.headerEnd : bytes.length;
  if (headerEnd > limits.maxHeaderBytes) {
    return {
      status: 'limited',
      reason: coded('message.header-too-large', { limit: limits.maxHeaderBytes }),
      message: null,
      parts: [],
    };
  }

  const headerBytes = bytes.subarray(0, headerEnd);
  let headerRaw: string;
  let input = bytes;
  // Where the header block ends in `input` (it grows when transcoded).
  let inputHeaderEnd = headerEnd;
  if (!isAscii(headerBytes)) {
    try {
      headerRaw = utf8.decode(headerBytes);
      flags.push('8bit-headers:utf-8');
    } catch {
      // Not UTF-8: the usual culprit is a Western mail client writing raw Windows-1252.
      headerRaw = windows1252.decode(headerBytes);
      flags.push('8bit-headers:windows-1252-fallback');
      const transcoded = Buffer.from(headerRaw, 'utf8');
      input = Buffer.concat([transcoded, bytes.subarray(headerEnd)]);
      inputHeaderEnd = transcoded.length;
    }
  } else {
    headerRaw = headerBytes.toString('latin1');
  }

  const partCount = countPartHeaders(input);
  const tooManyParts = partCount > limits.maxMimeParts;
  if (tooManyParts) {
    // Parse the header block only: the body of a part bomb is kept in the stored bytes, unread.
    input = Buffer.concat([input.subarray(0, inputHeaderEnd), Buffer.from('\r\n\r\n')]);
  }

  let email: MimeMessage;
  try {
    email = parseMime(input, {
      maxNestingDepth: limits.maxDepth * 4,
      maxHeadersSize: limits.maxHeaderBytes,
    });
  } catch (err) {
    return {
      status: 'failed',
      reason: coded('message.mime-unreadable', { error: err instanceof Error ? err.message : String(err) }),
      message: null,
      parts: [],
    };
  }
  for (const flag of email.flags) flags.push(flag);

  const dates = email.headers.filter((h) => h.key === 'date');
  const dateRaw = dates[0]?.value ?? null;
  const date = parseMailDate(dateRaw);
  if (dateRaw === null) flags.push('date:missing');
  else if (date === null) flags.push('date:unparseable');
  else for (const note of date.notes) flags.push(`date:${note}`);
  if (dates.length > 1) flags.push('date:several');

  // Offsets in `input` are offsets in the stored bytes once the skipped lead and any growth of a
  // transcoded header block are taken back.
  const shift = lead.start + (headerEnd - inputHeaderEnd);
  const parts: MessagePart[] = email.attachments.map((attachment, index) => ({
    path: `part/${index + 1}${attachment.filename ? `/${attachment.filename}` : ''}`,
    bytes: attachment.content,
    filename: attachment.filename,
    declaredType: attachment.mimeType,
    isMessage: /^message\/(rfc822|global)$/i.test(attachment.mimeType),
    byteStart: attachment.encodedStart + shift,
    byteEnd: attachment.encodedEnd + shift,
    transferEncoding: TRANSFER_DECODINGS[attachment.transferEncoding] ?? null,
  }));

  return {
    status: tooManyParts ? 'limited' : 'ok',
    reason: tooManyParts
      ? coded('message.too-many-parts', { parts: partCount, limit: limits.maxMimeParts })
      : null,
    message: {
      messageId: email.messageId?.trim() || null,
      dateRaw,
      date: date?.iso ?? null,
      subject: email.subject ?? null,
      ...addressFields(email),
      inReplyTo: email.inReplyTo?.trim() || null,
      references: (email.references ?? '').match(/<[^>]*>/g) ?? [],
      headerRaw,
      text: email.text ?? null,
      hasHtml: Boolean(email.html),
      flags,
    },
    parts,
  };
}

/** Each address field as a list of mailboxes (a group's members listed one by one). */
function addressFields(email: MimeMessage): Pick<ParsedFields, AddressRole> {
  const fields = {} as Pick<ParsedFields, AddressRole>;
  for (const role of ADDRESS_ROLES) fields[role] = addresses(email[role]);
  return fields;
}

function addresses(value: Address | Address[] | undefined): MailAddress[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((entry) =>
    entry.group
      ? entry.group.map((member) => ({ name: member.name, address: member.address }))
      : [{ name: entry.name, address: entry.address }],
  );
}

/** Counts Content-Type header lines: an upper bound on MIME parts, cheap enough to run before parsing. */
function countPartHeaders(bytes: Buffer): number {
  // Every `\ncontent-type:` (any case) ends in a colon: look at the bytes before each colon. Base64
  // bodies have none, so this touches a handful of places per message and makes no string.
  let count = 0;
  for (let colon = bytes.indexOf(0x3a, 13); colon !== -1; colon = bytes.indexOf(0x3a, colon + 1)) {
    const at = colon - 13;
    if (bytes[at] !== 0x0a || (bytes[colon - 1]! | 0x20) !== 0x65 /* e */) continue;
    let match = true;
    for (let k = 0; k < 12; k++) {
      if ((bytes[at + 1 + k]! | 0x20) !== CONTENT_TYPE[k]) {
        match = false;
        break;
      }
    }
    if (match) count++;
  }
  return count;
}
const CONTENT_TYPE = Buffer.from('content-type');
