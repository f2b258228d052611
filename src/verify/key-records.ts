// Parses archived DKIM key records into cached KeyObjects. Parsing a key costs several times
// the RSA verify itself, and an archive verifies thousands of messages against few keys, so
// every parsed record (or its error) is kept, keyed by its exact value and the hash algorithm
// asked for (a record's h= may rule out sha1).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { publicKeyOf } from '../keys/types.ts';
import { type Coded, coded } from '../report/catalogue.ts';
import { getPublicKey } from './mailauth-internals.ts';

export type ParsedKey =
  | {
      ok: true;
      keyObject: KeyObject;
      type: 'rsa' | 'ed25519';
      /** RSA modulus length; 256 for ed25519. */
      bits: number;
      /** Key t= flags, lower case (`y` testing, `s` strict identity). */
      flags: string[];
      /** RFC 4871 g= (granularity) pattern for the i= local-part, null when absent. */
      granularity: string | null;
    }
  | {
      ok: false;
      /** Empty p=: the owner revoked the key (later). */
      revoked: boolean;
      /** A key.* code. */
      reason: Coded;
    };

const MAX_CACHE = 20_000;
const cache = new Map<string, ParsedKey>();

/** mailauth's key record errors, by its error code. */
const KEY_ERRORS: Record<string, string> = {
  EINVALIDVER: 'key.unknown-version',
  EINVALIDTYPE: 'key.unknown-type',
  EINVALIDVAL: 'key.no-public-key',
  EINVALIDHASH: 'key.hash-not-allowed',
  EINVALIDSERVICE: 'key.not-for-email',
};

/** True when the record publishes an empty p= (revoked key). A record with no p= is malformed. */
export function isRevokedRecord(value: string): boolean {
  return publicKeyOf(value.trim()) === '';
}

/**
 * RFC 4871 §3.6.1 g=: the key may only sign for i= local-parts matching this pattern (`*`
 * wildcard; empty matches nothing). Dropped by RFC 6376, still honoured by Mail::DKIM; an old
 * archive can carry it, and a key that refuses the identity proves nothing for it.
 */
export function granularityAllows(pattern: string | null, identity: string | null): boolean {
  if (pattern === null) return true;
  if (pattern === '') return false;
  const local = identity ? identity.slice(0, Math.max(0, identity.lastIndexOf('@'))) : '';
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(local);
}

const byRecord = new WeakMap<object, Map<string, ParsedKey>>();

/** parseKeyRecord, memoised on the record object itself (resolvers hand out the same objects). */
export async function parseKeyRecordOf(record: { value: string }, hashAlgo: string): Promise<ParsedKey> {
  let perAlgo = byRecord.get(record);
  const hit = perAlgo?.get(hashAlgo);
  if (hit) return hit;
  const parsed = await parseKeyRecord(record.value, hashAlgo);
  if (!perAlgo) {
    perAlgo = new Map();
    byRecord.set(record, perAlgo);
  }
  perAlgo.set(hashAlgo, parsed);
  return parsed;
}

export async function parseKeyRecord(value: string, hashAlgo: string): Promise<ParsedKey> {
  const cacheKey = `${hashAlgo}\u0000${value}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const parsed = await parseUncached(value, hashAlgo);
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(cacheKey, parsed);
  return parsed;
}

async function parseUncached(value: string, hashAlgo: string): Promise<ParsedKey> {
  if (isRevokedRecord(value)) {
    return { ok: false, revoked: true, reason: coded('key.revoked') };
  }
  try {
    // mailauth validates the record (v=, k=, s=, h=, p= syntax); minBitLength 1 so that short
    // keys still verify: we report them as forgeable rather than refusing to look.
    const info = await getPublicKey('DKIM', 'archived', 1, async () => [[value]], { hashAlgo });
    if (info.warnings?.includes('key-syntax')) {
      // RFC 6376 §6.1.2: a key record that does not adhere to the format is ignored.
      return { ok: false, revoked: false, reason: coded('key.malformed') };
    }
    const keyObject = createPublicKey(info.publicKey);
    const type = keyObject.asymmetricKeyType === 'ed25519' ? 'ed25519' : 'rsa';
    const p = publicKeyOf(value) ?? '';
    if (type === 'ed25519' && Buffer.from(p, 'base64').length !== 32) {
      return {
        ok: false,
        revoked: false,
        reason: coded('key.ed25519-length'),
      };
    }
    const g = /(?:^|;)\s*g\s*=([^;]*)/i.exec(value)?.[1]?.trim() ?? null;
    const bits = type === 'ed25519' ? 256 : (keyObject.asymmetricKeyDetails?.modulusLength ?? 0);
    return { ok: true, keyObject, type, bits, flags: info.flags ?? [], granularity: g };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const known = KEY_ERRORS[code];
    const reason = known ? coded(known) : coded('key.unusable', { error: (err as Error).message });
    return { ok: false, revoked: false, reason };
  }
}
