// A person named in a script the organisation's people do not write their names in (a Cyrillic last
// editor in a French ministry's files). It shows the file was touched by someone using that script —
// outside the organisation — not who: names can be planted. High for the last editor of a document no
// authentic email carries, medium for an author, low when an authentic email carries it; one step
// weaker against the names of the case's documents when there is no roster.
import { carriedByAuthentic, peopleOf, scriptOf } from './names.ts';
import type { CaseView, Rule } from './rule.ts';
import { commonValues, countInto } from './tally.ts';
import { perView } from './view-cache.ts';

/**
 * The scripts to compare with: the roster's, else (a case with no authentic mail) those of the names
 * the case's documents give: the most common, and any other held by a third of them at least.
 */
const baseline = perView((view: CaseView): { scripts: string[]; source: 'roster' | 'documents' } | null => {
  if (view.rosterScripts.length) return { scripts: view.rosterScripts, source: 'roster' };
  const counts = new Map<string, number>();
  for (const doc of view.documents)
    for (const { name } of peopleOf(doc)) {
      const script = scriptOf(name);
      if (script) countInto(counts, script);
    }
  if (counts.size === 0) return null;
  const scripts = commonValues(counts, 1 / 3);
  return { scripts, source: 'documents' };
});

export const foreignScript: Rule = {
  id: 'foreign-script',
  severity: 'medium',
  check(doc, view) {
    const expected = baseline(view);
    if (!expected) return [];
    const authenticated = carriedByAuthentic(doc);
    return peopleOf(doc).flatMap((p) => {
      const script = scriptOf(p.name);
      if (!script || expected.scripts.includes(script)) return [];
      // Against the names of the case's documents (no roster), one step weaker: they may be the forgeries'.
      const fromRoster = expected.source === 'roster';
      const severity =
        authenticated || (!fromRoster && p.field !== 'lastModifiedBy')
          ? 'low'
          : p.field === 'lastModifiedBy' && fromRoster
            ? 'high'
            : 'medium';
      return [
        {
          severity,
          params: {
            field: p.field,
            name: p.name,
            script,
            expected: expected.scripts,
            baseline: expected.source,
            authenticated,
          },
          evidence: { [p.field]: p.name, script, baseline: expected.scripts },
        },
      ];
    });
  },
};
