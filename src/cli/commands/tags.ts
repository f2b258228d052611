// `crible tag <id> <tag>… [--remove]` and `crible notes <id> [--add <text>]`: the workbench's triage
// from the command line, through the same core functions (and the same audit log).
import type { Command } from 'commander';
import { printJson, printLines, UsageError } from '../output.ts';
import { caseOption, withCase } from '../with-case.ts';
import { cliActor, refusalInWords } from './users.ts';

function itemId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`${text}: not an item id`);
  return id;
}

export function registerTags(program: Command): void {
  program
    .command('tag <id> <tags...>')
    .description('Tag an item (or with --remove, untag it); tags show in the workbench and its queue')
    .option('--remove', 'remove these tags instead')
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .action(
      async (idText: string, tags: string[], opts: { remove?: boolean; case?: string; json?: boolean }) => {
        const id = itemId(idText);
        const { tagItem, untagItem } = await import('../../core/triage.ts');
        await withCase(opts.case, async (kase) => {
          let after: string[];
          try {
            after = await (opts.remove ? untagItem : tagItem)(kase.store, cliActor(), id, tags);
          } catch (err) {
            throw refusalInWords(err);
          }
          if (opts.json) return printJson({ id, tags: after });
          printLines([after.length ? `Item ${id}: ${after.join(', ')}` : `Item ${id}: no tags`]);
        });
      },
    );
  program
    .command('notes <id>')
    .description("An item's notes, oldest first (with --add, add one)")
    .option('--add <text>', 'add this note')
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .action(async (idText: string, opts: { add?: string; case?: string; json?: boolean }) => {
      const id = itemId(idText);
      const { addNote, itemNotes } = await import('../../core/triage.ts');
      await withCase(opts.case, async (kase) => {
        let notes: Awaited<ReturnType<typeof itemNotes>>;
        try {
          if (opts.add !== undefined) await addNote(kase.store, cliActor(), id, opts.add);
          notes = await itemNotes(kase.store, id);
        } catch (err) {
          throw refusalInWords(err);
        }
        if (opts.json) return printJson({ id, notes });
        if (!notes.length) return printLines([`Item ${id} has no notes.`]);
        printLines(
          notes.flatMap((n) => [
            `#${n.id} ${n.author}, ${n.createdAt}`,
            ...n.text.split('\n').map((l) => `  ${l}`),
          ]),
        );
      });
    });
}
