// From per-signature results to one verdict for the message, with its reasons as verdict.* codes.
//
// Precedence when several signatures disagree (first rule that applies wins):
//  1. no DKIM-Signature at all                                    → unsigned
//  2. a passing signature with a strong key (≥ 1024 bits, not disclosed) and no caveat
//                                                                → authentic
//     unless every such pass leaves the From, Subject or Date a reader sees (the top-most one)
//     unsigned while covering another instance below it              → altered (the pass stands)
//  3. a passing signature with a strong key but caveats (repairs other than line endings and mbox
//     escaping, 1024-bit key, rsa-sha1, l=
//     tail, unsigned/duplicated watched headers, not aligned with From, expired, t= after
//     receipt, testing key, another signature failing on content)    → authentic-with-caveats
//     (the passing signature with the fewest caveats, aligned first, is the one reported)
//  4. only passes with keys < 1024 bits or disclosed keys         → forgeable
//  5. nothing passes and the bytes were rebuilt (PST/MSG, re-encoded) → unverifiable
//  6. nothing passes and some signature fails on content (body or headers) → altered
//  7. nothing passes, some key is missing, unreachable or revoked → key-unavailable
//  8. nothing passes and every signature is unusable (malformed, unsupported) → unverifiable
// Key problems never outrank a content failure: a signature that fails with a key we have is
// evidence; a signature we cannot check is not.
import { type Coded, coded, type Params } from '../report/catalogue.ts';
import type { ArcResult } from './arc.ts';
import { nest } from './codes.ts';
import { flagCoded } from './flags.ts';
import { legacyKind } from './legacy/index.ts';
import { isCaveatRepair } from './repairs.ts';
import type { AtSource, SignatureReport, Verdict } from './types.ts';

export interface VerdictContext {
  rebuiltFrom: string | null;
  arc: ArcResult;
  at: string | null;
  atSource: AtSource;
  /** The instant of the message's Date header (ISO 8601), when it has a readable one. */
  dated?: string | null;
}

/** Flags that keep a pass from being a clean "authentic". */
export function caveatFlags(report: SignatureReport): string[] {
  return report.flags.filter((f) => {
    if (f.startsWith('body-length-limit:')) return f !== 'body-length-limit:0';
    return (
      f === 'weak-key:1024' ||
      f === 'rsa-sha1' ||
      f.startsWith('unsigned-header:') ||
      f.startsWith('duplicate-header:') ||
      f === 'not-aligned' ||
      f === 'expired' ||
      f === 'signed-after-receipt' ||
      f === 'signed-after-judged' ||
      f.startsWith('key-newer-than-message:') ||
      f === 'key-testing' ||
      f === 'bad-identity'
    );
  });
}

export function isForgeablePass(report: SignatureReport): boolean {
  return (
    report.result === 'pass' &&
    (report.flags.includes('weak-key:forgeable') || report.flags.includes('key-disclosed'))
  );
}

/**
 * The parameters that name a signature in a reason ("signature #1 (example.com, selector s)"; a
 * DomainKeys or draft signature by its kind, numbered among the fields of its kind).
 */
function named(r: SignatureReport): Params {
  const kind = legacyKind(r);
  return { index: r.index, domain: r.domain, selector: r.selector, ...(kind ? { kind } : {}) };
}

/** A signature named with its result and reason ("…: no-key — no key for … in the key archive"). */
function summary(r: SignatureReport): Params {
  return { ...named(r), result: r.result, ...nest('reason', r.reason) };
}

