// Near-duplicate texts across a whole case (the `altered-copy` rule's input): documents whose words
// are nearly those of another without being the same, with what changed. Built to scale to 100,000
// documents without comparing all pairs:
//  1. each text's folded words are hashed once; identical texts collapse into one group;
//  2. a MinHash signature over its word shingles (k words), by one-permutation hashing: one hash per
//     shingle spread over K bins, each bin keeping its minimum (K hash functions would cost K× more),
//     empty bins filled from the next bin (rotation densification);
//  3. LSH banding: documents agreeing on every row of one band are candidates;
//  4. a candidate pair is kept when the exact Jaccard of its shingle sets passes a floor, then its
//     words are aligned (Myers' diff, bounded) and the share of words in common must reach the
//     threshold: one changed figure in a short text still counts as a near copy.
// Every hash is seeded, so a run gives the same pairs and the same diffs.
import { fold } from '../search/fold.ts';

/** Bump when what nearDuplicates finds changes: a case keeps what it found for the same texts. */
export const NEAR_DUPLICATES_VERSION = '2';

export interface NearDuplicate {
  itemId: number;
  /** The document whose text it nearly matches. */
  of: number;
  /** Share of words the two texts have in common once aligned (0–1, 3 decimals). */
  similarity: number;
  /** What changed from `of`'s text to this one's: `−1 200 000 +1 900 000; −Paris +Lyon`. */
  diff: string;
}

export interface NearDuplicateOptions {
  /** Least share of words in common (default 0.8). */
  threshold?: number;
  /** Words per shingle (default 5). */
  shingle?: number;
  /** LSH bands × rows = signature length (default 32 × 4: a pair at Jaccard 0.5 is a candidate 87% of the time, at 0.7 99.99%). */
  bands?: number;
  rows?: number;
  /** Least exact Jaccard of shingle sets for a candidate to be aligned (default 0.4). */
  jaccardFloor?: number;
  /** Texts with fewer words are not compared (default 12: a stamp or a page number is not a copy). */
  minWords?: number;
  /** Words read per text (default 200,000): a pasted log cannot make the run unbounded. */
  maxWords?: number;
  /** Most near matches listed per document, the preferred then the closest first (default 10). */
  maxMatches?: number;
  /** Most word edits aligned per pair (default 2,000); beyond it the pair is judged by its Jaccard. */
  maxEdits?: number;
  /** Length of a diff (default 240 characters). */
  maxDiffChars?: number;
  /** Members of one LSH bucket each compared with the next ones in it only (default 64). */
  bucketWindow?: number;
  seed?: number;
}

const DEFAULTS: Required<NearDuplicateOptions> = {
  threshold: 0.8,
  shingle: 5,
  bands: 32,
  rows: 4,
  jaccardFloor: 0.4,
  minWords: 12,
  maxWords: 200_000,
  maxMatches: 10,
  maxEdits: 2_000,
  maxDiffChars: 240,
  bucketWindow: 64,
  seed: 0x5eed,
};

/**
 * A figure with its group separators is one word (`1 200 000`, `1,200,000.50`), so a changed amount
 * reads whole in the diff; otherwise runs of letters and digits. No nested quantifiers: linear.
 */
const TOKEN = /\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+(?:[.,]\d+)?|[\p{L}\p{N}]+/gu;

interface Prepared {
  itemId: number;
  index: number;
  /** Hash of each folded word, in order. */
  words: Uint32Array;
  /** Hash of the whole word sequence (identical texts share it). */
  key: string;
}

/**
 * What comparing the texts found, kept as found (the costly part, cached by the caller): identical
 * texts grouped, and the pairs of groups near each other. Which matches a document lists is chosen
 * afterwards (selectNearDuplicates), so that choice can follow verdicts that change without
 * comparing the texts again.
 */
export interface NearPairs {
  /** The item ids of each group of identical texts, the one compared first. */
  groups: number[][];
  /** [group, other group, similarity], the first group the lower. */
  pairs: [number, number, number][];
}

/** The near duplicates of each document, the closest `maxMatches` (default 10) first. */
export function nearDuplicates(
  docs: { itemId: number; text: string }[],
  options: NearDuplicateOptions = {},
): NearDuplicate[] {
  return selectNearDuplicates(docs, findNearPairs(docs, options), options);
}

