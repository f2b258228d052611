// A message split into parsed header fields and body bytes, with body hashes computed at most
// once per (canonicalisation, hash, l=) combination. Uses mailauth's header parser and body
// canonicalisers; no stream pipeline (it costs ~6x the verify itself on 10 KB messages).
import { type BodyHasher, dkimBody, type ParsedHeader, parseHeaders } from './mailauth-internals.ts';

export interface BodyHashResult {
  /** base64 */
  hash: string;
  /** Canonicalised body length. */
  canonicalizedLength: number;
  /** Canonicalised bytes that were hashed (≤ l=). */
  bodyHashedBytes: number;
}

export interface PreparedMessage {
  bytes: Buffer;
  headers: ParsedHeader[];
  body: Buffer;
  bodyHashes: Map<string, BodyHashResult>;
}

const CR = 0x0d;
const LF = 0x0a;

const HEADER_END = Buffer.from('\r\n\r\n');

/** Splits at the first empty line. Expects CRLF line endings. */
export function splitMessage(bytes: Buffer): { header: Buffer; body: Buffer } {
  if (bytes[0] === CR && bytes[1] === LF) return { header: bytes.subarray(0, 0), body: bytes.subarray(2) };
  const end = bytes.indexOf(HEADER_END);
  if (end === -1) return { header: bytes, body: bytes.subarray(bytes.length) };
  return { header: bytes.subarray(0, end + 2), body: bytes.subarray(end + 4) };
}

export function prepareMessage(bytes: Buffer): PreparedMessage {
  const { header, body } = splitMessage(bytes);
  return { bytes, headers: parseHeaders(header).parsed, body, bodyHashes: new Map() };
}

export function bodyHash(
  pm: PreparedMessage,
  bodyCanon: string,
  hashAlgo: string,
  length: number | null,
): BodyHashResult {
  const key = `${bodyCanon}:${hashAlgo}:${length ?? ''}`;
  let result = pm.bodyHashes.get(key);
  if (!result) {
    const hasher: BodyHasher = dkimBody(bodyCanon, hashAlgo, length ?? '');
    if (pm.body.length) hasher.update(pm.body);
    const hash = hasher.digest('base64');
    result = {
      hash,
      canonicalizedLength: hasher.canonicalizedLength,
      bodyHashedBytes: hasher.bodyHashedBytes,
    };
    pm.bodyHashes.set(key, result);
  }
  return result;
}
