import type { Coded } from '../report/catalogue.ts';
// What reading a message gives: its fields, its parts, or why it could not be read. These are the
// parser's own types: the store keeps its own records (a message record is structurally ParsedFields
// plus the item id), and src/mail imports nothing from the store.

/** One mailbox of an address field (a group's members are listed one by one). */
export interface MailAddress {
  name: string;
  address: string;
}

/** The address fields of ParsedFields: the role an address plays in the message. */
export type AddressRole = 'from' | 'sender' | 'to' | 'cc' | 'bcc' | 'replyTo';
export const ADDRESS_ROLES: readonly AddressRole[] = ['from', 'sender', 'to', 'cc', 'bcc', 'replyTo'];

/** The fields of a message as read. */
export interface ParsedFields {
  messageId: string | null;
  /** The Date header exactly as written. */
  dateRaw: string | null;
  /** The instant it denotes (ISO 8601, UTC), or null when it cannot be parsed. */
  date: string | null;
  subject: string | null;
  from: MailAddress[];
  sender: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  inReplyTo: string | null;
  references: string[];
  /** The header block as text (UTF-8, or windows-1252 when it is not UTF-8: see `flags`). */
  headerRaw: string;
  /** Plain text body (derived from the HTML when there is no text part). */
  text: string | null;
  /** Whether an HTML body exists (the HTML itself is read from the original when needed). */
  hasHtml: boolean;
  /** Things a reader must know about how the message was read (unparseable date, 8-bit headers…). */
  flags: string[];
}

/** An attachment or embedded message found inside a message, decoded, ready to become a child item. */
export interface MessagePart {
  path: string;
  bytes: Buffer;
  filename: string | null;
  declaredType: string;
  /** message/rfc822 parts are messages in their own right. */
  isMessage: boolean;
  /**
   * Where the part's body lies in the message's stored bytes, still transfer-encoded, [start, end);
   * null when it cannot be given exactly (the message was read from a transformed copy).
   */
  byteStart: number | null;
  byteEnd: number | null;
  /** How the bytes in that range become the part's bytes (`base64`, `quoted-printable`), null when as they are. */
  transferEncoding: string | null;
}

export type ParsedMessage =
  | {
      status: 'ok' | 'limited';
      reason: Coded | null;
      message: ParsedFields;
      parts: MessagePart[];
    }
  | { status: 'failed' | 'limited'; reason: Coded; message: null; parts: [] };
