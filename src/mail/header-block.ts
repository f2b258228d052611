/** Where the header block ends: the offset of the blank line and where the body starts. */
export interface HeaderSplit {
  headerEnd: number;
  bodyStart: number;
}

/** Finds the first empty line (CRLF or LF). Returns null when the bytes hold no blank line. */
export function splitHeader(bytes: Buffer, searchLimit = bytes.length): HeaderSplit | null {
  const limit = Math.min(bytes.length, searchLimit);
  let i = bytes.indexOf(10);
  if (i === 0) return { headerEnd: 0, bodyStart: 1 };
  if (i === 1 && bytes[0] === 13) return { headerEnd: 0, bodyStart: 2 };
  while (i !== -1 && i < limit) {
    const next = i + 1;
    if (bytes[next] === 10) return { headerEnd: next, bodyStart: next + 1 };
    if (bytes[next] === 13 && bytes[next + 1] === 10) return { headerEnd: next, bodyStart: next + 2 };
    i = bytes.indexOf(10, next);
  }
  return null;
}

/** What may precede a header block without being part of it: a UTF-8 byte order mark, blank lines. */
export interface Lead {
  /** Where the header block starts. */
  start: number;
  bom: boolean;
  /** Empty lines (LF or CRLF) skipped after the BOM, if any. */
  blankLines: number;
}

/** Leading blank lines are skipped up to this offset: past it, the bytes are not read as a message. */
const MAX_LEAD = 4096;

/** Finds where the header block starts: after a UTF-8 BOM and blank lines, when the bytes begin so. */
export function leadOf(bytes: Buffer): Lead {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let start = bom ? 3 : 0;
  let blankLines = 0;
  while (start < MAX_LEAD) {
    if (bytes[start] === 10) start += 1;
    else if (bytes[start] === 13 && bytes[start + 1] === 10) start += 2;
    else break;
    blankLines++;
  }
  return { start, bom, blankLines };
}

const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]{1,76}:/;
const KNOWN_HEADERS = new Set([
  'received',
  'return-path',
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'delivered-to',
  'dkim-signature',
  'x-mailer',
  'reply-to',
  'sender',
  'arc-seal',
  'authentication-results',
  'x-received',
  'in-reply-to',
  'references',
  'x-gm-thrid',
  'x-gmail-labels',
  'user-agent',
  'thread-topic',
  'x-original-to',
  'envelope-to',
  'status',
  'x-mozilla-status',
]);

/**
 * Whether bytes start like an RFC 5322 message: header lines from the first byte (after a UTF-8 BOM
 * and blank lines, if any: see leadOf), at least one of them a header every mail system writes.
 * Binary garbage and ordinary text files fail this.
 */
export function looksLikeMessage(bytes: Buffer): boolean {
  const { start } = leadOf(bytes);
  const head = bytes.subarray(start, start + 8192).toString('latin1');
  const lines = head.split(/\r?\n/, 40);
  let known = 0;
  let seen = 0;
  for (const line of lines) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (seen === 0) return false;
      continue;
    }
    if (!HEADER_LINE.test(line)) return false;
    seen++;
    if (KNOWN_HEADERS.has(line.slice(0, line.indexOf(':')).toLowerCase())) known++;
  }
  return seen >= 2 && known >= 1;
}
