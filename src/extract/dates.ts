// Dates as documents write them (see WrittenDate): parsed from the text only, never through Date's
// local-time parsing, so the process time zone cannot shift them.
import type { WrittenDate } from './types.ts';

const pad = (n: string | undefined, width = 2) => (n ?? '').padStart(width, '0');

/** Longest date text read: a date padded with a million spaces is not a date (and costs nothing to refuse). */
const MAX_DATE_TEXT = 64;

/** The text trimmed, or null when it is too long to be a date (trim itself is linear). */
function bounded(written: string): string | null {
  const text = written.trim();
  return text.length > MAX_DATE_TEXT ? null : text;
}

function offsetOf(sign: string, hours: string, minutes: string | undefined): string {
  return `${sign}${pad(hours)}:${pad(minutes ?? '00')}`;
}

function checked(written: string, local: string, offset: string | null): WrittenDate | null {
  // A calendar check without the process zone: the same fields must come back in UTC.
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/.exec(local);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const t = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  if (
    t.getUTCFullYear() !== y ||
    t.getUTCMonth() !== mo! - 1 ||
    t.getUTCDate() !== d ||
    h! > 23 ||
    mi! > 59 ||
    s! > 60
  )
    return null;
  return { written, local, offset };
}

/** ISO 8601 / W3CDTF (OOXML, ODF, XMP): `2008-12-11T16:04:00Z`, `2010-04-19T11:16:49.13`, `1998-08-29`. */
export function parseIsoDate(written: string): WrittenDate | null {
  const text = bounded(written);
  if (text === null) return null;
  const m =
    /^(\d{4})(?:-(\d\d)(?:-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(\.\d{1,9})?)?)?)?)? ?(Z|([+-])(\d\d):?(\d\d))?$/i.exec(
      text,
    );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone, sign, oh, om] = m;
  const local = `${y}-${pad(mo ?? '01')}-${pad(d ?? '01')}T${pad(h ?? '00')}:${pad(mi ?? '00')}:${pad(s ?? '00')}${frac ?? ''}`;
  const offset = zone ? (zone.toUpperCase() === 'Z' ? '+00:00' : offsetOf(sign!, oh!, om)) : null;
  return checked(written, local, offset);
}

/** PDF dates: `D:YYYYMMDDHHmmSSOHH'mm'` with every part after the year optional. */
export function parsePdfDate(written: string): WrittenDate | null {
  // Only the head is read: what a writer puts after the date is not part of it.
  const m = /^(?:D:)?(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)? ?(?:(Z)|([+-])(\d\d)'?(?:(\d\d)'?)?)?/.exec(
    written.trimStart().slice(0, MAX_DATE_TEXT),
  );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, z, sign, oh, om] = m;
  const local = `${y}-${pad(mo ?? '01')}-${pad(d ?? '01')}T${pad(h ?? '00')}:${pad(mi ?? '00')}:${pad(s ?? '00')}`;
  const offset = z ? '+00:00' : sign ? offsetOf(sign, oh!, om) : null;
  return checked(written, local, offset);
}

/** EXIF: `2009:08:11 09:09:45`, with the OffsetTime tag's `+02:00` when there is one. */
export function parseExifDate(written: string, offsetTime?: string | null): WrittenDate | null {
  const text = bounded(written);
  if (text === null) return null;
  const m = /^(\d{4})[:-](\d\d)[:-](\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d{1,9})?$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const zoneText = offsetTime ? bounded(offsetTime) : null;
  const zone = zoneText ? /^([+-])(\d\d):?(\d\d)$/.exec(zoneText) : null;
  return checked(
    offsetTime ? `${written} ${offsetTime}` : written,
    `${y}-${mo}-${d}T${h}:${mi}:${s}${frac ?? ''}`,
    zone ? offsetOf(zone[1]!, zone[2]!, zone[3]) : null,
  );
}

/**
 * A Windows FILETIME (100 ns since 1601, OLE property sets): the instant it encodes, written as UTC wall
 * time but with no offset claimed, since programs store local time in it as often as UTC.
 */
export function fileTimeDate(filetime: bigint): WrittenDate | null {
  const ms = Number(filetime / 10_000n) - 11_644_473_600_000;
  if (!Number.isFinite(ms) || ms < -62_135_596_800_000 || ms > 253_402_300_799_000) return null;
  const local = new Date(ms).toISOString().slice(0, 19);
  return { written: local.replace('T', ' '), local, offset: null };
}

const MAX_ZONE_MS = 14 * 3600_000;

function offsetMs(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return sign * ((h ?? 0) * 3600_000 + (m ?? 0) * 60_000);
}

/**
 * The instants a date can mean: one when it gives its zone, else the 28 hours its wall time spans across
 * every zone on Earth (UTC−12 to UTC+14). Rules compare ranges, so a date without a zone is never
 * judged against a guess.
 */
export function instantRange(date: WrittenDate): { earliest: number; latest: number; zoned: boolean } {
  const wall = Date.parse(`${date.local}Z`);
  const offset = date.offset ?? date.derivedOffset;
  if (offset) {
    const at = wall - offsetMs(offset);
    return { earliest: at, latest: at, zoned: true };
  }
  return { earliest: wall - MAX_ZONE_MS, latest: wall + 12 * 3600_000, zoned: false };
}

/** The instant as ISO UTC when the date gives its zone, else null. */
export function instantOf(date: WrittenDate): string | null {
  const range = instantRange(date);
  return range.zoned ? new Date(range.earliest).toISOString() : null;
}
