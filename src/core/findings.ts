// `crible findings` (and the web server's summary to come): what fired across the case, by rule —
// how many items, how strongly, and what the rule means in one sentence — so a reader starts with
// what matters and goes on with `crible list --finding <rule>`.
import type { FindingRecord, Severity, Store } from '../store/store.ts';
import { findingView, SEVERITIES } from './describe.ts';

export { SEVERITIES };

export interface RuleSummary {
  /** The rule's id (`altered-copy`), or the finding's code for an analyser's own (`dkim.weak-key`). */
  rule: string;
  /** The stored code(s) it is listed under. */
  code: string;
  analyser: string;
  /** Items it fired on. */
  items: number;
  /** The strongest severity it fired with. */
  severity: Severity;
  /** Items by the strongest severity it fired with on each. */
  bySeverity: Record<Severity, number>;
  /** What the rule means, in one sentence: the first sentence of its strongest explanation. */
  headline: string;
}

export interface FindingsSummary {
  /** Items with at least one finding. */
  items: number;
  /** Strongest first, then the most items. */
  rules: RuleSummary[];
}

/** Items read a page at a time (a case can hold a finding on every message). */
const PAGE = 1000;

export async function findingsSummary(store: Store): Promise<FindingsSummary> {
  const codes = Object.keys(await store.findingCounts());
  const byCode = new Map<string, { summary: RuleSummary; headlineRank: number }>();
  let items = 0;
  if (codes.length)
    for (let afterId = 0; ; ) {
      const page = await store.listItems({ type: 'all', findings: codes, afterId, limit: PAGE });
      for (const item of page) {
        items++;
        for (const [code, findings] of groupByCode(await store.findingsOf(item.id)))
          count(byCode, code, findings);
      }
      if (page.length < PAGE) break;
      afterId = page[page.length - 1]!.id;
    }
  const rules = [...byCode.values()].map((v) => v.summary);
  rules.sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      b.items - a.items ||
      a.rule.localeCompare(b.rule),
  );
  return { items, rules };
}

function groupByCode(findings: FindingRecord[]): Map<string, FindingRecord[]> {
  const groups = new Map<string, FindingRecord[]>();
  for (const f of findings) {
    const list = groups.get(f.code);
    if (list) list.push(f);
    else groups.set(f.code, [f]);
  }
  return groups;
}

/** One item's findings of one code, counted once, at their strongest. */
function count(
  byCode: Map<string, { summary: RuleSummary; headlineRank: number }>,
  code: string,
  findings: FindingRecord[],
): void {
  const strongest = findings.reduce((a, b) =>
    SEVERITIES.indexOf(b.severity) < SEVERITIES.indexOf(a.severity) ? b : a,
  );
  const rank = SEVERITIES.indexOf(strongest.severity);
  let entry = byCode.get(code);
  if (!entry) {
    const view = findingView(strongest);
    entry = {
      summary: {
        rule: view.rule,
        code,
        analyser: strongest.analyser,
        items: 0,
        severity: strongest.severity,
        bySeverity: { high: 0, medium: 0, low: 0, info: 0 },
        headline: headline(view.explanation),
      },
      headlineRank: rank,
    };
    byCode.set(code, entry);
  } else if (rank < entry.headlineRank) {
    entry.summary.severity = strongest.severity;
    entry.summary.headline = headline(findingView(strongest).explanation);
    entry.headlineRank = rank;
  }
  entry.summary.items++;
  entry.summary.bySeverity[strongest.severity]++;
}

/** The first sentence (a finding's words name the signal first, then this item's values). */
export function headline(explanation: string): string {
  const end = /[.!?](?=\s|$)/.exec(explanation);
  return end ? explanation.slice(0, end.index + 1) : explanation;
}
