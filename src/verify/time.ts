// Which moment a message is judged at. Never "now" by accident: an archived message is judged
// at its own time (x= expiry, key validity), taken from, in order: the caller (--at), the
// earliest signature t=, the Date header, the earliest Received header.
import { parseMailDate } from '../mail/date.ts';
import type { ParsedHeader } from './mailauth-internals.ts';
import type { SignatureInfo } from './signature-header.ts';
import type { AtSource } from './types.ts';

export interface ResolvedTime {
  at: Date | null;
  source: AtSource;
}

function headerValue(h: ParsedHeader): string {
  const line = h.line.toString('latin1');
  const colon = line.indexOf(':');
  return (colon >= 0 ? line.slice(colon + 1) : line).replace(/\r?\n[ \t]*/g, ' ').trim();
}

/**
 * The instant of an RFC 5322 date, read by the same parser as ingest (never shifted by the
 * process time zone, unlike Date.parse on a zone-less date); null when unreadable.
 */
function instantOf(value: string): Date | null {
  const parsed = parseMailDate(value);
  return parsed ? new Date(parsed.iso) : null;
}

/** The date of a Received field: what follows its last ';'. */
export function receivedDate(h: ParsedHeader): Date | null {
  const v = headerValue(h);
  const semi = v.lastIndexOf(';');
  return semi >= 0 ? instantOf(v.slice(semi + 1)) : null;
}

const dateCache = new WeakMap<ParsedHeader[], Date | null>();

/** The instant of the Date header, read once per header list (the flags and the verdict both ask). */
export function dateHeader(headers: ParsedHeader[]): Date | null {
  if (dateCache.has(headers)) return dateCache.get(headers)!;
  const h = headers.find((x) => x.key === 'date');
  const date = h ? instantOf(headerValue(h)) : null;
  dateCache.set(headers, date);
  return date;
}

const receivedCache = new WeakMap<ParsedHeader[], { position: number; date: Date }[]>();

/**
 * Received dates with the position of their field in the header block (0 = top). Read once per
 * header list: every signature's flags ask for them.
 */
export function receivedDates(headers: ParsedHeader[]): { position: number; date: Date }[] {
  const cached = receivedCache.get(headers);
  if (cached) return cached;
  const out: { position: number; date: Date }[] = [];
  headers.forEach((h, position) => {
    if (h.key !== 'received') return;
    const date = receivedDate(h);
    if (date) out.push({ position, date });
  });
  receivedCache.set(headers, out);
  return out;
}

export function resolveTime(headers: ParsedHeader[], sigs: SignatureInfo[], given?: Date): ResolvedTime {
  if (given && Number.isFinite(given.getTime())) return { at: given, source: 'given' };
  const ts = sigs.map((s) => s.timestamp).filter((t): t is number => t !== null && t > 0);
  if (ts.length) return { at: new Date(Math.min(...ts) * 1000), source: 'signature' };
  const date = dateHeader(headers);
  if (date) return { at: date, source: 'date' };
  const received = receivedDates(headers);
  if (received.length) {
    return { at: new Date(Math.min(...received.map((r) => r.date.getTime()))), source: 'received' };
  }
  return { at: null, source: 'none' };
}

/** Parses a --at value: ISO 8601 or unix seconds. */
export function parseAt(value: string): Date | null {
  const v = value.trim();
  if (/^\d+$/.test(v)) return new Date(Number(v) * 1000);
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms) : null;
}
