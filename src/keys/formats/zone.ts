// Zone-file TXT records: `sel._domainkey.example.com. 3600 IN TXT "v=DKIM1; " "p=…"`, with
// multi-string values and parenthesised multi-line records; $ORIGIN and relative names,
// `;` comments outside quotes. Other record types are ignored.
import type { ParsedKeyFile } from './types.ts';

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

/** Joins parenthesised continuation lines and strips comments; returns [lineNo, entry]. */
function logicalEntries(text: string): [number, string][] {
  const out: [number, string][] = [];
  let current = '';
  let start = 0;
  let depth = 0;
  text.split(/\r?\n/).forEach((line, idx) => {
    let clean = '';
    let inQuote = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (c === '\\' && inQuote) {
        clean += c + (line[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inQuote = !inQuote;
      if (c === ';' && !inQuote) break;
      if (!inQuote && c === '(') depth++;
      if (!inQuote && c === ')') depth--;
      clean += c;
    }
    if (!current) start = idx + 1;
    current += (current ? ' ' : '') + clean;
    if (depth <= 0) {
      if (current.trim()) out.push([start, current]);
      current = '';
      depth = 0;
    }
  });
  if (current.trim()) out.push([start, current]);
  return out;
}

const CLASSES = new Set(['IN', 'CH', 'HS']);

export function parseZone(source: string, text: string): ParsedKeyFile {
  const out: ParsedKeyFile = { records: [], failures: [], problems: [] };
  let origin = '';
  let lastName = '';
  for (const [lineNo, entry] of logicalEntries(text)) {
    const tokens = tokenize(entry);
    if (!tokens.length) continue;
    const first = tokens[0]!;
    if (!first.quoted && first.text.toUpperCase() === '$ORIGIN') {
      origin = (tokens[1]?.text ?? '').replace(/\.$/, '');
      continue;
    }
    if (!first.quoted && first.text.startsWith('$')) continue;
    // A line starting with whitespace reuses the previous owner name.
    let rest = tokens;
    let name = lastName;
    if (!/^[ \t(]/.test(entry)) {
      name = absolute(first.text, origin);
      rest = tokens.slice(1);
    }
    lastName = name;
    while (
      rest.length &&
      !rest[0]!.quoted &&
      (/^\d+$/.test(rest[0]!.text) || CLASSES.has(rest[0]!.text.toUpperCase()))
    )
      rest = rest.slice(1);
    const type = rest[0];
    if (!type || type.quoted || type.text.toUpperCase() !== 'TXT') continue;
    const strings = rest.slice(1);
    if (!strings.length) {
      out.problems.push(`line ${lineNo}: TXT record without a value`);
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
  return out;
}

function absolute(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name.endsWith('.')) return name.slice(0, -1);
  return origin ? `${name}.${origin}` : name;
}
