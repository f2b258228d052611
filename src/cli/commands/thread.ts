// `crible thread <id>`: a conversation (JWZ threads), indented by reply, oldest first.
import type { Command } from 'commander';
import { safeText } from '../../report/safe-text.ts';
import { parseItemId, printJson, UsageError } from '../output.ts';
import { paint, paintVerdict } from '../style.ts';
import { caseOption, withCase } from '../with-case.ts';

export function registerThread(program: Command): void {
  program
    .command('thread')
    .description('Show a conversation: the messages of a thread, replies under what they answer')
    .argument('<id>', 'a thread id (thread: in search) or the item id of one of its messages')
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .action(async (idText: string, opts: { case?: string; json?: boolean }) => {
      const id = parseItemId(idText);
      const { threadView } = await import('../../core/threads.ts');
      await withCase(opts.case, async (kase) => {
        const view = await threadView(kase.store, id);
        if (!view) throw new UsageError(`no thread ${id} and no message ${id} in a thread of this case`);
        if (opts.json) return printJson(view);
        const lines = [paint('bold', `Thread ${view.threadId}: ${view.messages.length} message(s)`), ''];
        for (const m of view.messages) {
          const indent = '  '.repeat(Math.min(m.depth, 12));
          const verdict = m.verdict ? `  ${paintVerdict(m.verdict)}` : '';
          lines.push(
            `${indent}${paint('bold', `#${m.itemId}`)}  ${m.date ? m.date.slice(0, 16).replace('T', ' ') : 'no date'}  ${safeText(m.from ?? '')}${verdict}`,
            `${indent}    ${safeText(m.subject ?? '(no subject)')}`,
          );
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}
