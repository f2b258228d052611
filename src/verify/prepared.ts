// A message split into parsed header fields and body bytes, with body hashes computed at most
// once per (canonicalisation, hash, l=) combination. Uses mailauth's header parser, and its body
// canonicalisers where the fast path below declines; no stream pipeline (it costs ~6x the verify
// itself on 10 KB messages).
import { createHash } from 'node:crypto';
import { splitHeader } from '../mail/header-block.ts';
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
  headers: ParsedHeader[];
  /**
   * The body as checked. With `lfBody`, it is the stored body whose line ends are bare LFs, read
   * as CRLF: exactly the body of the lf-to-crlf repaired copy, without building that copy.
   */
  body: Buffer;
  lfBody: boolean;
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
    headers: parseHeaders(header).parsed,
    body,
    lfBody: false,
    bodyHashes: new Map(),
    usedCanonicaliser: false,
  };
}

/**
 * A message stored with bare LF line ends (as Unix mail folders keep them), prepared as its
 * lf-to-crlf repaired copy would be: the header block is converted for mailauth's parser, the body
 * is kept and its LFs are read as CRLF when it is canonicalised. Null when the message holds a CR
 * before its body or has no empty line: then the repaired copy is built whole.
 */
export function prepareLfMessage(raw: Buffer): PreparedMessage | null {
  const split = splitHeader(raw);
  if (!split || raw.subarray(0, split.bodyStart).indexOf(CR) !== -1) return null;
  const header = Buffer.from(raw.toString('latin1', 0, split.headerEnd).replaceAll('\n', '\r\n'), 'latin1');
  return {
    headers: parseHeaders(header).parsed,
    body: raw.subarray(split.bodyStart),
    lfBody: true,
    bodyHashes: new Map(),
    usedCanonicaliser: false,
  };
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
    const parts = canonicalBodyParts(pm, bodyCanon);
    if (parts) result = hashParts(parts, hashAlgo, length);
    else {
      result = mailauthBodyHash(crlfBody(pm), bodyCanon, hashAlgo, length);
      pm.usedCanonicaliser = true;
    }
    pm.bodyHashes.set(key, result);
  }
  return result;
}

/** The body with CRLF line ends, as mailauth's canonicalisers expect it. */
function crlfBody(pm: PreparedMessage): Buffer {
  return pm.lfBody ? Buffer.from(pm.body.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1') : pm.body;
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
 * character: it starts with a tab, or with a space followed by more blanks or the line end. Each
 * match is a whole run. (Used where every CR and LF is part of a line end.)
 */
const WSP_TO_CANONICALISE = /(?:\t| (?=[ \t\r\n]|$))[ \t]*/g;

/**
 * The canonical body hash computed with native scans over the body (mailauth's canonicaliser
 * walks it byte by byte in JavaScript: ~2× the time on real mail, where "-- " signature lines and
 * flowed text leave spaces at line ends). Null where mailauth must decide: a bare CR or LF in a
 * CRLF body, any CR in an LF body, a body ending in a line of only spaces. Checked against
 * mailauth on generated bodies in test/verify-dkim.test.ts.
 *
 * simple (RFC 6376 §3.4.3) only collapses the CRLFs at the end of the body. relaxed (§3.4.4) also
 * drops spaces and tabs at the end of each line and reduces every other run of them to one space.
 */
export function fastBodyHash(
  body: Buffer,
  bodyCanon: string,
  hashAlgo: string,
  length: number | null,
  lfBody = false,
): BodyHashResult | null {
  const parts = canonicalBodyParts({ body, lfBody }, bodyCanon);
  return parts ? hashParts(parts, hashAlgo, length) : null;
}

/** The canonical body as slices of the body (and constant separators); null where mailauth must decide. */
function canonicalBodyParts(
  pm: Pick<PreparedMessage, 'body' | 'lfBody'>,
  bodyCanon: string,
): Buffer[] | null {
  if (bodyCanon !== 'simple' && bodyCanon !== 'relaxed') return null;
  const { body } = pm;
  let end = body.length;
  if (pm.lfBody) {
    if (body.indexOf(CR) !== -1) return null;
    while (end >= 1 && body[end - 1] === LF) end -= 1;
  } else {
    while (end >= 2 && body[end - 2] === CR && body[end - 1] === LF) end -= 2;
    if (end > 0 && (body[end - 1] === CR || body[end - 1] === LF)) return null;
  }
  // an empty body is one CRLF under simple, nothing under relaxed
  if (end === 0) return bodyCanon === 'simple' ? [CRLF_BUF] : [];
  const text = body.toString('latin1', 0, end);
  if (!pm.lfBody && BARE_CR_OR_LF.test(text)) return null;
  // Relaxed: the runs of blanks to drop (at a line end) or reduce to one space.
  const runs: { start: number; end: number; endsLine: boolean }[] = [];
  if (bodyCanon === 'relaxed') {
    for (const run of text.matchAll(WSP_TO_CANONICALISE)) {
      const after = run.index + run[0].length;
      // a last line of only spaces becomes an empty line, which relaxed drops with the line end before it
      if (after === end && (run.index === 0 || text.charCodeAt(run.index - 1) === LF)) return null;
      const next = text.charCodeAt(after);
      runs.push({ start: run.index, end: after, endsLine: after === end || next === CR || next === LF });
    }
  }
  if (pm.lfBody) {
    // One string, its LFs turned into CRLF in a single native pass.
    let canonical = '';
    let pos = 0;
    for (const run of runs) {
      canonical += text.slice(pos, run.start) + (run.endsLine ? '' : ' ');
      pos = run.end;
    }
    canonical += text.slice(pos);
    return [Buffer.from(`${canonical.replaceAll('\n', '\r\n')}\r\n`, 'latin1')];
  }
  const parts: Buffer[] = [];
  let pos = 0;
  for (const run of runs) {
    if (run.start > pos) parts.push(body.subarray(pos, run.start));
    if (!run.endsLine) parts.push(SP_BUF);
    pos = run.end;
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
  const parts = canonicalBodyParts(pm, bodyCanon);
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
