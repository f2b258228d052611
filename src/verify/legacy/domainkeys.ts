// DomainKeys (RFC 4870): the DomainKey-Signature fields Yahoo, Gmail and others added from 2004 to
// about 2012. Read, canonicalised and hashed as Mail::DKIM does (DkSignature.pm, dk_rsa_sha1.pm,
// Canonicalization/DkCommon.pm, dk_simple.pm, dk_nofws.pm):
//  - the signed headers are those BELOW the signature field (never above it, never itself): all
//    of them without h=; with h=, the named ones, in h= order, every instance of a name listed
//    once (the last ones when a name is listed several times);
//  - one SHA-1 over the canonicalised headers, then the body with the empty line that separates
//    it from the headers in front (so an empty body adds nothing);
//  - simple keeps header lines as they are; nofws removes every space, tab, CR and LF from a
//    header line (then ends it with CRLF), and spaces, tabs and lone CRs or LFs from the body;
//    both drop the empty lines at the end of the body;
//  - a= defaults to rsa-sha1, c= to simple, q= to dns (Yahoo's own signatures omit a= and q=;
//    RFC 4870 calls q= required, but a verifier that insisted would reject real mail);
//  - the signer is the Sender (else From) among the signed headers: its domain must be d= or a
//    subdomain of it, and it is what the key's g= restricts (an empty g= allows every sender).
import { coded } from '../../report/catalogue.ts';
import { addressparser, isSameOrSubdomain, type ParsedHeader } from '../mailauth-internals.ts';
import type { PreparedMessage } from '../prepared.ts';
import type { SignatureInfo } from '../signature-header.ts';
import { MAX_CHECKED_SIGNATURES } from '../types.ts';
import {
  dropTrailingEmptyLines,
  fieldValue,
  isBlank,
  oncePerCanonicalization,
  parseTagList,
} from './canonical.ts';
import { LEGACY_FLAGS, type LegacySignature } from './check.ts';

const CANONICALIZATIONS = ['simple', 'nofws'];
// Padding and folding whitespace may interleave; written so that no two parts can match the same
// whitespace (the form `[…\s]*={0,2}\s*$` backtracks in the square of a hostile b=).
const BASE64 = /^[A-Za-z0-9+/\s]*(?:=\s*){0,2}$/;
const NAME = /^[\p{L}\p{N}_.-]+$/u;

/**
 * The first MAX_CHECKED_SIGNATURES DomainKey-Signature fields of a message, ready to check;
 * `sig.index` is the position among the DomainKey-Signature fields (0-based, top to bottom).
 */
export function domainKeySignatures(pm: PreparedMessage): LegacySignature[] {
  const bodyOf = oncePerCanonicalization(canonicalBody, pm.body);
  const out: LegacySignature[] = [];
  for (const [position, header] of pm.headers.entries()) {
    if (header.key !== 'domainkey-signature') continue;
    if (out.length === MAX_CHECKED_SIGNATURES) break;
    const { sig, covered } = parseDomainKeySignature(header, out.length, pm.headers.slice(position + 1));
    out.push({
      sig,
      kindFlag: LEGACY_FLAGS.domainkeys,
      emptyGranularityAllowsAll: true,
      unsignedTail: () => 0,
      signedData: () => [
        Buffer.from(covered.map((h) => canonicalHeader(h.line, sig.canonicalization)).join(''), 'latin1'),
        bodyOf(sig.canonicalization),
      ],
    });
  }
  return out;
}

