// `crible findings`: what fired across the case, by rule — items, severity, what the rule means —
// strongest first, and how to go on (list the items of one rule, show one item's evidence).

import type { Command } from 'commander';
import { type FindingsSummary, findingsSummary, SEVERITIES } from '../../core/findings.ts';
import { toCsv } from '../../report/csv.ts';
import type { Severity } from '../../store/store.ts';
import { printJson, printLines, UsageError } from '../output.ts';
import { paint } from '../style.ts';
import { caseOption, withCase } from '../with-case.ts';

/** high red, medium yellow, low and info dim: what to look at first stands out. */
export function paintSeverity(severity: string, text = severity): string {
  if (severity === 'high') return paint('red', text);
  if (severity === 'medium') return paint('yellow', text);
  return paint('dim', text);
}

/** `2 high, 1 low`, or just `high` when every item has the same. */
export function severityText(bySeverity: Record<Severity, number>): string {
  const present = SEVERITIES.filter((s) => bySeverity[s] > 0);
  return present.length === 1 ? present[0]! : present.map((s) => `${bySeverity[s]} ${s}`).join(', ');
}

/** The lines, and where each rule's severity cell is in its line (to paint it). */
export function findingsLines(
  summary: FindingsSummary,
  caseDir: string,
  /** Columns of the terminal: a headline is cut to fit (--json and --csv keep it whole). */
  width: number,
): { lines: string[]; cells: Map<number, { at: number; length: number; severity: Severity }> } {
  const cells = new Map<number, { at: number; length: number; severity: Severity }>();
  if (!summary.rules.length) return { lines: ['No findings in this case.'], cells };
  const high = summary.rules.reduce((n, r) => n + r.bySeverity.high, 0);
  const lines = [
    `${summary.rules.length} rule${summary.rules.length === 1 ? '' : 's'} fired on ${summary.items} item${summary.items === 1 ? '' : 's'}` +
      (high ? ` (${high} high-severity finding${high === 1 ? '' : 's'} to look at first)` : ''),
    '',
  ];
  const rows = [
    ['rule', 'severity', 'items', 'what it means'],
    ...summary.rules.map((r) => [r.rule, severityText(r.bySeverity), String(r.items), r.headline]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const [i, rule] of summary.rules.entries())
    cells.set(lines.length + 1 + i, { at: widths[0]! + 2, length: widths[1]!, severity: rule.severity });
  const room = Math.max(30, width - widths[0]! - widths[1]! - widths[2]! - 6);
  for (const row of rows) {
    const headline = [...row[3]!];
    const cut = headline.length > room ? `${headline.slice(0, room - 1).join('')}…` : row[3]!;
    lines.push(
      [row[0]!.padEnd(widths[0]!), row[1]!.padEnd(widths[1]!), row[2]!.padStart(widths[2]!), cut].join('  '),
    );
  }
  lines.push(
    '',
    `The items of a rule: crible list --finding <rule> --case ${caseDir}`,
    'The evidence of each: crible show <id>',
  );
  return { lines, cells };
}

export function findingsCsv(summary: FindingsSummary): string {
  return toCsv(
    summary.rules.map((r) => [
      r.rule,
      r.code,
      r.analyser,
      r.severity,
      r.items,
      r.bySeverity.high,
      r.bySeverity.medium,
      r.bySeverity.low,
      r.bySeverity.info,
      r.headline,
    ]),
    {
      header: true,
      columns: ['rule', 'code', 'analyser', 'severity', 'items', 'high', 'medium', 'low', 'info', 'headline'],
    },
  );
}

export function registerFindings(program: Command): void {
  program
    .command('findings')
    .description('Summarise the findings of a case by rule: items, severity, what each rule means')
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV (one row per rule)')
    .action(async (opts: { case?: string; json?: boolean; csv?: boolean }) => {
      if (opts.json && opts.csv) throw new UsageError('choose one of --json and --csv');
      await withCase(opts.case, async (kase) => {
        const summary = await findingsSummary(kase.store);
        if (opts.json) return printJson(summary);
        if (opts.csv) return process.stdout.write(findingsCsv(summary));
        const width = process.stdout.isTTY ? (process.stdout.columns ?? 100) : 100;
        const { lines, cells } = findingsLines(summary, kase.dir, width);
        let n = 0;
        printLines(lines, (line) => {
          const cell = cells.get(n++);
          if (n === 1) return paint('bold', line);
          if (!cell) return line;
          const end = cell.at + cell.length;
          return `${line.slice(0, cell.at)}${paintSeverity(cell.severity, line.slice(cell.at, end))}${line.slice(end)}`;
        });
      });
    });
}
