// A snippet flattens a text chunk by chunk, only as far as its first match and the passage: the same
// passage as flattening the whole text first (the definition below), on texts built to cut chunks
// inside runs of white space, next to matches, past the scanned part, and all white space.
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/sample/prng.ts';
import { fold } from '../src/search/fold.ts';
import type { Highlight } from '../src/search/plan.ts';
import { snippet } from '../src/search/snippet.ts';

const SCANNED = 200_000;
const WIDTH = 160;
const WORD = /[\p{L}\p{N}]+/gu;

/** The passage by definition: the whole text flattened, then about WIDTH characters around the first match. */
function definition(text: string, sought: Set<string>): string {
  const flat = text
    .slice(0, SCANNED + 2 * WIDTH)
    .replace(/\s+/g, ' ')
    .trim();
  if (flat === '') return '';
  let first = -1;
  for (const m of flat.matchAll(WORD)) {
    if (m.index >= SCANNED) break;
    if (sought.has(fold(m[0]))) {
      first = m.index;
      break;
    }
  }
  let start = first < 0 ? 0 : Math.max(0, first - Math.floor(WIDTH / 3));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + WIDTH);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start + WIDTH / 2) end = space;
  }
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}

const highlight = (words: string[]): Highlight => ({ words, stems: [], prefixes: [], substrings: [] });
const joined = (text: string, h: Highlight) =>
  snippet(text, h)
    .map((p) => p.text)
    .join('');

describe('snippet', () => {
  it('gives the passage of the whole text flattened at once, however the chunks fall', () => {
    const rng = createRng(42);
    const words = ['budget', 'Budget', 'BÜDGET', 'réunion', 'la', 'campagne', 'x', '1 200', 'trésorier'];
    const spaces = [
      ' ',
      ' ',
      ' ',
      '\n',
      '\r\n',
      '\t\t',
      '  \n  ',
      '\u00a0',
      ' '.repeat(3000),
      '\n'.repeat(2100),
    ];
    for (let n = 0; n < 400; n++) {
      const parts: string[] = [];
      if (rng.chance(0.3)) parts.push(rng.pick(spaces));
      const length = rng.pick([5, 50, 400, 1500, 6000]);
      for (let i = 0; i < length; i++) {
        // The sought word is rare, so that it falls anywhere, often after several chunks.
        parts.push(rng.chance(0.002) ? 'budget' : rng.pick(words.slice(3)), rng.pick(spaces));
      }
      if (rng.chance(0.2)) parts.push(...Array(rng.int(5) + 1).fill(rng.pick(spaces)));
      const text = parts.join(rng.chance(0.1) ? '' : ' ');
      for (const sought of [['budget'], ['trésorier'], ['absent'], []]) {
        const expected = definition(text, new Set(sought.map(fold)));
        expect({ n, sought, passage: joined(text, highlight(sought.map(fold))) }).toEqual({
          n,
          sought,
          passage: expected,
        });
      }
    }
  });

  it('marks the matches, stops at the scanned part, and gives nothing for white space', () => {
    const parts = snippet('Le  Budget\n\nde la campagne', highlight(['budget']));
    expect(parts).toEqual([
      { text: 'Le ', match: false },
      { text: 'Budget', match: true },
      { text: ' de la campagne', match: false },
    ]);
    expect(snippet(' \n\t ', highlight(['budget']))).toEqual([]);
    const far = `${'mot '.repeat(SCANNED / 4)}budget fin`;
    expect(joined(far, highlight(['budget']))).toBe(definition(far, new Set(['budget'])));
    expect(joined(far, highlight(['budget'])).startsWith('mot mot')).toBe(true);
  });
});
