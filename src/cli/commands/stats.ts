// `crible stats` in words: everything its --json holds (counts by type, status and format, reasons,
// verdicts, signature results, findings, Message-IDs shared by different contents, unfinished sources),
// sizes in KB/MB, verdicts in their colour on a terminal.
import { render } from '../../report/catalogue.ts';
import { formatBytes } from '../../report/size.ts';
import type { CaseStats } from '../../store/store.ts';
import { byUrgency } from './help.ts';

export interface StatsView extends CaseStats {
  verdicts: Record<string, number>;
  signatures: Record<string, number>;
  findings: Record<string, number>;
  unfinishedSources: string[];
}

const tally = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** The text of `crible stats`. Print with `printLines(lines, styleVerdictCount)` (style.ts) for the verdicts' colours. */
export function describeStats(stats: StatsView): string[] {
  const lines = [
    `${stats.items} items from ${stats.sources} source(s), ${stats.occurrences} occurrences (${stats.duplicates} duplicate copies), ${formatBytes(stats.bytes)}`,
    `By type: ${tally(stats.byType) || 'none'}`,
    `By status: ${tally(stats.byStatus) || 'none'}`,
  ];
  if (Object.keys(stats.byFormat).length) lines.push(`By format: ${tally(stats.byFormat)}`);
  if (stats.reasons.length) {
    lines.push('', 'Items not fully read, and why:');
    for (const { reason, count } of stats.reasons)
      lines.push(`  ${String(count).padStart(6)} × ${render(reason)}`);
  }
  const verdicts = byUrgency(stats.verdicts);
  if (verdicts.length) {
    lines.push('', 'Verdicts (crible help verdicts says what each means):');
    for (const [verdict, n] of verdicts) lines.push(`  ${String(n).padStart(6)}  ${verdict}`);
  }
  if (Object.keys(stats.signatures).length) lines.push('', `Signatures: ${tally(stats.signatures)}`);
  const findings = Object.entries(stats.findings);
  if (findings.length) {
    lines.push('', 'Findings (items with each):');
    for (const [code, n] of findings) lines.push(`  ${String(n).padStart(6)}  ${code}`);
    lines.push('  (crible show <item-id> explains each; crible list --verdict … lists the messages)');
  }
  if (stats.duplicateMessageIds.length) {
    lines.push('', 'Same Message-ID, different content (kept as separate items):');
    for (const d of stats.duplicateMessageIds) lines.push(`  ${d.messageId}: items ${d.itemIds.join(', ')}`);
  }
  if (stats.unfinishedSources.length) {
    lines.push(
      '',
      'Unfinished ingest (interrupted or still running): what was recorded is kept; run the same crible ingest again to finish:',
    );
    for (const path of stats.unfinishedSources) lines.push(`  ${path}`);
  }
  return lines;
}
