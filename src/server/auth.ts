// Who may do what on the workbench. On a loopback address nobody logs in (the machine's user is the
// only one who can reach it) and every request acts as `local`; elsewhere every API call but the login
// needs a session. Sessions are kept in the case (a SHA-256 of each token, never the token itself), so
// a restart of serve logs nobody out. Every write needs the session's CSRF token in X-CSRF-Token and, from a browser, an Origin of this very server;
// viewers cannot write; login attempts are limited per address and per name; downloads of original
// bytes go to the audit log (writes are audited by the core functions that make them).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type Actor, recordAudit } from '../core/audit.ts';
import { coded, render } from '../report/catalogue.ts';
import { formatBytes } from '../report/size.ts';
import type { Role, Store } from '../store/store.ts';
import { KEY_FILE_MAX, KEY_IMPORT_PATH } from './routes/keys.ts';

declare module 'hono' {
  interface ContextVariableMap {
    actor: Actor;
    role: Role;
  }
}

export const SESSION_COOKIE = 'crible_session';
export const CSRF_HEADER = 'X-CSRF-Token';
/** A session unused this long ends. */
const IDLE_MS = 12 * 60 * 60 * 1000;
/** How stale a session's end may get before a request moves it (not a write per request). */
const EXTEND_AFTER_MS = 60_000;
/** Login attempts per address and per name in a window. */
const ATTEMPTS = 5;
const WINDOW_MS = 60_000;
/** Keys the limiter remembers at most (a flood of names or addresses cannot grow it without bound). */
const MAX_KEYS = 100_000;

const LOCAL_USER = 'local';
/** The largest body a write may send: a note of 10,000 characters is well under it. */
const MAX_BODY = 256 * 1024;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Paths that hand out a message's original bytes: audited (its source as text among them). */
const DOWNLOAD = /^\/api\/items\/(\d+)\/(raw|proof|source)\b/;

/** Attempts per key within a sliding window. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly limit: number;
  private readonly windowMs: number;
  constructor(limit = ATTEMPTS, windowMs = WINDOW_MS) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
  }

  /** Takes back the latest attempt of `key` (a login that succeeded). */
  refund(key: string): void {
    this.hits.get(key)?.pop();
  }

  hit(key: string, now = Date.now()): void {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    recent.push(now);
    this.hits.delete(key);
    this.hits.set(key, recent);
    // Forget the least recently tried keys first.
    for (const oldest of this.hits.keys()) {
      if (this.hits.size <= MAX_KEYS) break;
      this.hits.delete(oldest);
    }
  }
}

/** What the case keeps of a session token: whoever reads the case file cannot log in with it. */
const tokenSha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A session's CSRF token, derived from its session token: nothing more to keep, the same after a
 * restart, and a script that reads it learns nothing of the HttpOnly cookie.
 */
const csrfOf = (token: string) => createHmac('sha256', token).update('crible csrf').digest('base64url');

const sameSecret = (given: string, expected: string) =>
  given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

const incoming = (c: Context) => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/** The peer's address (a proxy's, behind one: X-Forwarded-For can be forged, so it is not read). */
export function clientAddress(c: Context): string {
  return incoming(c)?.socket.remoteAddress ?? 'unknown';
}

/** Whether the request came over TLS: to this process, or to a proxy that says so. */
export function overTls(c: Context): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return forwarded === 'https' || (incoming(c)?.socket as TLSSocket | undefined)?.encrypted === true;
}

const refuse = (c: Context, status: 401 | 403, code: string, params?: Record<string, string>) =>
  c.json({ error: render(coded(code, params)), code }, status);

/** Host names a loopback workbench answers to (another name is a DNS-rebinding page). */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

export class Access {
  readonly loginRequired: boolean;
  readonly limiter = new RateLimiter();
  private readonly store: Store;
  /** The CSRF token of a workbench without login (one for the process). */
  private readonly localCsrf = randomBytes(32).toString('base64url');

  constructor(store: Store, loginRequired: boolean) {
    this.store = store;
    this.loginRequired = loginRequired;
  }

