// ToUnicode CMaps (ISO 32000 §9.10.3): the code space (how many bytes a code takes) and the
// bfchar/bfrange mappings from codes to UTF-16BE text. Ranges are expanded up to a budget shared by
// all the file's CMaps (MAX_CMAP_ENTRIES), so a hundred fonts with huge ranges cannot fill memory.
import type { DecodeBudget } from './streams.ts';
import { utf16beText } from './strings.ts';
import { Parser, PdfString, type PdfValue } from './syntax.ts';

export interface ToUnicode {
  /** Byte lengths codes may have, from the code space ranges (longest first when ambiguous). */
  ranges: Array<{ length: number; low: number; high: number }>;
  map: Map<number, string>;
  /** The budget ran out: the mappings after that point are missing. */
  truncated: boolean;
}

const codeOf = (bytes: Buffer): number => {
  let v = 0;
  for (let i = 0; i < bytes.length && i < 4; i++) v = v * 256 + bytes[i]!;
  return v;
};

/** Reads a CMap's tokens: strings, arrays and numbers as values, anything else as a keyword. */
function* tokens(data: Buffer): Generator<PdfValue | { keyword: string }> {
  const p = new Parser(data, 0);
  while (p.pos < data.length) {
    p.skipSpace();
    const c = data[p.pos];
    if (c === undefined) return;
    if (c === 0x3c || c === 0x28 || c === 0x5b || c === 0x2f) {
      try {
        yield p.readValue();
      } catch {
        p.pos++;
      }
      continue;
    }
    const word = p.readWord();
    if (word === '') p.pos++;
    else yield { keyword: word };
  }
}

export function parseToUnicode(data: Buffer, budget: DecodeBudget): ToUnicode {
  const ranges: ToUnicode['ranges'] = [];
  const map = new Map<number, string>();
  const limit = budget.cmapEntries;
  const stack: PdfValue[] = [];
  let mode = '';
  for (const token of tokens(data)) {
    if (map.size >= limit) break;
    if (token === null || typeof token !== 'object' || !('keyword' in token)) {
      stack.push(token as PdfValue);
      if (mode === 'codespace' && stack.length === 2) {
        const [low, high] = stack.splice(0) as PdfString[];
        if (low instanceof PdfString && high instanceof PdfString && low.bytes.length > 0)
          ranges.push({ length: low.bytes.length, low: codeOf(low.bytes), high: codeOf(high.bytes) });
      } else if (mode === 'bfchar' && stack.length === 2) {
        const [src, dst] = stack.splice(0);
        if (src instanceof PdfString && dst instanceof PdfString)
          map.set(codeOf(src.bytes), utf16beText(dst.bytes));
      } else if (mode === 'bfrange' && stack.length === 3) {
        const [low, high, dst] = stack.splice(0);
        if (!(low instanceof PdfString && high instanceof PdfString)) continue;
        const from = codeOf(low.bytes);
        const to = Math.min(codeOf(high.bytes), from + limit - map.size - 1);
        if (dst instanceof PdfString && dst.bytes.length >= 2) {
          // The range's text is a fixed prefix and a last unit that counts up with the code.
          const prefix = utf16beText(dst.bytes.subarray(0, dst.bytes.length - 2));
          const start = dst.bytes.readUInt16BE(dst.bytes.length - 2);
          for (let code = from; code <= to; code++)
            map.set(code, prefix + String.fromCharCode((start + code - from) & 0xffff));
        } else if (Array.isArray(dst)) {
          dst.forEach((d, i) => {
            if (d instanceof PdfString && from + i <= to) map.set(from + i, utf16beText(d.bytes));
          });
        }
      }
      continue;
    }
    const { keyword } = token;
    stack.length = 0;
    if (keyword === 'begincodespacerange') mode = 'codespace';
    else if (keyword === 'beginbfchar') mode = 'bfchar';
    else if (keyword === 'beginbfrange') mode = 'bfrange';
    else if (keyword.startsWith('end')) mode = '';
  }
  budget.cmapEntries -= map.size;
  return { ranges, map, truncated: map.size >= limit };
}
