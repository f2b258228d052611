import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { render } from '../../report/catalogue.ts';
import { fileProblem, parseItemId, printLines, UsageError } from '../output.ts';
import { caseOption, withCase } from '../with-case.ts';

/** The names a proof folder's files have (verify/proof.ts writes them). */
const PROOF_FILE =
  /^(message\.eml|message\.repaired(-\d+)?\.eml|keys\.json|transcript\.txt|recheck\.py|recheck\.sh)$/;

/**
 * Makes `dir` ready for a proof. An empty or missing folder is used as it is. A folder with files in it
 * is refused unless `force`; with `force`, the files of an earlier proof are removed first (so nothing of
 * another message is left beside this one's), and any other file is left alone and named.
 */
export function prepareProofDir(dir: string, force: boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw new UsageError(`cannot write the proof: ${fileProblem(err, dir)}`);
  }
  if (names.length === 0) return [];
  if (!force)
    throw new UsageError(
      `${dir} is not empty: give an empty or new folder, or --force to replace the proof files in it`,
    );
  for (const name of names.filter((n) => PROOF_FILE.test(n))) rmSync(join(dir, name), { force: true });
  return names.filter((n) => !PROOF_FILE.test(n));
}

export function registerProof(program: Command): void {
  program
    .command('proof')
    .description(
      'Write the evidence for one message’s verdict: raw message, keys used with provenance, transcript, independent re-check',
    )
    .argument('<item-id>', 'message item id')
    .addOption(caseOption())
    .requiredOption('--out <dir>', 'folder to write the proof into (new or empty)')
    .option('--force', 'write into a folder that is not empty: the proof files already there are replaced')
    .action(async (idText: string, opts: { case?: string; out: string; force?: boolean }) => {
      const id = parseItemId(idText);
      const { NoProofError, writeItemProof } = await import('../../core/proof.ts');
      await withCase(opts.case, async (kase) => {
        const item = await kase.store.getItem(id);
        if (item?.type === 'message' && !item.sha256)
          throw new UsageError(`item ${id} has no stored bytes: ${item.reason ? render(item.reason) : ''}`);
        if (item?.type !== 'message') throw new UsageError(`item ${id} is not a message of this case`);
        const others = prepareProofDir(opts.out, opts.force ?? false);
        let written: Awaited<ReturnType<typeof writeItemProof>>;
        try {
          written = await writeItemProof(kase.store, id, opts.out);
        } catch (err) {
          if (err instanceof NoProofError) throw new UsageError(err.message);
          throw err;
        }
        printLines([
          `Verdict: ${written.verdict}`,
          `Proof written to ${written.dir}:`,
          ...written.files.map((f) => `  ${f}`),
          ...(others.length ? [`Left as they were (not proof files): ${others.join(', ')}`] : []),
        ]);
      });
    });
}
