// Per-signature warnings. Each flag is a stable string (some carry a value after ':'); each has
// a plain-words description for reports.
import { addressparser, getAlignment, type ParsedHeader } from './mailauth-internals.ts';
import type { SignatureInfo } from './signature-header.ts';
import { receivedDates } from './time.ts';

/** Headers whose unsigned or extra copies we flag (what a reader sees as the message's identity). */
export const WATCHED_HEADERS = ['from', 'subject', 'date', 'to', 'cc'] as const;

/** t= may be this much later than the first Received added after signing (clock skew). */
export const SIGNED_AFTER_RECEIPT_TOLERANCE_S = 15 * 60;

export interface FlagContext {
  sig: SignatureInfo;
  headers: ParsedHeader[];
  /** Key that verified (or was the only one tried). */
  key: { type: 'rsa' | 'ed25519'; bits: number; flags: string[] } | null;
  /** Canonicalised body bytes after the l= prefix (0 when l= is absent or covers all). */
  unsignedTail: number;
  at: Date | null;
  fromDomain: string | null;
  disclosed: boolean;
}

// `Name <local@domain>` or `local@domain` with nothing unusual (no quotes, comments, groups,
// lists): the domain is read directly; anything else goes through nodemailer's addressparser.
const SIMPLE_FROM = /^(?:[^"(),;:<>@\\]*<)?[^\s"(),;:<>@\\]+@([^\s"(),;:<>@\\]+)>?$/;

export function fromDomainOf(headers: ParsedHeader[]): string | null {
  const from = headers.find((h) => h.key === 'from');
  if (!from) return null;
  const line = from.line.toString('utf8');
  const value = line.slice(line.indexOf(':') + 1).trim();
  const simple = SIMPLE_FROM.exec(value.replace(/\r?\n[ \t]+/g, ' '));
  if (simple) return simple[1]!.toLowerCase();
  for (const addr of addressparser(value)) {
    for (const mb of addr.group ?? [addr]) {
      if (mb.address?.includes('@')) return mb.address.slice(mb.address.lastIndexOf('@') + 1).toLowerCase();
    }
  }
  return null;
}

export function computeFlags(c: FlagContext): string[] {
  const flags: string[] = [];
  const { sig } = c;
  if (c.key?.type === 'rsa') {
    if (c.key.bits < 1024) flags.push('weak-key:forgeable');
    else if (c.key.bits < 2048) flags.push('weak-key:1024');
  }
  if (c.disclosed) flags.push('key-disclosed');
  if (sig.hashAlgo === 'sha1') flags.push('rsa-sha1');
  if (sig.bodyLength !== null) flags.push(`body-length-limit:${c.unsignedTail}`);

  const present = countWatched(c.headers.map((h) => h.key));
  const covered = countWatched(sig.signedHeaders);
  for (const [i, name] of WATCHED_HEADERS.entries()) {
    if (!present[i]) continue;
    if (!covered[i]) flags.push(`unsigned-header:${name}`);
    else if (present[i]! > covered[i]!) flags.push(`duplicate-header:${name}`);
  }

  if (!c.fromDomain || !getAlignment(c.fromDomain, [sig.domain])) flags.push('not-aligned');
  if (sig.badIdentity) flags.push('bad-identity');
  if (sig.expiration !== null && c.at && sig.expiration * 1000 < c.at.getTime()) flags.push('expired');

  if (sig.timestamp !== null) {
    // Received fields above the signature were added after signing: t= cannot be later.
    const sigPos = c.headers.indexOf(sig.header);
    const after = receivedDates(c.headers).filter((r) => r.position < sigPos);
    if (after.length) {
      const earliest = Math.min(...after.map((r) => r.date.getTime()));
      if (sig.timestamp * 1000 > earliest + SIGNED_AFTER_RECEIPT_TOLERANCE_S * 1000) {
        flags.push('signed-after-receipt');
      }
    }
  }
  if (c.key?.flags.includes('y')) flags.push('key-testing');
  return flags;
}

function countWatched(names: (string | null)[]): number[] {
  const counts = WATCHED_HEADERS.map(() => 0);
  for (const n of names) {
    const i = (WATCHED_HEADERS as readonly (string | null)[]).indexOf(n);
    if (i >= 0) counts[i]!++;
  }
  return counts;
}

/** Plain-words description of a flag. */
export function describeFlag(flag: string): string {
  const [name, value] = flag.split(/:(.*)/s) as [string, string | undefined];
  switch (name) {
    case 'weak-key':
      return value === 'forgeable'
        ? 'the key is shorter than 1024 bits: such keys have been factored cheaply, anyone could have forged this signature'
        : 'the key is 1024-bit (below 2048): weak by current standards, though not known to be broken for DKIM';
    case 'key-disclosed':
      return 'the private key was later published, so anyone could have made this signature';
    case 'rsa-sha1':
      return 'signed with rsa-sha1, which is deprecated (RFC 8301) and weaker than sha256';
    case 'body-length-limit':
      return value === '0'
        ? 'the signature covers only a declared body length (l=); here it covers the whole body'
        : `the signature covers only the start of the body (l=): the last ${value} bytes are NOT signed and could have been appended by anyone`;
    case 'unsigned-header':
      return `the ${headerLabel(value)} header is not covered by the signature and could have been changed`;
    case 'duplicate-header':
      return `the message has more ${headerLabel(value)} headers than the signature covers: an extra, unsigned one may have been inserted`;
    case 'not-aligned':
      return 'the signing domain is not the From domain: it proves which server sent it, not who the author is';
    case 'bad-identity':
      return "the signature's i= identity is outside its signing domain";
    case 'expired':
      return "the signature's expiry date (x=) had already passed at the message's time";
    case 'signed-after-receipt':
      return `the signature time (t=) is later than a receiving server's timestamp (by more than ${SIGNED_AFTER_RECEIPT_TOLERANCE_S / 60} minutes)`;
    case 'key-testing':
      return 'the key was marked as "testing" (t=y) by the domain';
    default:
      return flag;
  }
}

function headerLabel(name: string | undefined): string {
  const labels: Record<string, string> = {
    from: 'From',
    subject: 'Subject',
    date: 'Date',
    to: 'To',
    cc: 'Cc',
  };
  return labels[name ?? ''] ?? name ?? '';
}
