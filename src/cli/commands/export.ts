import type { Command } from 'commander';
import {
  allowListEntries,
  EXPORT_FORMATS,
  ExportError,
  type ExportFormat,
  type ExportRequest,
  writeExport,
} from '../../core/export.ts';
import { QueryError } from '../../core/search.ts';
import { printLines, readOptionFile, UsageError } from '../output.ts';
import { caseOption, withCase } from '../with-case.ts';
import { addFilterOptions, type FilterOptions, filterFromOptions } from './items.ts';

interface ExportOptions extends FilterOptions {
  case?: string;
  format: string;
  out: string;
  force?: boolean;
  query?: string;
  withProofs?: boolean;
  redact?: boolean;
  allow?: string;
}

export function registerExport(program: Command): void {
  addFilterOptions(
    program
      .command('export')
      .description(
        'Write the messages a filter or a search selects: rows (id, Message-ID, date, from, to, cc, subject, verdict, reasons, source) as CSV or JSON lines, or the original bytes as mbox or a zip of .eml files',
      )
      .addOption(caseOption())
      .requiredOption('--format <format>', EXPORT_FORMATS.join(', '))
      .requiredOption('--out <file>', 'file to write (- for stdout, csv and jsonl)')
      .option('--query <query>', 'only the messages this search finds (the language of crible search)')
      .option('--with-proofs', 'mbox and eml-zip: add the proof folder of each authentic message')
      .option(
        '--redact',
        'csv and jsonl: mask e-mail addresses, phone numbers, IBANs and postal addresses (a list of what was masked is written beside --out)',
      )
      .option('--allow <file>', 'with --redact: addresses, @domains, numbers or names to leave, one per line')
      .option('--force', 'replace --out if it exists'),
  ).action(async (opts: ExportOptions) => {
    if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
      throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    if (opts.allow && !opts.redact) throw new UsageError('--allow goes with --redact');
    const allow = opts.allow ? allowListEntries(readOptionFile('--allow', opts.allow)) : [];
    const request: ExportRequest = {
      filter: filterFromOptions(opts, 'message'),
      format: opts.format as ExportFormat,
      ...(opts.query === undefined ? {} : { query: opts.query }),
      ...(opts.withProofs ? { withProofs: true } : {}),
      ...(opts.redact ? { redact: { allow } } : {}),
    };
    await withCase(opts.case, async (kase) => {
      let result: Awaited<ReturnType<typeof writeExport>>;
      try {
        result = await writeExport(kase.store, request, opts.out, opts.force ?? false);
      } catch (err) {
        if (err instanceof ExportError || err instanceof QueryError) throw new UsageError(err.message);
        const code = (err as { code?: string }).code;
        if (code === 'EEXIST') throw new UsageError(`${opts.out} already exists: add --force to replace it`);
        if (code === 'ENOENT') throw new UsageError(`cannot write ${opts.out}: its folder does not exist`);
        if (code === 'EISDIR') throw new UsageError(`cannot write ${opts.out}: it is a folder`);
        throw err;
      }
      if (opts.out === '-') return;
      const lines = [`${result.messages} message(s) written to ${opts.out} (${opts.format})`];
      if (request.withProofs) lines.push(`${result.proofs} proof folder(s) of authentic messages added`);
      if (request.redact) {
        const byKind = new Map<string, number>();
        for (const r of result.redactions) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + r.count);
        lines.push(
          byKind.size
            ? `Masked: ${[...byKind].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ')} (${result.redactions.length} distinct value(s))`
            : 'Masked: nothing (no address, phone number, IBAN or postal address found outside the allow-list)',
        );
      }
      for (const path of result.written)
        lines.push(
          path.endsWith('.redactions.csv')
            ? `What each mask replaced (for the newsroom, not for publication): ${path}`
            : `Also written: ${path}`,
        );
      printLines(lines);
    });
  });
}
