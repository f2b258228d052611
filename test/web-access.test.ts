// Access to the workbench over real HTTP (serveCase on port 0, requests from node:http so that the
// headers a browser sets — Origin, Host, the source address — are ours to choose): the refusal to serve
// beyond loopback without users, login and its cookie, wrong passwords, the rate limit, CSRF and Origin,
// viewers' read-only role, the audit log of writes and downloads; the loopback workbench without login;
// and `crible users` with a password from standard input.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../src/core/audit.ts';
import { type Case, openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { addUser } from '../src/core/users.ts';
import { type RunningServer, ServeRefused, serveCase } from '../src/server/serve.ts';
import { crible, message, tempDir } from './helpers/mail.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: Record<string, unknown>;
}

/** One request to 127.0.0.1:`port` (from `from`, another loopback address, when given). */
function call(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; from?: string } = {},
): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ...(options.from ? { localAddress: options.from } : {}),
        headers: {
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(body) as Record<string, unknown>;
          } catch {
            // Not JSON (a download): the body says it.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const PASSWORDS = {
  ada: 'correct horse battery',
  remi: 'un mot de passe sûr',
  vic: 'lecture seule 2017',
  eve: 'bloquée après cinq essais',
};

let root: string;
let kase: Case;
let itemId: number;

beforeAll(async () => {
  root = tempDir('crible-web-access-');
  const dump = join(root, 'dump');
  mkdirSync(dump);
  writeFileSync(join(dump, 'a.eml'), message({ id: 'a', subject: 'Budget de campagne' }));
  writeFileSync(join(dump, 'b.eml'), message({ id: 'b', subject: 'Réunion' }));
  kase = openCase(join(root, 'case'), { create: true });
  await ingestIntoCase(kase, [dump], { workers: 1 });
  itemId = (await kase.store.listItems({ type: 'message' }))[0]!.id;
}, 60_000);

