import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openCase } from '../../core/case.ts';
import { type CaseIngestSummary, ingestIntoCase } from '../../core/ingest-case.ts';
import type { IngestProgress } from '../../ingest/pipeline.ts';
import { formatBytes } from '../../mail/parse.ts';
import { render } from '../../report/catalogue.ts';
import { printJson, printLines, readOptionFile, table, UsageError } from '../output.ts';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Ingest dumps (EML, mbox, Maildir, zip, tar, loose files) into a case, losing nothing')
    .argument('<path...>', 'files or directories to ingest')
    .requiredOption('--case <dir>', 'case directory (created if missing)')
    .option('--json', 'print a machine-readable summary')
    .option('--keys <file...>', 'import DKIM key archive files (JSON map, zone file, CSV/JSON rows) first')
    .option(
      '--disclosed <file...>',
      'import lists of keys whose private half was published (JSON or CSV: domain, selector, disclosed, source, p) first',
    )
    .option(
      '--dns',
      'also ask live DNS for each selector’s key today (saved into the archive with the fetch time)',
    )
    .option('--max-depth <n>', 'deepest nesting of archives and attached messages', toInt)
    .option('--max-expanded <bytes>', 'bytes one archive may expand to', toInt)
    .option('--max-ratio <n>', 'largest expansion ratio of one archive entry', toInt)
    .option('--max-entries <n>', 'entries one archive may hold', toInt)
    .option('--max-message <bytes>', 'largest message parsed', toInt)
    .option('--workers <n>', 'threads that parse and verify messages (default: cores − 1, at least 1)', toInt)
    .option(
      '--batch <files>',
      'files recorded per transaction (a killed run resumes from the last one)',
      toInt,
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 all items read; 3 finished with failed or limited items; 2 usage error; 1 fatal error.',
    )
    .action(async (paths: string[], opts) => {
      for (const path of paths)
        if (!existsSync(path)) throw new UsageError(`no such file or directory: ${path}`);
      // Key files are read before the case is created, so a wrong name changes nothing.
      for (const file of [...(opts.keys ?? []), ...(opts.disclosed ?? [])]) readOptionFile('file', file);
      const kase = openCase(opts.case, { create: true });
      try {
        const summary = await ingestIntoCase(kase, paths, {
          keyFiles: opts.keys ?? [],
          disclosedFiles: opts.disclosed ?? [],
          dns: opts.dns ?? false,
          limits: {
            ...(opts.maxDepth === undefined ? {} : { maxDepth: opts.maxDepth }),
            ...(opts.maxExpanded === undefined ? {} : { maxExpandedBytes: opts.maxExpanded }),
            ...(opts.maxRatio === undefined ? {} : { maxRatio: opts.maxRatio }),
            ...(opts.maxEntries === undefined ? {} : { maxEntries: opts.maxEntries }),
            ...(opts.maxMessage === undefined ? {} : { maxMessageBytes: opts.maxMessage }),
          },
          ...(opts.batch ? { batchFiles: opts.batch } : {}),
          ...(opts.workers ? { workers: opts.workers } : {}),
          ...(process.stderr.isTTY ? { onProgress: showProgress } : {}),
        });
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        if (opts.json) printJson(summary);
        else printLines(describeSummary(summary));
        process.exitCode = summary.problems > 0 ? 3 : 0;
      } finally {
        await kase.store.close();
      }
    });
}

function toInt(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`not a whole number: ${text}`);
  return n;
}

function showProgress(p: IngestProgress): void {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.bytesDone / seconds : 0;
  const eta = rate > 0 ? Math.max(0, (p.bytesTotal - p.bytesDone) / rate) : 0;
  const line = `${p.items} items · ${(p.items / Math.max(seconds, 0.001)).toFixed(0)} items/s · ${formatBytes(rate)}/s · ETA ${formatDuration(eta)}`;
  process.stderr.write(`\r\x1b[K${line}`);
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function describeSummary(summary: CaseIngestSummary): string[] {
  const lines = [
    `Ingested ${summary.sources} source(s) in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${summary.added} new item(s).`,
    `Case now holds ${summary.items} items: ${summary.messages} messages, ${summary.attachments} attachments, ${summary.documents} documents, ${summary.containers} containers; ${summary.duplicates} duplicate copies; ${summary.failed} failed, ${summary.limited} limited.`,
    '',
    ...table([
      ['source', 'found', 'ok', 'failed', 'limited', 'duplicates'],
      ...summary.perSource.map((s) => [
        s.path,
        String(s.counts.found),
        String(s.counts.ok),
        String(s.counts.failed),
        String(s.counts.limited),
        String(s.counts.duplicates),
      ]),
    ]),
  ];
  for (const k of summary.keyImports) {
    lines.push(
      '',
      `Keys from ${k.path}: ${k.records} record(s), ${k.failures} DNS failure(s), ${k.added} new.`,
    );
    for (const problem of k.problems) lines.push(`  not read: ${render(problem)}`);
  }
  for (const d of summary.disclosedImports) {
    lines.push('', `Disclosed keys from ${d.path}: ${d.keys} listed, ${d.added} new.`);
    for (const problem of d.problems) lines.push(`  not read: ${render(problem)}`);
  }
  const verdicts = Object.entries(summary.verdicts);
  if (verdicts.length > 0) {
    lines.push(
      '',
      'Authenticity verdicts (whole case):',
      ...verdicts.map(([verdict, n]) => `  ${String(n).padStart(6)}  ${verdict}`),
    );
  }
  const reasons = summary.perSource.flatMap((s) =>
    s.counts.reasons.map(({ reason, count }) => `  ${count} × ${render(reason)}  (${s.path})`),
  );
  if (reasons.length > 0) lines.push('', 'Items not fully read, and why:', ...reasons);
  if (summary.duplicateMessageIds.length > 0) {
    lines.push('', 'Same Message-ID, different content (kept as separate items):');
    for (const d of summary.duplicateMessageIds)
      lines.push(`  ${d.messageId}: items ${d.itemIds.join(', ')}`);
  }
  return lines;
}