  /** The session's name, role and CSRF token, or null when the request has none (or it ended). */
  async current(c: Context): Promise<{ name: string; role: Role; csrf: string } | null> {
    if (!this.loginRequired) return { name: LOCAL_USER, role: 'admin', csrf: this.localCsrf };
    const token = getCookie(c, SESSION_COOKIE);
    if (!token) return null;
    const hash = tokenSha256(token);
    const session = await this.store.workbench.getSession(hash);
    if (!session) return null;
    const now = Date.now();
    const end = Date.parse(session.expiresAt);
    if (!(end > now)) {
      await this.store.workbench.removeSession(hash);
      return null;
    }
    // The user is read again each time: one demoted with `crible users` is so at once (a removed
    // user's sessions, or those of one given a new password, are gone from the case already).
    const user = await this.store.workbench.getUser(session.user);
    if (!user) return null;
    if (end - now < IDLE_MS - EXTEND_AFTER_MS)
      await this.store.workbench.extendSession(hash, new Date(now + IDLE_MS).toISOString());
    return { name: user.name, role: user.role, csrf: csrfOf(token) };
  }

  /** Starts a session for a user who gave the right password; sets its cookie; returns its CSRF token. */
  async open(c: Context, user: { name: string }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.store.workbench.putSession(
      {
        tokenSha256: tokenSha256(token),
        user: user.name,
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + IDLE_MS).toISOString(),
      },
      new Date(now).toISOString(),
    );
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: overTls(c),
      path: '/',
    });
    return csrfOf(token);
  }

  async close(c: Context): Promise<void> {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await this.store.workbench.removeSession(tokenSha256(token));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: overTls(c) });
  }

  /** The guard in front of every API path. */
  guard(): MiddlewareHandler {
    return async (c, next) => {
      if (!this.loginRequired && !LOOPBACK_HOST.test(c.req.header('host') ?? ''))
        return refuse(c, 403, 'web.access.bad-host');
      const writing = WRITES.has(c.req.method);
      if (writing && !this.sameOrigin(c)) return refuse(c, 403, 'web.access.cross-origin');
      const login = c.req.path === '/api/session' && c.req.method !== 'DELETE';
      const who = await this.current(c);
      if (who) {
        c.set('actor', { name: who.name, via: 'web', address: clientAddress(c) });
        c.set('role', who.role);
      }
      if (login) return next();
      if (!who) return refuse(c, 401, 'web.access.login-needed');
      if (writing) {
        const token = c.req.header(CSRF_HEADER);
        if (!token || !sameSecret(token, who.csrf)) return refuse(c, 403, 'web.access.csrf');
        if (who.role === 'viewer' && c.req.path !== '/api/session')
          return refuse(c, 403, 'web.access.viewer');
      }
      await next();
      const download = DOWNLOAD.exec(c.req.path);
      if (download && c.req.method === 'GET' && c.res.status === 200)
        await recordAudit(this.store, c.get('actor'), `download.${download[2]}`, Number(download[1]));
    };
  }

  /** A browser's write must come from a page of this server (Origin, and Sec-Fetch-Site when sent). */
  private sameOrigin(c: Context): boolean {
    const site = c.req.header('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') return false;
    const origin = c.req.header('origin');
    if (origin === undefined) return true;
    // Behind a reverse proxy the Host is often the proxy's upstream; X-Forwarded-Host names the site.
    // A page of another site cannot send that header (CORS is not enabled), so it cannot forge it.
    const served = c.req.header('x-forwarded-host')?.split(',')[0]?.trim() ?? c.req.header('host');
    try {
      return new URL(origin).host === served;
    } catch {
      return false;
    }
  }
}

/** A body limit that answers in words past `maxSize`. */
const limitTo = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: (c) =>
      c.json({ error: render(coded('web.access.too-large', { limit: formatBytes(maxSize) })) }, 413),
  });

/**
 * Bodies past MAX_BODY are refused with 413 before they are read whole. A key import carries a file
 * of up to KEY_FILE_MAX characters, which JSON's escapes (quotes, line ends) can make twice as long.
 */
export function bodyLimitOfWrites(): MiddlewareHandler {
  const usual = limitTo(MAX_BODY);
  const keyFile = limitTo(2 * KEY_FILE_MAX);
  return (c, next) => (c.req.path === KEY_IMPORT_PATH ? keyFile(c, next) : usual(c, next));
}
