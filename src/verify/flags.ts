// Per-signature warnings. Each flag is a stable string (some carry a value after ':'); its words
// are in the message catalogue (flag.<name>, see flagCoded).
import { type Coded, coded, isKnownCode, render } from '../report/catalogue.ts';
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

/**
 * A flag's code for the catalogue (`weak-key:1024` → `flag.weak-key` with value `1024`). The flag
 * itself stays as written in reports; this is what its description is rendered from.
 */
export function flagCoded(flag: string): Coded {
  const [name, value] = flag.split(/:(.*)/s) as [string, string | undefined];
  if (name === 'signed-after-receipt')
    return coded(`flag.${name}`, { minutes: SIGNED_AFTER_RECEIPT_TOLERANCE_S / 60 });
  return coded(`flag.${name}`, value === undefined ? undefined : { value });
}

/** Plain-words description of a flag (for the edges that print); an unknown flag is shown as itself. */
export function describeFlag(flag: string): string {
  const c = flagCoded(flag);
  return isKnownCode(c.code) ? render(c) : flag;
}
