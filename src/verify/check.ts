// The cryptographic check of one signature on one version of the message bytes: body hash
// against bh=, then the header signature against every usable archived key record. The header
// signature is checked even when the body hash fails ("headers authentic, body altered").
import { createHash, type KeyObject, verify } from 'node:crypto';
import { generateCanonicalizedHeader, getSigningHeaderLines } from './mailauth-internals.ts';
import { bodyHash, type PreparedMessage } from './prepared.ts';
import { parseSignature, type SignatureInfo } from './signature-header.ts';

export interface UsableKey {
  /** Position of the record in the lookup result. */
  recordIndex: number;
  keyObject: KeyObject;
  type: 'rsa' | 'ed25519';
}

export interface CheckOutcome {
  bodyOk: boolean;
  bodyHashComputed: string;
  canonicalizedLength: number;
  bodyHashedBytes: number;
  /** Header signature valid with one of the keys; null when no key was given. */
  headerOk: boolean | null;
  /** recordIndex of the key that verified, or null. */
  matchedRecord: number | null;
}

/** The signature at `index` among the DKIM-Signature fields of `pm`, or null. */
export function signatureAt(pm: PreparedMessage, index: number): SignatureInfo | null {
  let n = 0;
  for (const h of pm.headers) {
    if (h.key !== 'dkim-signature') continue;
    if (n === index) return parseSignature(h, index);
    n++;
  }
  return null;
}

/** The canonicalised header data the signature is computed over (RFC 6376 §3.7). */
export function canonicalHeaderData(pm: PreparedMessage, sig: SignatureInfo): Buffer {
  const lines = getSigningHeaderLines(pm.headers, sig.h, true);
  return generateCanonicalizedHeader('DKIM', lines, {
    signatureHeaderLine: sig.header.line,
    canonicalization: sig.canonicalization,
  }).canonicalizedHeader;
}

export function checkSignature(pm: PreparedMessage, sig: SignatureInfo, keys: UsableKey[]): CheckOutcome {
  const body = bodyHash(pm, sig.bodyCanon, sig.hashAlgo, sig.bodyLength, sig.bh);
  const outcome: CheckOutcome = {
    bodyOk: body.hash === sig.bh,
    bodyHashComputed: body.hash,
    canonicalizedLength: body.canonicalizedLength,
    bodyHashedBytes: body.bodyHashedBytes,
    headerOk: null,
    matchedRecord: null,
  };
  if (!keys.length) return outcome;
  const canonicalizedHeader = canonicalHeaderData(pm, sig);
  outcome.headerOk = false;
  let edDigest: Buffer | null = null;
  for (const key of keys) {
    let ok = false;
    try {
      if (key.type === 'ed25519') {
        if (sig.signAlgo !== 'ed25519') continue;
        edDigest ??= createHash('sha256').update(canonicalizedHeader).digest();
        ok = verify(null, edDigest, key.keyObject, sig.b);
      } else {
        if (sig.signAlgo !== 'rsa') continue;
        ok = verify(sig.hashAlgo, canonicalizedHeader, key.keyObject, sig.b);
      }
    } catch {
      ok = false;
    }
    if (ok) {
      outcome.headerOk = true;
      outcome.matchedRecord = key.recordIndex;
      break;
    }
  }
  return outcome;
}
