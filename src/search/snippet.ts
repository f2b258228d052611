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
/** Characters of a text flattened at a time: the text past its first match and the passage is never read. */
const CHUNK = 2048;

/**
 * A text with each run of white space made one space and its ends trimmed, flattened chunk by chunk
 * as far as it is read. A chunk ends after a run of white space, so a word is never cut in two.
 */
class FlatText {
  text = '';
  private read = 0;
  private readonly source: string;

  constructor(source: string) {
    this.source = source.trimStart();
  }

  /** Whether the whole source is flattened. */
  get done(): boolean {
    return this.read >= this.source.length;
  }

  /** Flattens until the text has at least `length` characters, or the source is all read. */
  extend(length: number): void {
    while (this.text.length < length && !this.done) {
      const space = /\s+/g;
      space.lastIndex = this.read + CHUNK;
      const run = space.exec(this.source);
      const to = run ? run.index + run[0].length : this.source.length;
      this.text += this.source.slice(this.read, to).replace(/\s+/g, ' ');
      this.read = to;
      if (this.done) this.text = this.text.trimEnd();
    }
  }
}

/** About `width` characters of `text` around its first match (its start when nothing matches). */
export function snippet(text: string, highlight: Highlight, width = 160): SnippetPart[] {
  // Past what is scanned a long document's text is not flattened (nor kept) at all.
  const flatText = new FlatText(text.slice(0, SCANNED + 2 * width));
  flatText.extend(1);
  if (flatText.text === '') return [];
  const match = matcher(highlight);
  const isMatch = match ?? (() => false);
  // With nothing to find the passage is the start; otherwise the first match in the first 200,000.
  let first = -1;
  if (match) {
    const scan = wordsOf();
    for (;;) {
      const from = scan.lastIndex;
      const m = scan.exec(flatText.text);
      if (!m) {
        if (flatText.done || flatText.text.length >= SCANNED) break;
        flatText.extend(flatText.text.length + 1);
        scan.lastIndex = from;
        continue;
      }
      if (m.index >= SCANNED) break;
      if (isMatch(m[0])) {
        first = m.index;
        break;
      }
    }
  }
  // The passage, and one character past it to know whether the text goes on.
  flatText.extend(Math.max(first, 0) + width + 2);
  const flat = flatText.text;
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
