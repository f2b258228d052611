// Language settings (Office UI language, code page, default sheet names, declared languages) unlike
// those of the case's authentic documents: a French organisation's French Excel is expected, a Russian
// Excel is not. Nobody edits these by hand, so two such signals agreeing is high; one is medium;
// declared languages alone (a quotation in English) are low; each one step weaker when only the case's
// own majority (no authentic document) says what is usual. It shows where the file was last
// saved — which software, set to which language — not by whom.
import { type LocaleSignal, type LocaleSignalKind, localeSignals } from './locale.ts';
import { carriedByAuthentic } from './names.ts';
import type { CaseView, Rule } from './rule.ts';
import { perView } from './view-cache.ts';

interface Baseline {
  locales: Set<string>;
  source: 'authentic-documents' | 'case-documents';
}

/**
 * Per kind of signal, the locales the organisation's documents show: those of documents an authentic
 * email carries; when none of those has this kind of signal, the case's documents' most common locale
 * and any held by a third of them (a case of one document has no baseline).
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
        counts.set(s.locale, (counts.get(s.locale) ?? 0) + 1);
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
      out.set(kind, { locales: new Set(fromAuthentic.keys()), source: 'authentic-documents' });
      continue;
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total < 2) continue;
    const most = Math.max(...counts.values());
    const locales = [...counts].filter(([, n]) => n === most || n * 3 >= total).map(([l]) => l);
    out.set(kind, { locales: new Set(locales), source: 'case-documents' });
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
