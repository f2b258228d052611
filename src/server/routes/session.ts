// Logging in and out of the workbench, and who the browser is logged in as (with the CSRF token its
// writes must carry). Failed attempts are limited per address and per name: 5 a minute, then 429.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { recordAudit } from '../../core/audit.ts';
import { checkLogin, PASSWORD_MAX } from '../../core/users.ts';
import { coded, render } from '../../report/catalogue.ts';
import type { Store } from '../../store/store.ts';
import { type Access, clientAddress } from '../auth.ts';

const Who = z.object({
  loginRequired: z.boolean(),
  user: z.object({ name: z.string(), role: z.enum(['admin', 'reviewer', 'viewer']) }).nullable(),
  csrfToken: z.string().nullable(),
});
const Refusal = z.object({ error: z.string(), code: z.string().optional() });
const who = { description: 'who is logged in', content: { 'application/json': { schema: Who } } };
const refusal = (description: string) => ({
  description,
  content: { 'application/json': { schema: Refusal } },
});

async function whoIs(c: Context, access: Access): Promise<z.infer<typeof Who>> {
  const current = await access.current(c);
  return {
    loginRequired: access.loginRequired,
    user: current ? { name: current.name, role: current.role } : null,
    csrfToken: current?.csrf ?? null,
  };
}

export function registerSessionRoutes(app: OpenAPIHono, store: Store, access: Access): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/session',
      summary: 'Who is logged in, their role and the CSRF token writes must send',
      responses: { 200: who },
    }),
    async (c) => {
      return c.json(await whoIs(c, access), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/session',
      summary: 'Log in with a name and password: sets an HttpOnly, SameSite=Strict session cookie',
      request: {
        body: {
          content: {
            'application/json': {
              schema: z.object({ name: z.string().min(1).max(200), password: z.string().max(PASSWORD_MAX) }),
            },
          },
        },
      },
      responses: {
        200: who,
        401: refusal('wrong name or password'),
        429: refusal('too many attempts: wait the seconds Retry-After says'),
      },
    }),
    async (c) => {
      const { name, password } = c.req.valid('json');
      if (!access.loginRequired) return c.json(await whoIs(c, access), 200);
      const address = clientAddress(c);
      const keys = [`address:${address}`, `name:${name.toLowerCase()}`];
      const wait = Math.max(...keys.map((k) => access.limiter.retryAfter(k)));
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return c.json(
          {
            error: render(coded('web.access.rate-limited', { seconds: wait })),
            code: 'web.access.rate-limited',
          },
          429,
        );
      }
      // Counted before the password is checked, so that many attempts sent at once are limited too.
      for (const key of keys) access.limiter.hit(key);
      const user = await checkLogin(store, name, password);
      const actor = { name: user?.name ?? name.slice(0, 200), via: 'web' as const, address };
      if (!user) {
        await recordAudit(store, actor, 'session.refused', null);
        return c.json(
          { error: render(coded('web.access.wrong-password')), code: 'web.access.wrong-password' },
          401,
        );
      }
      // Only failures count: a newsroom behind one address logs in many times on a Monday morning.
      for (const key of keys) access.limiter.refund(key);
      const csrfToken = await access.open(c, user);
      await recordAudit(store, actor, 'session.open', null);
      return c.json({ loginRequired: true, user: { name: user.name, role: user.role }, csrfToken }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/session',
      summary: 'Log out',
      responses: { 200: who },
    }),
    async (c) => {
      await access.close(c);
      await recordAudit(store, c.get('actor'), 'session.close', null);
      return c.json({ loginRequired: access.loginRequired, user: null, csrfToken: null }, 200);
    },
  );
}
