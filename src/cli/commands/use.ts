// `crible use <dir>`: remembers a default case for the commands run from this folder (./.crible-case),
// so --case need not be typed each time. Nothing is written anywhere unless asked for here.
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { fileProblem, printLines, UsageError } from '../output.ts';
import { CASE_FILE, findCase } from '../with-case.ts';

export function registerUse(program: Command): void {
  program
    .command('use')
    .description(
      `Set the default case for commands run from this folder (writes ./${CASE_FILE}); alone: show the default case`,
    )
    .argument('[dir]', 'case directory')
    .option('--clear', `forget the default case of this folder (removes ./${CASE_FILE})`)
    .addHelpText(
      'after',
      `\nThe case a command uses: --case <dir> if given, else $CRIBLE_CASE, else the one in ./${CASE_FILE}.`,
    )
    .action(async (dir: string | undefined, opts: { clear?: boolean }) => {
      const file = join(process.cwd(), CASE_FILE);
      if (opts.clear) {
        if (dir !== undefined) throw new UsageError('--clear takes no case directory');
        rmSync(file, { force: true });
        return printLines([`No default case in this folder any more (${file} removed).`]);
      }
      if (dir === undefined) {
        const found = findCase(undefined);
        return printLines([
          found
            ? `Default case: ${resolve(found.dir)} (from ${found.from})`
            : `No default case: give --case <dir>, set CRIBLE_CASE, or run crible use <dir>.`,
        ]);
      }
      const { caseExists } = await import('../../core/case.ts');
      const absolute = resolve(dir);
      try {
        writeFileSync(file, `${absolute}\n`);
      } catch (err) {
        throw new UsageError(`cannot remember the case: ${fileProblem(err, file)}`);
      }
      const lines = [
        `Default case for commands run from ${process.cwd()}: ${absolute} (written to ${file}).`,
      ];
      if (!caseExists(absolute))
        lines.push('There is no case there yet: crible ingest <path> will create it.');
      if (process.env.CRIBLE_CASE)
        lines.push(`Note: CRIBLE_CASE is set (${process.env.CRIBLE_CASE}) and comes first.`);
      printLines(lines);
    });
}
