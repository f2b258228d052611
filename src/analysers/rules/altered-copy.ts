// A document whose text is nearly that of an authenticated document (one an authentic email carries:
// its body hash covers the bytes) without being the same: the authentic one is the reference, so
// what differs is what someone changed — a figure, a name, a sentence. High when the other is
// authenticated; two copies that nothing vouches for are only two versions of a text (low). The
// authenticated document itself does not fire: it is the original.

import type { CaseView, DocumentUnderReview, Rule, RuleHit } from './rule.ts';
import { perView } from './view-cache.ts';

const AUTHENTIC = new Set(['authentic', 'authentic-with-caveats']);

export function isAuthenticated(doc: Pick<DocumentUnderReview, 'carriers'>): boolean {
  return doc.carriers.some((c) => c.verdict !== null && AUTHENTIC.has(c.verdict));
}

const documentsById = perView((view: CaseView) => new Map(view.documents.map((d) => [d.itemId, d] as const)));
const matchesById = perView((view: CaseView) => {
  const byItem = new Map<number, CaseView['nearDuplicates']>();
  for (const match of view.nearDuplicates) {
    const list = byItem.get(match.itemId);
    if (list) list.push(match);
    else byItem.set(match.itemId, [match]);
  }
  return byItem;
});

export const alteredCopy: Rule = {
  id: 'altered-copy',
  severity: 'high',
  check(doc, view) {
    if (isAuthenticated(doc)) return [];
    const documents = documentsById(view);
    const hits: RuleHit[] = [];
    for (const match of matchesById(view).get(doc.itemId) ?? []) {
      const other = documents.get(match.of);
      if (!other) continue;
      const authenticated = isAuthenticated(other);
      const carrier = other.carriers.find((c) => c.verdict !== null && AUTHENTIC.has(c.verdict)) ?? null;
      hits.push({
        ...(authenticated ? {} : { severity: 'low' as const }),
        params: {
          other: other.itemId,
          similarity: match.similarity,
          diff: match.diff,
          authenticated,
          carrier: carrier?.itemId ?? null,
          carrierVerdict: carrier?.verdict ?? null,
        },
        evidence: {
          other: { itemId: other.itemId, names: other.names, sha256: other.sha256 },
          similarity: match.similarity,
          diff: match.diff,
          carriers: other.carriers.filter((c) => c.verdict !== null && AUTHENTIC.has(c.verdict)),
        },
      });
    }
    return hits;
  },
};
