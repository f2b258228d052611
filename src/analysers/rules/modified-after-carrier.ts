// A document dated after the email that carries it: its bytes were inside that email when it was
// sent, so none of its own dates can be later. High once zones are accounted for (a date without one
// fires only when even its earliest meaning is later); medium when only a camera's clock says so.
import { dateParams, datesAfter, onlyCameraDates } from './dates.ts';
import type { Carrier, Rule } from './rule.ts';

/** Clocks of the author's machine and the sender's differ by minutes; less than this proves nothing. */
export const CLOCK_SKEW_MS = 10 * 60_000;

export const modifiedAfterCarrier: Rule = {
  id: 'modified-after-carrier',
  severity: 'high',
  check(doc) {
    const dated = doc.carriers.filter((c): c is Carrier & { date: string } => c.date !== null);
    if (dated.length === 0) return [];
    // The first email that carried these bytes bounds every date inside them.
    const first = dated.reduce((a, b) => (Date.parse(b.date) < Date.parse(a.date) ? b : a));
    const later = datesAfter(doc.facts, Date.parse(first.date), CLOCK_SKEW_MS);
    const [latest] = later;
    if (!latest) return [];
    return [
      {
        ...(onlyCameraDates(later) ? { severity: 'medium' as const } : {}),
        params: {
          ...dateParams(latest),
          carrier: first.itemId,
          carrierDate: first.date,
          verdict: first.verdict,
          others: later.length - 1,
        },
        evidence: {
          dates: later.map((d) => ({ field: d.field, written: d.date.written, offset: d.date.offset })),
          carrier: first,
        },
      },
    ];
  },
};
