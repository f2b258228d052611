// RFC 5322 dates, including the obsolete forms found in old mail. We parse them ourselves because a
// popular parser substitutes "now" for a date it cannot read, which would be fatal for evidence.

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

// RFC 5322 4.3 obsolete zones, in minutes east of UTC. Military single letters are ambiguous
// (RFC 5322 says to treat them as -0000), so they count as "zone unknown".
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  edt: -240,
  est: -300,
  cdt: -300,
  cst: -360,
  mdt: -360,
  mst: -420,
  pdt: -420,
  pst: -480,
};

export interface ParsedDate {
  /** ISO 8601 instant in UTC. */
  iso: string;
  /** Minutes east of UTC as written, or null when the zone is missing, -0000 or unknown. */
  offsetMinutes: number | null;
  /** Why the date needed care: zone missing/unknown, two-digit year… */
  notes: string[];
}

const DATE_RE =
  /^\s*(?:[a-z]{3,9}\s*,\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[a-z]{1,5})?/i;

export function parseMailDate(raw: string | null | undefined): ParsedDate | null {
  if (!raw) return null;
  const text = raw.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ');
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const notes: string[] = [];
  const day = Number(m[1]);
  const month = MONTHS[m[2]!.toLowerCase()];
  let year = Number(m[3]);
  if (m[3]!.length === 2) {
    year += year < 50 ? 2000 : 1900;
    notes.push('two-digit year');
  } else if (m[3]!.length === 3) {
    year += 1900;
    notes.push('three-digit year');
  }
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] ? Number(m[6]) : 0;
  if (month === undefined || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;

  let offsetMinutes: number | null = null;
  const zone = m[7];
  if (!zone) {
    notes.push('no time zone: read as UTC');
  } else if (/^[+-]\d{4}$/.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(3, 5));
    if (minutes > 59) return null;
    offsetMinutes = sign * (hours * 60 + minutes);
    if (zone === '-0000') {
      offsetMinutes = null;
      notes.push('zone -0000: local time unknown');
    }
  } else {
    const known = ZONES[zone.toLowerCase()];
    if (known === undefined) notes.push(`unknown time zone "${zone}": read as UTC`);
    else offsetMinutes = known;
  }
  const utc = Date.UTC(year, month, day, hour, minute, second) - (offsetMinutes ?? 0) * 60_000;
  const check = new Date(Date.UTC(year, month, day));
  if (check.getUTCDate() !== day) return null; // 31 February and the like
  return { iso: new Date(utc).toISOString(), offsetMinutes, notes };
}
