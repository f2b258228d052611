// `crible users add|list|remove`: who may open the workbench when it is served beyond this machine.
// The password is asked twice without echo on a terminal, or read from standard input's first line.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { type Actor, RefusedRequest } from '../../core/audit.ts';
import { coded, render } from '../../report/catalogue.ts';
import { printJson, printLines, table, UsageError } from '../output.ts';
import { caseOption, withCase } from '../with-case.ts';

/** The command line's user, as the audit log names them. */
export function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry for this uid (a container): the log still says the change came from the CLI.
  }
  return { name, via: 'cli' };
}

/** A core refusal (UserError, TriageError) as a usage error in words; anything else as it is. */
export function refusalInWords(err: unknown): unknown {
  if (err instanceof RefusedRequest) return new UsageError(render(coded(err.code, err.params)));
  return err;
}

/** One line typed without echo (a terminal in raw mode): Enter ends it, Ctrl-C or Ctrl-D give up. */
function askHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  let typed = '';
  return new Promise((resolve, reject) => {
    const done = (error: Error | null) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new UsageError('no password given'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    input.on('data', onData);
  });
}

/** The first line of standard input (a password piped in or read from a file). */
async function firstLine(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > 64 * 1024) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function readPassword(name: string): Promise<string> {
  if (!process.stdin.isTTY) return firstLine();
  const first = await askHidden(`Password for ${name}: `);
  const again = await askHidden('The same password again: ');
  if (first !== again) throw new UsageError('the two passwords differ: nothing was changed');
  return first;
}

export function registerUsers(program: Command): void {
  const users = program
    .command('users')
    .description('Who may log in to the workbench when it is served on an address other than 127.0.0.1');
  users
    .command('add <name>')
    .description(
      'Add a user, or give one a new role and password (asked without echo, or read from standard input)',
    )
    .requiredOption('--role <role>', 'admin, reviewer (may tag and write notes) or viewer (reads only)')
    .addOption(caseOption())
    .action(async (name: string, opts: { role: string; case?: string }) => {
      const { addUser, checkUserName, ROLES } = await import('../../core/users.ts');
      if (!(ROLES as readonly string[]).includes(opts.role))
        throw new UsageError(render(coded('users.bad-role', { value: opts.role })));
      try {
        checkUserName(name);
      } catch (err) {
        throw refusalInWords(err);
      }
      await withCase(opts.case, async (kase) => {
        const password = await readPassword(name);
        try {
          const { replaced } = await addUser(kase.store, cliActor(), {
            name,
            role: opts.role as (typeof ROLES)[number],
            password,
          });
          printLines([`${replaced ? 'Changed' : 'Added'} ${name} (${opts.role}).`]);
        } catch (err) {
          throw refusalInWords(err);
        }
      });
    });
  users
    .command('list')
    .description('The users of the case and their roles')
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .action(async (opts: { case?: string; json?: boolean }) => {
      const { listUsers } = await import('../../core/users.ts');
      await withCase(opts.case, async (kase) => {
        const list = await listUsers(kase.store);
        if (opts.json) return printJson(list);
        if (!list.length)
          return printLines([`No users yet: crible users add <name> --role admin --case ${kase.dir}`]);
        printLines(table([['name', 'role', 'added'], ...list.map((u) => [u.name, u.role, u.createdAt])]));
      });
    });
  users
    .command('log')
    .description(
      'The audit log: every login, tag, note and user change, every download of original bytes or of a result set',
    )
    .addOption(caseOption())
    .option('--after <n>', 'only the entries after this number', '0')
    .option('--json', 'print JSON')
    .action(async (opts: { case?: string; after: string; json?: boolean }) => {
      const after = Number(opts.after);
      if (!Number.isSafeInteger(after) || after < 0)
        throw new UsageError(`--after ${opts.after}: not a number`);
      const { readAudit } = await import('../../core/audit.ts');
      await withCase(opts.case, async (kase) => {
        const entries = [];
        for (let from = after; ; ) {
          const page = await readAudit(kase.store, from);
          entries.push(...page);
          if (page.length === 0) break;
          from = page.at(-1)!.id;
        }
        if (opts.json) return printJson(entries);
        if (!entries.length) return printLines(['Nothing in the audit log yet.']);
        printLines(
          table(
            entries.map((e) => [
              `#${e.id}`,
              e.time,
              e.address ? `${e.user} (${e.via}, ${e.address})` : `${e.user} (${e.via})`,
              e.action,
              e.itemId === null ? '' : `item ${e.itemId}`,
              Object.keys(e.details).length ? JSON.stringify(e.details) : '',
            ]),
          ),
        );
      });
    });
  users
    .command('remove <name>')
    .description('Remove a user (their open sessions end at their next request)')
    .addOption(caseOption())
    .action(async (name: string, opts: { case?: string }) => {
      const { removeUser } = await import('../../core/users.ts');
      await withCase(opts.case, async (kase) => {
        try {
          await removeUser(kase.store, cliActor(), name);
        } catch (err) {
          throw refusalInWords(err);
        }
        printLines([`Removed ${name}.`]);
      });
    });
}
