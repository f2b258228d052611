// Typed access to the parts of mailauth 7.1.0 ARC builds on: its message splitter, tag-list
// parser, canonicalisers and grammar (lib/dkim/message-parser, lib/tools, lib/dkim/syntax). These
// internals are CommonJS modules without declarations, so they are loaded with createRequire and
// given the narrow shapes used here. Only primitives are used, never mailauth's verdicts or
// English messages: test/mailauth-adapter.test.ts pins what they return.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

import type { ParsedHeader, ParsedTagList } from '../mailauth-internals.ts';

export {
  type BodyHasher,
  dkimBody,
  generateCanonicalizedHeader,
  tools,
} from '../mailauth-internals.ts';

/** The `{ value }` map of a parsed tag-list (DKIM-Signature, ARC-Seal, ARC-Message-Signature). */
export type TagMap = ParsedTagList['parsed'];

export type ParsedHeaderValue = ParsedTagList;

/** A header field as mailauth's parser returns it, once its name is known. */
export interface HeaderRow extends ParsedHeader {
  key: string;
}

/** mailauth's grammar for DKIM and ARC tag values (RFC 6376 3.5, RFC 8617 4.1). */
export const syntax = require('mailauth/lib/dkim/syntax') as {
  DOMAIN_NAME: RegExp;
  SELECTOR: RegExp;
  TIMESTAMP: RegExp;
  BODY_LENGTH: RegExp;
  MAX_ARC_INSTANCE: number;
};

/** The header/body splitter every mailauth verifier is built on (a Writable; bare LF become CRLF). */
export interface MessageParserInstance {
  headers: { parsed: HeaderRow[] } | false;
  messageHeaders(headers: { parsed: HeaderRow[] }): Promise<void>;
  nextChunk(chunk: Buffer): Promise<void>;
  finalChunk(): Promise<void>;
}

export const { MessageParser } = require('mailauth/lib/dkim/message-parser') as {
  MessageParser: new () => MessageParserInstance;
};

/** A tag value as a trimmed string ('' when absent). */
export function tagString(tags: TagMap | undefined, name: string): string {
  const value = tags?.[name]?.value;
  return value === undefined || value === null ? '' : String(value).trim();
}
