import type { Command } from 'commander';
import { analysers } from '../../analysers/index.ts';
import { analyseCase, UnknownAnalyserError } from '../../core/analyse-case.ts';
import { changeKinds } from '../../core/change-kinds.ts';
import { addDocumentOptions, documentOptions } from '../document-options.ts';
import { AnalysisLine } from '../live-line.ts';
import { printJson, printLines, UsageError } from '../output.ts';
import { yieldToPeople } from '../priority.ts';
import { caseOption, withCase } from '../with-case.ts';

export function registerAnalyse(program: Command): void {
  const command = program
    .command('analyse')
    .alias('analyze')
    .description(
      'Run the analysers on what they have not seen yet, what an older version of them saw, and what newly imported keys or disclosures can change',
    )
    .addOption(caseOption())
    .option('--only <analyser...>', `only these analysers: ${analysers.map((a) => a.id).join(', ')}`)
    .option('--all', 'run on every item each analyser reads, changed or not')
    .option('--dns', 'let verification also ask live DNS for keys the archive lacks')
    .option('--verbose', 'one line per item whose result changed')
    .option('--json', 'print JSON');
  addDocumentOptions(command).action(
    async (opts: {
      case?: string;
      only?: string[];
      all?: boolean;
      dns?: boolean;
      json?: boolean;
      verbose?: boolean;
      ocr?: boolean;
      cutoff?: string;
    }) => {
      yieldToPeople();
      const documents = await documentOptions(opts);
      await withCase(opts.case, async (kase) => {
        let runs: Awaited<ReturnType<typeof analyseCase>>;
        const progress = new AnalysisLine();
        try {
          runs = await analyseCase(kase.store, {
            caseDir: kase.dir,
            ...(opts.only ? { only: opts.only } : {}),
            all: opts.all ?? false,
            dns: opts.dns ?? false,
            ...documents,
            onProgress: (p) => progress.update(p),
          });
        } catch (err) {
          if (err instanceof UnknownAnalyserError) throw new UsageError(err.message);
          throw err;
        } finally {
          progress.clear();
        }
        if (opts.json) return printJson(runs);
        const lines: string[] = [];
        for (const run of runs) {
          lines.push(
            `${run.analyser} (version ${run.version}): ${run.checked} item(s) analysed, ${run.changed.length} result(s) changed${run.failed ? `, ${run.failed} failed` : ''}.`,
          );
          for (const k of changeKinds(run.changed))
            lines.push(`  ${k.from ?? 'none'} → ${k.to ?? 'none'}: ${k.count}`);
          if (opts.verbose)
            for (const c of run.changed)
              lines.push(`    item ${c.itemId}: ${c.from ?? 'none'} → ${c.to ?? 'none'}`);
        }
        printLines(lines);
      });
    },
  );
}
