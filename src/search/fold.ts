// Words as the index sees them: accent-folded, lower-cased, ligatures spelled out, and their
// Snowball stems in French and English. Done here because node:sqlite has no tokenizer API: the
// store indexes the words this module produces, and a query is folded and stemmed the same way.
import { stemmer as englishStem } from '@orama/stemmers/english';
import { stemmer as frenchStem } from '@orama/stemmers/french';

const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ﬁ: 'fi', ﬂ: 'fl', ĳ: 'ij' };

/** Lower case, without accents: "Élections" → "elections", "Œuvre" → "oeuvre". */
export function fold(text: string): string {
  const lower = text.toLowerCase();
  // Most text is ASCII: nothing to decompose.
  if (!/[^\x00-\x7f]/.test(lower)) return lower;
  return lower
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[œæßﬁﬂĳ]/g, (c) => LIGATURES[c]!);
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The folded words of a text, in order. */
export function words(text: string): string[] {
  return wordsOfFolded(fold(text));
}

export function wordsOfFolded(folded: string): string[] {
  return folded.match(WORD) ?? [];
}

/** The folded words of a text joined by spaces: what an exact column holds. */
export function foldedText(text: string): string {
  return words(text).join(' ');
}

// Stemming is most of the indexing cost: a word's stems are kept, up to a bound, for the next time.
const STEM_CACHE_LIMIT = 200_000;
const stemCache = new Map<string, string[]>();

/** The distinct French and English stems of a folded word (a word with a digit is its own stem). */
export function stemsOf(word: string): string[] {
  const cached = stemCache.get(word);
  if (cached) return cached;
  let stems: string[];
  if (/\d/.test(word) || word.length < 3) stems = [word];
  else {
    const fr = fold(frenchStem(word));
    const en = fold(englishStem(word));
    stems = fr === en ? [fr] : [fr, en];
  }
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
  stemCache.set(word, stems);
  return stems;
}

/**
 * What a stem column holds: the distinct stems of the words, once each. Phrases are matched on the
 * exact words, so stems need no positions, and once each is a third fewer tokens to index.
 */
export function stemmedWords(folded: string[]): string {
  const out = new Set<string>();
  for (const word of folded) for (const stem of stemsOf(word)) out.add(stem);
  return [...out].join(' ');
}

/** The words of a folded text that hold a digit (account numbers, IBANs, references), once each, in order. */
export function identifiers(folded: string): string {
  const seen = new Set<string>();
  // Split on spaces and trimmed of punctuation: a regular expression over the whole text cost twice
  // the rest of the indexing of a message.
  for (const chunk of folded.split(/\s+/)) {
    if (!/\d/.test(chunk)) continue;
    const token = chunk.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (token) seen.add(token);
  }
  return [...seen].join(' ');
}
