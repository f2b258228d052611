// Per-signature warnings. Each flag is a stable string (some carry a value after ':'); its words
// are in the message catalogue (flag.<name>, see flagCoded).
import { type Coded, coded, isKnownCode, render } from '../report/catalogue.ts';
import { addressparser, getAlignment, type ParsedHeader } from './mailauth-internals.ts';
import type { SignatureInfo } from './signature-header.ts';
import { dateHeader, receivedDates } from './time.ts';
import type { AtSource } from './types.ts';

/** Headers whose unsigned or extra copies we flag (what a reader sees as the message's identity). */
export const WATCHED_HEADERS = ['from', 'subject', 'date', 'to', 'cc'] as const;

/** t= may be this much later than the first Received added after signing (clock skew). */
export const SIGNED_AFTER_RECEIPT_TOLERANCE_S = 15 * 60;

/**
 * Headers a mail program shows from the top-most instance, while a verifier takes the bottom-most
 * ones for h=: an unsigned instance above the signed one is what a reader sees.
 */
const SHOWN_HEADERS = ['from', 'subject', 'date'] as const;

export interface FlagContext {
  sig: SignatureInfo;
  headers: ParsedHeader[];
  /** Key that verified (or was the only one tried). */
  key: { type: 'rsa' | 'ed25519'; bits: number; flags: string[] } | null;
  /** Canonicalised body bytes after the l= prefix (0 when l= is absent or covers all). */
  unsignedTail: number;
  at: Date | null;
  /** Where `at` came from: a time the user gave is exact, the message's own time has skew. */
  atSource: AtSource;
  fromDomain: string | null;
  disclosed: boolean;
}

/** A header a reader sees (the top-most instance) that is not the instance the signature covers. */
export interface ShownHeader {
  header: (typeof SHOWN_HEADERS)[number];
  /** The value a mail program shows, unfolded. */
  shown: string;
  /** The value of the instance the signature covers. */
  signed: string;
}

function unfoldedValue(h: ParsedHeader): string {
  const line = h.line.toString('utf8');
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The watched headers whose top-most instance (what a reader sees) is not covered by the
 * signature while another instance is, and says something else (RFC 6376 5.4.2 selects instances
 * from the bottom). An identical extra copy changes nothing a reader sees: it stays a duplicate.
 */
export function shownHeaderMismatches(headers: ParsedHeader[], signedHeaders: string[]): ShownHeader[] {
  const out: ShownHeader[] = [];
  for (const name of SHOWN_HEADERS) {
    const covered = signedHeaders.filter((h) => h === name).length;
    if (!covered) continue;
    const instances = headers.filter((h) => h.key === name);
    if (instances.length <= covered) continue;
    const shown = unfoldedValue(instances[0]!);
    const signed = unfoldedValue(instances[instances.length - covered]!);
    if (shown !== signed) out.push({ header: name, shown, signed });
  }
  return out;
}

/**
 * The creation date a selector's name carries (`20161025`, `s2048-2019`, `2019-05`), as the first
 * day it can mean; null when the name holds no plausible date. Many operators name keys by date.
 */
export function selectorDate(selector: string, now = new Date()): { date: Date; written: string } | null {
  const maxYear = now.getUTCFullYear() + 1;
  const valid = (y: number, m: number, d: number) =>
    y >= 1995 && y <= maxYear && m >= 1 && m <= 12 && d >= 1 && d <= 31;
  const day = /(?:^|\D)((?:19|20)\d\d)(0[1-9]|1[0-2])([0-3]\d)(?!\d)/.exec(selector);
  if (day && valid(+day[1]!, +day[2]!, +day[3]!))
    return { date: new Date(Date.UTC(+day[1]!, +day[2]! - 1, +day[3]!)), written: day.slice(1, 4).join('-') };
  const month = /(?:^|\D)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])(?!\d)/.exec(selector);
  if (month && valid(+month[1]!, +month[2]!, 1))
    return { date: new Date(Date.UTC(+month[1]!, +month[2]! - 1, 1)), written: `${month[1]}-${month[2]}` };
  const year = /(?:^|\D)((?:19|20)\d\d)(?!\d)/.exec(selector);
  if (year && valid(+year[1]!, 1, 1)) return { date: new Date(Date.UTC(+year[1]!, 0, 1)), written: year[1]! };
  return null;
}

/** A day of slack for the time zone of a selector's date. */
const SELECTOR_DATE_SLACK_MS = 24 * 3600 * 1000;

/** The time a message says it was written: its Date, else the time it is judged at (not one the user gave). */
function messageTime(c: FlagContext): Date | null {
  return dateHeader(c.headers) ?? (c.atSource === 'given' ? null : c.at);
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
  const shown = new Set(shownHeaderMismatches(c.headers, sig.signedHeaders).map((s) => s.header));
  for (const [i, name] of WATCHED_HEADERS.entries()) {
    if (!present[i]) continue;
    if (!covered[i]) flags.push(`unsigned-header:${name}`);
    else if ((shown as Set<string>).has(name)) flags.push(`shown-header-unsigned:${name}`);
    else if (present[i]! > covered[i]!) flags.push(`duplicate-header:${name}`);
  }

  if (!c.fromDomain || !getAlignment(c.fromDomain, [sig.domain])) flags.push('not-aligned');
  if (sig.badIdentity) flags.push('bad-identity');
  if (sig.expiration !== null && c.at && sig.expiration * 1000 < c.at.getTime()) flags.push('expired');
  // A signature cannot predate itself: t= after the time judged at (a user's exact time, or the
  // message's own time give or take clock skew) means a false t= or a false time.
  const skew = c.atSource === 'given' ? 0 : SIGNED_AFTER_RECEIPT_TOLERANCE_S * 1000;
  if (sig.timestamp !== null && c.at && sig.timestamp * 1000 > c.at.getTime() + skew)
    flags.push('signed-after-judged');
  const keyDate = selectorDate(sig.selector);
  const written = messageTime(c);
  if (keyDate && written && written.getTime() < keyDate.date.getTime() - SELECTOR_DATE_SLACK_MS)
    flags.push(`key-newer-than-message:${keyDate.written}`);

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
