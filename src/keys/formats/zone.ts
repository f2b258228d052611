// Zone-file TXT records: `sel._domainkey.example.com. 3600 IN TXT "v=DKIM1; " "p=…"`, with
// multi-string values and parenthesised multi-line records; $ORIGIN and relative names,
// `;` comments outside quotes, TTLs in seconds or BIND units (1h, 30m, 2d, 1w, 1h30m). Records of
// other types are passed over; a line that is not a record (or a directive) is reported.
import { type Coded, coded } from '../../report/catalogue.ts';
import { inFileOrder, type ParsedKeyFile } from './types.ts';

interface Token {
  text: string;
  quoted: boolean;
}

function tokenize(entry: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < entry.length) {
    const c = entry[i]!;
    if (c === ' ' || c === '\t' || c === '(' || c === ')') {
      i++;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < entry.length && entry[i] !== '"') {
        if (entry[i] === '\\' && i + 1 < entry.length) {
          const dec = /^\d{3}/.exec(entry.slice(i + 1));
          if (dec) {
            text += String.fromCharCode(Number(dec[0]));
            i += 4;
            continue;
          }
          text += entry[i + 1];
          i += 2;
          continue;
        }
        text += entry[i];
        i++;
      }
      i++;
      tokens.push({ text, quoted: true });
    } else {
      let text = '';
      while (i < entry.length && !' \t()"'.includes(entry[i]!)) text += entry[i++];
      tokens.push({ text, quoted: false });
    }
  }
  return tokens;
}

/** A parenthesis left open makes the rest of the file one record; the lines after it are read again, this many times at most. */
const MAX_RESYNCS = 1000;

/**
 * Joins parenthesised continuation lines and strips comments; returns [lineNo, entry]. A record
 * with an unterminated quote or a stray ")" is reported and left out; one whose "(" is never
 * closed is reported, and the lines after its first are read again.
 */
function logicalEntries(file: string, text: string): { entries: [number, string][]; problems: Coded[] } {
  const lines = text.split(/\r?\n/);
  const entries: [number, string][] = [];
  const problems: Coded[] = [];
  let i = 0;
  for (let pass = 0; i < lines.length; pass++) {
    let current = '';
    let start = 0;
    let depth = 0;
    let broken: Coded | null = null;
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      let clean = '';
      let inQuote = false;
      for (let j = 0; j < line.length; j++) {
        const c = line[j]!;
        if (c === '\\' && inQuote) {
          clean += c + (line[j + 1] ?? '');
          j++;
          continue;
        }
        if (c === '"') inQuote = !inQuote;
        if (c === ';' && !inQuote) break;
        if (!inQuote && c === '(') depth++;
        if (!inQuote && c === ')') {
          if (depth === 0) broken ??= coded('keys.zone.stray-paren', { file, line: i + 1 });
          else depth--;
        }
        clean += c;
      }
      if (inQuote) broken ??= coded('keys.zone.unterminated-quote', { file, line: i + 1 });
      if (!current.trim()) start = i + 1;
      current += (current ? ' ' : '') + clean;
      if (depth === 0) {
        if (broken) problems.push(broken);
        else if (current.trim()) entries.push([start, current]);
        current = '';
        broken = null;
      }
    }
    if (depth > 0) {
      if (broken) problems.push(broken);
      const again = start < lines.length && pass < MAX_RESYNCS;
      problems.push(
        coded('keys.zone.unclosed-paren', { file, line: start, resumedAt: again ? start + 1 : null }),
      );
      if (again) i = start;
    }
  }
  return { entries, problems };
}

const CLASSES = new Set(['IN', 'CH', 'HS']);

/** A TTL as BIND reads it: seconds, or numbers with units (1h30m, 2d, 1W). */
const TTL = /^(?:\d+|(?:\d+[smhdw])+)$/i;