afterAll(async () => {
  await kase?.store.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('beyond loopback', () => {
  let server: RunningServer;
  let port: number;

  /** Logs in and returns the cookie and CSRF token. */
  async function login(name: keyof typeof PASSWORDS): Promise<{ cookie: string; csrf: string }> {
    const res = await call(port, 'POST', '/api/session', { body: { name, password: PASSWORDS[name] } });
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    return { cookie, csrf: String(res.json.csrfToken) };
  }

  it('refuses to start while the case has no users, saying how to add one', async () => {
    const refused = serveCase(kase, { host: '0.0.0.0', port: 0 });
    await expect(refused).rejects.toBeInstanceOf(ServeRefused);
    await expect(refused).rejects.toThrow(/crible users add <name> --role admin/);
  });

  it('starts once a user exists, and asks for a login before anything else', async () => {
    const cli = { name: 'tests', via: 'cli' as const };
    await addUser(kase.store, cli, { name: 'ada', role: 'admin', password: PASSWORDS.ada });
    await addUser(kase.store, cli, { name: 'remi', role: 'reviewer', password: PASSWORDS.remi });
    await addUser(kase.store, cli, { name: 'vic', role: 'viewer', password: PASSWORDS.vic });
    await addUser(kase.store, cli, { name: 'eve', role: 'viewer', password: PASSWORDS.eve });
    server = await serveCase(kase, { host: '0.0.0.0', port: 0 });
    port = Number(new URL(server.url).port);
    const search = await call(port, 'GET', '/api/search?q=budget');
    expect(search.status).toBe(401);
    expect(search.json.error).toBe('Log in to see this case.');
    expect((await call(port, 'GET', `/api/items/${itemId}/raw`)).status).toBe(401);
    // The single-page app itself loads, to show its login page.
    expect((await call(port, 'GET', '/')).status).toBe(200);
    const session = await call(port, 'GET', '/api/session');
    expect(session.json).toEqual({ loginRequired: true, user: null, csrfToken: null });
  });

  it('logs in with a session cookie that scripts cannot read and other sites cannot send', async () => {
    const res = await call(port, 'POST', '/api/session', {
      body: { name: 'remi', password: PASSWORDS.remi },
    });
    expect(res.status).toBe(200);
    expect(res.json.user).toEqual({ name: 'remi', role: 'reviewer' });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^crible_session=[\w-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const who = await call(port, 'GET', '/api/session', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(who.json).toEqual({
      loginRequired: true,
      user: { name: 'remi', role: 'reviewer' },
      csrfToken: res.json.csrfToken,
    });
    const behindTls = await call(port, 'POST', '/api/session', {
      body: { name: 'ada', password: PASSWORDS.ada },
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    expect(String(behindTls.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('refuses a wrong password in words, and logs the attempt', async () => {
    const res = await call(port, 'POST', '/api/session', { body: { name: 'remi', password: 'pas le bon' } });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('Wrong name or password.');
    expect(
      (await call(port, 'POST', '/api/session', { body: { name: 'nobody', password: 'x' } })).status,
    ).toBe(401);
    const refused = (await readAudit(kase.store)).filter((e) => e.action === 'session.refused');
    expect(refused.map((e) => [e.user, e.address])).toEqual([
      ['remi', '127.0.0.1'],
      ['nobody', '127.0.0.1'],
    ]);
  });

  it('limits failed logins per name and per address: 429 with Retry-After', async () => {
    // Per name, from another address each time (the name's limit alone).
    for (let i = 0; i < 5; i++) {
      const res = await call(port, 'POST', '/api/session', {
        body: { name: 'eve', password: 'guess' },
        from: `127.0.0.${10 + i}`,
      });
      expect(res.status).toBe(401);
    }
    const limited = await call(port, 'POST', '/api/session', {
      body: { name: 'eve', password: PASSWORDS.eve },
      from: '127.0.0.20',
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.json.error).toMatch(/^Too many attempts\. Try again in \d+ seconds\.$/);
    // Per address, whatever the name: 127.0.0.30 fails five times with five names.
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5'])
      await call(port, 'POST', '/api/session', { body: { name, password: 'x' }, from: '127.0.0.30' });
    const fromThere = await call(port, 'POST', '/api/session', {
      body: { name: 'ada', password: PASSWORDS.ada },
      from: '127.0.0.30',
    });
    expect(fromThere.status).toBe(429);
    // Many attempts sent at once are limited as well: each is counted before its password is checked.
    const flood = await Promise.all(
      Array.from({ length: 12 }, () =>
        call(port, 'POST', '/api/session', { body: { name: 'ghost', password: 'x' }, from: '127.0.0.40' }),
      ),
    );
    expect(flood.filter((r) => r.status === 401).length).toBe(5);
    expect(flood.filter((r) => r.status === 429).length).toBe(7);
    // Others still log in.
    expect(
      (await call(port, 'POST', '/api/session', { body: { name: 'ada', password: PASSWORDS.ada } })).status,
    ).toBe(200);
  });

  it('needs the CSRF token and a same-origin page for a write; a reviewer tags, and the log says so', async () => {
    const { cookie, csrf } = await login('remi');
    const path = `/api/items/${itemId}/tags`;
    const host = `127.0.0.1:${port}`;
    const body = { tags: ['à-vérifier'] };
    const noToken = await call(port, 'POST', path, { body, headers: { Cookie: cookie } });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error).toMatch(/security token is missing/);
    const wrongToken = await call(port, 'POST', path, {
      body,
      headers: { Cookie: cookie, 'X-CSRF-Token': 'x'.repeat(43) },
    });
    expect(wrongToken.status).toBe(403);
    const otherSite = await call(port, 'POST', path, {
      body,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, Origin: 'https://attacker.invalid' },
    });
    expect(otherSite.status).toBe(403);
    expect(otherSite.json.error).toMatch(/did not come from a page of this workbench/);
    const crossSite = await call(port, 'POST', path, {
      body,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    // Behind a reverse proxy that passes its own name on.
    const proxied = await call(port, 'POST', path, {
      body: { tags: ['relu'] },
      headers: {
        Cookie: cookie,
        'X-CSRF-Token': csrf,
        Origin: 'https://crible.redaction.example',
        'X-Forwarded-Host': 'crible.redaction.example',
      },
    });
    expect(proxied.status).toBe(200);
    const untag = await call(port, 'DELETE', path, {
      body: { tags: ['relu'] },
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect([untag.status, untag.body]).toEqual([200, '{"tags":[]}']);
    const ok = await call(port, 'POST', path, {
      body,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, Origin: `http://${host}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.json.tags).toEqual(['à-vérifier']);
    const entry = (await readAudit(kase.store)).at(-1);
    expect(entry).toMatchObject({
      user: 'remi',
      via: 'web',
      address: '127.0.0.1',
      action: 'tag.add',
      itemId,
    });
    expect(entry?.details).toEqual({ tags: ['à-vérifier'] });
    const note = await call(port, 'POST', `/api/items/${itemId}/notes`, {
      body: { text: 'Budget à recouper.' },
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(note.status).toBe(200);
    const notJson = await call(port, 'POST', path, {
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: undefined,
    });
    expect(notJson.status).toBe(400);
    // Refused before it is read whole (through fetch: node:http gives up on a request the server
    // answers before its body is sent).
    const hugeRes = await fetch(`http://127.0.0.1:${port}/api/items/${itemId}/notes`, {
      method: 'POST',
      body: JSON.stringify({ text: 'x'.repeat(300_000) }),
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    });
    const huge = { status: hugeRes.status, json: (await hugeRes.json()) as Record<string, unknown> };
    expect(huge.status).toBe(413);
    expect(huge.json.error).toBe('Refused: a request to this workbench can send at most 256.0 KB.');
    const bad = await call(port, 'POST', path, {
      body: { tags: ['deux mots'] },
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('triage.bad-tag');
  });

  it('lets a viewer read, tags and queue included, but not write: 403 in words', async () => {
    const { cookie, csrf } = await login('vic');
    expect(
      (await call(port, 'GET', `/api/items/${itemId}/tags`, { headers: { Cookie: cookie } })).json.tags,
    ).toEqual(['à-vérifier']);
    const queue = await call(port, 'GET', '/api/queue', { headers: { Cookie: cookie } });
    expect((queue.json.rows as { id: number }[]).map((r) => r.id)).toEqual([itemId]);
    const write = await call(port, 'POST', `/api/items/${itemId}/tags`, {
      body: { tags: ['mine'] },
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(write.status).toBe(403);
    expect(write.json.error).toMatch(/^Your role is viewer: you can read this case but not change it/);
    // Logging out is not a write to the case: a viewer may.
    const out = await call(port, 'DELETE', '/api/session', {
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(out.status).toBe(200);
    expect((await call(port, 'GET', '/api/queue', { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('imports a key file for reviewers only, within 1 MB, with a name on one line', async () => {
    const path = '/api/keys/import';
    const file = { name: 'keys.json', text: '{"s1._domainkey.campagne.example": ["v=DKIM1; p=MIIB"]}' };
    const viewer = await login('vic');
    const refused = await call(port, 'POST', path, {
      body: file,
      headers: { Cookie: viewer.cookie, 'X-CSRF-Token': viewer.csrf },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatch(/^Your role is viewer/);
    const { cookie, csrf } = await login('remi');
    const headers = { Cookie: cookie, 'X-CSRF-Token': csrf };
    expect((await call(port, 'POST', path, { body: file })).status).toBe(401);
    const badName = await call(port, 'POST', path, { body: { ...file, name: 'a\nb' }, headers });
    expect(badName.status).toBe(400);
    expect(badName.json.problems).toEqual(['name: a file name on one line, without control characters']);
    const empty = await call(port, 'POST', path, { body: { ...file, text: '' }, headers });
    expect(empty.status).toBe(400);
    // A body that says it is past the bound is refused before a byte of it is read.
    const huge = await call(port, 'POST', path, {
      body: file,
      // (on a connection of its own: the rest of the body it announced never comes)
      headers: { ...headers, 'Content-Length': String(2 * 1024 * 1024 + 1), Connection: 'close' },
    });
    expect(huge.status).toBe(413);
    expect(huge.json.error).toBe('Refused: a request to this workbench can send at most 2.0 MB.');
    const longText = await call(port, 'POST', path, {
      body: { ...file, text: 'x'.repeat(1024 * 1024 + 1) },
      headers,
    });
    expect(longText.status).toBe(400);
    const ok = await call(port, 'POST', path, { body: file, headers });
    expect(ok.status).toBe(200);
    // The messages of this case are unsigned: nothing to check again.
    expect(ok.json).toMatchObject({ kind: 'keys', file: 'keys.json', found: 1, added: 1, checked: 0 });
    expect((await readAudit(kase.store)).at(-1)).toMatchObject({
      user: 'remi',
      action: 'keys.import',
      details: { file: 'keys.json', found: 1, added: 1, checked: 0, changed: 0 },
    });
  });

  it('logs every download of original bytes and of a search export', async () => {
    const { cookie } = await login('ada');
    const raw = await call(port, 'GET', `/api/items/${itemId}/raw`, { headers: { Cookie: cookie } });
    expect(raw.status).toBe(200);
    expect(raw.body).toContain('Message-ID: <');
    expect(
      (await call(port, 'GET', `/api/items/${itemId}/source`, { headers: { Cookie: cookie } })).status,
    ).toBe(200);
    const csv = await call(port, 'GET', '/api/search.csv?q=budget', { headers: { Cookie: cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="crible-search.csv"');
    expect(csv.body).toContain('Budget de campagne');
    const log = (await readAudit(kase.store)).slice(-3);
    expect(log.map((e) => [e.user, e.action, e.itemId])).toEqual([
      ['ada', 'download.raw', itemId],
      ['ada', 'download.source', itemId],
      ['ada', 'export.csv', null],
    ]);
  });

  it('ends the sessions of a user removed from the case, or given a new password', async () => {
    const ada = await login('ada');
    await addUser(
      kase.store,
      { name: 'tests', via: 'cli' },
      { name: 'ada', role: 'admin', password: 'un autre mot de passe' },
    );
    expect((await call(port, 'GET', '/api/queue', { headers: { Cookie: ada.cookie } })).status).toBe(401);
    const { cookie } = await login('remi');
    await kase.store.workbench.removeUser('remi');
    expect((await call(port, 'GET', '/api/queue', { headers: { Cookie: cookie } })).status).toBe(401);
    await server.close();
  });
});

describe('on loopback', () => {
  it('needs no login, still asks writes for the token, and answers only to loopback names', async () => {
    const server = await serveCase(kase, { host: '127.0.0.1', port: 0 });
    const port = Number(new URL(server.url).port);
    try {
      const who = await call(port, 'GET', '/api/session');
      expect(who.json).toMatchObject({ loginRequired: false, user: { name: 'local', role: 'admin' } });
      expect((await call(port, 'GET', '/api/search?q=budget')).status).toBe(200);
      const path = `/api/items/${itemId}/tags`;
      expect((await call(port, 'POST', path, { body: { tags: ['local'] } })).status).toBe(403);
      const ok = await call(port, 'POST', path, {
        body: { tags: ['local'] },
        headers: { 'X-CSRF-Token': String(who.json.csrfToken) },
      });
      expect(ok.status).toBe(200);
      expect((await readAudit(kase.store)).at(-1)).toMatchObject({ user: 'local', action: 'tag.add' });
      const doc = (await call(port, 'GET', '/api/openapi.json')).json as { paths: Record<string, unknown> };
      for (const path of [
        '/api/session',
        '/api/items/{id}/tags',
        '/api/items/{id}/notes',
        '/api/queue',
        '/api/search.csv',
        '/api/keys/missing',
        '/api/keys/import',
      ])
        expect(Object.keys(doc.paths)).toContain(path);
      // A page of another site that made its name resolve to 127.0.0.1 (DNS rebinding).
      const rebound = await call(port, 'GET', '/api/search?q=budget', {
        headers: { Host: `attacker.invalid:${port}` },
      });
      expect(rebound.status).toBe(403);
    } finally {
      await server.close();
    }
  });
});

describe('crible users', () => {
  it('adds users with a password from standard input, lists them without hashes, removes them', async () => {
    const dir = kase.dir;
    const added = await crible(['users', 'add', 'zoé', '--role', 'reviewer', '--case', dir], {
      input: 'une phrase de passe\n',
    });
    expect(added.code).toBe(0);
    expect(added.stdout.trim()).toBe('Added zoé (reviewer).');
    const stored = await kase.store.workbench.getUser('zoé');
    expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(stored?.passwordHash).not.toContain('une phrase');
    const short = await crible(['users', 'add', 'yves', '--role', 'viewer', '--case', dir], {
      input: 'court\n',
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 10 characters');
    const role = await crible(['users', 'add', 'yves', '--role', 'boss', '--case', dir], { input: 'x\n' });
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('“boss” is not a role');
    const list = JSON.parse((await crible(['users', 'list', '--json', '--case', dir])).stdout) as Record<
      string,
      unknown
    >[];
    expect(list.map((u) => [u.name, u.role])).toEqual([
      ['ada', 'admin'],
      ['eve', 'viewer'],
      ['vic', 'viewer'],
      ['zoé', 'reviewer'],
    ]);
    expect(JSON.stringify(list)).not.toContain('scrypt');
    expect((await crible(['users', 'remove', 'zoé', '--case', dir])).code).toBe(0);
    const log = await crible(['users', 'log', '--case', dir]);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(
      /#\d+ +\S+Z +remi \(web, 127\.0\.0\.1\) +tag\.add +item \d+ +\{"tags":\["à-vérifier"\]\}/,
    );
    expect(log.stdout).toMatch(/zoé","role":"reviewer"/);
    const again = await crible(['users', 'remove', 'zoé', '--case', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('no user zoé');
    expect(
      (await readAudit(kase.store))
        .filter((e) => e.via === 'cli' && e.action.startsWith('user.'))
        .map((e) => e.action),
    ).toEqual(['user.add', 'user.add', 'user.add', 'user.add', 'user.change', 'user.add', 'user.remove']);
  }, 60_000);
});
