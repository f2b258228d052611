// The workbench's HTTP face: a JSON API over the same core functions as the CLI (described by an
// OpenAPI document, inputs validated with clear 400s), the single-page app's files, and the headers
// that keep a hostile message from running or loading anything. No logic here that the CLI lacks.
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { Case } from '../core/case.ts';
import { type Searcher, searchHere } from '../core/search-workers.ts';
import { Access, bodyLimitOfWrites } from './auth.ts';
import { registerCaseRoutes } from './routes/case.ts';
import { registerGraphRoutes } from './routes/graph.ts';
import { registerItemRoutes } from './routes/items.ts';
import { registerKeyRoutes } from './routes/keys.ts';
import { registerSearchRoutes } from './routes/search.ts';
import { registerSessionRoutes } from './routes/session.ts';
import { registerTriageRoutes } from './routes/triage.ts';
import { serveWebApp } from './static.ts';

export interface AppOptions {
  /** Where the built single-page app is (dist/web). */
  webDir: string;
  /** Whether every API call but the login needs a session (any address but loopback). */
  loginRequired: boolean;
  /** Who answers searches (default: this thread; serve puts them on worker threads). */
  searcher?: Searcher;
}

/** The app's own policy: its scripts and styles only, frames only its own (the sandboxed mail view). */
const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export type App = OpenAPIHono;

export function createApp(kase: Case, options: AppOptions): App {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success)
        return c.json(
          {
            error: 'invalid request',
            problems: result.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`),
          },
          400,
        );
      return undefined;
    },
  });
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', APP_CSP);
  });
  // A body that is not JSON (Hono's HTTPException) is the client's mistake: its own 4xx, not a 500.
  app.onError((err, c) =>
    err instanceof HTTPException
      ? c.json({ error: err.message }, err.status)
      : c.json({ error: err.message }, 500),
  );
  const access = new Access(kase.store, options.loginRequired);
  app.use('/api/*', access.guard(), bodyLimitOfWrites());
  registerSessionRoutes(app, kase.store, access);
  registerCaseRoutes(app, kase.store);
  registerKeyRoutes(app, kase.store);
  registerSearchRoutes(app, options.searcher ?? searchHere(kase));
  registerItemRoutes(app, kase.store);
  registerGraphRoutes(app, kase.store);
  registerTriageRoutes(app, kase.store);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Crible workbench API', version: '1' },
  });
  app.all('/api/*', (c) => c.json({ error: `no such API path: ${c.req.path}` }, 404));
  serveWebApp(app, options.webDir);
  return app;
}
