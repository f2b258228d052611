// Workbench sessions are kept in the case: a new `crible serve` on the same case still knows a
// cookie (and its CSRF token), the case holds only a SHA-256 of the token, and a session ends at
// logout, at its expiry, and when `crible users remove` removes its user.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Case, openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { addUser } from '../src/core/users.ts';
import { type RunningServer, serveCase } from '../src/server/serve.ts';
import { crible, message, tempDir } from './helpers/mail.ts';

const PASSWORDS = { lea: 'une longue phrase de passe', sam: 'encore une autre phrase' };

let root: string;
let kase: Case;
let server: RunningServer | null = null;

/** A new workbench on the case, as after a restart of `crible serve`. */
async function restart(): Promise<string> {
  await server?.close();
  server = await serveCase(kase, { host: '0.0.0.0', port: 0 });
  return `http://127.0.0.1:${new URL(server.url).port}`;
}

async function logIn(origin: string, name: keyof typeof PASSWORDS) {
  const res = await fetch(`${origin}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password: PASSWORDS[name] }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, token: cookie.slice(cookie.indexOf('=') + 1), csrf: csrfToken };
}

const whoIs = async (origin: string, cookie: string) =>
  (await (await fetch(`${origin}/api/session`, { headers: { Cookie: cookie } })).json()) as {
    user: { name: string } | null;
    csrfToken: string | null;
  };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  root = tempDir('crible-web-sessions-');
  const dump = join(root, 'dump');
  mkdirSync(dump);
  writeFileSync(join(dump, 'a.eml'), message({ id: 'a' }));
  kase = openCase(join(root, 'case'), { create: true });
  await ingestIntoCase(kase, [dump], { workers: 1 });
  const cli = { name: 'tests', via: 'cli' as const };
  await addUser(kase.store, cli, { name: 'lea', role: 'reviewer', password: PASSWORDS.lea });
  await addUser(kase.store, cli, { name: 'sam', role: 'viewer', password: PASSWORDS.sam });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await kase?.store.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('sessions kept in the case', () => {
  it('survive a restart of serve, token and CSRF token alike; the case keeps only a hash of the token', async () => {
    const first = await restart();
    const { cookie, token, csrf } = await logIn(first, 'lea');
    const second = await restart();
    expect(await whoIs(second, cookie)).toMatchObject({ user: { name: 'lea' }, csrfToken: csrf });
    const [item] = await kase.store.listItems({ type: 'message' });
    const tag = await fetch(`${second}/api/items/${item!.id}/tags`, {
      method: 'POST',
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: JSON.stringify({ tags: ['après-redémarrage'] }),
    });
    expect(tag.status).toBe(200);
    const stored = await kase.store.workbench.getSession(sha256(token));
    expect(stored).toMatchObject({ tokenSha256: sha256(token), user: 'lea' });
    expect(Date.parse(stored!.expiresAt) - Date.parse(stored!.createdAt)).toBe(12 * 60 * 60 * 1000);
    for (const file of ['case.db', 'case.db-wal'].map((f) => join(kase.dir, f)).filter(existsSync)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(token), file).toBe(false);
      expect(bytes.includes(csrf), file).toBe(false);
    }
  });

  it('end at logout, for this server and the next', async () => {
    const origin = await restart();
    const { cookie, token, csrf } = await logIn(origin, 'lea');
    const out = await fetch(`${origin}/api/session`, {
      method: 'DELETE',
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(out.status).toBe(200);
    expect((await fetch(`${origin}/api/queue`, { headers: { Cookie: cookie } })).status).toBe(401);
    expect(await kase.store.workbench.getSession(sha256(token))).toBeNull();
    const next = await restart();
    expect((await fetch(`${next}/api/queue`, { headers: { Cookie: cookie } })).status).toBe(401);
    expect((await whoIs(next, cookie)).user).toBeNull();
  });

  it('end when they expire: the row is removed, and logins remove the others that expired', async () => {
    const origin = await restart();
    const stale = await logIn(origin, 'lea');
    const forgotten = await logIn(origin, 'sam');
    const past = new Date(Date.now() - 1000).toISOString();
    await kase.store.workbench.extendSession(sha256(stale.token), past);
    await kase.store.workbench.extendSession(sha256(forgotten.token), past);
    expect((await fetch(`${origin}/api/queue`, { headers: { Cookie: stale.cookie } })).status).toBe(401);
    expect(await kase.store.workbench.getSession(sha256(stale.token))).toBeNull();
    // Nobody came back with the other one: the next login clears it.
    expect(await kase.store.workbench.getSession(sha256(forgotten.token))).not.toBeNull();
    await logIn(origin, 'lea');
    expect(await kase.store.workbench.getSession(sha256(forgotten.token))).toBeNull();
  });

  it('end when crible users remove removes their user, even with serve stopped meanwhile', async () => {
    const origin = await restart();
    const { cookie, token } = await logIn(origin, 'sam');
    await server!.close();
    server = null;
    const removed = await crible(['users', 'remove', 'sam', '--case', kase.dir]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await kase.store.workbench.getSession(sha256(token))).toBeNull();
    const next = await restart();
    expect((await fetch(`${next}/api/queue`, { headers: { Cookie: cookie } })).status).toBe(401);
  }, 30_000);
});
