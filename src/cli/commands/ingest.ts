import { existsSync, lstatSync, type Stats } from 'node:fs';
import type { Command } from 'commander';
import type { CaseIngestSummary } from '../../core/ingest-case.ts';
import type { IngestProgress } from '../../ingest/pipeline.ts';
import { render } from '../../report/catalogue.ts';
import { formatBytes } from '../../report/size.ts';
import { addDocumentOptions, documentOptions } from '../document-options.ts';
import { AnalysisLine, LiveLine } from '../live-line.ts';
import { printError, printJson, printLines, readOptionFile, table, UsageError } from '../output.ts';
import { yieldToPeople } from '../priority.ts';
import { caseOption, resolveCase } from '../with-case.ts';
import { byUrgency } from './help.ts';
import { completenessAlert, describeContainers, styleStatsLine } from './stats.ts';

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
const INTERRUPTED = 130;

/** Thrown from the progress callback after Ctrl-C: the open unit of work is rolled back, nothing half-written. */
class Interrupted extends Error {}

export function registerIngest(program: Command): void {
  const command = program
    .command('ingest')
    .description('Ingest dumps (EML, mbox, Maildir, zip, tar, loose files) into a case, losing nothing')
    .argument('<path...>', 'files or directories to ingest')
    .addOption(caseOption('case directory, created if missing'))
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
      '--no-index',
      'leave the search index for later (crible analyse brings it up to date): verdicts first on a large dump',
    )
    .option(
      '--batch <files>',
      'files recorded per transaction (a killed run resumes from the last one)',
      toInt,
    );
  addDocumentOptions(command)
    .addHelpText(
      'after',
      '\nExit codes: 0 all items read; 3 finished with failed or limited items; 2 usage error; 1 fatal error;\n130 interrupted (Ctrl-C): what was recorded is kept, and the same command resumes.',
    )
    .action(async (paths: string[], opts) => {
      yieldToPeople();
      // Every path is checked before the case is created: a usage error leaves no empty case behind.
      for (const path of paths) checkSourcePath(path);
      const documents = await documentOptions(opts);
      // Key files are read before the case is created, so a wrong name changes nothing.
      for (const file of [...(opts.keys ?? []), ...(opts.disclosed ?? [])]) readOptionFile('file', file);
      const caseDir = resolveCase(opts.case);
      const { caseProblems, openCase } = await import('../../core/case.ts');
      const { ingestIntoCase } = await import('../../core/ingest-case.ts');
      const { completeness } = await import('../../core/case-stats.ts');
      const kase = openCase(caseDir, { create: true, exclusive: true });
      const before = (await kase.store.stats()).items;
      const tty = process.stderr.isTTY === true;
      const progress = new LiveLine(tty);
      // After the files: the documents, the forensic rules and the search index, on the same line.
      const analysis = new AnalysisLine(progress);
      // Ctrl-C: the next progress report stops the pipeline inside its unit of work (rolled back whole;
      // the ones before it are committed), then what was saved is said. A second Ctrl-C, or one the
      // pipeline does not reach within 5 s (a long analysis), exits at once: SQLite drops the open
      // transaction by itself.
      let interrupted = false;
      // Past the files, what stops is a unit of work of the documents, the rules or the index.
      let filesDone = false;
      const onInterrupt = () => {
        if (interrupted) process.exit(INTERRUPTED);
        interrupted = true;
        if (tty) process.stderr.write('\r\x1b[K');
        process.stderr.write(
          `Ctrl-C: stopping after the ${filesDone ? 'items being examined now' : 'current file'} (Ctrl-C again stops at once)…\n`,
        );
        setTimeout(() => {
          printError('interrupted; what was recorded is kept: run the same command again to resume.');
          process.exit(INTERRUPTED);
        }, 5000).unref();
      };
      process.on('SIGINT', onInterrupt);
      progress.show('listing the files…');
      try {
        const summary = await ingestIntoCase(kase, paths, {
          keyFiles: opts.keys ?? [],
          disclosedFiles: opts.disclosed ?? [],
          dns: opts.dns ?? false,
          ...documents,
          limits: {
            ...(opts.maxDepth === undefined ? {} : { maxDepth: opts.maxDepth }),
            ...(opts.maxExpanded === undefined ? {} : { maxExpandedBytes: opts.maxExpanded }),
            ...(opts.maxRatio === undefined ? {} : { maxRatio: opts.maxRatio }),
            ...(opts.maxEntries === undefined ? {} : { maxEntries: opts.maxEntries }),
            ...(opts.maxMessage === undefined ? {} : { maxMessageBytes: opts.maxMessage }),
          },
          ...(opts.batch ? { batchFiles: opts.batch } : {}),
          ...(opts.workers ? { workers: opts.workers } : {}),
          index: opts.index !== false,
          onProgress: (p) => {
            if (interrupted) throw new Interrupted();
            progress.show(progressLine(p));
          },
          onAnalysisProgress: (p) => {
            filesDone = true;
            if (interrupted) throw new Interrupted();
            analysis.update(p);
          },
        });
        progress.clear();
        const problems = caseProblems(kase);
        const counts = await completeness(kase.store);
        if (opts.json) printJson({ ...summary, completeness: counts, caseProblems: problems });
        else
          printLines(
            [
              ...describeSummary(summary, caseDir),
              ...describeContainers(counts),
              ...problems.map((p) => `Note: ${render(p)}`),
              // Last, where the prompt comes back: the line a user cannot miss.
              ...completenessAlert(counts),
            ],
            styleStatsLine,
          );
        process.exitCode = summary.problems > 0 ? 3 : 0;
      } catch (err) {
        progress.clear();
        if (!(err instanceof Interrupted)) throw err;
        const after = (await kase.store.stats()).items;
        const unfinished = (await kase.store.unfinishedSources()).length;
        process.stderr.write(
          filesDone
            ? `Interrupted after the files: ${after - before} new item(s) recorded by this run (the case holds ${after}), not all of them examined or indexed yet.\nRun the same command again (or crible analyse) to finish.\n`
            : `Interrupted: ${after - before} new item(s) recorded by this run (the case holds ${after}); ${unfinished} source(s) not finished.\nRun the same command again to resume where it stopped.\n`,
        );
        process.exitCode = INTERRUPTED;
      } finally {
        process.off('SIGINT', onInterrupt);
        await kase.store.close();
      }
    });
}

