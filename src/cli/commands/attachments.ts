import type { Command } from 'commander';
import { saveAttachments } from '../../core/message-view.ts';
import { formatBytes } from '../../report/size.ts';
import { parseItemId, printJson, printLines, UsageError } from '../output.ts';
import { caseOption, withCase } from '../with-case.ts';

export function registerAttachments(program: Command): void {
  program
    .command('attachments')
    .description("Save a message's attachments under their names (made safe), never outside --out")
    .argument('<item-id>', 'message item id (from crible list)')
    .addOption(caseOption())
    .requiredOption('--out <dir>', 'folder to save them in (created if missing)')
    .option('--json', 'print JSON')
    .action(async (idText: string, opts: { case?: string; out: string; json?: boolean }) => {
      const id = parseItemId(idText);
      await withCase(opts.case, async (kase) => {
        const item = await kase.store.getItem(id);
        if (!item) throw new UsageError(`no item ${id} in this case`);
        if (item.type !== 'message') throw new UsageError(`item ${id} is a ${item.type}, not a message`);
        const saved = await saveAttachments(kase.store, id, opts.out);
        if (opts.json) return printJson(saved);
        if (!saved.length) return printLines([`Message ${id} has no attachments.`]);
        const lines = [
          `${saved.filter((s) => s.savedAs).length} attachment(s) of message ${id} saved in ${opts.out}:`,
        ];
        for (const s of saved) {
          const given = s.filename ?? '(no name)';
          lines.push(
            s.savedAs
              ? `  ${s.savedAs}  ${formatBytes(s.size)}${s.savedAs === given ? '' : `  (named ${JSON.stringify(given)} in the message)`}`
              : `  ${given}: not saved, no stored bytes (${s.status})`,
          );
        }
        printLines(lines);
      });
    });
}
