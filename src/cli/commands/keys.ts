import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { importKeyFile } from '../../verify/case-verification.ts';
import { printJson, printLines, table } from '../output.ts';
import { withCase } from '../with-case.ts';

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description("Manage the case's archive of DKIM keys (every record ever seen)");

  keys
    .command('import')
    .description(
      'Import key records: JSON map {"sel._domainkey.dom": ["v=DKIM1; …"]}, zone-file TXT lines, CSV/JSON rows',
    )
    .argument('<file...>', 'key archive files')
    .requiredOption('--case <dir>', 'case directory')
    .option('--json', 'print JSON')
    .action(async (files: string[], opts) => {
      await withCase(opts.case, async (kase) => {
        const results = [];
        for (const file of files)
          results.push({
            path: file,
            ...(await importKeyFile(kase.store, file, readFileSync(file, 'utf8'))),
          });
        if (opts.json) return printJson(results);
        const lines = results.flatMap((r) => [
          `${r.path}: ${r.records} record(s), ${r.failures} DNS failure(s), ${r.added} new`,
          ...r.problems.map((p) => `  not read: ${p}`),
        ]);
        printLines([
          ...lines,
          'Run `crible verify --case <dir>` to re-verify the messages these keys can change.',
        ]);
      });
    });

  keys
    .command('list')
    .description('List archived key records with their source and observation window')
    .requiredOption('--case <dir>', 'case directory')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withCase(opts.case, async (kase) => {
        const { records, failures } = await kase.store.listKeys();
        if (opts.json) return printJson({ records, failures });
        printLines(
          table([
            ['name', 'first seen', 'last seen', 'fetched', 'source', 'value'],
            ...records.map((r) => [
              r.name,
              r.firstSeen ?? '-',
              r.lastSeen ?? '-',
              r.fetchedAt ?? '-',
              r.source,
              abbreviate(r.value),
            ]),
            ...failures.map((f) => [f.name, '-', '-', '-', 'archive', `(DNS failure: ${f.failure})`]),
          ]),
        );
      });
    });
}

function abbreviate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}
