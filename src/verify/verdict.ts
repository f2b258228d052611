// From per-signature results to one verdict for the message, with reasons in plain words.
//
// Precedence when several signatures disagree (first rule that applies wins):
//  1. no DKIM-Signature at all                                    → unsigned
//  2. a passing signature with a strong key (≥ 1024 bits, not disclosed) and no caveat
//                                                                → authentic
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
import type { ArcResult } from './arc.ts';
import { describeFlag } from './flags.ts';
import { describeRepair, isCaveatRepair } from './repairs.ts';
import type { AtSource, SignatureReport, Verdict } from './types.ts';

export interface VerdictContext {
  rebuiltFrom: string | null;
  arc: ArcResult;
  at: string | null;
  atSource: AtSource;
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

function label(r: SignatureReport): string {
  return `signature #${r.index + 1} (${r.domain || '?'}, selector ${r.selector || '?'})`;
}

export function describeSignature(r: SignatureReport): string {
  return `${label(r)}: ${r.result} — ${r.reason}`;
}

export function decideVerdict(
  reports: SignatureReport[],
  ctx: VerdictContext,
): { verdict: Verdict; reasons: string[] } {
  const reasons: string[] = [];
  const timeNote = timeReason(ctx);

  if (!reports.length) {
    reasons.push(
      'The message carries no DKIM signature: nothing can confirm who sent it or that it is unchanged.',
    );
    return { verdict: 'unsigned', reasons };
  }

  const passes = reports.filter((r) => r.result === 'pass');
  const trusted = passes.filter((r) => !isForgeablePass(r));
  const contentFailures = reports.filter((r) => r.result === 'fail-body' || r.result === 'fail-header');

  if (trusted.length) {
    const ranked = trusted
      .map((r) => ({ r, caveats: caveatFlags(r), repairCaveats: r.repairs.filter(isCaveatRepair) }))
      .sort(
        (a, b) =>
          a.caveats.length + a.repairCaveats.length - (b.caveats.length + b.repairCaveats.length) ||
          Number(a.caveats.includes('not-aligned')) - Number(b.caveats.includes('not-aligned')),
      );
    const best = ranked[0]!;
    const bits = best.r.key?.bits ? `${best.r.key.bits}-bit ${best.r.key.type} key` : 'archived key';
    reasons.push(
      `${capitalise(label(best.r))} is valid: ${best.r.domain} signed these headers and ${best.r.bodyLength === null ? 'this body' : 'the start of this body'} (${bits} from ${best.r.key?.source ?? 'the key archive'}).`,
    );
    const caveats: string[] = [];
    for (const name of best.r.repairs) {
      if (isCaveatRepair(name))
        caveats.push(`Export damage was undone before it passed: ${describeRepair(name)}.`);
      else
        reasons.push(
          `Stored the way mail folders keep messages, undone before checking (not a change of content): ${describeRepair(name)}.`,
        );
    }
    for (const f of best.caveats) caveats.push(`${capitalise(describeFlag(f))}.`);
    for (const r of contentFailures)
      caveats.push(`Another signature does not verify — ${describeSignature(r)}.`);
    if (contentFailures.length && ctx.arc.result === 'pass') {
      caveats.push(
        'An ARC chain validates: an intermediary (mailing list, forwarder) vouches for what it received, which may explain why the other signature broke.',
      );
    }
    if (ctx.rebuiltFrom)
      reasons.push(`The bytes were rebuilt (${ctx.rebuiltFrom}), yet the signature still verifies.`);
    reasons.push(...caveats);
    for (const r of reports) {
      if (r !== best.r && r.result !== 'fail-body' && r.result !== 'fail-header') {
        reasons.push(`Also: ${describeSignature(r)}.`);
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
          ? `${capitalise(label(r))} verifies, but proves nothing: its private key was published on ${disclosure.disclosed} (${disclosure.source}), so anyone could have made it since. It still counts if the message is known to have existed before that date (for instance, if the dump was public earlier).`
          : `${capitalise(label(r))} verifies, but proves nothing: its key is only ${r.key?.bits ?? '?'} bits, which can be factored cheaply, so anyone could have made it after the fact.`,
      );
    }
    for (const r of reports.filter((x) => x.result !== 'pass'))
      reasons.push(`Also: ${describeSignature(r)}.`);
    if (timeNote) reasons.push(timeNote);
    return { verdict: 'forgeable', reasons };
  }

  if (ctx.rebuiltFrom) {
    reasons.push(
      `The message was rebuilt from ${ctx.rebuiltFrom} rather than kept as the original bytes; DKIM signs exact bytes, so its signatures cannot be checked and their failure is not evidence of tampering.`,
    );
    for (const r of reports) reasons.push(`${capitalise(describeSignature(r))}.`);
    return { verdict: 'unverifiable', reasons };
  }

  if (contentFailures.length) {
    for (const r of contentFailures) {
      if (r.result === 'fail-body') {
        reasons.push(
          r.headersAuthentic
            ? `${capitalise(label(r))}: headers authentic, body altered — the signed headers are intact but the body differs from what ${r.domain} signed.`
            : `${capitalise(label(r))}: the body differs from what ${r.domain} signed, and the header signature does not verify either.`,
        );
      } else {
        reasons.push(
          `${capitalise(label(r))}: the body is as signed, but a signed header (${r.signedHeaders.join(', ')}) was changed, or the archived key is not the one used then.`,
        );
      }
    }
    if (ctx.arc.result === 'pass') {
      reasons.push(
        'An ARC chain validates: an intermediary (mailing list, forwarder) vouches for what it received, which may explain the change.',
      );
    }
    for (const r of reports.filter((x) => !contentFailures.includes(x)))
      reasons.push(`Also: ${describeSignature(r)}.`);
    reasons.push(
      'No known export damage (line endings, mbox escaping, added headers, whitespace) explains it.',
    );
    return { verdict: 'altered', reasons };
  }

  const keyless = reports.filter((r) => r.result === 'no-key' || r.result === 'key-revoked');
  if (keyless.length) {
    for (const r of keyless) reasons.push(`${capitalise(describeSignature(r))}.`);
    if (keyless.some((r) => r.result === 'key-revoked')) {
      reasons.push(
        'A revoked key means the domain withdrew it later (usually rotation); it is not proof of forgery.',
      );
    }
    for (const r of reports.filter((x) => !keyless.includes(x)))
      reasons.push(`Also: ${describeSignature(r)}.`);
    return { verdict: 'key-unavailable', reasons };
  }

  for (const r of reports) reasons.push(`${capitalise(describeSignature(r))}.`);
  reasons.push('No signature on this message can be checked.');
  return { verdict: 'unverifiable', reasons };
}

function timeReason(ctx: VerdictContext): string | null {
  if (ctx.atSource === 'none') return 'No date was found in the message: signature expiry was not judged.';
  if (ctx.atSource === 'given') return `Judged at ${ctx.at} (time given by the user).`;
  return null;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
