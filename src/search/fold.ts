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
 * Letters, digits and combining marks, without a Unicode property escape (several times slower over
 * a whole body): ASCII letters and digits, Latin-1 letters, and everything from U+00F8 to U+1FFF
 * (Latin Extended, Greek, Cyrillic… and combining marks), letterlike ranges beyond punctuation.
 */
const RAW_WORD =
  /[0-9a-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u1fff\u2c00-\u2dff\u3040-\ud7ff\uf900-\ufdff\ufe70-\ufefe\uff10-\uffdc]+/g;

// Stems by word as written (lower-cased), so a word is folded and stemmed once, not at every use.
const rawStemCache = new Map<string, string[]>();

function rawStems(word: string): string[] {
  let stems = rawStemCache.get(word);
  if (!stems) {
    stems = [];
    for (const folded of wordsOfFolded(fold(word))) stems.push(...stemsOf(folded));
    if (rawStemCache.size >= STEM_CACHE_LIMIT) rawStemCache.clear();
    rawStemCache.set(word, stems);
  }
  return stems;
}

/**
 * What ends an identifier: spaces, and the separators of tables and markup, never inside a reference
 * or an amount (a CSV row is many identifiers, not one: its fields, each found by a part of it).
 */
const IDENTIFIER_BOUNDARY = /[\s;|"()[\]{}<>]/;
const DIGIT = /\d/g;

/**
 * The words with a digit, each once, in the order met: found from each digit outwards to the
 * boundaries, so the many words without one are never cut out of the text.
 */
function identifiersOf(lower: string): string[] {
  const ids = new Set<string>();
  const inside = (i: number) => !IDENTIFIER_BOUNDARY.test(lower[i]!);
  DIGIT.lastIndex = 0;
  for (let m = DIGIT.exec(lower); m; m = DIGIT.exec(lower)) {
    let start = m.index;
    let end = start + 1;
    while (start > 0 && inside(start - 1)) start--;
    while (end < lower.length && inside(end)) end++;
    const token = fold(lower.slice(start, end)).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (token) ids.add(token);
    DIGIT.lastIndex = end;
  }
  return [...ids];
}

/**
 * A text as the index takes it, in one pass: `exact`, lower-cased with ligatures spelled out (the
 * index's tokenizer folds the accents, as fold does), the distinct stems of its words, and its
 * identifiers (the words with a digit).
 */
export function textTerms(text: string): { exact: string; stems: string; identifiers: string } {
  let lower = text.toLowerCase();
  if (/[œæßﬁﬂĳ]/.test(lower)) lower = lower.replace(/[œæßﬁﬂĳ]/g, (c) => LIGATURES[c]!);
  const stems = new Set<string>();
  for (const word of new Set(lower.match(RAW_WORD))) for (const stem of rawStems(word)) stems.add(stem);
  return { exact: lower, stems: [...stems].join(' '), identifiers: identifiersOf(lower).join(' ') };
}
