// Key archive access for the ARC wrapper: mailauth resolvers built from our KeyResolver, and a
// helper that tries every archived record of a selector for one signature.
import type { KeyLookup, KeyRecord, KeyResolver } from '../../keys/types.ts';
import { type Coded, coded } from '../../report/catalogue.ts';
import { type MailauthResolver, type PublicKeyInfo, tools } from './mailauth.ts';

/**
 * RFC 8301 section 3.2: keys under 1024 bits MUST NOT be considered valid. The chain verdict uses
 * this minimum (as mailauth does by default); the per-hop check still verifies shorter keys so it
 * can say "verifies, but with a 512-bit key (forgeable)" instead of "no key" (status weak-key).
 */
export const MIN_KEY_BITS = 1024;

export type KeyLookupFn = (name: string) => Promise<KeyLookup>;

/** One lookup per name and message: the archive is asked once however many signatures use a key. */
export function cachedLookup(keys: KeyResolver): KeyLookupFn {
  const cache = new Map<string, Promise<KeyLookup>>();
  return (name) => {
    const key = name.toLowerCase().replace(/\.$/, '');
    let hit = cache.get(key);
    if (!hit) {
      hit = keys.lookup(key);
      cache.set(key, hit);
    }
    return hit;
  };
}

/** The error mailauth expects from a resolver: ENOTFOUND/ENODATA mean "no key", others are temporary. */
export function dnsError(code: string, name: string): Error & { code: string } {
  return Object.assign(new Error(`${code} ${name}`), { code });
}

/**
 * A mailauth resolver over the archive. mailauth only reads the first TXT record of a name, so
 * the record served for each name is chosen by `choice` (index into the archived records, 0 by
 * default); `seen` collects how many records each queried name has, to enumerate alternatives.
 */
export function mailauthResolver(
  lookup: KeyLookupFn,
  choice: ReadonlyMap<string, number>,
  seen: Map<string, number>,
): MailauthResolver {
  return async (name) => {
    const key = name.toLowerCase().replace(/\.$/, '');
    const found = await lookup(key);
    seen.set(key, found.records.length);
    const record = found.records[choice.get(key) ?? 0] ?? found.records[0];
    if (!record) {
      throw dnsError(found.failure ?? 'ENOTFOUND', key);
    }
    return [[record.value]];
  };
}

export type KeyTrialStatus =
  | 'pass'
  | 'weak-key'
  | 'fail'
  | 'no-key'
  | 'key-revoked'
  | 'invalid-key'
  | 'temperror';

export interface KeyTrial {
  status: KeyTrialStatus;
  /** Why, as an arc.* code (null for a pass). */
  reason: Coded | null;
  /** The archived record that verified, or the last one tried. */
  record: KeyRecord | null;
  keyType: 'rsa' | 'ed25519' | null;
  keyBits: number | null;
  /** How many archived records were tried. */
  tried: number;
}

const RANK: Record<KeyTrialStatus, number> = {
  pass: 6,
  'weak-key': 5,
  fail: 4,
  'key-revoked': 3,
  'invalid-key': 2,
  temperror: 1,
  'no-key': 0,
};

/**
 * Tries every archived record of `name` until `verify` accepts one. The most telling outcome is
 * kept when none does: a signature that fails against a usable key beats a revoked key, which
 * beats an unusable record, which beats a DNS failure or no record at all.
 */
export async function tryKeys(
  lookup: KeyLookupFn,
  name: string,
  signAlgo: 'rsa' | 'ed25519',
  verify: (key: PublicKeyInfo) => boolean,
): Promise<KeyTrial> {
  const found = await lookup(name);
  if (!found.records.length) {
    const failure = found.failure;
    return {
      status: failure && failure !== 'ENOTFOUND' ? 'temperror' : 'no-key',
      reason:
        failure && failure !== 'ENOTFOUND'
          ? coded('arc.key-lookup-failed', { name, failure })
          : coded('arc.no-key', { name }),
      record: null,
      keyType: null,
      keyBits: null,
      tried: 0,
    };
  }
  let best: KeyTrial | null = null;
  for (const record of found.records) {
    const trial = await tryOne(name, record, signAlgo, verify);
    trial.tried = found.records.length;
    if (trial.status === 'pass') {
      return trial;
    }
    if (!best || RANK[trial.status] > RANK[best.status]) {
      best = trial;
    }
  }
  return best!;
}

async function tryOne(
  name: string,
  record: KeyRecord,
  signAlgo: 'rsa' | 'ed25519',
  verify: (key: PublicKeyInfo) => boolean,
): Promise<KeyTrial> {
  const base = { record, tried: 1 };
  let key: PublicKeyInfo;
  try {
    key = await tools.getPublicKey('AS', name, 1, async () => [[record.value]], {
      strict: true,
      hashAlgo: 'sha256',
    });
  } catch (err) {
    const e = err as Error & { code?: string; rr?: string };
    if (e.message === 'Missing key value' && /(^|;)\s*p\s*=\s*(;|$)/.test(record.value)) {
      return {
        ...base,
        status: 'key-revoked',
        reason: coded('arc.key-revoked', { name }),
        keyType: null,
        keyBits: null,
      };
    }
    return {
      ...base,
      status: 'invalid-key',
      reason: coded('arc.key-unusable', { name, error: e.message }),
      keyType: null,
      keyBits: null,
    };
  }
  const keyBits = key.keyType === 'ed25519' ? 256 : (key.modulusLength ?? null);
  if (key.keyType !== signAlgo) {
    return {
      ...base,
      status: 'invalid-key',
      reason: coded('arc.key-type-mismatch', { name, keyType: key.keyType, signAlgo }),
      keyType: key.keyType,
      keyBits,
    };
  }
  let ok = false;
  try {
    ok = verify(key);
  } catch {
    ok = false;
  }
  const weak = ok && key.keyType === 'rsa' && keyBits !== null && keyBits < MIN_KEY_BITS;
  return {
    ...base,
    status: weak ? 'weak-key' : ok ? 'pass' : 'fail',
    reason: weak
      ? coded('arc.weak-key-verifies', { bits: keyBits, min: MIN_KEY_BITS })
      : ok
        ? null
        : coded('arc.signature-fails'),
    keyType: key.keyType,
    keyBits,
  };
}

/** "512-bit RSA key: forgeable" style warning for weak keys, or null. */
export function weakKeyNote(trial: KeyTrial): Coded | null {
  if (trial.keyType !== 'rsa' || trial.keyBits === null) return null;
  if (trial.keyBits <= 768) return coded('arc.key-forgeable', { bits: trial.keyBits });
  if (trial.keyBits < 2048) return coded('arc.key-weak', { bits: trial.keyBits });
  return null;
}