export function findNearPairs(
  docs: { itemId: number; text: string }[],
  options: NearDuplicateOptions = {},
): NearPairs {
  const o = { ...DEFAULTS, ...options };
  const sorted = [...docs].sort((a, b) => a.itemId - b.itemId);
  // 1. Words, and identical texts grouped (the first of a group stands for it).
  const groups = new Map<string, Prepared[]>();
  const representatives: Prepared[] = [];
  for (const [index, doc] of sorted.entries()) {
    const words = wordHashes(doc.text, o.maxWords, o.seed);
    if (words.length < o.minWords) continue;
    const prepared = { itemId: doc.itemId, index, words, key: sequenceKey(words, o.seed) };
    const group = groups.get(prepared.key);
    if (group && sameWords(group[0]!.words, words)) group.push(prepared);
    else if (group) representatives.push(prepared);
    else {
      groups.set(prepared.key, [prepared]);
      representatives.push(prepared);
    }
  }
  const membersOf = (p: Prepared) => {
    const group = groups.get(p.key)!;
    return group[0] === p ? group : [p];
  };
  // 2–3. Signatures, and the candidates that share a band.
  const bins = o.bands * o.rows;
  const candidates = new Set<number>();
  const n = representatives.length;
  // One band at a time: its key per text, sorted, so texts sharing the key are neighbours (a Map
  // of small arrays per band cost several times the memory).
  const keys = Array.from({ length: o.bands }, () => new Float64Array(n));
  // Key and text in one number, exact below 2^53: past two million texts the key loses low bits
  // (which only adds candidates).
  const keyShift = Math.max(0, Math.ceil(Math.log2(n + 1)) - 21);
  for (const [r, p] of representatives.entries()) {
    const signature = minhash(shingleHashes(p.words, o.shingle, o.seed), bins);
    for (let band = 0; band < o.bands; band++) {
      let h = Math.imul(band + 1, 0x9e3779b1) ^ o.seed;
      for (let row = 0; row < o.rows; row++) h = mix(h ^ (signature[band * o.rows + row]! >>> 0));
      keys[band]![r] = (h >>> keyShift) * n + r;
    }
  }
  for (const band of keys) {
    band.sort();
    for (let i = 0; i < n; ) {
      const key = Math.floor(band[i]! / n);
      let end = i + 1;
      while (end < n && Math.floor(band[end]! / n) === key) end++;
      for (let x = i; x < end; x++)
        for (let y = x + 1; y < Math.min(end, x + 1 + o.bucketWindow); y++)
          candidates.add((band[x]! % n) * n + (band[y]! % n));
      i = end;
    }
  }
  // 4. Exact checks, in a stable order.
  const shingleSets = new Map<number, Uint32Array>();
  const setOf = (r: number) => {
    let set = shingleSets.get(r);
    if (!set) {
      set = uniqueSorted(shingleHashes(representatives[r]!.words, o.shingle, o.seed));
      shingleSets.set(r, set);
    }
    return set;
  };
  const aligned = aligner(o.maxWords);
  const pairs: NearPairs['pairs'] = [];
  for (const pair of [...candidates].sort((x, y) => x - y)) {
    const [ra, rb] = [Math.floor(pair / n), pair % n];
    const jaccard = jaccardOf(setOf(ra), setOf(rb));
    if (jaccard < o.jaccardFloor) continue;
    const a = representatives[ra]!;
    const b = representatives[rb]!;
    const similarity = similarityOf(
      aligned(a.itemId, sorted[a.index]!.text),
      aligned(b.itemId, sorted[b.index]!.text),
      o,
      jaccard,
    );
    if (similarity !== null && similarity >= o.threshold) pairs.push([ra, rb, similarity]);
  }
  return { groups: representatives.map((p) => membersOf(p).map((m) => m.itemId)), pairs };
}

/**
 * Each document's matches among the pairs found, with what changed. A document that is `preferred`
 * (an authenticated one: the reference its copies are judged against) is listed before any other,
 * then the closest, so a crowd of unvouched copies cannot push the original out of the list.
 */
