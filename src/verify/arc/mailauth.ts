// Typed access to the parts of mailauth 7.1.0 the ARC wrapper builds on. mailauth ships types only
// for its package entry point; these internals (lib/arc, lib/dkim/dkim-verifier, lib/tools) are
// CommonJS modules without declarations, so they are loaded with createRequire and given the
// narrow shapes used here.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

import type { MailauthResolver, ParsedHeader, ParsedTagList } from '../mailauth-internals.ts';

export {
  type BodyHasher,
  dkimBody,
  generateCanonicalizedHeader,
  type MailauthResolver,
  type PublicKeyInfo,
  tools,
} from '../mailauth-internals.ts';

/** The `{ value }` map of a parsed tag-list (DKIM-Signature, ARC-Seal, ARC-Message-Signature). */
export type TagMap = ParsedTagList['parsed'];

export type ParsedHeaderValue = ParsedTagList;

/** A header field as mailauth's parser returns it, once its name is known. */
export interface HeaderRow extends ParsedHeader {
  key: string;
}

export interface SignatureStatus {
  result: string;
  comment?: string | false;
  warnings?: string[];
  policy?: Record<string, string>;
}

export interface SignatureResult {
  signingDomain?: string;
  selector?: string;
  algo?: string;
  format?: string;
  status: SignatureStatus;
  modulusLength?: number;
  rr?: string;
  bodyHash?: string;
  bodyHashExpecting?: string;
}

export interface ArcChainEntry {
  i: number;
  'arc-seal': ParsedHeaderValue;
  'arc-message-signature': ParsedHeaderValue;
  'arc-authentication-results': ParsedHeaderValue;
  messageSignature?: SignatureResult;
}

/** The `arc` property of a DkimVerifier: the chain getARChain() found, or the error it threw. */
export interface ArcData {
  chain: ArcChainEntry[] | false;
  lastEntry?: ArcChainEntry;
  error?: Error & { code?: string };
  warnings: string[];
}

export interface ArcVerdict {
  status: { result: 'none' | 'pass' | 'fail'; comment?: string; shouldSeal?: boolean };
  i?: number | false;
  signature?: SignatureResult | false;
  warnings?: string[];
}

/** A signature header as DkimVerifier.prepareSignature() sees and annotates it. */
export interface PreparedSignature extends ParsedHeaderValue {
  type: 'DKIM' | 'ARC';
  invalid?: string;
  skip?: string;
  warnings?: string[];
  fallbackCanonicalization?: string;
}

export interface DkimVerifierOptions {
  resolver: MailauthResolver;
  strict?: boolean;
  curTime?: Date;
  minBitLength?: number;
}

export interface DkimVerifierInstance {
  arc: ArcData;
  headers: { parsed: HeaderRow[] } | false;
  results: SignatureResult[];
  prepareSignature(signatureHeader: PreparedSignature): void;
}

export type DkimVerifierClass = new (options: DkimVerifierOptions) => DkimVerifierInstance;

export const { DkimVerifier } = require('mailauth/lib/dkim/dkim-verifier') as {
  DkimVerifier: DkimVerifierClass;
};

export const { arc } = require('mailauth/lib/arc') as {
  arc: (
    data: ArcData,
    opts: { resolver: MailauthResolver; strict?: boolean; minBitLength?: number },
  ) => Promise<ArcVerdict>;
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
