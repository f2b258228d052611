import { Command } from 'commander';
import { cribleVersion } from '../core/version.ts';
import { commands } from './commands/index.ts';

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
  process.stderr.write(`crible: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
