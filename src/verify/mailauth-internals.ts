// Typed access to the canonicalisation and parsing primitives of mailauth 7.1.0 (CommonJS, no
// types for these files), shared by the DKIM verifier and the ARC wrapper. We build on them instead of re-implementing DKIM canonicalisation;
// only the orchestration around them (key records, time, repairs) is ours.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const mailauthRequire = createRequire(require.resolve('mailauth'));

export interface ParsedHeader {
  /** Lower-case field name. */
  key: string | null;
  casedKey?: string | undefined;
  /** The whole field, folded as in the message, without the final CRLF. */
  line: Buffer;
}

export interface TagEntry {
  value: string | number;
}

export interface ParsedTagList {
  parsed: Record<string, TagEntry | undefined>;
  original: Buffer | string;
  tags?: { name: string; value: string }[];
  syntaxErrors?: string[];
}

export interface BodyHasher {
  update(chunk: Buffer | null, final?: boolean): void;
  digest(encoding: 'base64'): string;
  /** Canonicalised body bytes seen (the whole body). */
  canonicalizedLength: number;
  /** Canonicalised bytes that went into the hash (the l= prefix). */
  bodyHashedBytes: number;
}

export interface PublicKeyInfo {
  publicKey: string | Buffer;
  rr: string;
  modulusLength?: number | undefined;
  keyType: 'rsa' | 'ed25519';
  flags: string[];
  testing: boolean;
  warnings: string[];
}

/** `async (name, type) => string[][]`: each inner array is the strings of one TXT record. */
export type MailauthResolver = (name: string, type: string) => Promise<string[][]>;

interface Tools {
  parseHeaders(buf: Buffer): { parsed: ParsedHeader[]; original: Buffer };
  getSigningHeaderLines<H extends ParsedHeader>(
    parsed: H[],
    fieldNames: string | undefined,
    verify: boolean,
  ): { keys: string; headers: H[] };
  writeToStream(stream: unknown, input: Buffer): Promise<void>;
  formatRelaxedLine(line: Buffer | string, suffix?: string): Buffer;
  stripSignatureValue(line: Buffer, strict?: boolean): Buffer;
  parseDkimHeaders(line: Buffer | string, options?: { strict?: boolean }): ParsedTagList;
  getPublicKey(
    type: 'DKIM' | 'ARC' | 'AS',
    name: string,
    minBitLength: number,
    resolver: MailauthResolver,
    options?: { strict?: boolean; hashAlgo?: string },
  ): Promise<PublicKeyInfo>;
  getAlignment(fromDomain: string, domainList: string[]): { domain: string } | false;
  isSameOrSubdomain(child: string, parent: string): boolean;
  toALabel(domain: string): string;
}

/** The tools module whole, for the few callers (ARC) that need more than the names exported below. */
export const tools = require('mailauth/lib/tools.js') as Tools;
const header = require('mailauth/lib/dkim/header/index.js') as {
  generateCanonicalizedHeader<H extends ParsedHeader>(
    type: 'DKIM' | 'ARC',
    signingHeaderLines: { keys: string; headers: H[] },
    options: {
      signatureHeaderLine: Buffer | string;
      canonicalization: string;
      instance?: number;
      strict?: boolean;
    },
  ): { canonicalizedHeader: Buffer };
};
const body = require('mailauth/lib/dkim/body/index.js') as {
  dkimBody(canonicalization: string, hashAlgo: string, maxBodyLength: number | ''): BodyHasher;
};
const addressparser = mailauthRequire('nodemailer/lib/addressparser') as (
  value: string,
) => { address?: string; group?: { address?: string }[] }[];

export const parseHeaders = tools.parseHeaders;
export const getSigningHeaderLines = tools.getSigningHeaderLines;
export const parseDkimHeaders = tools.parseDkimHeaders;
export const getPublicKey = tools.getPublicKey;
export const getAlignment = tools.getAlignment;
export const isSameOrSubdomain = tools.isSameOrSubdomain;
export const toALabel = tools.toALabel;
export const generateCanonicalizedHeader = header.generateCanonicalizedHeader;
export const dkimBody = body.dkimBody;
export { addressparser };