export function selectNearDuplicates(
  docs: { itemId: number; text: string }[],
  found: NearPairs,
  options: NearDuplicateOptions = {},
  preferred: (itemId: number) => boolean = () => false,
): NearDuplicate[] {
  const o = { ...DEFAULTS, ...options };
  const textOf = new Map(docs.map((d) => [d.itemId, d.text] as const));
  // The members of a group of identical texts have the same matches: chosen once per group.
  const byGroup = new Map<number, { ofGroup: number; similarity: number }[]>();
  const add = (group: number, ofGroup: number, similarity: number) => {
    const list = byGroup.get(group);
    if (list) list.push({ ofGroup, similarity });
    else byGroup.set(group, [{ ofGroup, similarity }]);
  };
  for (const [a, b, similarity] of found.pairs) {
    add(b, a, similarity);
    add(a, b, similarity);
  }
  // What changed is written only for the matches kept, once per pair of groups and direction: the
  // words compared are those of each group's first text, as when the pair was found.
  const aligned = aligner(o.maxWords);
  const diffs = new Map<string, string>();
  const diffBetween = (from: number, to: number) => {
    const key = `${from}:${to}`;
    let diff = diffs.get(key);
    if (diff === undefined) {
      const [x, y] = [found.groups[from]![0]!, found.groups[to]![0]!];
      diff = diffOf(aligned(x, textOf.get(x) ?? ''), aligned(y, textOf.get(y) ?? ''), o);
      diffs.set(key, diff);
    }
    return diff;
  };
  const out: NearDuplicate[] = [];
  type Candidate = { of: number; ofGroup: number; similarity: number; preferred: boolean };
  const before = (x: Candidate, y: Candidate) =>
    Number(y.preferred) - Number(x.preferred) || y.similarity - x.similarity || x.of - y.of;
  for (const [group, matches] of byGroup) {
    // The first maxMatches in that order, kept in one pass (a text of a template can have thousands).
    const best: Candidate[] = [];
    for (const { ofGroup, similarity } of matches)
      for (const of of found.groups[ofGroup]!) {
        const candidate = { of, ofGroup, similarity, preferred: preferred(of) };
        if (best.length === o.maxMatches && before(candidate, best[best.length - 1]!) >= 0) continue;
        let at = best.length;
        while (at > 0 && before(candidate, best[at - 1]!) < 0) at--;
        best.splice(at, 0, candidate);
        if (best.length > o.maxMatches) best.pop();
      }
    const listed = best.map((m) => ({
      of: m.of,
      similarity: m.similarity,
      diff: diffBetween(m.ofGroup, group),
    }));
    for (const itemId of found.groups[group]!) for (const m of listed) out.push({ itemId, ...m });
  }
  // By document (a stable sort: each document's matches stay in the order chosen).
  out.sort((x, y) => x.itemId - y.itemId);
  return out;
}

/**
 * A text is in many pairs: its words are read and folded once (a bounded number kept at a time),
 * each folded word numbered, so aligning compares numbers rather than strings.
 */
function aligner(maxWords: number): (itemId: number, text: string) => AlignedWords {
  const alignedWords = new Map<number, AlignedWords>();
  let wordsKept = 0;
  const wordNumbers = new Map<string, number>();
  return (itemId, text) => {
    let words = alignedWords.get(itemId);
    if (!words) {
      const display = displayWords(text, maxWords);
      if (wordsKept + display.length > ALIGNED_WORDS_KEPT) {
        alignedWords.clear();
        wordsKept = 0;
      }
      wordsKept += display.length;
      const keys = new Int32Array(display.length);
      for (const [i, word] of display.entries()) {
        const folded = fold(word);
        let number = wordNumbers.get(folded);
        if (number === undefined) {
          number = wordNumbers.size;
          wordNumbers.set(folded, number);
        }
        keys[i] = number;
      }
      words = { display, keys };
      alignedWords.set(itemId, words);
    }
    return words;
  };
}

