// A message split into parsed header fields and body bytes, with body hashes computed at most
// once per (canonicalisation, hash, l=) combination. Uses mailauth's header parser, and its body
// canonicalisers where fastBodyHash declines; no stream pipeline (it costs ~6x the verify itself on
// 10 KB messages).
import { createHash } from 'node:crypto';
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
  /** Set once mailauth's canonicaliser (rather than the exact fast path) hashed the body. */
  usedCanonicaliser: boolean;
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
  return {
    bytes,
    headers: parseHeaders(header).parsed,
    body,
    bodyHashes: new Map(),
    usedCanonicaliser: false,
  };
}

export function bodyHash(
  pm: PreparedMessage,
  bodyCanon: string,
  hashAlgo: string,
  length: number | null,
  expected: string | null = null,
): BodyHashResult {
  const key = `${bodyCanon}:${hashAlgo}:${length ?? ''}`;
  let result = pm.bodyHashes.get(key);
  if (!result) {
    result = fastBodyHash(pm.body, bodyCanon, hashAlgo, length, expected) ?? undefined;
    if (!result) {
      result = mailauthBodyHash(pm.body, bodyCanon, hashAlgo, length);
      pm.usedCanonicaliser = true;
    }
    pm.bodyHashes.set(key, result);
  }
  return result;
}

function mailauthBodyHash(
  body: Buffer,
  bodyCanon: string,
  hashAlgo: string,
  length: number | null,
): BodyHashResult {
  const hasher: BodyHasher = dkimBody(bodyCanon, hashAlgo, length ?? '');
  if (body.length) hasher.update(body);
  const hash = hasher.digest('base64');
  return { hash, canonicalizedLength: hasher.canonicalizedLength, bodyHashedBytes: hasher.bodyHashedBytes };
}

/** A CR not followed by LF, or an LF not preceded by CR. */
const BARE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/;
/**
 * A run of spaces and tabs that relaxed canonicalisation changes, matched from its first
 * character: it starts with a tab, or with a space followed by more blanks or the line end (once
 * bare CRs are excluded, a CR is always a line end). Each match is a whole run.
 */
const WSP_TO_CANONICALISE = /(?:\t| (?=[ \t\r]|$))[ \t]*/g;

/**
 * The canonical body hash without mailauth's canonicaliser, which walks the body byte by byte in
 * JavaScript (~2× the time on real mail, where "-- " signature lines and flowed text leave spaces
 * at line ends). Relaxed, told the signed `expected` hash: one hash of the body as it is settles
 * a body already in canonical form. Otherwise the canonical form is built from slices of the body
 * found by native scans. Null where mailauth must decide: under relaxed, a bare CR or LF or a last
 * line of only spaces; under either, a body ending in a bare CR or LF. Checked against mailauth on
 * generated bodies in test/verify-dkim.test.ts.
 *
 * simple (RFC 6376 §3.4.3) only collapses the CRLFs at the end of the body. relaxed (§3.4.4) also
 * drops spaces and tabs at the end of each line and reduces every other run of them to one space.
 */
export function fastBodyHash(
  body: Buffer,
  bodyCanon: string,
  hashAlgo: string,
  length: number | null,
  expected: string | null = null,
): BodyHashResult | null {
  // Only with SHA-256: the argument rests on the hash resisting collisions, which SHA-1 no longer does.
  if (bodyCanon === 'relaxed' && hashAlgo === 'sha256' && length === null && expected !== null) {
    // Most bodies are already in canonical form, and one hash settles it: if the body as it is
    // (final CRLFs collapsed) hashes to the signed bh=, those bytes are the signer's canonical body
    // (SHA-256), and a canonical body is a fixed point of relaxed canonicalisation.
    const asIs = canonicalBodyParts(body, 'simple');
    // [content, CRLF]; an empty body is left to the exact path (relaxed keeps it empty)
    if (asIs?.length === 2) {
      const optimistic = hashParts(asIs, hashAlgo, null);
      if (optimistic.hash === expected) return optimistic;
    }
  }
  const parts = canonicalBodyParts(body, bodyCanon);
  return parts ? hashParts(parts, hashAlgo, length) : null;
}

/** The canonical body as slices of `body` (and constant separators); null where mailauth must decide. */
function canonicalBodyParts(body: Buffer, bodyCanon: string): Buffer[] | null {
  let end = body.length;
  while (end >= 2 && body[end - 2] === CR && body[end - 1] === LF) end -= 2;
  if (end > 0 && (body[end - 1] === CR || body[end - 1] === LF)) return null;
  if (bodyCanon === 'simple') {
    // an empty body is one CRLF
    return end === 0 ? [CRLF_BUF] : [body.subarray(0, end), CRLF_BUF];
  }
  if (bodyCanon !== 'relaxed') return null;
  // an empty relaxed body stays empty
  if (end === 0) return [];
  const text = body.toString('latin1', 0, end);
  if (BARE_CR_OR_LF.test(text)) return null;
  const parts: Buffer[] = [];
  let pos = 0;
  for (const run of text.matchAll(WSP_TO_CANONICALISE)) {
    const after = run.index + run[0].length;
    const endsLine = after === end || text.charCodeAt(after) === CR;
    // a last line of only spaces becomes an empty line, which relaxed drops with the CRLF before it
    if (after === end && (run.index === 0 || text.charCodeAt(run.index - 1) === LF)) return null;
    if (run.index > pos) parts.push(body.subarray(pos, run.index));
    if (!endsLine) parts.push(SP_BUF);
    pos = after;
  }
  if (end > pos) parts.push(body.subarray(pos, end));
  parts.push(CRLF_BUF);
  return parts;
}

/**
 * The canonical body bytes after the first `length` (what a signature with l= does not cover), or
 * null when the body is one the fast canonicaliser leaves to mailauth.
 */
export function canonicalBodyAfter(pm: PreparedMessage, bodyCanon: string, length: number): Buffer | null {
  const parts = canonicalBodyParts(pm.body, bodyCanon);
  return parts ? Buffer.concat(parts).subarray(length) : null;
}

const SP_BUF = Buffer.from(' ');
const CRLF_BUF = Buffer.from('\r\n');

function hashParts(parts: Buffer[], hashAlgo: string, length: number | null): BodyHashResult {
  const total = parts.reduce((a, p) => a + p.length, 0);
  let remaining = length === null ? total : Math.min(length, total);
  const hashed = remaining;
  const h = createHash(hashAlgo);
  for (const p of parts) {
    if (remaining <= 0) break;
    const take = Math.min(remaining, p.length);
    h.update(take === p.length ? p : p.subarray(0, take));
    remaining -= take;
  }
  return { hash: h.digest('base64'), canonicalizedLength: total, bodyHashedBytes: hashed };
}
