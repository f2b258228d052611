import type { Command } from 'commander';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  exportRows,
  formatExport,
  writeExport,
} from '../../core/export.ts';
import { printLines, UsageError } from '../output.ts';
import { caseOption, withCase } from '../with-case.ts';
import { addFilterOptions, type FilterOptions, filterFromOptions } from './items.ts';

export function registerExport(program: Command): void {
  addFilterOptions(
    program
      .command('export')
      .description(
        'Write one row per message (id, Message-ID, date, from, to, cc, subject, verdict, reasons, source) as CSV or JSON lines',
      )
      .addOption(caseOption())
      .requiredOption('--format <format>', `${EXPORT_FORMATS.join(' or ')}`)
      .requiredOption('--out <file>', 'file to write (- for stdout)')
      .option('--force', 'replace --out if it exists'),
  ).action(async (opts: FilterOptions & { case?: string; format: string; out: string; force?: boolean }) => {
    if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
      throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    const filter = filterFromOptions(opts, 'message');
    await withCase(opts.case, async (kase) => {
      if (opts.out === '-') {
        // To stdout, for a pipe: the rows only, no summary line.
        process.stdout.write(formatExport(opts.format as ExportFormat, await exportRows(kase.store, filter)));
        return;
      }
      let count: number;
      try {
        count = await writeExport(
          kase.store,
          filter,
          opts.format as ExportFormat,
          opts.out,
          opts.force ?? false,
        );
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'EEXIST') throw new UsageError(`${opts.out} already exists: add --force to replace it`);
        if (code === 'ENOENT') throw new UsageError(`cannot write ${opts.out}: its folder does not exist`);
        if (code === 'EISDIR') throw new UsageError(`cannot write ${opts.out}: it is a folder`);
        throw err;
      }
      printLines([`${count} message(s) written to ${opts.out} (${opts.format})`]);
    });
  });
}