/** murmur3's finaliser: every input bit reaches every output bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function wordHashes(text: string, maxWords: number, seed: number): Uint32Array {
  const hashes: number[] = [];
  for (const match of fold(text).matchAll(TOKEN)) {
    if (hashes.length >= maxWords) break;
    const word = match[0];
    let h = 0x811c9dc5 ^ seed;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
    hashes.push(mix(h));
  }
  return Uint32Array.from(hashes);
}

function sequenceKey(words: Uint32Array, seed: number): string {
  let h1 = seed ^ 0x2545f491;
  let h2 = seed ^ 0x6c8e9cf5;
  for (const w of words) {
    h1 = mix(h1 ^ w);
    h2 = Math.imul(h2 ^ w, 0x01000193);
  }
  return `${words.length}:${h1}:${h2 >>> 0}`;
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A hash per run of k words (the whole text when it is shorter). */
function shingleHashes(words: Uint32Array, k: number, seed: number): Uint32Array {
  const count = Math.max(1, words.length - k + 1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = seed ^ 0x3c6ef372;
    for (let j = i; j < Math.min(words.length, i + k); j++) h = Math.imul(h ^ words[j]!, 0x01000193);
    out[i] = mix(h);
  }
  return out;
}

/** One-permutation MinHash: the top bits of a shingle's hash pick its bin, the rest is its value. */
function minhash(shingles: Uint32Array, bins: number): Float64Array {
  // A text always has at least one shingle, so every bin ends up filled.
  const binBits = Math.ceil(Math.log2(bins));
  const valueBits = 32 - binBits;
  const span = 2 ** valueBits;
  const signature = new Float64Array(bins).fill(Number.POSITIVE_INFINITY);
  for (const h of shingles) {
    const bin = (h >>> valueBits) % bins;
    const value = h & (span - 1);
    if (value < signature[bin]!) signature[bin] = value;
  }
  // An empty bin takes the next filled bin's value, shifted by how far it had to look: two texts
  // agree on it only when they agree on that bin.
  const filled = signature.slice();
  for (let bin = 0; bin < bins; bin++) {
    if (filled[bin] !== Number.POSITIVE_INFINITY) continue;
    for (let step = 1; step < bins; step++) {
      const value = filled[(bin + step) % bins]!;
      if (value !== Number.POSITIVE_INFINITY) {
        signature[bin] = value + step * span;
        break;
      }
    }
  }
  // Below 2^32: a value is under `span` and a step under 2^binBits.
  return signature;
}

function uniqueSorted(values: Uint32Array): Uint32Array {
  const sorted = Uint32Array.from(values).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n);
}

function jaccardOf(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

/** One stretch that differs: words [aFrom, aTo) of the first text became [bFrom, bTo) of the second. */
interface Hunk {
  aFrom: number;
  aTo: number;
  bFrom: number;
  bTo: number;
}

/** Words of the texts kept read between pairs (about 100 MB at most). */
const ALIGNED_WORDS_KEPT = 2_000_000;

/** A text's words as shown in a diff, and the number of each once folded (as they are compared). */
interface AlignedWords {
  display: string[];
  keys: Int32Array;
}

/**
 * The share of words two texts have in common once aligned. Null when they are the same words
 * (identical once folded), or when more words differ than the threshold allows (the alignment stops
 * there instead of going on to `maxEdits`). Only the number of changed words is needed, so the pair
 * is measured without the alignment's trace (diffOf traces it for the few matches kept).
 */
function similarityOf(
  aWords: AlignedWords,
  bWords: AlignedWords,
  o: Required<NearDuplicateOptions>,
  jaccard: number,
): number | null {
  const total = aWords.keys.length + bWords.keys.length;
  // Past this many changed words the share in common is under the threshold (the epsilon keeps a pair
  // exactly at the threshold, which floating point would put one word short).
  const allowed = Math.floor((1 - o.threshold) * total + 1e-9);
  const changed = editDistance(aWords.keys, bWords.keys, Math.min(o.maxEdits, allowed));
  // Too many edits to align: the shingles' Jaccard is the measure (and the diff says so).
  if (changed === null) return allowed < o.maxEdits ? null : round(jaccard);
  return changed === 0 ? null : round((total - changed) / total);
}

/** What changed from the first text to the second. */
function diffOf(aWords: AlignedWords, bWords: AlignedWords, o: Required<NearDuplicateOptions>): string {
  const hunks = alignedHunks(aWords.keys, bWords.keys, o.maxEdits);
  return hunks
    ? diffText(hunks, aWords.display, bWords.display, o.maxDiffChars)
    : `(more than ${o.maxEdits.toLocaleString('en-US')} words differ)`;
}

function round(x: number): number {
  return Math.floor(x * 1000) / 1000;
}

function displayWords(text: string, maxWords: number): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    if (out.length >= maxWords) break;
    out.push(match[0]);
  }
  return out;
}

