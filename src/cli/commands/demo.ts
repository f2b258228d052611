import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openCase } from '../../core/case.ts';
import { ingestIntoCase } from '../../core/ingest-case.ts';
import { printLines } from '../output.ts';
import { describeSummary } from './ingest.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Build the bundled sample dump, ingest it into a case and print the summary')
    .option('--dir <dir>', 'where to put the sample dump and its case', 'crible-demo')
    .action(async (opts) => {
      const root = resolve(opts.dir);
      const dumpDir = join(root, 'dump');
      // The sample's keys are generated afresh each build, so an existing sample is reused as is.
      if (!existsSync(dumpDir)) {
        // Loaded on demand: other commands need not load the generator.
        const { buildSampleDump } = await import('../../sample/build.ts');
        await buildSampleDump(root); // writes root/dump and root/sample-keys.json
      }
      const kase = openCase(join(root, 'case'), { create: true });
      try {
        const summary = await ingestIntoCase(kase, [dumpDir], { keyFiles: [join(root, 'sample-keys.json')] });
        printLines([`Sample dump: ${dumpDir}`, `Case: ${kase.dir}`, '', ...describeSummary(summary)]);
      } finally {
        await kase.store.close();
      }
    });
}
