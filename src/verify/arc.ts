// ARC (RFC 8617) chain validation, offline, against the key archive and at a given time.
//
// The chain verdict is mailauth's strict ARC validation (lib/arc + the DKIM verifier it uses for
// the newest ARC-Message-Signature), wrapped so that:
//  - keys come from our archive, and every archived record of a selector is tried (mailauth only
//    reads the first TXT record: the chain is re-validated with the alternatives);
//  - time-dependent checks (AMS x=) are judged at the message's time, not today;
//  - two AMS rules where mailauth's strict mode is stricter than RFC 8617 and the ARC validation
//    suite are relaxed, inside mailauth's own AMS verification (see ArcAmsVerifier);
//  - every hop is reported on its own (checkHops), since mailauth stops at the first problem.
import type { KeyResolver } from '../keys/types.ts';
import { type Coded, coded } from '../report/catalogue.ts';
import { checkHops, scanArc } from './arc/hops.ts';
import { cachedLookup, type KeyLookupFn, MIN_KEY_BITS, mailauthResolver } from './arc/keys.ts';
import { type ArcVerdict, arc, DkimVerifier, type PreparedSignature, tools } from './arc/mailauth.ts';
import { nestList } from './codes.ts';

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
  /** Chain validation per RFC 8617: none (no ARC sets), pass or fail. */
  result: 'none' | 'pass' | 'fail';
  /** Why (an arc.* code); mailauth's own comment, in English, is kept as a parameter. */
  reason: Coded | null;
  hops: ArcHop[];
  /** The instance where the chain broke, when it can be named. */
  failedAt?: number | null;
  /** Notes on what the verdict relied on (alternate archived keys, AMS without c=, …). */
  notes?: Coded[];
}

const FROM_NOT_SIGNED = 'From field not signed';

/**
 * mailauth's DKIM verifier, used for the newest ARC-Message-Signature only (DKIM-Signatures are
 * skipped: they are the DKIM verifier's business). Two strict-mode rules are relaxed for the AMS:
 *  - no c= tag: strict mailauth uses simple/simple only (RFC 6376 default). The ARC drafts, dkimpy
 *    and the ARC test suite (ams_fields_c_na) use relaxed/relaxed: both are tried, simple first,
 *    as mailauth's lenient mode does.
 *  - h= without From: RFC 6376 6.1.1 makes a DKIM-Signature that does not sign From a PERMFAIL;
 *    RFC 8617 does not require From in the AMS (it seals for integrity, not authorship), and the
 *    ARC test suite expects h= empty to pass (ams_fields_h_empty). The AMS is verified anyway.
 */
class ArcAmsVerifier extends DkimVerifier {
  override prepareSignature(signatureHeader: PreparedSignature): void {
    if (signatureHeader.type === 'DKIM') {
      signatureHeader.skip = 'not verified by the ARC module';
      return;
    }
    super.prepareSignature(signatureHeader);
    if (signatureHeader.skip) return;
    if (!signatureHeader.parsed?.c) {
      signatureHeader.fallbackCanonicalization = 'relaxed/relaxed';
    }
    if (signatureHeader.invalid === FROM_NOT_SIGNED) {
      delete signatureHeader.invalid;
      signatureHeader.warnings = [...(signatureHeader.warnings ?? []), 'ams-from-not-signed'];
    }
  }
}

interface MailauthRun {
  verdict: ArcVerdict;
  /** Records per queried key name. */
  seen: Map<string, number>;
}

async function runMailauth(
  raw: Buffer,
  lookup: KeyLookupFn,
  choice: ReadonlyMap<string, number>,
  at: Date,
): Promise<MailauthRun> {
  const seen = new Map<string, number>();
  const resolver = mailauthResolver(lookup, choice, seen);
  const verifier = new ArcAmsVerifier({ resolver, strict: true, curTime: at, minBitLength: MIN_KEY_BITS });
  await tools.writeToStream(verifier, raw);
  const verdict = await arc(verifier.arc, { resolver, strict: true, minBitLength: MIN_KEY_BITS });
  return { verdict, seen };
}

/** At most this many alternative record combinations are tried for one message. */
const MAX_KEY_COMBINATIONS = 64;

