// The single-page app's files, from the built folder (npm run build). Any path that is not the API or a
// file is the app itself, so /search?q=…, /messages/12, /documents/40 and /threads/3 can be bookmarked.
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export function serveWebApp(app: OpenAPIHono, webDir: string): void {
  const root = normalize(webDir) + sep;
  app.get('/assets/*', (c) => {
    // Only files inside the built folder, whatever the path says.
    const file = normalize(join(root, c.req.path));
    if (!file.startsWith(root) || !isFile(file)) return c.json({ error: 'no such file' }, 404);
    return c.body(readFileSync(file), 200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
    });
  });
  app.get('*', (c) => c.html(readFileSync(join(root, 'index.html'), 'utf8')));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
