// Another document has the same file name but different bytes. Medium when the other copy is carried
// by an authentic email and this one is not (a genuine attachment's name given to a different file is
// how planted documents pass); low otherwise (versions of a file share a name). Not raised on the copy
// an authentic email carries. It shows the two files differ, not which one is genuine.
import { carriedByAuthentic } from './names.ts';
import type { CaseView, DocumentUnderReview, Rule } from './rule.ts';
import { perView } from './view-cache.ts';

/** Names mail programs give parts that have none (a rebuilt message's `body.rtf`…): they say nothing of the file. */
const GENERIC =
  /^(?:image\d*|att\d+|attachment\d*|body|noname|untitled|unnamed|document|file|unknown|part\d*|winmail|mime-attachment|oledata|pièce jointe)$/iu;
const EVIDENCE_LIMIT = 20;

function nameKey(name: string): string | null {
  const base = name.slice(-300).split(/[\\/]/).pop()!.normalize('NFC').trim().toLowerCase();
  const stem = base.replace(/\.[^.]{1,10}$/, '');
  return base && !GENERIC.test(stem) ? base : null;
}

function keysOf(doc: DocumentUnderReview): string[] {
  return [...new Set(doc.names.flatMap((n) => nameKey(n) ?? []))];
}

/** Documents by name, with how many of them an authentic email carries (counted once, not per document). */
const byName = perView((view: CaseView) => {
  const index = new Map<string, { docs: DocumentUnderReview[]; authenticated: number }>();
  for (const doc of view.documents)
    for (const key of keysOf(doc)) {
      const entry = index.get(key) ?? { docs: [], authenticated: 0 };
      entry.docs.push(doc);
      if (carriedByAuthentic(doc)) entry.authenticated++;
      index.set(key, entry);
    }
  return index;
});

export const nameCollision: Rule = {
  id: 'name-collision',
  severity: 'medium',
  check(doc, view) {
    if (carriedByAuthentic(doc)) return [];
    const index = byName(view);
    return keysOf(doc).flatMap((key) => {
      const entry = index.get(key);
      // This document is in the list, and not among the authenticated (checked above).
      const others = (entry?.docs.length ?? 1) - 1;
      if (!entry || others === 0) return [];
      const shown: DocumentUnderReview[] = [];
      for (const d of entry.docs) {
        if (shown.length >= EVIDENCE_LIMIT) break;
        if (d.itemId !== doc.itemId) shown.push(d);
      }
      const name = doc.names.find((n) => nameKey(n) === key) ?? key;
      return [
        {
          severity: entry.authenticated ? ('medium' as const) : ('low' as const),
          params: { name, others, authenticated: entry.authenticated },
          evidence: {
            name,
            others: shown.map((d) => ({
              itemId: d.itemId,
              sha256: d.sha256,
              authenticated: carriedByAuthentic(d),
            })),
          },
        },
      ];
    });
  },
};
