// Typed access to the canonicalisation and parsing primitives of mailauth 7.1.0 (CommonJS, no
// types for these files). We build on them instead of re-implementing DKIM canonicalisation;
// only the orchestration around them (key records, time, repairs) is ours.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const mailauthRequire = createRequire(require.resolve('mailauth'));

export interface ParsedHeader {
  /** Lower-case field name. */
  key: string | null;
  casedKey: string | undefined;
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
  publicKey: string;
  rr: string;
  modulusLength: number | undefined;
  keyType: 'rsa' | 'ed25519';
  flags: string[];
  testing: boolean;
  warnings: string[];
}

interface Tools {
  parseHeaders(buf: Buffer): { parsed: ParsedHeader[]; original: Buffer };
  getSigningHeaderLines(
    parsed: ParsedHeader[],
    fieldNames: string | undefined,
    verify: boolean,
  ): { keys: string; headers: ParsedHeader[] };
  parseDkimHeaders(line: Buffer | string, options?: { strict?: boolean }): ParsedTagList;
  parseTagList(value: string, options?: { strict?: boolean }): ParsedTagList;
  getPublicKey(
    type: 'DKIM' | 'ARC' | 'AS',
    name: string,
    minBitLength: number,
    resolver: (name: string, type: string) => Promise<string[][]>,
    options?: { strict?: boolean; hashAlgo?: string },
  ): Promise<PublicKeyInfo>;
  getAlignment(fromDomain: string, domainList: string[]): { domain: string } | false;
  isSameOrSubdomain(child: string, parent: string): boolean;
  toALabel(domain: string): string;
}

const tools = require('mailauth/lib/tools.js') as Tools;
const header = require('mailauth/lib/dkim/header/index.js') as {
  generateCanonicalizedHeader(
    type: 'DKIM' | 'ARC',
    signingHeaderLines: { keys: string; headers: ParsedHeader[] },
    options: { signatureHeaderLine: Buffer; canonicalization: string; strict?: boolean },
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
export const parseTagList = tools.parseTagList;
export const getPublicKey = tools.getPublicKey;
export const getAlignment = tools.getAlignment;
export const isSameOrSubdomain = tools.isSameOrSubdomain;
export const toALabel = tools.toALabel;
export const generateCanonicalizedHeader = header.generateCanonicalizedHeader;
export const dkimBody = body.dkimBody;
export { addressparser };
