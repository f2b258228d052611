// `crible report`: the document an editor decides from (report.html, report.json and CSV tables).
import type { Command } from 'commander';
import { allowListEntries } from '../../core/export.ts';
import { QueryError } from '../../core/search.ts';
import { isLang, languages } from '../../report/catalogue.ts';
import { printLines, readOptionFile, UsageError } from '../output.ts';
import { caseOption, withCase } from '../with-case.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'Write the case report: custody, which emails are authentic and why, what a signature does not prove, altered and forgeable emails, documents with forgery signals, the method; as a page that opens offline and prints to PDF, JSON and CSV tables',
    )
    .addOption(caseOption())
    .requiredOption('--out <dir>', 'folder to write report.html, report.json and the CSV tables into')
    .option('--query <query>', 'only the messages and documents this search finds')
    .option('--lang <lang>', `language of the report: ${languages().join(' or ')}`, 'en')
    .option(
      '--redact',
      'for publication: mask e-mail addresses, phone numbers, IBANs and postal addresses in every file (what each mask replaced is listed beside the folder)',
    )
    .option('--allow <file>', 'with --redact: addresses, @domains, numbers or names to leave, one per line')
    .action(
      async (opts: {
        case?: string;
        out: string;
        query?: string;
        lang: string;
        redact?: boolean;
        allow?: string;
      }) => {
        if (!isLang(opts.lang)) throw new UsageError(`--lang must be one of ${languages().join(', ')}`);
        if (opts.allow && !opts.redact) throw new UsageError('--allow goes with --redact');
        const allow = opts.allow ? allowListEntries(readOptionFile('--allow', opts.allow)) : [];
        const lang = opts.lang;
        const { writeReport } = await import('../../core/report.ts');
        await withCase(opts.case, async (kase) => {
          let written: Awaited<ReturnType<typeof writeReport>>;
          try {
            written = await writeReport(kase.store, opts.out, {
              lang,
              ...(opts.query === undefined ? {} : { query: opts.query }),
              ...(opts.redact ? { redact: { allow } } : {}),
            });
          } catch (err) {
            if (err instanceof QueryError) throw new UsageError(err.message);
            throw err;
          }
          const m = written.data.messages;
          printLines([
            `Report written to ${written.dir}: ${written.files.join(', ')}`,
            `${m.total} email(s), ${m.checked} with a signature that could be checked; ${written.data.altered.length} altered, ${written.data.forgeable.length} forgeable; ${written.data.documents.flagged.length} document(s) with findings.`,
            `Open ${written.dir}/report.html in a browser (it needs no network), or print it to PDF.`,
            ...(opts.redact
              ? [
                  written.redactions.length
                    ? `Masked ${written.redactions.length} distinct value(s); what each mask replaced (for the newsroom, not for publication): ${written.dir.replace(/\/+$/, '')}.redactions.csv`
                    : 'Masked: nothing (no address, phone number, IBAN or postal address found outside the allow-list)',
                ]
              : []),
          ]);
        });
      },
    );
}
