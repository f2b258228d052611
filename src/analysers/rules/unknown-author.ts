// An author or last editor who is not among the organisation's people (the senders of authentic mail
// and the authors of the documents they carry). Medium: outsiders' documents are attached all the
// time, and authors are often login IDs; low for a document an authentic email carries, which the
// organisation received or sent as it is.
import { carriedByAuthentic, inRoster, peopleOf, rosterSet } from './names.ts';
import type { Rule } from './rule.ts';
import { perView } from './view-cache.ts';

const roster = perView(rosterSet);

export const unknownAuthor: Rule = {
  id: 'unknown-author',
  severity: 'medium',
  check(doc, view) {
    if (view.roster.length === 0) return [];
    const known = roster(view);
    const authenticated = carriedByAuthentic(doc);
    return peopleOf(doc)
      .filter((p) => !inRoster(p.name, known))
      .map((p) => ({
        ...(authenticated ? { severity: 'low' as const } : {}),
        params: { field: p.field, name: p.name, authenticated, roster: view.roster.length },
        evidence: { [p.field]: p.name },
      }));
  },
};