/** Record types a zone file may hold besides TXT (IANA's registry); TYPE<n> is any type by number. */
const TYPES = new Set(
  (
    'A NS MD MF CNAME SOA MB MG MR NULL WKS PTR HINFO MINFO MX TXT RP AFSDB X25 ISDN RT NSAP NSAP-PTR SIG KEY ' +
    'PX GPOS AAAA LOC NXT EID NIMLOC SRV ATMA NAPTR KX CERT A6 DNAME SINK OPT APL DS SSHFP IPSECKEY RRSIG NSEC ' +
    'DNSKEY DHCID NSEC3 NSEC3PARAM TLSA SMIMEA HIP NINFO RKEY TALINK CDS CDNSKEY OPENPGPKEY CSYNC ZONEMD SVCB ' +
    'HTTPS DSYNC HHIT BRID SPF UINFO UID GID UNSPEC NID L32 L64 LP EUI48 EUI64 NXNAME TKEY TSIG IXFR AXFR ' +
    'MAILB MAILA URI CAA AVC DOA AMTRELAY RESINFO WALLET CLA IPN TA DLV'
  ).split(' '),
);

const isType = (text: string) => TYPES.has(text.toUpperCase()) || /^TYPE\d+$/i.test(text);

export function parseZone(source: string, text: string, file = source): ParsedKeyFile {
  const { entries, problems } = logicalEntries(file, text);
  const out: ParsedKeyFile = { records: [], failures: [], problems };
  let origin = '';
  let lastName = '';
  for (const [line, entry] of entries) {
    const tokens = tokenize(entry);
    if (!tokens.length) continue;
    const first = tokens[0]!;
    if (!first.quoted && first.text.startsWith('$')) {
      const directive = first.text.toUpperCase();
      const value = tokens[1]?.text ?? '';
      if (directive === '$ORIGIN') {
        if (value) origin = value.replace(/\.$/, '');
        else out.problems.push(coded('keys.zone.bad-origin', { file, line }));
      } else if (directive === '$TTL') {
        if (!TTL.test(value)) out.problems.push(coded('keys.zone.bad-ttl', { file, line, value }));
      } else if (directive === '$INCLUDE' || directive === '$GENERATE') {
        out.problems.push(coded('keys.zone.directive-ignored', { file, line, directive }));
      } else {
        out.problems.push(coded('keys.zone.unknown-directive', { file, line, directive: first.text }));
      }
      continue;
    }
    // A line starting with whitespace reuses the previous owner name.
    let rest = tokens;
    let name = lastName;
    if (!/^[ \t(]/.test(entry)) {
      name = absolute(first.text, origin);
      rest = tokens.slice(1);
    } else if (!name) {
      out.problems.push(coded('keys.zone.no-owner', { file, line }));
      continue;
    }
    lastName = name;
    // At most a TTL and a class, in either order, before the type.
    let ttl = false;
    let klass = false;
    for (;;) {
      const t = rest[0];
      if (!t || t.quoted) break;
      if (!ttl && TTL.test(t.text)) ttl = true;
      else if (!klass && CLASSES.has(t.text.toUpperCase())) klass = true;
      else break;
      rest = rest.slice(1);
    }
    const type = rest[0];
    if (!type) {
      out.problems.push(coded('keys.zone.no-type', { file, line }));
      continue;
    }
    if (type.quoted || !isType(type.text)) {
      out.problems.push(coded('keys.zone.not-understood', { file, line, token: type.text }));
      continue;
    }
    if (type.text.toUpperCase() !== 'TXT') continue;
    const strings = rest.slice(1);
    if (!strings.length) {
      out.problems.push(coded('keys.zone.txt-empty', { file, line }));
      continue;
    }
    out.records.push({
      name: name.toLowerCase(),
      value: strings.map((t) => t.text).join(''),
      source,
      firstSeen: null,
      lastSeen: null,
      fetchedAt: null,
    });
  }
  out.problems = inFileOrder(out.problems);
  return out;
}

function absolute(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name.endsWith('.')) return name.slice(0, -1);
  return origin ? `${name}.${origin}` : name;
}
