// Text-like content, from a sample of the head: plain text (5), CSV (8). Both score below a
// message's name (10): a `.eml` holding plain text is still a message that is not mail.
//
// Text: a UTF-16 byte order mark, or no NUL byte and at most 1% control characters (other than
// tab, line ends, form feed and escape) in valid UTF-8 or, failing that, in any 8-bit charset.
// An empty item is text. CSV: text whose first lines (at least 3, or 2 with a `.csv`/`.tsv` name)
// all hold the same number (one or more) of commas, semicolons or tabs outside double quotes;
// or text with such a name.

import { isUtf8 } from 'node:buffer';
import { documentFormat, hasMagic, nameHas, perProbe } from './signature.ts';

/** Bytes of the head looked at. */
const SAMPLE_BYTES = 4096;
const CSV_LINES = 20;
const CSV_NAMES = ['.csv', '.tsv'];

/** Control characters other than tab, line ends, form feed and escape. */
const CONTROL = /[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]/g;

function controlShare(text: string): number {
  if (text.length === 0 || text.search(CONTROL) < 0) return 0;
  return (text.match(CONTROL)?.length ?? 0) / text.length;
}

function decode(sample: Buffer): string | null {
  if (hasMagic(sample, '\xff\xfe')) return sample.subarray(2).toString('utf16le');
  if (hasMagic(sample, '\xfe\xff')) {
    const even = Buffer.from(sample.subarray(2, 2 + ((sample.length - 2) & ~1)));
    return even.swap16().toString('utf16le');
  }
  if (sample.includes(0)) return null;
  const body = hasMagic(sample, '\xef\xbb\xbf') ? sample.subarray(3) : sample;
  // A sample cut inside a UTF-8 sequence: up to 3 bytes of it at the end.
  for (let cut = 0; cut <= 3 && cut <= body.length; cut++) {
    const whole = body.subarray(0, body.length - cut);
    if (isUtf8(whole)) return whole.toString('utf8');
    if (body.length < SAMPLE_BYTES - 3) break;
  }
  return body.toString('latin1');
}

/** The head's sample as text when it is text-like, else null. Computed once per probe. */
export const textSample = perProbe((probe) => {
  const text = decode(probe.head.subarray(0, SAMPLE_BYTES));
  return text !== null && controlShare(text) <= 0.01 ? text : null;
});

/** Occurrences of `delimiter` outside double quotes. */
function fields(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) count++;
  }
  return count;
}

function looksLikeCsv(text: string, named: boolean): boolean {
  const lines = text.split(/\r?\n/, CSV_LINES + 1);
  if (text.length >= SAMPLE_BYTES - 3) lines.pop(); // the last line may be cut
  const rows = lines.slice(0, CSV_LINES).filter((l) => l.length > 0);
  if (rows.length < (named ? 2 : 3)) return false;
  return [',', ';', '\t'].some((d) => {
    const first = fields(rows[0] ?? '', d);
    return first > 0 && rows.every((row) => fields(row, d) === first);
  });
}

export const csvFormat = documentFormat(
  'csv',
  (probe) => {
    const text = textSample(probe);
    if (text === null) return 0;
    const named = nameHas(probe.name, CSV_NAMES);
    return named || looksLikeCsv(text, named) ? 8 : 0;
  },
  8,
);

export const textFormat = documentFormat('text', (probe) => (textSample(probe) !== null ? 5 : 0), 5);

/** Whatever nothing else recognised. */
export const unknownFormat = documentFormat('unknown', () => 1, 1);
