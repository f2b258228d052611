// `crible correspondents [query]`: who wrote to whom, how often, first and last dates.
import type { Command } from 'commander';
import { QueryError } from '../../core/search.ts';
import { toCsv } from '../../report/csv.ts';
import { printJson, printLines, table } from '../output.ts';
import { caseOption, withCase } from '../with-case.ts';
import { queryProblem } from './search.ts';

export function registerCorrespondents(program: Command): void {
  program
    .command('correspondents')
    .description(
      "Who wrote to whom (From → To, Cc, Bcc): message counts, first and last dates, for the case or a query's hits",
    )
    .argument('[query...]', 'only the messages this query finds (crible search --help)')
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .action(async (words: string[], opts: { case?: string; json?: boolean; csv?: boolean }) => {
      const query = words.join(' ');
      const { correspondents } = await import('../../core/correspondents.ts');
      await withCase(opts.case, async (kase) => {
        let rows: Awaited<ReturnType<typeof correspondents>>;
        try {
          rows = await correspondents(kase.store, query);
        } catch (err) {
          if (err instanceof QueryError) throw queryProblem(query, err);
          throw err;
        }
        if (opts.json) return printJson(rows);
        if (opts.csv)
          return void process.stdout.write(
            toCsv(rows, {
              header: true,
              columns: ['from', 'fromName', 'to', 'toName', 'count', 'first', 'last'],
            }),
          );
        if (!rows.length) return printLines(['(no messages with both a sender and a recipient address)']);
        const day = (d: string | null) => (d ? d.slice(0, 10) : '');
        printLines(
          table([
            ['messages', 'from', 'to', 'first', 'last'],
            ...rows.map((r) => [String(r.count).padStart(8), r.from, r.to, day(r.first), day(r.last)]),
          ]),
        );
      });
    });
}
