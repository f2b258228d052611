// `crible serve`: the workbench on one port, bound to the loopback address unless told otherwise.
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Case } from '../core/case.ts';
import { createApp } from './app.ts';
import { buildWebApp, isBuilt, webDir } from './build.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServeOptions {
  host: string;
  port: number;
}

export class ServeRefused extends Error {}

/** Loopback addresses: the only ones served without users (access control is for shared machines). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function serveCase(kase: Case, options: ServeOptions): Promise<RunningServer> {
  if (!isLoopback(options.host))
    throw new ServeRefused(
      `serving on ${options.host} would let anyone who reaches this machine read the case, and this version has no users or passwords yet: serve on 127.0.0.1 and reach it through an SSH tunnel (ssh -L 7700:127.0.0.1:7700 <host>)`,
    );
  if (!isBuilt(ROOT)) await buildWebApp(ROOT);
  const app = createApp(kase, { webDir: webDir(ROOT) });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
    server.on('error', reject);
  });
}
