// Language settings (Office UI language, code page, default sheet names, declared languages) unlike
// those of the case's authentic documents: a French organisation's French Excel is expected, a Russian
// Excel is not. Nobody edits these by hand, so two such signals agreeing is high; one is medium;
// declared languages alone (a quotation in English) are low; each one step weaker when only the case's
// own majority (no authentic document) says what is usual. It shows where the file was last
// saved — which software, set to which language — not by whom.
import { type LocaleSignal, type LocaleSignalKind, localeSignals } from './locale.ts';
import { carriedByAuthentic } from './names.ts';
import type { CaseView, Rule } from './rule.ts';
import { commonValues, countInto } from './tally.ts';
import { perView } from './view-cache.ts';

interface Baseline {
  locales: Set<string>;
  source: 'authentic-documents' | 'case-documents';
}

/** Shares of the documents with a kind of signal that make a locale usual: authentic ones, the case's. */
const AUTHENTIC_SHARE = 0.1;
const CASE_SHARE = 1 / 3;

/**
 * Per kind of signal, the locales the organisation's documents mostly show: those of documents an
 * authentic email carries (the most common, and any held by a tenth of them: an organisation can work
 * in two languages, and a partner's file attached once does not make its language usual); when none
 * of those has this kind of signal, the case's documents' most common locale and any held by a third
 * of them (a case of one document has no baseline).
 */
const baselines = perView((view: CaseView) => {
  const tally = (authenticOnly: boolean) => {
    const byKind = new Map<LocaleSignalKind, Map<string, number>>();
    for (const doc of view.documents) {
      if (authenticOnly && !carriedByAuthentic(doc)) continue;
      const seen = new Set<string>();
      for (const s of localeSignals(doc.facts)) {
        if (seen.has(`${s.kind}\u0000${s.locale}`)) continue;
        seen.add(`${s.kind}\u0000${s.locale}`);
        const counts = byKind.get(s.kind) ?? new Map<string, number>();
        countInto(counts, s.locale);
        byKind.set(s.kind, counts);
      }
    }
    return byKind;
  };
  const authentic = tally(true);
  const all = tally(false);
  const out = new Map<LocaleSignalKind, Baseline>();
  for (const [kind, counts] of all) {
    const fromAuthentic = authentic.get(kind);
    if (fromAuthentic) {
      out.set(kind, {
        locales: new Set(commonValues(fromAuthentic, AUTHENTIC_SHARE)),
        source: 'authentic-documents',
      });
      continue;
    }
    if ([...counts.values()].reduce((a, b) => a + b, 0) < 2) continue;
    out.set(kind, { locales: new Set(commonValues(counts, CASE_SHARE)), source: 'case-documents' });
  }
  return out;
});

export const foreignLocale: Rule = {
  id: 'foreign-locale',
  severity: 'medium',
  check(doc, view) {
    const expected = baselines(view);
    const foreign: (LocaleSignal & { expected: string[]; baseline: Baseline['source'] })[] = [];
    for (const s of localeSignals(doc.facts)) {
      const base = expected.get(s.kind);
      if (base && !base.locales.has(s.locale))
        foreign.push({ ...s, expected: [...base.locales], baseline: base.source });
    }
    if (foreign.length === 0) return [];
    const strong = new Set(foreign.filter((s) => s.kind !== 'language').map((s) => s.kind)).size;
    // Against the case's own majority (no authentic document to say what the organisation uses), one step weaker.
    const weaker = foreign.every((s) => s.baseline === 'case-documents') ? 1 : 0;
    const severity = (['high', 'medium', 'low'] as const)[
      Math.min(2, (strong >= 2 ? 0 : strong === 1 ? 1 : 2) + weaker)
    ]!;
    return [
      {
        severity,
        params: {
          kinds: foreign.map((s) => s.kind),
          locales: foreign.map((s) => s.locale),
          values: foreign.map((s) => s.value),
          expected: [...new Set(foreign.flatMap((s) => s.expected))],
          baseline: foreign[0]!.baseline,
        },
        evidence: { signals: foreign },
      },
    ];
  },
};
