// Reads one DKIM-Signature field (RFC 6376 §3.5) into the values we report and check.
import { keyName } from '../keys/formats/types.ts';
import { type Coded, coded } from '../report/catalogue.ts';
import { isSameOrSubdomain, type ParsedHeader, parseDkimHeaders, toALabel } from './mailauth-internals.ts';

export interface SignatureInfo {
  index: number;
  header: ParsedHeader;
  domain: string;
  selector: string;
  algorithm: string;
  signAlgo: string;
  hashAlgo: string;
  canonicalization: string;
  headerCanon: string;
  bodyCanon: string;
  /** h= as written (case kept), for getSigningHeaderLines. */
  h: string | undefined;
  signedHeaders: string[];
  identity: string | null;
  /** Domain part of i=, or null. */
  identityDomain: string | null;
  timestamp: number | null;
  expiration: number | null;
  bodyLength: number | null;
  bh: string;
  b: Buffer;
  /** Why the signature cannot be checked at all (a signature.* code); null when it can. */
  invalid: Coded | null;
  /** i= is not d= or a subdomain of it. */
  badIdentity: boolean;
}

// v= is not required: pre-RFC drafts (2005-2007 mail) omit it or write v=0.5, and mailauth's
// lenient mode accepts them too. Without bh= (DomainKeys-era drafts) nothing can be checked.
const REQUIRED = ['a', 'b', 'bh', 'd', 'h', 's'];

function tagString(parsed: Record<string, { value: string | number } | undefined>, name: string): string {
  const v = parsed[name]?.value;
  return v === undefined ? '' : String(v);
}

function tagNumber(
  parsed: Record<string, { value: string | number } | undefined>,
  name: string,
): number | null {
  const v = parsed[name]?.value;
  if (v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** dkim-quoted-printable (RFC 6376 §2.11), as used by i=. */
function decodeDkimQp(value: string): string {
  const bytes = Buffer.from(value.replace(/[ \t\r\n]+/g, ''), 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes.subarray(i + 1, i + 3).toString();
    if (bytes[i] === 0x3d && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else out.push(bytes[i]!);
  }
  return Buffer.from(out).toString('utf8');
}

export function parseSignature(header: ParsedHeader, index: number): SignatureInfo {
  const { parsed, syntaxErrors } = parseDkimHeaders(header.line);
  const algorithm = tagString(parsed, 'a').toLowerCase();
  const [signAlgo = '', hashAlgo = ''] = algorithm.split('-');
  const canonicalization = tagString(parsed, 'c').toLowerCase() || 'simple/simple';
  const [headerCanon = 'simple', bodyCanon = 'simple'] = canonicalization.split('/').map((s) => s.trim());
  const h = parsed.h ? tagString(parsed, 'h') : undefined;
  const signedHeaders = (h ?? '')
    .split(':')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const domain = tagString(parsed, 'd').toLowerCase();
  const identity = parsed.i ? decodeDkimQp(tagString(parsed, 'i')) : null;
  const at = identity ? identity.lastIndexOf('@') : -1;
  const identityDomain = identity && at >= 0 ? identity.slice(at + 1).toLowerCase() : null;
  const badIdentity =
    identity !== null && (identityDomain === null || !isSameOrSubdomain(identityDomain, domain));

  const info: SignatureInfo = {
    index,
    header,
    domain,
    selector: tagString(parsed, 's').toLowerCase(),
    algorithm,
    signAlgo,
    hashAlgo,
    canonicalization: `${headerCanon}/${bodyCanon}`,
    headerCanon,
    bodyCanon,
    h,
    signedHeaders,
    identity,
    identityDomain,
    timestamp: tagNumber(parsed, 't'),
    expiration: tagNumber(parsed, 'x'),
    bodyLength: tagNumber(parsed, 'l'),
    bh: tagString(parsed, 'bh'),
    b: Buffer.from(tagString(parsed, 'b'), 'base64'),
    invalid: null,
    badIdentity,
  };
  info.invalid = invalidReason(info, parsed, syntaxErrors ?? []);
  return info;
}

// Padding and the whitespace after it are matched apart from the class, so a hostile run of
// spaces cannot make the match backtrack (the form ={0,2}\s*$ takes time in the square of it).
const BASE64 = /^[A-Za-z0-9+/\s]*(?:=\s*){0,2}$/;
const DIGEST_BYTES: Record<string, number> = { sha256: 32, sha1: 20 };

function invalidReason(
  s: SignatureInfo,
  parsed: Record<string, { value: string | number } | undefined>,
  syntaxErrors: string[],
): Coded | null {
  const missing = REQUIRED.filter((t) => !parsed[t] || parsed[t]?.value === '');
  if (missing.length) return coded('signature.incomplete', { missing });
  if (syntaxErrors.length) return coded('signature.malformed');
  const v = tagString(parsed, 'v');
  if (v && v !== '1' && v !== '0.5') return coded('signature.unknown-version', { version: v });
  const q = tagString(parsed, 'q').toLowerCase();
  if (q && !q.split(':').some((m) => m.trim() === 'dns/txt' || m.trim() === 'dns'))
    return coded('signature.unknown-query', { query: q });
  const supported =
    (s.signAlgo === 'rsa' && (s.hashAlgo === 'sha256' || s.hashAlgo === 'sha1')) ||
    (s.signAlgo === 'ed25519' && s.hashAlgo === 'sha256');
  if (!supported) return coded('signature.unsupported-algorithm', { algorithm: s.algorithm });
  // Node's base64 decoder skips what is not base64: a b= or bh= with other characters, or a bh=
  // that is not a digest of its hash's size, is a broken signature, not a changed message.
  if (!BASE64.test(tagString(parsed, 'b'))) return coded('signature.malformed-tag', { tag: 'b' });
  const bh = tagString(parsed, 'bh');
  if (!BASE64.test(bh) || Buffer.from(bh, 'base64').length !== DIGEST_BYTES[s.hashAlgo])
    return coded('signature.malformed-tag', { tag: 'bh' });
  const canons = ['simple', 'relaxed'];
  if (!canons.includes(s.headerCanon) || !canons.includes(s.bodyCanon))
    return coded('signature.unknown-canonicalization', { canonicalization: s.canonicalization });
  if (!s.signedHeaders.includes('from')) return coded('signature.from-not-signed');
  if (s.bodyLength !== null && (s.bodyLength < 0 || !Number.isInteger(s.bodyLength)))
    return coded('signature.invalid-length');
  if (s.timestamp !== null && s.expiration !== null && s.expiration <= s.timestamp)
    return coded('signature.expires-before-made');
  if (s.badIdentity)
    return coded('signature.identity-outside-domain', { identity: s.identity, domain: s.domain });
  if (!/^[\p{L}\p{N}_.-]+$/u.test(s.domain) || !/^[\p{L}\p{N}_.-]+$/u.test(s.selector))
    return coded('signature.invalid-name');
  return null;
}

/**
 * The DNS name a signature's key is looked up under (s=/d= as A-labels, RFC 8616 §3), the same
 * name the key archive files records under: also what a stored signature is re-verified by.
 */
export function signatureKeyName(selector: string, domain: string): string {
  return keyName(toALabel(selector), toALabel(domain));
}
