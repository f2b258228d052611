import { Command, type Option } from 'commander';
import { cribleVersion } from '../core/version.ts';
import type { RegisterCommand } from './commands/index.ts';
import { fileProblem, printError, UsageError } from './output.ts';

/** File errors that are the user's to fix (a wrong name, a folder without access): exit 2. */
const USER_FILE_ERRORS = ['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EEXIST', 'ENOTEMPTY'];

// Start-up is paid on every call: only the module of the command being run is loaded (each
// command module loads what its action needs). Help, an unknown command or a command not in this
// table load them all (commands/index.ts), so a new command works before it is listed here.
const items = async () => (await import('./commands/items.ts')).registerItemCommands;
const analyse = async () => (await import('./commands/analyse.ts')).registerAnalyse;
const COMMAND_MODULES: Record<string, () => Promise<RegisterCommand>> = {
  ingest: async () => (await import('./commands/ingest.ts')).registerIngest,
  ...{ list: items, show: items, raw: items, stats: items },
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  verify: async () => (await import('./commands/verify.ts')).registerVerify,
  ...{ analyse, analyze: analyse },
  keys: async () => (await import('./commands/keys.ts')).registerKeys,
  proof: async () => (await import('./commands/proof.ts')).registerProof,
  use: async () => (await import('./commands/use.ts')).registerUse,
  export: async () => (await import('./commands/export.ts')).registerExport,
  attachments: async () => (await import('./commands/attachments.ts')).registerAttachments,
  search: async () => (await import('./commands/search.ts')).registerSearch,
  thread: async () => (await import('./commands/thread.ts')).registerThread,
  correspondents: async () => (await import('./commands/correspondents.ts')).registerCorrespondents,
};

const program = new Command();
program
  .name('crible')
  .description('Triage leaked mail dumps: ingest with nothing lost, verify authenticity, expose forgeries.')
  .version(cribleVersion)
  .showHelpAfterError()
  // `crible help [command|verdicts]` is ours (commands/help.ts), with the verdict guide.
  .helpCommand(false)
  // Commander's own usage errors exit 2, as our exit-code contract says.
  .exitOverride((err) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

const args = process.argv.slice(2);
const name = args.find((arg) => !arg.startsWith('-'));
const only = name === undefined ? undefined : COMMAND_MODULES[name];
if (only) (await only())(program);
else if (name !== undefined || !args.some((a) => a === '--version' || a === '-V')) {
  for (const register of (await import('./commands/index.ts')).commands) register(program);
  (await import('./commands/use.ts')).registerUse(program);
  (await import('./commands/help.ts')).registerHelp(program);
}

// Commander reports a missing required option before an unknown one: `proof 3 --bogus` would say
// "--out not specified". Required options are checked here instead, after unknown options and arguments.
const required = new Map<Command, Option[]>();
const collect = (command: Command): void => {
  const mandatory = command.options.filter((o) => o.mandatory);
  for (const o of mandatory) o.mandatory = false;
  if (mandatory.length) required.set(command, mandatory);
  for (const sub of command.commands) collect(sub);
};
collect(program);
program.hook('preAction', (_program, command) => {
  for (const o of required.get(command) ?? [])
    if (command.getOptionValue(o.attributeName()) === undefined)
      command.error(`error: required option '${o.flags}' not specified`, {
        code: 'commander.missingMandatoryOptionValue',
        exitCode: 2,
      });
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // A file system error names its file in words ("no such file: x"), not as ENOENT.
  const { code, path } = (err ?? {}) as { code?: unknown; path?: unknown };
  const onFile = typeof code === 'string' && typeof path === 'string';
  printError(onFile ? fileProblem(err, path) : err instanceof Error ? err.message : String(err));
  // Mistakes the user can fix exit 2; anything else is a fatal error.
  const { CaseError } = await import('../core/case.ts');
  const usage =
    err instanceof UsageError || err instanceof CaseError || (onFile && USER_FILE_ERRORS.includes(code));
  process.exit(usage ? 2 : 1);
}
