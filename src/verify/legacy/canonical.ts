// Tag lists and body canonicalisation for the pre-RFC 6376 signatures, on latin1 strings (one
// char per byte, so no byte is lost). No regular expression here backtracks: hostile bodies and
// fields are scanned in linear time.

export interface TagList {
  /** Tag name (case kept, as RFC 4870 and RFC 6376 compare them) → value, whitespace trimmed. */
  tags: Map<string, string>;
  /** A part without `=`, a bad tag name or a duplicated tag. */
  malformed: boolean;
}

const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** `a=rsa-sha1; q=dns; …` (the field value, after the colon). */
export function parseTagList(value: string): TagList {
  const tags = new Map<string, string>();
  let malformed = false;
  for (const part of value.split(';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    const name = eq < 0 ? '' : trimmed.slice(0, eq).trim();
    if (!TAG_NAME.test(name) || tags.has(name)) {
      malformed = true;
      continue;
    }
    tags.set(name, trimmed.slice(eq + 1).trim());
  }
  return { tags, malformed };
}

/** The value of a header field (what follows the first colon), as latin1. */
export function fieldValue(line: Buffer): string {
  const text = line.toString('latin1');
  return text.slice(text.indexOf(':') + 1);
}

/** Removes the empty lines at the end, keeping the line end of the last non-empty one; adds nothing. */
export function dropTrailingEmptyLines(s: string): string {
  let end = s.length;
  while (end >= 4 && s.startsWith('\r\n\r\n', end - 4)) end -= 2;
  return s.slice(0, end);
}

/** What dropTrailingEmptyLines leaves of a text of empty lines only. */
export const isBlank = (s: string) => s === '' || s === '\r\n';

const endsLine = (s: string) => (s.endsWith('\r\n') ? s : `${s}\r\n`);

/**
 * DKIM draft body canonicalisation (as RFC 6376 §3.4.3/§3.4.4, which kept the drafts' rules):
 * simple keeps the bytes and drops empty lines at the end (an empty body is one CRLF); relaxed
 * also turns runs of spaces and tabs into one space and drops them at line ends (empty body: '').
 */
export function draftBody(body: Buffer, canonicalization: string): string {
  const text = body.toString('latin1');
  if (canonicalization === 'simple') {
    const kept = dropTrailingEmptyLines(text);
    return isBlank(kept) ? '\r\n' : endsLine(kept);
  }
  const lines = text.split('\r\n').map((line) => {
    const squeezed = line.replace(/[ \t]+/g, ' ');
    return squeezed.endsWith(' ') ? squeezed.slice(0, -1) : squeezed;
  });
  const kept = dropTrailingEmptyLines(lines.join('\r\n'));
  return isBlank(kept) ? '' : endsLine(kept);
}

/**
 * A body canonicaliser run at most once per canonicalisation, its result kept as bytes: the
 * signatures of a message share it, and it is hashed in place, never copied per signature.
 */
export function oncePerCanonicalization(
  canonicalize: (body: Buffer, canonicalization: string) => string,
  body: Buffer,
): (canonicalization: string) => Buffer {
  const done = new Map<string, Buffer>();
  return (canonicalization) => {
    const bytes = done.get(canonicalization) ?? Buffer.from(canonicalize(body, canonicalization), 'latin1');
    done.set(canonicalization, bytes);
    return bytes;
  };
}
