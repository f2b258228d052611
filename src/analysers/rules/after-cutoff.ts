// A document dated after the case's cut-off (when the dump was taken, or the latest authentic email):
// nothing of the organisation's should be. High for a loose file when the cut-off was given; weaker
// when the cut-off is only the latest authentic email (a file share can be taken after the mailbox),
// and for an attachment, whose carrier's own date is the stronger test (modified-after-carrier).
import { dateParams, datesAfter, onlyCameraDates } from './dates.ts';
import { CLOCK_SKEW_MS } from './modified-after-carrier.ts';
import type { Rule } from './rule.ts';

export const afterCutoff: Rule = {
  id: 'after-cutoff',
  severity: 'high',
  check(doc, view) {
    if (!view.cutoff) return [];
    const later = datesAfter(doc.facts, Date.parse(view.cutoff.at), CLOCK_SKEW_MS);
    const [latest] = later;
    if (!latest) return [];
    const loose = doc.carriers.length === 0;
    // A camera's clock (EXIF) is often set wrong: one step weaker.
    const strength = (!loose ? 2 : view.cutoff.source === 'given' ? 0 : 1) + (onlyCameraDates(later) ? 1 : 0);
    const severity = (['high', 'medium', 'low'] as const)[Math.min(2, strength)]!;
    return [
      {
        severity,
        params: { ...dateParams(latest), cutoff: view.cutoff.at, source: view.cutoff.source, loose },
        evidence: {
          dates: later.map((d) => ({ field: d.field, written: d.date.written, offset: d.date.offset })),
          cutoff: view.cutoff,
        },
      },
    ];
  },
};
