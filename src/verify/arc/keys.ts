// Key archive access for ARC: every archived record of a selector is tried for one seal or AMS,
// each parsed as DKIM keys are (key-records.ts), and a missing key is said in DKIM's words.
import type { KeyObject } from 'node:crypto';
import type { KeyLookup, KeyRecord, KeyResolver } from '../../keys/types.ts';
import { type Coded, coded } from '../../report/catalogue.ts';
import { nestList } from '../codes.ts';
import { parseKeyRecordOf } from '../key-records.ts';

/**
 * RFC 8301 section 3.2: keys under 1024 bits MUST NOT be considered valid: such a hop breaks the
 * chain. The hop still verifies shorter keys so it can say "verifies, but with a 512-bit key
 * (forgeable)" instead of "no key" (status weak-key).
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
  verify: (key: KeyObject) => boolean,
): Promise<KeyTrial> {
  const found = await lookup(name);
  if (!found.records.length) {
    const failure = found.failure;
    const temporary = failure !== null && failure !== undefined && failure !== 'ENOTFOUND';
    return {
      status: temporary ? 'temperror' : 'no-key',
      reason: failure
        ? coded('signature.no-key-dns', { name, failure })
        : coded('signature.no-key', { name }),
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
  verify: (key: KeyObject) => boolean,
): Promise<KeyTrial> {
  const base = { record, tried: 1 };
  const key = await parseKeyRecordOf(record, 'sha256');
  if (!key.ok) {
    return {
      ...base,
      status: key.revoked ? 'key-revoked' : 'invalid-key',
      reason: key.revoked
        ? coded('signature.key-revoked', { name })
        : coded('signature.no-usable-key', nestList('problems', [key.reason])),
      keyType: null,
      keyBits: null,
    };
  }
  const keyBits = key.bits;
  if (key.type !== signAlgo) {
    return {
      ...base,
      status: 'invalid-key',
      reason: coded('arc.key-type-mismatch', { name, keyType: key.type, signAlgo }),
      keyType: key.type,
      keyBits,
    };
  }
  let ok = false;
  try {
    ok = verify(key.keyObject);
  } catch {
    ok = false;
  }
  const weak = ok && key.type === 'rsa' && keyBits < MIN_KEY_BITS;
  return {
    ...base,
    status: weak ? 'weak-key' : ok ? 'pass' : 'fail',
    reason: weak
      ? coded('arc.weak-key-verifies', { bits: keyBits, min: MIN_KEY_BITS })
      : ok
        ? null
        : coded('arc.signature-fails'),
    keyType: key.type,
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
