// English words for what key archive files and disclosure lists could not be read (codes emitted by keys/).
// Every problem names its file and where in it: a line, an entry of a JSON array, or a key of a JSON map.
import type { Messages, Param, Params } from '../../catalogue.ts';

/** `keys.csv line 14`, `rows.json entry 3`, `keys.json key "sel._domainkey.example.com" value 2`. */
function at(p: Params): string {
  const file = String(p.file);
  if (typeof p.line === 'number') return `${file} line ${p.line}`;
  if (typeof p.entry === 'number') return `${file} entry ${p.entry}`;
  if (typeof p.key === 'string')
    return `${file} key "${p.key}"${typeof p.index === 'number' ? ` value ${p.index}` : ''}`;
  return file;
}

/** `a`, `a and b`, `a, b and c` (or `or`). */
function words(list: Param | Param[] | undefined, joiner: 'and' | 'or' = 'and'): string {
  const items = (Array.isArray(list) ? list : [list]).map(String);
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${joiner} ${items.at(-1)}`;
}

/** What became of a CSV record csv-parse could not read, and of the lines after it. */
function afterCsvError(p: Params): string {
  if (p.header) return '; it is the header row, so nothing in the file was read';
  if (typeof p.resumedAt === 'number')
    return `; the line was skipped and the rows after it were read again from line ${p.resumedAt}`;
  return '; the line was skipped';
}

export const enKeys: Messages = {
  'keys.csv.unterminated-quote': (p) => `${at(p)}: unterminated quote${afterCsvError(p)}`,
  'keys.csv.bad-quote': (p) =>
    `${at(p)}: a quote inside an unquoted value, or text after a closing quote${afterCsvError(p)}`,
  'keys.csv.unreadable': (p) => `${at(p)}: not readable as CSV (${p.error})${afterCsvError(p)}`,
  'keys.csv.header': (p) =>
    `${at(p)}: the header row must name ${words(p.required)} (no ${words(p.missing, 'or')}); nothing else was read`,
  'keys.csv.extra-fields': (p) =>
    `${at(p)}: ${p.found} values where the header names ${p.expected} (an unquoted comma?); the row was skipped`,
  'keys.row.not-object': (p) => `${at(p)}: not an object; skipped`,
  'keys.row.missing': (p) => `${at(p)}: no ${words(p.missing, 'or')}; the row was skipped`,
  'keys.row.spans-lines': (p) =>
    `${at(p)}: the ${p.field} spans several lines (a quote left open?); the row was skipped`,
  'keys.row.bad-date': (p) =>
    `${at(p)}: ${p.field} "${p.value}" is not a date (ISO 8601 or Unix seconds); the record was kept without it`,
  'keys.json.invalid': (p) => `${at(p)}: not valid JSON (${p.detail}); nothing in the file was read`,
  'keys.jsonl.not-json': (p) => `${at(p)}: not JSON; the line was skipped`,
  'keys.map.bad-value': (p) =>
    `${at(p)}: ${p.value} is not a TXT value (a string, a list of strings or {"error": …}); skipped`,
  'keys.map.unknown-error': (p) =>
    `${at(p)}: unknown DNS failure ${p.value} (ENOTFOUND, NXDOMAIN, ENODATA, ETIMEOUT or ESERVFAIL); skipped`,
  'keys.zone.not-understood': (p) =>
    `${at(p)}: "${p.token}" is not a TTL, a class or a record type; the record was skipped`,
  'keys.zone.no-type': (p) => `${at(p)}: no record type; the record was skipped`,
  'keys.zone.no-owner': (p) =>
    `${at(p)}: the record starts with a blank, which repeats the previous owner name, but there is none; skipped`,
  'keys.zone.txt-empty': (p) => `${at(p)}: TXT record without a value; skipped`,
  'keys.zone.unterminated-quote': (p) => `${at(p)}: unterminated quote; the record was skipped`,
  'keys.zone.unclosed-paren': (p) =>
    typeof p.resumedAt === 'number'
      ? `${at(p)}: "(" never closed; the record was skipped and the lines after it were read again from line ${p.resumedAt}`
      : `${at(p)}: "(" never closed; the record was skipped`,
  'keys.zone.stray-paren': (p) => `${at(p)}: ")" without "("; the record was skipped`,
  'keys.zone.bad-ttl': (p) => `${at(p)}: "${p.value}" is not a TTL`,
  'keys.zone.bad-origin': (p) => `${at(p)}: $ORIGIN without a domain name; the origin is unchanged`,
  'keys.zone.directive-ignored': (p) =>
    `${at(p)}: ${p.directive} is not followed here; the records it names were not read`,
  'keys.zone.unknown-directive': (p) => `${at(p)}: unknown directive ${p.directive}; skipped`,
  'keys.disclosed.bad-date': (p) =>
    `${at(p)}: "disclosed" must be the publication date (YYYY-MM-DD or ISO 8601), not "${p.value}"; the row was skipped`,
  'keys.import.no-key': (p) => `no key found in ${p.file}`,
  'keys.import.no-disclosure': (p) => `no disclosed key found in ${p.file}`,
  'keys.import.nothing-read': () => 'nothing in it is a key record or a recorded DNS failure',
  'keys.import.nothing-disclosed': () => 'nothing in it is a disclosed key',
  'keys.import.more': (p) => `and ${p.count} more (listed above)`,
};