/** One DomainKey-Signature field, with the fields below it that it covers. */
export function parseDomainKeySignature(
  header: ParsedHeader,
  index: number,
  below: ParsedHeader[],
): { sig: SignatureInfo; covered: ParsedHeader[] } {
  const { tags, malformed } = parseTagList(fieldValue(header.line));
  const tag = (name: string) => tags.get(name) ?? '';
  const algorithm = tag('a').toLowerCase() || 'rsa-sha1';
  const canonicalization = tag('c').toLowerCase() || 'simple';
  const named = tags.has('h')
    ? tag('h')
        .split(':')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    : [];
  const covered = coveredHeaders(below, named);
  const signer = signerOf(covered);
  const domain = tag('d').toLowerCase();
  const b = tag('b');
  const sig: SignatureInfo = {
    index,
    header,
    domain,
    selector: tag('s').toLowerCase(),
    algorithm,
    signAlgo: 'rsa',
    hashAlgo: 'sha1',
    canonicalization,
    headerCanon: canonicalization,
    bodyCanon: canonicalization,
    h: tags.has('h') ? tag('h') : undefined,
    signedHeaders: covered.map((h) => h.key ?? ''),
    identity: signer?.address ?? null,
    identityDomain: signer?.domain ?? null,
    timestamp: null,
    expiration: null,
    bodyLength: null,
    bh: '',
    b: Buffer.from(b.replace(/\s+/g, ''), 'base64'),
    invalid: null,
    badIdentity: false,
  };
  const missing = ['d', 's', 'b'].filter((name) => !tag(name));
  sig.invalid = malformed
    ? coded('signature.malformed')
    : missing.length
      ? coded('signature.incomplete', { missing })
      : algorithm !== 'rsa-sha1'
        ? coded('signature.unsupported-algorithm', { algorithm })
        : !CANONICALIZATIONS.includes(canonicalization)
          ? coded('signature.unknown-canonicalization', { canonicalization })
          : tags.has('q') && tag('q').toLowerCase() !== 'dns'
            ? coded('signature.unknown-query', { query: tag('q') })
            : !BASE64.test(b)
              ? coded('signature.malformed-tag', { tag: 'b' })
              : !NAME.test(sig.domain) || !NAME.test(sig.selector)
                ? coded('signature.invalid-name')
                : !signer
                  ? coded('signature.dk-no-sender')
                  : !isSameOrSubdomain(signer.domain, domain)
                    ? coded('signature.dk-sender-outside-domain', {
                        header: signer.header,
                        identity: signer.address,
                        domain,
                      })
                    : null;
  return { sig, covered };
}

/** DkCommon.pm finish_header: which of the fields below the signature it covers, in signed order. */
function coveredHeaders(below: ParsedHeader[], named: string[]): ParsedHeader[] {
  if (!named.length) return below;
  const byName = new Map<string, ParsedHeader[]>();
  for (const field of below) {
    if (!field.key) continue;
    const list = byName.get(field.key);
    if (list) list.push(field);
    else byName.set(field.key, [field]);
  }
  const left = new Map<string, number>();
  for (const name of named) left.set(name, (left.get(name) ?? 0) + 1);
  const picked: ParsedHeader[][] = [];
  for (let i = named.length - 1; i >= 0; i--) {
    const name = named[i]!;
    const remaining = left.get(name)! - 1;
    left.set(name, remaining);
    const instances = byName.get(name) ?? [];
    // A name listed again above takes the last instance; its first listing takes all that are left.
    if (remaining > 0) {
      const last = instances.pop();
      if (last) picked.push([last]);
    } else picked.push(instances.splice(0));
  }
  return picked.reverse().flat();
}

interface Signer {
  header: 'sender' | 'from';
  address: string;
  domain: string;
}

/** The Sender among the signed fields, else (or when it holds no address) the From; the last instance of each. */
function signerOf(covered: ParsedHeader[]): Signer | null {
  for (const name of ['sender', 'from'] as const) {
    const field = covered.findLast((h) => h.key === name);
    if (!field) continue;
    const value = fieldValue(field.line).replace(/\r\n[ \t]/g, ' ');
    for (const entry of addressparser(Buffer.from(value, 'latin1').toString('utf8'))) {
      const address = (entry.group?.[0] ?? entry).address;
      if (!address?.includes('@')) continue;
      return { header: name, address, domain: address.slice(address.lastIndexOf('@') + 1).toLowerCase() };
    }
  }
  return null;
}

function canonicalHeader(line: Buffer, canonicalization: string): string {
  const text = line.toString('latin1');
  return `${canonicalization === 'nofws' ? text.replace(/[ \t\r\n]/g, '') : text}\r\n`;
}

/** The separating empty line and the body, canonicalised (dk_simple.pm / dk_nofws.pm). */
function canonicalBody(body: Buffer, canonicalization: string): string {
  let text = body.toString('latin1');
  if (canonicalization === 'nofws') {
    text = text
      .replace(/[ \t]/g, '')
      .replace(/\r(?!\n)/g, '')
      .replace(/([^\r])\n/g, '$1');
  }
  const kept = dropTrailingEmptyLines(`\r\n${text}`);
  return isBlank(kept) ? '' : kept;
}
