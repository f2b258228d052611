// Minimal MIME encoders for the synthetic generator: RFC 2047 encoded words, quoted-printable,
// base64 with 76-column lines, header folding, RFC 5322 dates. Output always uses CRLF.

const CRLF = '\r\n';

/** Is the string plain printable ASCII (safe in a header without encoding)? */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Splits a string into chunks whose UTF-8 size is at most `maxBytes`, never inside a character. */
function utf8Chunks(s: string, maxBytes: number): string[] {
  const out: string[] = [];
  let cur = '';
  let curBytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (curBytes + n > maxBytes && cur) {
      out.push(cur);
      cur = '';
      curBytes = 0;
    }
    cur += ch;
    curBytes += n;
  }
  if (cur) out.push(cur);
  return out;
}

function qWordByte(b: number): string {
  // RFC 2047 section 5 (3): the safe set in a phrase / unstructured text
  if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) {
    return String.fromCharCode(b);
  }
  if (b === 0x20) return '_';
  if (b === 0x21 || b === 0x2a || b === 0x2b || b === 0x2d || b === 0x2f) return String.fromCharCode(b);
  return '=' + b.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Encodes `text` as one or more RFC 2047 encoded words (each at most 75 characters), separated
 * by folding whitespace. Plain ASCII is returned unchanged.
 */
export function encodeWords(text: string, mode: 'B' | 'Q'): string {
  if (isAscii(text)) return text;
  const words: string[] = [];
  if (mode === 'B') {
    // 75 - len("=?UTF-8?B??=") = 63 base64 chars → 45 bytes (multiple of 3 keeps it tidy)
    for (const chunk of utf8Chunks(text, 45)) {
      words.push(`=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`);
    }
  } else {
    let cur = '';
    for (const ch of text) {
      let enc = '';
      for (const b of Buffer.from(ch)) enc += qWordByte(b);
      if (cur.length + enc.length > 63 && cur) {
        words.push(`=?UTF-8?Q?${cur}?=`);
        cur = '';
      }
      cur += enc;
    }
    if (cur) words.push(`=?UTF-8?Q?${cur}?=`);
  }
  return words.join(CRLF + ' ');
}

/** Display name for an address header: quoted if needed, encoded when not ASCII. */
export function formatMailbox(name: string, address: string, mode: 'B' | 'Q'): string {
  if (!name) return address;
  if (!isAscii(name)) return `${encodeWords(name, mode)} <${address}>`;
  if (/[^A-Za-z0-9 !#$%&*+\-/=?^_`{|}~]/.test(name)) {
    return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  }
  return `${name} <${address}>`;
}

/**
 * Builds `Name: value` folding at commas/spaces so no line exceeds 78 characters where
 * possible. The value's own CRLF-whitespace folds (from encoded words) are kept.
 */
export function header(name: string, value: string): string {
  const first = `${name}: ${value}`;
  const lines: string[] = [];
  for (const segment of first.split(CRLF)) {
    let line = segment;
    while (line.length > 78) {
      let cut = line.lastIndexOf(', ', 76);
      if (cut > 0) cut += 1;
      else cut = line.lastIndexOf(' ', 76);
      if (cut <= 1) break;
      lines.push(line.slice(0, cut));
      line = ' ' + line.slice(cut).replace(/^ +/, '');
    }
    lines.push(line);
  }
  return lines.join(CRLF) + CRLF;
}

const QP_TABLE: string[] = Array.from({ length: 256 }, (_, b) =>
  (b >= 33 && b <= 126 && b !== 61) || b === 32 || b === 9
    ? String.fromCharCode(b)
    : '=' + b.toString(16).toUpperCase().padStart(2, '0'),
);

/** Quoted-printable (RFC 2045 section 6.7) of UTF-8 text with CRLF line breaks, lines ≤ 76. */
export function encodeQuotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const bytes = Buffer.from(line, 'utf8');
    let cur = '';
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      // trailing whitespace must be encoded
      const enc = i === n - 1 && (b === 32 || b === 9) ? (b === 32 ? '=20' : '=09') : QP_TABLE[b]!;
      if (cur.length + enc.length > 75) {
        out.push(cur + '=');
        cur = '';
      }
      cur += enc;
    }
    out.push(cur);
  }
  return out.join(CRLF);
}

/** Base64 in 76-character lines joined by CRLF. */
export function encodeBase64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Last Sunday of a month (UTC), at 01:00 UTC: the EU summer-time switch instant. */
function lastSundayUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const day = lastDay.getUTCDate() - lastDay.getUTCDay();
  return Date.UTC(year, month, day, 1, 0, 0);
}

/** Paris offset in minutes for an instant: +120 during EU summer time, +60 otherwise. */
export function parisOffsetMinutes(date: Date): number {
  const y = date.getUTCFullYear();
  const t = date.getTime();
  return t >= lastSundayUtc(y, 2) && t < lastSundayUtc(y, 9) ? 120 : 60;
}

/** RFC 5322 date-time, e.g. `Tue, 4 Apr 2017 10:03:12 +0200`, in Paris local time. */
export function formatRfc5322Date(date: Date, offsetMinutes = parisOffsetMinutes(date)): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  const off = sign + String(Math.floor(abs / 60)).padStart(2, '0') + String(abs % 60).padStart(2, '0');
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  const ss = String(local.getUTCSeconds()).padStart(2, '0');
  return `${WEEKDAYS[local.getUTCDay()]}, ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ${hh}:${mm}:${ss} ${off}`;
}

/** asctime-style date used on mbox `From ` lines, e.g. `Tue Apr  4 08:03:12 2017` (UTC). */
export function formatAsctime(date: Date): string {
  const d = String(date.getUTCDate()).padStart(2, ' ');
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  const ss = String(date.getUTCSeconds()).padStart(2, '0');
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${d} ${hh}:${mm}:${ss} ${date.getUTCFullYear()}`;
}

/** RFC 2231 parameter for a possibly non-ASCII filename. */
export function filenameParam(name: string): string {
  if (isAscii(name) && !/["\\]/.test(name)) return `filename="${name}"`;
  return `filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`;
}

/** Content-Type `name=` parameter (the legacy, encoded-word form many clients still send). */
export function nameParam(name: string): string {
  if (isAscii(name) && !/["\\]/.test(name)) return `name="${name}"`;
  return `name="${encodeWords(name, 'B').replace(/\r\n /g, ' ')}"`;
}
