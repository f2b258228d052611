// ARC (RFC 8617) chain validation, offline, against the key archive and at a given time.
//
// Every hop is checked on its own (arc/hops.ts, on mailauth's canonicalisation primitives: one
// adapter, arc/mailauth.ts), every archived record of a selector is tried, time-dependent checks
// (AMS x=) are judged at the message's time, and the chain verdict is derived here from those
// results by RFC 8617's rules, never from another library's messages. Two AMS rules follow RFC
// 8617 and the ARC validation suite rather than DKIM's: an AMS without c= is tried as simple then
// relaxed, and an AMS need not sign From.
import type { KeyResolver } from '../keys/types.ts';
import { type Coded, coded } from '../report/catalogue.ts';
import { checkHops, type ScannedMessage, scanArc, tagListProblem } from './arc/hops.ts';
import { cachedLookup } from './arc/keys.ts';
import { nest, nestList } from './codes.ts';

export interface ArcHop {
  instance: number;
  /** ARC-Message-Signature and ARC-Seal results for this hop. */
  ams: {
    domain: string;
    selector: string;
    /** pass | fail-body | fail-header | expired | weak-key | no-key | key-revoked | invalid | temperror */
    result: string;
    /** What the check found (arc.* codes), in order; empty when there is nothing to say. */
    reasons: Coded[];
    /** c= as written, or the one that verified when c= is absent. */
    canonicalization?: string | null;
    keyBits?: number | null;
  };
  seal: {
    domain: string;
    selector: string;
    cv: string;
    /** pass | fail | weak-key | no-key | key-revoked | invalid | temperror */
    result: string;
    /** What the check found (arc.* codes), in order; empty when there is nothing to say. */
    reasons: Coded[];
    keyBits?: number | null;
    /** t= of the seal, ISO 8601. */
    time?: string | null;
  };
  /** The authserv-id and results this hop recorded in its ARC-Authentication-Results. */
  authservId?: string | null;
  authResults?: string | null;
}

export interface ArcResult {
  /**
   * Chain validation per RFC 8617: none (no ARC sets), pass or fail; key-unavailable when a seal
   * or the newest AMS cannot be checked for want of its key and nothing else breaks the chain.
   */
  result: 'none' | 'pass' | 'fail' | 'key-unavailable';
  /** Why (an arc.* code). */
  reason: Coded | null;
  hops: ArcHop[];
  /** The instance where the chain broke, when it can be named. */
  failedAt?: number | null;
  /** Notes on what the verdict relied on (alternate archived keys, AMS without c=, …). */
  notes?: Coded[];
}

/** What a hop's result means for the chain: it holds, it is broken, or a key to judge it is missing. */
function standing(result: string): 'holds' | 'broken' | 'unavailable' {
  if (result === 'pass') return 'holds';
  return result === 'no-key' || result === 'key-revoked' || result === 'temperror' ? 'unavailable' : 'broken';
}

/**
 * The chain verdict, RFC 8617 section 5.2, from the hops checked one by one (so every archived key
 * is tried and nothing depends on another library's wording): the sets must be complete and
 * numbered 1..N; the newest must not say cv=fail; cv must be none at 1 and pass after; the newest
 * AMS and every seal must verify. A check that needs a key the archive does not have leaves the
 * chain key-unavailable, as DKIM does, unless something else breaks it.
 */
function chainVerdict(scanned: ScannedMessage, hops: ArcHop[]): Omit<ArcResult, 'hops'> {
  const fail = (reason: Coded, failedAt: number | null) => ({
    result: 'fail' as const,
    reason,
    failedAt,
    notes: [],
  });
  const domain = (h: ArcHop) => h.seal.domain || null;
  if (scanned.unreadable) return fail(coded('arc.unreadable-field', { count: scanned.unreadable }), null);
  for (const [i, set] of scanned.sets.entries()) {
    if (set.instance !== i + 1) return fail(coded('arc.instance-gap', { missing: i + 1 }), i + 1);
    if (set.duplicates.length)
      return fail(
        coded('arc.duplicate-field', { field: set.duplicates[0]!, instance: set.instance }),
        set.instance,
      );
    if (!set['arc-seal'] || !set['arc-message-signature'] || !set['arc-authentication-results'])
      return fail(coded('arc.set-incomplete', { instance: set.instance }), set.instance);
    const malformed =
      tagListProblem(set['arc-seal'], 'arc-seal') ??
      tagListProblem(set['arc-message-signature'], 'arc-message-signature');
    if (malformed)
      return fail(
        coded('arc.set-malformed', { instance: set.instance, ...nest('problem', malformed) }),
        set.instance,
      );
  }
  const newest = hops.at(-1)!;
  if (newest.seal.cv === 'fail')
    return fail(
      coded('arc.hop-cv-fail', { instance: newest.instance, domain: domain(newest) }),
      newest.instance,
    );
  for (const hop of hops) {
    const expected = hop.instance === 1 ? 'none' : 'pass';
    if (hop.seal.cv !== expected)
      return fail(
        coded('arc.hop-cv-unexpected', { instance: hop.instance, domain: domain(hop), cv: hop.seal.cv }),
        hop.instance,
      );
  }
  const checks = [
    { hop: newest, part: 'ams' as const },
    ...[...hops].reverse().map((hop) => ({ hop, part: 'seal' as const })),
  ];
  const broken = checks.find((c) => standing(c.hop[c.part].result) === 'broken');
  if (broken) {
    const { hop, part } = broken;
    const params = {
      instance: hop.instance,
      domain: hop[part].domain || null,
      ...nestList('notes', hop[part].reasons),
    };
    return fail(coded(part === 'ams' ? 'arc.ams-fails' : 'arc.seal-fails', params), hop.instance);
  }
  const missing = checks.find((c) => standing(c.hop[c.part].result) === 'unavailable');
  if (missing) {
    const { hop, part } = missing;
    const reason = coded('arc.key-unavailable', {
      instance: hop.instance,
      part,
      domain: hop[part].domain || null,
      ...nestList('notes', hop[part].reasons),
    });
    return { result: 'key-unavailable', reason, failedAt: hop.instance, notes: [] };
  }
  const notes: Coded[] = [];
  const codes = new Set(newest.ams.reasons.map((r) => r.code));
  if (codes.has('arc.ams-canonicalization-default')) notes.push(coded('arc.ams-no-c'));
  if (codes.has('arc.ams-from-unsigned')) notes.push(coded('arc.ams-no-from'));
  return { result: 'pass', reason: coded('arc.chain-valid', { hops: hops.length }), failedAt: null, notes };
}

/**
 * Validates every ARC set of a message at the given time. `atGiven`: the time is one the user
 * gave (exact), not the message's own (seals are made after it, by every hop).
 */
export async function verifyArc(
  raw: Buffer,
  keys: KeyResolver,
  at: Date,
  atGiven = true,
): Promise<ArcResult> {
  const scanned = await scanArc(raw);
  if (!scanned.sets.length && !scanned.unreadable)
    return { result: 'none', reason: coded('arc.none'), hops: [], failedAt: null, notes: [] };
  const hops = await checkHops(scanned, cachedLookup(keys), { at, given: atGiven });
  return { ...chainVerdict(scanned, hops), hops };
}
