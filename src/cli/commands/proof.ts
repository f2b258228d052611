import type { Command } from 'commander';
import { render } from '../../report/catalogue.ts';
import { caseKeys } from '../../verify/case-verification.ts';
import { keysUsed, verifyMessage } from '../../verify/message.ts';
import { writeProof } from '../../verify/proof.ts';
import { parseItemId, printLines, UsageError } from '../output.ts';
import { withCase } from '../with-case.ts';

export function registerProof(program: Command): void {
  program
    .command('proof')
    .description(
      'Write the evidence for one message’s verdict: raw message, keys used with provenance, transcript, independent re-check',
    )
    .argument('<item-id>', 'message item id')
    .requiredOption('--case <dir>', 'case directory')
    .requiredOption('--out <dir>', 'folder to write the proof into')
    .action(async (idText: string, opts: { case: string; out: string }) => {
      const id = parseItemId(idText);
      await withCase(opts.case, async (kase) => {
        const item = await kase.store.getItem(id);
        if (item?.type !== 'message') throw new UsageError(`item ${id} is not a message of this case`);
        if (!item.sha256)
          throw new UsageError(`item ${id} has no stored bytes: ${item.reason ? render(item.reason) : ''}`);
        const raw = kase.store.blobs.read(item.sha256);
        // Verified afresh from the stored bytes and the case's archive, so the proof shows the checks it describes.
        const verification = await verifyMessage(raw, await caseKeys(kase.store));
        const written = await writeProof(opts.out, raw, verification, keysUsed(verification));
        printLines([
          `Verdict: ${verification.verdict}`,
          `Proof written to ${written.dir}:`,
          ...written.files.map((f) => `  ${f}`),
        ]);
      });
    });
}
