// The workbench's users: a name, a role and a password kept as an scrypt hash (its salt and
// parameters stored with it, compared in constant time). `crible users` and the login share these.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role, type Store, type UserRecord } from '../store/store.ts';
import { type Actor, RefusedRequest, recordAudit } from './audit.ts';

export { ROLES, type Role };

/** A request about users the case refuses (the code's words say why). */
export class UserError extends RefusedRequest {}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$/u;
export const PASSWORD_MIN = 10;
/** Longer passwords only cost hashing time (a cheap way to load the server). */
export const PASSWORD_MAX = 1024;

/** scrypt at N=2^15, r=8: ~32 MB and ~100 ms per hash, OWASP's floor for interactive logins. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: typeof PARAMS): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url): the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  // Parameters a hostile case could inflate are held to what this code writes.
  if (kind !== 'scrypt' || !salt || !hash || params.N > PARAMS.N * 4 || params.r > 32 || params.p > 4)
    return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, compared against when the name is unknown (the same time either way). */
let decoy: Promise<string> | null = null;

/** The user when the name and password match, else null (after the same work either way). */
export async function checkLogin(store: Store, name: string, password: string): Promise<UserRecord | null> {
  if (password.length > PASSWORD_MAX) return null;
  const user = await store.workbench.getUser(name);
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoy));
  return user && ok ? user : null;
}

export function checkUserName(name: string): void {
  if (!NAME.test(name)) throw new UserError('users.bad-name', { name });
}

/** Adds a user, or gives an existing one a new role and password. */
export async function addUser(
  store: Store,
  actor: Actor,
  user: { name: string; role: Role; password: string },
): Promise<{ replaced: boolean }> {
  checkUserName(user.name);
  if (!ROLES.includes(user.role)) throw new UserError('users.bad-role', { value: user.role });
  if (user.password.length < PASSWORD_MIN) throw new UserError('users.password-short', { min: PASSWORD_MIN });
  if (user.password.length > PASSWORD_MAX)
    throw new UserError('users.password-long', { limit: PASSWORD_MAX });
  const replaced = (await store.workbench.getUser(user.name)) !== null;
  await store.workbench.putUser({
    name: user.name,
    role: user.role,
    passwordHash: await hashPassword(user.password),
    createdAt: new Date().toISOString(),
  });
  await recordAudit(store, actor, replaced ? 'user.change' : 'user.add', null, {
    name: user.name,
    role: user.role,
  });
  return { replaced };
}

export async function removeUser(store: Store, actor: Actor, name: string): Promise<void> {
  if (!(await store.workbench.removeUser(name))) throw new UserError('users.unknown', { name });
  await recordAudit(store, actor, 'user.remove', null, { name });
}

/** Users without their hashes. */
export async function listUsers(store: Store): Promise<{ name: string; role: Role; createdAt: string }[]> {
  return (await store.workbench.listUsers()).map(({ name, role, createdAt }) => ({ name, role, createdAt }));
}
