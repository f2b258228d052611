// A short passage of a hit's text around its first matching word, the matching words marked, for a
// list of results: a terminal paints the marks, JSON gives them as <mark> in escaped HTML.
import { fold, stemsOf } from './fold.ts';
import type { Highlight } from './plan.ts';

export interface SnippetPart {
  text: string;
  match: boolean;
}

const wordsOf = () => /[\p{L}\p{N}]+/gu;

/** One matcher per highlight: the hits of one search share what was learnt of each word. */
const matchers = new WeakMap<Highlight, ((word: string) => boolean) | null>();

function matcher(h: Highlight): ((word: string) => boolean) | null {
  if (!matchers.has(h)) matchers.set(h, newMatcher(h));
  return matchers.get(h)!;
}

function newMatcher(h: Highlight): ((word: string) => boolean) | null {
  if (!h.words.length && !h.stems.length && !h.prefixes.length && !h.substrings.length) return null;
  const exact = new Set(h.words);
  const stems = new Set(h.stems);
  // A text says the same words again and again: each is folded and stemmed once.
  const seen = new Map<string, boolean>();
  return (original) => {
    let known = seen.get(original);
    if (known === undefined) {
      const word = fold(original);
      known =
        exact.has(word) ||
        (stems.size > 0 && stemsOf(word).some((s) => stems.has(s))) ||
        h.prefixes.some((p) => word.startsWith(p)) ||
        h.substrings.some((s) => word.includes(s));
      seen.set(original, known);
    }
    return known;
  };
}

const SCANNED = 200_000;

/** About `width` characters of `text` around its first match (its start when nothing matches). */
export function snippet(text: string, highlight: Highlight, width = 160): SnippetPart[] {
  // Past what is scanned a long document's text is not flattened (nor kept) at all.
  const flat = text
    .slice(0, SCANNED + 2 * width)
    .replace(/\s+/g, ' ')
    .trim();
  if (flat === '') return [];
  const match = matcher(highlight);
  const isMatch = match ?? (() => false);
  // With nothing to find the passage is the start; otherwise the first match in the first 200,000.
  const limit = match ? Math.min(flat.length, SCANNED) : 0;
  let first = -1;
  const scan = wordsOf();
  for (let m = scan.exec(flat); m && m.index < limit; m = scan.exec(flat)) {
    if (isMatch(m[0])) {
      first = m.index;
      break;
    }
  }
  let start = first < 0 ? 0 : Math.max(0, first - Math.floor(width / 3));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + width);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start + width / 2) end = space;
  }
  const window = flat.slice(start, end);
  const parts: SnippetPart[] = [];
  if (start > 0) parts.push({ text: '…', match: false });
  let at = 0;
  for (const m of window.matchAll(wordsOf())) {
    if (!isMatch(m[0])) continue;
    if (m.index > at) parts.push({ text: window.slice(at, m.index), match: false });
    parts.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < window.length) parts.push({ text: window.slice(at), match: false });
  if (end < flat.length) parts.push({ text: '…', match: false });
  return parts;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A snippet as escaped HTML, its matches in <mark>: safe to insert in a page as it is. */
export function snippetHtml(parts: SnippetPart[]): string {
  return parts.map((p) => (p.match ? `<mark>${escapeHtml(p.text)}</mark>` : escapeHtml(p.text))).join('');
}