/** A path to ingest: a file or a folder that is there (a link is not followed, even at the top). */
function checkSourcePath(path: string): void {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch {
    throw new UsageError(`no such file or directory: ${path}`);
  }
  if (stat.isSymbolicLink())
    throw new UsageError(
      `${path} is a symbolic link${existsSync(path) ? '' : ' to nothing'}: give the file or folder it points to (links are recorded, never followed)`,
    );
  if (!stat.isFile() && !stat.isDirectory()) throw new UsageError(`${path} is neither a file nor a folder`);
}

function toInt(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`not a whole number: ${text}`);
  return n;
}

/**
 * The progress line on a terminal (stderr): items, the share of bytes done when the total is known,
 * rates, and an ETA only once it means something (after 2 s and 1% of the bytes). The ETA is the
 * files' alone, and says so: the examination and the index that follow are timed on their own line.
 */
export function progressLine(p: IngestProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.bytesDone / seconds : 0;
  const parts = [`${p.items} items`];
  if (p.bytesTotal > 0) {
    const share = Math.min(1, p.bytesDone / p.bytesTotal);
    parts.push(`${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} (${Math.floor(share * 100)}%)`);
    const eta = rate > 0 ? Math.max(0, (p.bytesTotal - p.bytesDone) / rate) : 0;
    parts.push(
      seconds >= 2 && share >= 0.01 && rate > 0
        ? `about ${formatDuration(eta)} left for the files`
        : 'estimating time left',
    );
  } else parts.push(formatBytes(p.bytesDone));
  if (seconds >= 1) parts.push(`${(p.items / seconds).toFixed(0)} items/s`, `${formatBytes(rate)}/s`);
  return parts.join(' · ');
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600)
    return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The summary in words; `caseDir` is named in the commands it suggests. */
export function describeSummary(summary: CaseIngestSummary, caseDir = '<dir>'): string[] {
  const lines = [
    `Ingested ${summary.sources} source(s) in ${seconds(summary.totalMs)}: ${summary.added} new item(s).`,
    ...(summary.totalMs - summary.elapsedMs >= 1000
      ? [
          `  files read and messages checked in ${seconds(summary.elapsedMs)}; documents examined and indexed in ${seconds(summary.totalMs - summary.elapsedMs)}`,
        ]
      : []),
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
  const verdicts = byUrgency(summary.verdicts);
  if (verdicts.length > 0) {
    lines.push(
      '',
      'Authenticity verdicts (whole case):',
      ...verdicts.map(([verdict, n]) => `  ${String(n).padStart(6)}  ${verdict}`),
    );
  }
  const docs = summary.documentsExamined;
  if (docs.examined + docs.failed > 0) {
    const severities = ['high', 'medium', 'low']
      .filter((s) => docs.bySeverity[s])
      .map((s) => `${docs.bySeverity[s]} ${s}`);
    lines.push(
      '',
      `Documents examined: ${docs.examined}${docs.failed ? ` (${docs.failed} could not be read; crible show <id> says why)` : ''}${docs.notRead ? `; ${docs.notRead} of a format not read` : ''}.`,
      severities.length
        ? `  with forgery signals, by strongest finding: ${severities.join(', ')} — crible findings --case ${caseDir} summarises them by rule`
        : '  no forgery signal found',
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