/** The common head and tail of two sequences, set aside before aligning what lies between. */
function commonEnds<T>(a: ArrayLike<T>, b: ArrayLike<T>): { start: number; endA: number; endB: number } {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { start, endA, endB };
}

/** Myers' furthest-reaching paths, reused from pair to pair (a case aligns thousands of pairs). */
let frontier = new Int32Array(0);

/**
 * Myers' forward pass over a[start, start + n) and b[start, start + m): the fewest words to delete
 * and insert, or null past `limit`. `step` sees the furthest-reaching paths after each edit count
 * (what the hunks are traced back from).
 */
function fewestEdits<T>(
  a: ArrayLike<T>,
  b: ArrayLike<T>,
  start: number,
  n: number,
  m: number,
  limit: number,
  step?: (v: Int32Array, offset: number, d: number) => void,
): number | null {
  const offset = limit + 1;
  if (frontier.length < 2 * limit + 3) frontier = new Int32Array(2 * limit + 3);
  const v = frontier;
  v[offset + 1] = 0;
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return d;
    }
    step?.(v, offset, d);
  }
  return null;
}

/**
 * The number of words to delete and insert to turn a into b, without the trace the hunks need;
 * null past `maxEdits`.
 */
export function editDistance(a: Int32Array, b: Int32Array, maxEdits: number): number | null {
  const { start, endA, endB } = commonEnds(a, b);
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return n + m > maxEdits ? null : n + m;
  return fewestEdits(a, b, start, n, m, Math.min(maxEdits, n + m));
}

/**
 * Myers' O(ND) alignment after the common head and tail are set aside (one changed figure costs a
 * linear scan); null when more than `maxEdits` words must change.
 */
export function alignedHunks<T>(a: ArrayLike<T>, b: ArrayLike<T>, maxEdits: number): Hunk[] | null {
  const { start, endA, endB } = commonEnds(a, b);
  const n = endA - start;
  const m = endB - start;
  if (n === 0 && m === 0) return [];
  if (n === 0 || m === 0)
    return n + m > maxEdits ? null : [{ aFrom: start, aTo: endA, bFrom: start, bTo: endB }];
  const trace: Int32Array[] = [];
  const found = fewestEdits(a, b, start, n, m, Math.min(maxEdits, n + m), (v, offset, d) =>
    trace.push(v.slice(offset - d, offset + d + 1)),
  );
  if (found === null) return null;
  // Back from the end: each step is one deletion from a or one insertion from b.
  const edits: { a: number; b: number; kind: 'del' | 'ins' }[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d - 1]!;
    const at = (k: number) => prev[k + d - 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    edits.push(down ? { a: prevX, b: prevY, kind: 'ins' } : { a: prevX, b: prevY, kind: 'del' });
    x = prevX;
    y = prevY;
  }
  edits.reverse();
  const hunks: Hunk[] = [];
  for (const e of edits) {
    const aPos = start + e.a;
    const bPos = start + e.b;
    const last = hunks[hunks.length - 1];
    const [aTo, bTo] = e.kind === 'del' ? [aPos + 1, bPos] : [aPos, bPos + 1];
    if (last && last.aTo === aPos && last.bTo === bPos) {
      last.aTo = aTo;
      last.bTo = bTo;
    } else hunks.push({ aFrom: aPos, aTo, bFrom: bPos, bTo });
  }
  return hunks;
}

/** `−old +new` per stretch, each side and the whole cut to length with what was left out counted. */
function diffText(hunks: Hunk[], a: string[], b: string[], maxChars: number): string {
  const side = (sign: string, words: string[]) => {
    if (!words.length) return '';
    const text = words.join(' ');
    return `${sign}${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
  };
  const parts: string[] = [];
  let length = 0;
  for (const [i, h] of hunks.entries()) {
    const part = [side('−', a.slice(h.aFrom, h.aTo)), side('+', b.slice(h.bFrom, h.bTo))]
      .filter(Boolean)
      .join(' ');
    if (parts.length && length + part.length + 2 > maxChars) {
      parts.push(`… (${hunks.length - i} more changes)`);
      break;
    }
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join('; ');
}
