// DKIM-Signature fields made to draft-allman-dkim-base-00 (2005-2006): no bh=, the body is hashed
// into the signature itself. As Mail::DKIM verified them until 2008 (Algorithm/Base.pm,
// rsa_sha1.pm and Canonicalization/DkimCommon.pm before its commit abc7c9a): one hash over
//   the h= headers (chosen and canonicalised as RFC 6376 does) + CRLF
//   + the canonicalised body (cut at l=) + CRLF
//   + the signature field with an empty b=, canonicalised, without a final CRLF.
// Draft-01 and later carry bh= and are RFC 4871/6376 signatures, verified by verify/message.ts.
import { coded } from '../../report/catalogue.ts';
import { canonicalHeaderData } from '../check.ts';
import { generateCanonicalizedHeader, type ParsedHeader } from '../mailauth-internals.ts';
import type { PreparedMessage } from '../prepared.ts';
import { parseSignature, type SignatureInfo } from '../signature-header.ts';
import { MAX_CHECKED_SIGNATURES } from '../types.ts';
import { draftBody, fieldValue, oncePerCanonicalization, parseTagList } from './canonical.ts';
import { LEGACY_FLAGS, type LegacySignature } from './check.ts';

/**
 * A DKIM-Signature value (with or without its `DKIM-Signature:` name) made to draft-00: a b= but
 * no bh= and no v= (v= came with bh= in later drafts: a v=1 field without bh= is a broken RFC 6376
 * signature, and a field without b= is no signature at all; both stay with verifyMessage).
 */
export function isDraftSignature(value: string): boolean {
  const colon = /^\s*dkim-signature\s*:/i.exec(value);
  const { tags } = parseTagList(colon ? value.slice(colon[0].length) : value);
  return tags.has('b') && !tags.has('bh') && !tags.has('v');
}

/**
 * The draft-00 signatures among the first MAX_CHECKED_SIGNATURES DKIM-Signature fields (the ones
 * verifyMessage checks); `sig.index` is the position among the DKIM-Signature fields, as in
 * verifyMessage's reports, so that the two lists can be merged.
 */
export function draftSignatures(pm: PreparedMessage): LegacySignature[] {
  const fields = pm.headers.filter((h) => h.key === 'dkim-signature').slice(0, MAX_CHECKED_SIGNATURES);
  const bodyOf = oncePerCanonicalization(draftBody, pm.body);
  const out: LegacySignature[] = [];
  for (const [index, header] of fields.entries()) {
    if (!isDraftSignature(fieldValue(header.line))) continue;
    const sig = parseDraftSignature(header, index);
    const body = () => bodyOf(sig.bodyCanon);
    out.push({
      sig,
      kindFlag: LEGACY_FLAGS['dkim-draft'],
      emptyGranularityAllowsAll: false,
      signedData: () => signedData(pm, sig, body()),
      unsignedTail: () => (sig.bodyLength === null ? 0 : Math.max(0, body().length - sig.bodyLength)),
    });
  }
  return out;
}

/**
 * parseSignature reads RFC 6376 fields, where bh= is required. A draft-00 field is read a second
 * time with a bh= of the right size put in front, so that every other check applies; the bh= is
 * dropped again (what is hashed is the field as written).
 */
export function parseDraftSignature(header: ParsedHeader, index: number): SignatureInfo {
  const first = parseSignature(header, index);
  const missing = first.invalid?.code === 'signature.incomplete' ? first.invalid.params?.missing : null;
  if (!Array.isArray(missing)) return first;
  const others = missing.filter((tag) => tag !== 'bh');
  if (others.length) return { ...first, invalid: coded('signature.incomplete', { missing: others }) };
  const text = header.line.toString('latin1');
  const colon = text.indexOf(':');
  const placeholder = Buffer.alloc(first.hashAlgo === 'sha1' ? 20 : 32).toString('base64');
  const line = Buffer.from(
    `${text.slice(0, colon + 1)} bh=${placeholder};${text.slice(colon + 1)}`,
    'latin1',
  );
  return { ...parseSignature({ ...header, line }, index), header, bh: '' };
}

const CRLF = Buffer.from('\r\n');

function signedData(pm: PreparedMessage, sig: SignatureInfo, canonicalBody: Buffer): Buffer[] {
  const options = { signatureHeaderLine: sig.header.line, canonicalization: sig.canonicalization };
  const withHeaders = canonicalHeaderData(pm, { ...sig, h: presentNames(sig.signedHeaders, pm.headers) });
  const field = generateCanonicalizedHeader('DKIM', { keys: '', headers: [] }, options).canonicalizedHeader;
  const body = sig.bodyLength === null ? canonicalBody : canonicalBody.subarray(0, sig.bodyLength);
  return [withHeaders.subarray(0, withHeaders.length - field.length), CRLF, body, CRLF, field];
}

/**
 * h= without the listings beyond the number of fields of that name (they select nothing): the
 * same selection, in time linear in the message's fields however long a hostile h= is.
 */
function presentNames(signed: string[], headers: ParsedHeader[]): string {
  const left = new Map<string, number>();
  for (const h of headers) if (h.key) left.set(h.key, (left.get(h.key) ?? 0) + 1);
  const kept: string[] = [];
  for (const name of signed) {
    const n = left.get(name) ?? 0;
    if (n <= 0) continue;
    left.set(name, n - 1);
    kept.push(name);
  }
  return kept.join(':');
}