export function decideVerdict(
  reports: SignatureReport[],
  ctx: VerdictContext,
): { verdict: Verdict; reasons: Coded[] } {
  const reasons: Coded[] = [];
  const timeNote = timeReason(ctx);

  if (!reports.length) {
    reasons.push(coded('verdict.unsigned'));
    return { verdict: 'unsigned', reasons };
  }

  const passes = reports.filter((r) => r.result === 'pass');
  const trusted = passes.filter((r) => !isForgeablePass(r));
  const contentFailures = reports.filter((r) => r.result === 'fail-body' || r.result === 'fail-header');

  // Mail programs show the top-most From/Subject/Date; if no strong pass covers what is shown,
  // the message a reader sees is not the one signed, however valid the signature over the other.
  const shownCovered = trusted.filter((r) => !r.shownHeaders?.length);
  if (trusted.length && !shownCovered.length) {
    for (const r of trusted)
      for (const s of r.shownHeaders ?? [])
        reasons.push(coded('verdict.shown-header-not-signed', { ...named(r), ...s }));
    for (const r of reports.filter((x) => !trusted.includes(x)))
      reasons.push(coded('verdict.also', summary(r)));
    if (timeNote) reasons.push(timeNote);
    return { verdict: 'altered', reasons };
  }

  if (trusted.length) {
    const ranked = trusted
      .map((r) => ({ r, caveats: caveatFlags(r), repairCaveats: r.repairs.filter(isCaveatRepair) }))
      .sort(
        (a, b) =>
          a.caveats.length + a.repairCaveats.length - (b.caveats.length + b.repairCaveats.length) ||
          Number(a.caveats.includes('not-aligned')) - Number(b.caveats.includes('not-aligned')),
      );
    const best = ranked[0]!;
    reasons.push(
      coded('verdict.valid', {
        ...named(best.r),
        partial: best.r.bodyLength !== null,
        bits: best.r.key?.bits ?? null,
        keyType: best.r.key?.type ?? null,
        keySource: best.r.key?.source ?? null,
      }),
    );
    const caveats: Coded[] = [];
    for (const name of best.r.repairs) {
      if (isCaveatRepair(name)) caveats.push(coded('verdict.repair-caveat', { repair: name }));
      else reasons.push(coded('verdict.repair-storage', { repair: name }));
    }
    for (const f of best.caveats) caveats.push(flagCaveat(best.r, f, ctx));
    if (best.r.flags.includes('body-length-limit:0'))
      reasons.push(coded('verdict.body-length-nothing-appended', { length: best.r.bodyLength }));
    const key = best.r.key;
    if (key?.firstSeen || key?.lastSeen)
      reasons.push(
        coded('verdict.key-archive-window', {
          name: key.name,
          firstSeen: key.firstSeen,
          lastSeen: key.lastSeen,
        }),
      );
    for (const r of contentFailures) caveats.push(coded('verdict.other-signature-fails', summary(r)));
    if (contentFailures.length && ctx.arc.result === 'pass')
      caveats.push(coded('verdict.arc-explains-other'));
    if (ctx.rebuiltFrom) reasons.push(coded('verdict.rebuilt-still-valid', { rebuiltFrom: ctx.rebuiltFrom }));
    reasons.push(...caveats);
    for (const r of reports) {
      if (r !== best.r && r.result !== 'fail-body' && r.result !== 'fail-header') {
        reasons.push(coded('verdict.also', summary(r)));
      }
    }
    if (timeNote) reasons.push(timeNote);
    return { verdict: caveats.length ? 'authentic-with-caveats' : 'authentic', reasons };
  }

  if (passes.length) {
    for (const r of passes) {
      const disclosure = r.key?.disclosure;
      reasons.push(
        disclosure
          ? coded('verdict.forgeable-disclosed', {
              ...named(r),
              disclosed: disclosure.disclosed,
              disclosureSource: disclosure.source,
            })
          : coded('verdict.forgeable-weak', { ...named(r), bits: r.key?.bits ?? null }),
      );
    }
    for (const r of reports.filter((x) => x.result !== 'pass'))
      reasons.push(coded('verdict.also', summary(r)));
    if (timeNote) reasons.push(timeNote);
    return { verdict: 'forgeable', reasons };
  }

  if (ctx.rebuiltFrom) {
    reasons.push(coded('verdict.rebuilt', { rebuiltFrom: ctx.rebuiltFrom }));
    for (const r of reports) reasons.push(coded('verdict.signature', summary(r)));
    return { verdict: 'unverifiable', reasons };
  }

  if (contentFailures.length) {
    for (const r of contentFailures) {
      if (r.result === 'fail-body') {
        const code = r.headersAuthentic
          ? 'verdict.body-altered'
          : r.reason.code === 'signature.fail-body-forgeable-key'
            ? 'verdict.body-altered-forgeable-key'
            : 'verdict.body-and-headers-fail';
        reasons.push(coded(code, named(r)));
      } else if (legacyKind(r)) {
        reasons.push(coded('verdict.legacy-changed', named(r)));
      } else {
        reasons.push(coded('verdict.header-changed', { ...named(r), signedHeaders: r.signedHeaders }));
      }
    }
    if (ctx.arc.result === 'pass') reasons.push(coded('verdict.arc-explains-change'));
    for (const r of reports.filter((x) => !contentFailures.includes(x)))
      reasons.push(coded('verdict.also', summary(r)));
    // Only line endings are undone for legacy signatures: the sentence would overstate it for them.
    if (contentFailures.some((r) => !legacyKind(r))) reasons.push(coded('verdict.no-known-damage'));
    return { verdict: 'altered', reasons };
  }

  const keyless = reports.filter((r) => r.result === 'no-key' || r.result === 'key-revoked');
  if (keyless.length) {
    for (const r of keyless) reasons.push(coded('verdict.signature', summary(r)));
    if (keyless.some((r) => r.result === 'key-revoked')) reasons.push(coded('verdict.revoked-not-forgery'));
    for (const r of reports.filter((x) => !keyless.includes(x)))
      reasons.push(coded('verdict.also', summary(r)));
    return { verdict: 'key-unavailable', reasons };
  }

  for (const r of reports) reasons.push(coded('verdict.signature', summary(r)));
  reasons.push(coded('verdict.none-checkable'));
  return { verdict: 'unverifiable', reasons };
}

/**
 * A caveat flag of the reported pass in words; the time flags say against which time they were
 * judged (the message's own or the one the user gave) and give both dates.
 */
function flagCaveat(r: SignatureReport, flag: string, ctx: VerdictContext): Coded {
  const at = { at: ctx.at, atSource: ctx.atSource };
  const iso = (s: number | null) => (s === null ? null : new Date(s * 1000).toISOString());
  if (flag === 'expired') return coded('verdict.expired', { ...at, expiration: iso(r.expiration) });
  if (flag === 'signed-after-judged')
    return coded('verdict.signed-after-judged', { ...at, timestamp: iso(r.timestamp) });
  if (flag.startsWith('key-newer-than-message:'))
    return coded('verdict.key-newer-than-message', {
      ...at,
      selector: r.selector,
      keyDate: flag.slice(flag.indexOf(':') + 1),
      dated: ctx.dated ?? ctx.at,
    });
  return coded('verdict.flag-caveat', nest('flag', flagCoded(flag)));
}

function timeReason(ctx: VerdictContext): Coded | null {
  if (ctx.atSource === 'none') return coded('verdict.no-date');
  if (ctx.atSource === 'given') return coded('verdict.judged-at-given', { at: ctx.at });
  return null;
}
