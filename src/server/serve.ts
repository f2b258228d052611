// `crible serve`: the workbench on one port, bound to the loopback address unless told otherwise.
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Case } from '../core/case.ts';
import { searchOnWorkers } from '../core/search-workers.ts';
import { createApp } from './app.ts';
import { buildWebApp, isBuilt, webDir } from './build.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServeOptions {
  host: string;
  port: number;
  /** Ask for a login on a loopback address too (a machine several people reach through SSH tunnels). */
  requireLogin?: boolean;
}

export class ServeRefused extends Error {}

/** Loopback addresses: the only ones served without a login (access control is for shared machines). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function serveCase(kase: Case, options: ServeOptions): Promise<RunningServer> {
  const loginRequired = options.requireLogin === true || !isLoopback(options.host);
  if (loginRequired && (await kase.store.workbench.countUsers()) === 0)
    throw new ServeRefused(
      `serving on ${options.host} asks everyone for a name and password, and this case has no users yet: add one with \`crible users add <name> --role admin --case ${kase.dir}\`, or serve on 127.0.0.1 (no login) and reach it through an SSH tunnel (ssh -L 7700:127.0.0.1:7700 <host>)`,
    );
  if (!isBuilt(ROOT)) await buildWebApp(ROOT);
  const searcher = searchOnWorkers(kase);
  const app = createApp(kase, { webDir: webDir(ROOT), loginRequired, searcher });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}/`,
        close: async () => {
          await new Promise<void>((done) => server.close(() => done()));
          await searcher.close();
        },
      });
    });
    server.on('error', (err) => {
      void searcher.close();
      reject(err);
    });
  });
}
