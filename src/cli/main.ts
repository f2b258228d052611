import { Command } from 'commander';
import { CaseError } from '../core/case.ts';
import { cribleVersion } from '../core/version.ts';
import { commands } from './commands/index.ts';
import { printError, UsageError } from './output.ts';

const program = new Command();
program
  .name('crible')
  .description('Triage leaked mail dumps: ingest with nothing lost, verify authenticity, expose forgeries.')
  .version(cribleVersion)
  .showHelpAfterError()
  // Commander's own usage errors exit 2, as our exit-code contract says.
  .exitOverride((err) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  printError(err instanceof Error ? err.message : String(err));
  // Mistakes the user can fix exit 2; anything else is a fatal error.
  process.exit(err instanceof UsageError || err instanceof CaseError ? 2 : 1);
}
