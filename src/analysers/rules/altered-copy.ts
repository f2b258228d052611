// A document whose text is nearly that of an authenticated document (one an authentic email carries:
// its body hash covers the bytes) without being the same: the authentic one is the reference, so
// what differs is what someone changed — a figure, a name, a sentence. High when the other is
// authenticated; two copies that nothing vouches for are only two versions of a text (low). The
// authenticated document itself does not fire: it is the original.

import { carriedByAuthentic, isAuthenticCarrier } from './names.ts';
import type { CaseView, Rule, RuleHit } from './rule.ts';
import { perView } from './view-cache.ts';

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
    if (carriedByAuthentic(doc)) return [];
    const documents = documentsById(view);
    const hits: RuleHit[] = [];
    for (const match of matchesById(view).get(doc.itemId) ?? []) {
      const other = documents.get(match.of);
      if (!other) continue;
      const authenticated = carriedByAuthentic(other);
      const carrier = other.carriers.find(isAuthenticCarrier) ?? null;
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
          carriers: other.carriers.filter(isAuthenticCarrier),
        },
      });
    }
    return hits;
  },
};
