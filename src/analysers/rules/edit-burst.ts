// Many different documents (not near copies of one text) last saved within minutes by the same
// editor, or by the same program in the same language settings: the pattern of the 2017 spreadsheets
// (every file saved within four minutes by one Russian-language Excel). High with one editor; medium with only the program and
// locale in common, since a bulk conversion also saves many files at once (but rarely changes the author).
import { instantRange } from '../../extract/dates.ts';
import { foldName, isPlaceholderName } from './names.ts';
import type { CaseView, DocumentUnderReview, Rule } from './rule.ts';
import { perView } from './view-cache.ts';

/** Saves this close together count as one burst. */
export const BURST_WINDOW_MS = 10 * 60_000;
/** Fewer documents than this is two files saved in one sitting, not a burst. */
export const BURST_MIN_DOCUMENTS = 3;
/** Documents listed in the evidence (the count is always exact). */
const EVIDENCE_LIMIT = 50;

interface Saved {
  doc: DocumentUnderReview;
  /** The instant when the date gave its zone, else its wall-clock time (read as UTC). */
  at: number;
}

/** What documents saved together have in common: the editor, else the program with its locale settings. */
function groupKeys(doc: DocumentUnderReview): { by: 'editor' | 'program'; key: string }[] {
  const f = doc.facts;
  const keys: { by: 'editor' | 'program'; key: string }[] = [];
  if (f.lastModifiedBy && !isPlaceholderName(f.lastModifiedBy))
    keys.push({ by: 'editor', key: foldName(f.lastModifiedBy) });
  if (f.application)
    keys.push({
      by: 'program',
      key: JSON.stringify([
        f.application,
        f.appVersion,
        f.compObjType,
        f.codePage,
        f.sheetNames[0] ?? null,
        f.languages[0] ?? null,
      ]),
    });
  return keys;
}

/**
 * For each save of a list sorted by time, the largest window of saves no wider than the window that
 * contains it, as [start, end] indices: two pointers and a deque, linear in the list (a dump of
 * 100,000 files saved in one minute must not be quadratic).
 */
function bestWindows(saves: Saved[]): [number, number][] {
  const n = saves.length;
  const endOf: number[] = new Array(n);
  for (let s = 0, e = 0; s < n; s++) {
    if (e < s) e = s;
    while (e + 1 < n && saves[e + 1]!.at - saves[s]!.at <= BURST_WINDOW_MS) e++;
    endOf[s] = e;
  }
  // A window starting at s contains i when s <= i and at[i] - at[s] <= window: s in [lo, i].
  const out: [number, number][] = new Array(n);
  const deque: number[] = [];
  let head = 0;
  for (let i = 0, lo = 0; i < n; i++) {
    while (saves[i]!.at - saves[lo]!.at > BURST_WINDOW_MS) lo++;
    const size = (s: number) => endOf[s]! - s;
    while (deque.length > head && size(deque[deque.length - 1]!) <= size(i)) deque.pop();
    deque.push(i);
    while (deque[head]! < lo) head++;
    const s = deque[head]!;
    out[i] = [s, endOf[s]!];
  }
  return out;
}

interface Burst {
  by: 'editor' | 'program';
  zoned: boolean;
  saves: Saved[];
  start: number;
  end: number;
}

/**
 * The same text under different bytes (a docx and its PDF, a copy saved twice) is one content: each
 * item's content is the smallest item id among its near duplicates (the altered-copy rule's pairs).
 */
function contents(view: CaseView): (itemId: number) => number {
  const parent = new Map<number, number>();
  const root = (id: number): number => {
    let r = id;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(id, r);
    return r;
  };
  for (const { itemId, of } of view.nearDuplicates) {
    const [a, b] = [root(itemId), root(of)];
    if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
  }
  return root;
}

/** Each document's strongest burst: by editor before by program, then the larger. */
const burstsOf = perView((view: CaseView) => {
  const groups = new Map<string, { by: Burst['by']; zoned: boolean; saves: Saved[] }>();
  for (const doc of view.documents) {
    const modified = doc.facts.modified;
    if (!modified) continue;
    const range = instantRange(modified);
    // Dates without a zone are compared by their wall clocks: the same editor's machine writes one zone.
    const at = range.zoned ? range.earliest : Date.parse(`${modified.local}Z`);
    if (!Number.isFinite(at)) continue;
    for (const { by, key } of groupKeys(doc)) {
      const id = `${by}\u0000${range.zoned}\u0000${key}`;
      const group = groups.get(id) ?? { by, zoned: range.zoned, saves: [] };
      group.saves.push({ doc, at });
      groups.set(id, group);
    }
  }
  const contentOf = contents(view);
  const best = new Map<number, Burst>();
  for (const { by, zoned, saves } of groups.values()) {
    if (saves.length < BURST_MIN_DOCUMENTS) continue;
    saves.sort((a, b) => a.at - b.at || a.doc.itemId - b.doc.itemId);
    // Many documents share one window: whether it holds enough different texts is settled once.
    const varied = new Map<string, boolean>();
    const differ = (start: number, end: number) => {
      const key = `${start}:${end}`;
      let answer = varied.get(key);
      if (answer === undefined) {
        const seen = new Set<number>();
        for (let j = start; j <= end && seen.size < BURST_MIN_DOCUMENTS; j++)
          seen.add(contentOf(saves[j]!.doc.itemId));
        answer = seen.size >= BURST_MIN_DOCUMENTS;
        varied.set(key, answer);
      }
      return answer;
    };
    bestWindows(saves).forEach(([start, end], i) => {
      if (end - start + 1 < BURST_MIN_DOCUMENTS || !differ(start, end)) return;
      const itemId = saves[i]!.doc.itemId;
      const current = best.get(itemId);
      const stronger =
        !current ||
        (by === 'editor' && current.by === 'program') ||
        (by === current.by && end - start > current.end - current.start);
      if (stronger) best.set(itemId, { by, zoned, saves, start, end });
    });
  }
  return best;
});

export const editBurst: Rule = {
  id: 'edit-burst',
  severity: 'high',
  check(doc, view) {
    const burst = burstsOf(view).get(doc.itemId);
    if (!burst) return [];
    const first = burst.saves[burst.start]!;
    const last = burst.saves[burst.end]!;
    const documents = burst.end - burst.start + 1;
    const f = doc.facts;
    return [
      {
        severity: burst.by === 'editor' ? 'high' : 'medium',
        params: {
          by: burst.by,
          documents,
          minutes: Math.max(1, Math.ceil((last.at - first.at) / 60_000)),
          editor: burst.by === 'editor' ? f.lastModifiedBy : null,
          application: f.application,
          zoned: burst.zoned,
          first: first.doc.facts.modified!.written,
          last: last.doc.facts.modified!.written,
        },
        evidence: {
          window: BURST_WINDOW_MS / 60_000,
          documents: burst.saves
            .slice(burst.start, Math.min(burst.end + 1, burst.start + EVIDENCE_LIMIT))
            .map((m) => ({
              itemId: m.doc.itemId,
              modified: m.doc.facts.modified!.written,
              lastModifiedBy: m.doc.facts.lastModifiedBy,
              application: m.doc.facts.application,
            })),
        },
      },
    ];
  },
};
