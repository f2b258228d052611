// `crible serve`: the web workbench over a case, until Ctrl-C.
import type { Command } from 'commander';
import { printLines, UsageError } from '../output.ts';
import { caseOption, withCase } from '../with-case.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Open the case in the web workbench: search, read, verification, documents and their findings',
    )
    .addOption(caseOption())
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free one)', '7700')
    .option(
      '--login',
      'ask for a name and password on the loopback address too (a workbench reached through a tunnel)',
    )
    .action(async (opts: { case?: string; host: string; port: string; login?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${opts.port}: not a port number`);
      const { ServeRefused, serveCase } = await import('../../server/serve.ts');
      await withCase(opts.case, async (kase) => {
        let server: Awaited<ReturnType<typeof serveCase>>;
        try {
          server = await serveCase(kase, {
            host: opts.host,
            port,
            ...(opts.login ? { requireLogin: true } : {}),
          });
        } catch (err) {
          if (err instanceof ServeRefused) throw new UsageError(err.message);
          if ((err as { code?: string }).code === 'EADDRINUSE')
            throw new UsageError(`port ${port} is taken: give another with --port`);
          throw err;
        }
        printLines([`Crible workbench: ${server.url}`, 'Ctrl-C stops it.']);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
      });
    });
}
