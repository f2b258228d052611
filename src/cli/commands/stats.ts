// `crible stats` in words: everything its --json holds (counts by type, status and format, reasons,
// verdicts, signature results, findings, Message-IDs shared by different contents, unfinished sources),
// sizes in KB/MB, verdicts in their colour on a terminal.
import type { Completeness } from '../../core/case-stats.ts';
import { render } from '../../report/catalogue.ts';
import { formatBytes } from '../../report/size.ts';
import type { CaseStats } from '../../store/store.ts';
import { table } from '../output.ts';
import { paint, styleVerdictCount } from '../style.ts';
import { byUrgency } from './help.ts';

export interface StatsView extends CaseStats {
  /** Per container, what it says it holds and what became of it (absent: not counted). */
  completeness?: Completeness;
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
  if (stats.completeness) lines.push(...describeContainers(stats.completeness));
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
  // Last, where the prompt comes back: the line a user cannot miss.
  if (stats.completeness) lines.push(...completenessAlert(stats.completeness));
  return lines;
}

/** The start of the line that says something was not read: printed in bold red (styleStatsLine). */
const ALERT = 'NOT EVERYTHING WAS READ:';

/**
 * One line a user cannot miss when anything is hidden or unread: members containers list that were
 * never found, items that failed, items read only in part. Nothing when all was read.
 */
export function completenessAlert(c: Completeness): string[] {
  const parts = [];
  if (c.missing > 0) parts.push(`${c.missing} member(s) that containers list were never found`);
  if (c.failed > 0) parts.push(`${c.failed} item(s) could not be read`);
  if (c.limited > 0)
    parts.push(`${c.limited} item(s) were read only in part or not at all (limits, formats not read)`);
  return parts.length > 0 ? [`${ALERT} ${parts.join('; ')}. Details below.`] : [];
}

/** The most containers listed in words; --json lists every one. */
const MAX_CONTAINERS_SHOWN = 50;

/** Every container with what it says it holds and what became of its members (the first 50 in words). */
export function describeContainers(c: Completeness): string[] {
  if (c.containers.length === 0) return [];
  const count = (n: number | null) => (n === null ? '-' : String(n));
  const rows = c.containers.slice(0, MAX_CONTAINERS_SHOWN).flatMap((k) => {
    const found = k.ok + k.failed + k.limited;
    const missing = k.expected !== null && k.expected > found ? String(k.expected - found) : '';
    const row = [
      `${k.path} (${k.format}${k.status === 'ok' ? '' : `, ${k.status}`})`,
      count(k.expected),
      String(found),
      String(k.ok),
      String(k.failed),
      String(k.limited),
      missing,
    ];
    const folders = k.folders.map((f) => {
      const inFolder = f.ok + f.failed + f.limited;
      const gone = f.expected !== null && f.expected > inFolder ? String(f.expected - inFolder) : '';
      return [
        `  ${f.path}`,
        count(f.expected),
        String(inFolder),
        String(f.ok),
        String(f.failed),
        String(f.limited),
        gone,
      ];
    });
    return [row, ...folders];
  });
  const lines = [
    '',
    'Containers: members each says it holds (expected), found, and what became of them:',
    ...table([['container', 'expected', 'found', 'ok', 'failed', 'limited', 'never found'], ...rows]).map(
      (l) => `  ${l}`,
    ),
  ];
  if (c.containers.length > MAX_CONTAINERS_SHOWN)
    lines.push(`  …and ${c.containers.length - MAX_CONTAINERS_SHOWN} more (--json lists every one)`);
  return lines;
}

/** Styles a line of stats or of the ingest summary: the alert in bold red, verdict counts in their colour. */
export function styleStatsLine(line: string): string {
  return line.startsWith(ALERT) ? paint('red', paint('bold', line)) : styleVerdictCount(line);
}