function* alternatives(seen: Map<string, number>): Generator<Map<string, number>> {
  const names = [...seen].filter(([, n]) => n > 1);
  if (!names.length) return;
  const idx = names.map(() => 0);
  let produced = 0;
  for (;;) {
    let k = 0;
    while (k < idx.length) {
      idx[k] = (idx[k]! + 1) % names[k]![1];
      if (idx[k] !== 0) break;
      k++;
    }
    if (k === idx.length) return;
    if (++produced > MAX_KEY_COMBINATIONS) return;
    yield new Map(names.map(([name], i) => [name, idx[i]!]));
  }
}

/** mailauth's comment turned into a code (the comment kept as a parameter), and the instance it blames. */
function explain(verdict: ArcVerdict, hops: ArcHop[]): { reason: Coded | null; failedAt: number | null } {
  const status = verdict.status;
  if (status.result === 'none') return { reason: coded('arc.none'), failedAt: null };
  const comment = status.comment || null;
  const domain = (i: number) => hops.find((h) => h.instance === i)?.seal.domain || null;
  if (status.result === 'pass') {
    return { reason: coded('arc.chain-valid', { hops: verdict.i ?? null, comment }), failedAt: null };
  }
  let m = /^i=(\d+) cv=(\S*)/.exec(comment ?? '');
  if (m) {
    const instance = Number(m[1]);
    return {
      reason:
        m[2] === 'fail'
          ? coded('arc.hop-cv-fail', { instance, domain: domain(instance) })
          : coded('arc.hop-cv-unexpected', { instance, domain: domain(instance), cv: m[2] ?? '' }),
      failedAt: instance,
    };
  }
  m = /^i=(\d+) seal signature validation failed/.exec(comment ?? '');
  if (m) {
    const instance = Number(m[1]);
    return { reason: coded('arc.seal-fails', { instance, domain: domain(instance) }), failedAt: instance };
  }
  m = /^i=(\d+) no valid signature/.exec(comment ?? '');
  if (m) {
    const instance = Number(m[1]);
    const ams = hops.find((h) => h.instance === instance)?.ams;
    const amsComment = (verdict.signature || null)?.status.comment || null;
    return {
      reason: coded('arc.ams-fails', { instance, domain: ams?.domain || null, comment: amsComment }),
      failedAt: instance,
    };
  }
  // Otherwise (key problems, structure): blame the first hop whose seal does not verify, or the
  // newest hop when only its AMS fails.
  const newest = hops.at(-1);
  const broken =
    hops.find((h) => h.seal.result !== 'pass') ??
    (newest && newest.ams.result !== 'pass' ? newest : undefined);
  if (broken) {
    const part = broken.seal.result !== 'pass' ? broken.seal : broken.ams;
    return {
      reason: coded('arc.invalid', {
        comment,
        hop: broken.instance,
        result: part.result,
        ...nestList('notes', part.reasons),
      }),
      failedAt: broken.instance,
    };
  }
  return { reason: coded('arc.invalid', { comment, hop: null }), failedAt: null };
}

/** Validates every ARC set of a message at the given time. */
export async function verifyArc(raw: Buffer, keys: KeyResolver, at: Date): Promise<ArcResult> {
  const lookup = cachedLookup(keys);
  const notes: Coded[] = [];

  let run = await runMailauth(raw, lookup, new Map(), at);
  if (run.verdict.status.result === 'fail') {
    for (const choice of alternatives(run.seen)) {
      const alt = await runMailauth(raw, lookup, choice, at);
      if (alt.verdict.status.result === 'pass') {
        notes.push(
          coded('arc.alternative-records', {
            names: [...choice].filter(([, i]) => i > 0).map(([name]) => name),
          }),
        );
        run = alt;
        break;
      }
    }
  }
  const verdict = run.verdict;
  const ams = verdict.signature || null;
  if (verdict.status.result === 'pass' && ams) {
    const warnings = ams.status.warnings ?? [];
    if (warnings.includes('ams-c-default')) {
      notes.push(coded('arc.ams-no-c'));
    }
    if (warnings.includes('ams-from-not-signed')) {
      notes.push(coded('arc.ams-no-from'));
    }
  }

  const hops = verdict.status.result === 'none' ? [] : await checkHops(await scanArc(raw), lookup, at);
  const { reason, failedAt } = explain(verdict, hops);
  return { result: verdict.status.result, reason, hops, failedAt, notes };
}
