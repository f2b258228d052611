// verifyMessage: every DKIM-Signature of one archived message, checked offline against a key
// archive, at the message's own time, with export damage undone where that explains a failure.
import { type DisclosedKey, findDisclosure } from '../keys/disclosed.ts';
import type { KeyLookup, KeyRecord, KeyResolver } from '../keys/types.ts';
import { splitHeader } from '../mail/header-block.ts';
import { type Coded, coded } from '../report/catalogue.ts';
import { type ArcResult, verifyArc } from './arc.ts';
import { type CheckOutcome, checkSignature, signatureAt, type UsableKey } from './check.ts';
import { nest, nestList } from './codes.ts';
import { computeFlags, fromDomainOf, shownHeaderMismatches } from './flags.ts';
import { granularityAllows, type ParsedKey, parseKeyRecordOf } from './key-records.ts';
import { isDraftSignature, verifyLegacySignatures } from './legacy/index.ts';
import { parseHeaders } from './mailauth-internals.ts';
import { canonicalBodyAfter, type PreparedMessage, prepareMessage } from './prepared.ts';
import { baseRepairs, hasBareLf, type RepairedCopy, repairedCopies } from './repairs.ts';
import { parseSignature, type SignatureInfo, signatureKeyName } from './signature-header.ts';
import { dateHeader, resolveTime } from './time.ts';
import {
  type AtSource,
  MAX_CHECKED_SIGNATURES,
  type MessageVerification,
  type SignatureReport,
  STANDING_CAVEAT,
  UNSIGNED_TEXT_LIMIT,
} from './types.ts';
import { decideVerdict } from './verdict.ts';

export interface VerifyOptions {
  keys: KeyResolver;
  /** Judge the message at this time instead of its own (t=, Date, Received). */
  at?: Date;
  /** Set when the bytes are not the original ones (e.g. "PST via readpst", "MSG re-encoded"). */
  rebuiltFrom?: string | null;
  disclosedKeys?: DisclosedKey[];
  /**
   * Repairs to try first, alone, when a signature fails: what the container says it did to the
   * bytes (an mbox member's unescaping). They are still only reported, never assumed.
   */
  firstRepairs?: string[];
}

interface MessageContext {
  base: RepairedCopy;
  pm: PreparedMessage;
  /** Repaired copies, built lazily (first need, one at a time) and shared by all signatures. */
  copies: { names: string[]; pm: PreparedMessage }[];
  nextCopy: Iterator<RepairedCopy> | null;
  at: Date | null;
  atSource: AtSource;
  fromDomain: string | null;
  opts: VerifyOptions;
}

export async function verifyMessage(raw: Buffer, opts: VerifyOptions): Promise<MessageVerification> {
  // A bare LF is never read as a line end silently: mailauth's parsers and its relaxed
  // canonicaliser do, so a message that has any is checked as a repaired copy (lf-to-crlf,
  // reported). The header block is scanned up front; the body only when mailauth's canonicaliser
  // ran or a repair was tried (the fast path declines bare LFs under relaxed, and hashes the bytes
  // as they are under simple), so that clean messages are not scanned twice.
  const headerBlock = raw.subarray(0, splitHeader(raw)?.bodyStart ?? raw.length);
  const signed = SIGNED_FIELD.test(headerBlock.toString('latin1'));
  const lines = lineCount(headerBlock);
  if (lines > MAX_HEADER_LINES) return tooManyHeaderLines(signed, lines, opts);
  // Most of a dump is unsigned: without a DKIM-Signature or ARC-Seal field there is nothing to
  // check, so only the time is read (this path costs a few µs instead of ~200).
  if (!signed) return unsignedVerification(headerBlock, opts);
  if (hasBareLf(headerBlock)) return verifyFrom(raw, baseRepairs(raw), opts, false);
  return verifyFrom(raw, { bytes: raw, names: [] }, opts, true);
}

const SIGNED_FIELD = /^(?:dkim-signature|domainkey-signature|arc-seal)[ \t]*:/im;

/**
 * Header lines read at most. mailauth's header parser takes time in the square of the number of
 * folded lines (320 KB of folds: 25 s), and no real mail comes near this: beyond it, a message is
 * built to stall the verifier, and is not read.
 */
const MAX_HEADER_LINES = 5000;

function lineCount(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

function tooManyHeaderLines(signed: boolean, lines: number, opts: VerifyOptions): MessageVerification {
  const arc = { result: 'none' as const, reason: null, hops: [] };
  const base = { at: null, atSource: 'none' as const, signatures: [], arc, caveat: STANDING_CAVEAT };
  if (!signed) {
    const { verdict, reasons } = decideVerdict([], {
      rebuiltFrom: opts.rebuiltFrom ?? null,
      arc,
      at: null,
      atSource: 'none',
    });
    return { ...base, verdict, reasons: [...reasons, coded('verdict.header-block-too-long', { lines })] };
  }
  return {
    ...base,
    verdict: 'unverifiable',
    reasons: [coded('verdict.signed-header-block-too-long', { lines })],
  };
}

function unsignedVerification(headerBlock: Buffer, opts: VerifyOptions): MessageVerification {
  const headers = parseHeaders(headerBlock).parsed;
  const time = resolveTime(headers, [], opts.at);
  const at = time.at ? time.at.toISOString() : null;
  const arc = { result: 'none' as const, reason: null, hops: [] };
  const { verdict, reasons } = decideVerdict([], {
    rebuiltFrom: opts.rebuiltFrom ?? null,
    arc,
    at,
    atSource: time.source,
  });
  return { verdict, reasons, at, atSource: time.source, signatures: [], arc, caveat: STANDING_CAVEAT };
}

async function verifyFrom(
  raw: Buffer,
  base: RepairedCopy,
  opts: VerifyOptions,
  bodyUnscanned: boolean,
): Promise<MessageVerification> {
  const pm = prepareMessage(base.bytes);
  const fields = pm.headers.filter((h) => h.key === 'dkim-signature');
  const sigs = fields.slice(0, MAX_CHECKED_SIGNATURES).map((h, index) => parseSignature(h, index));
  // DomainKeys and DKIM draft-00 (no bh=) are checked by verify/legacy, by Mail::DKIM's rules.
  const drafts = sigs.filter((s) => isDraftSignature(s.header.line.toString('latin1')));
  const domainKeys = pm.headers.filter((h) => h.key === 'domainkey-signature').length;
  const unchecked = fields.length - sigs.length + Math.max(0, domainKeys - MAX_CHECKED_SIGNATURES);
  const time = resolveTime(pm.headers, sigs, opts.at);
  const ctx: MessageContext = {
    base,
    pm,
    copies: [],
    nextCopy: null,
    at: time.at,
    atSource: time.source,
    fromDomain: fromDomainOf(pm.headers),
    opts,
  };

  const signatures: SignatureReport[] = [];
  for (const sig of sigs) if (!drafts.includes(sig)) signatures.push(await verifySignature(sig, ctx));
  if (drafts.length || domainKeys) {
    const legacy = await verifyLegacySignatures(raw, {
      keys: opts.keys,
      at: time.at,
      atSource: time.source,
      ...(opts.disclosedKeys ? { disclosedKeys: opts.disclosedKeys } : {}),
    });
    signatures.push(...legacy);
  }
  if (bodyUnscanned && (pm.usedCanonicaliser || ctx.copies.length) && hasBareLf(pm.body)) {
    return verifyFrom(raw, baseRepairs(raw), opts, false);
  }

  const hasArc = pm.headers.some((h) => h.key === 'arc-seal');
  const arc = hasArc
    ? await runArc(raw, opts.keys, time.at, time.source === 'given')
    : { result: 'none' as const, reason: null, hops: [] };
  const at = time.at ? time.at.toISOString() : null;
  const { verdict, reasons } = decideVerdict(signatures, {
    rebuiltFrom: opts.rebuiltFrom ?? null,
    arc,
    at,
    atSource: time.source,
    dated: dateHeader(pm.headers)?.toISOString() ?? null,
  });
  const verification = {
    verdict,
    reasons,
    at,
    atSource: time.source,
    signatures,
    arc,
    caveat: STANDING_CAVEAT,
  };
  if (unchecked <= 0) return verification;
  reasons.push(
    coded('verdict.too-many-signatures', {
      count: fields.length + domainKeys,
      checked: fields.length + domainKeys - unchecked,
    }),
  );
  return { ...verification, uncheckedSignatures: unchecked };
}

async function runArc(raw: Buffer, keys: KeyResolver, at: Date | null, given: boolean): Promise<ArcResult> {
  try {
    // Without any date in the message, ARC expiry can only be judged today: said in the reason.
    const result = await verifyArc(raw, keys, at ?? new Date(), given);
    if (at) return result;
    return { ...result, reason: coded('arc.undated', nest('reason', result.reason)) };
  } catch (err) {
    return { result: 'none', reason: coded('arc.error', { error: (err as Error).message }), hops: [] };
  }
}

function emptyReport(sig: SignatureInfo): SignatureReport {
  return {
    index: sig.index,
    domain: sig.domain,
    selector: sig.selector,
    algorithm: sig.algorithm,
    canonicalization: sig.canonicalization,
    signedHeaders: sig.signedHeaders,
    identity: sig.identity,
    timestamp: sig.timestamp,
    expiration: sig.expiration,
    bodyLength: sig.bodyLength,
    result: 'invalid',
    // Always replaced by what the check finds.
    reason: sig.invalid ?? coded('signature.unchecked'),
    headersAuthentic: null,
    key: null,
    flags: [],
    repairs: [],
    bodyHashComputed: null,
    bodyHashExpected: sig.bh || null,
  };
}

function keyReport(record: KeyRecord, parsed: ParsedKey | null): NonNullable<SignatureReport['key']> {
  return {
    name: record.name,
    bits: parsed?.ok ? parsed.bits : null,
    type: parsed?.ok ? parsed.type : null,
    source: record.source,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    fetchedAt: record.fetchedAt,
    value: record.value,
  };
}

async function verifySignature(sig: SignatureInfo, ctx: MessageContext): Promise<SignatureReport> {
  const report = emptyReport(sig);
  const name = signatureKeyName(sig.selector, sig.domain);
  const flagsFor = (
    s: SignatureInfo,
    pm: PreparedMessage,
    key: { type: 'rsa' | 'ed25519'; bits: number; flags: string[] } | null,
    unsignedTail: number,
    disclosed: boolean,
  ) =>
    computeFlags({
      sig: s,
      headers: pm.headers,
      key,
      unsignedTail,
      at: ctx.at,
      atSource: ctx.atSource,
      fromDomain: ctx.fromDomain,
      disclosed,
    });

  if (sig.invalid) {
    report.flags = flagsFor(sig, ctx.pm, null, 0, false);
    return report;
  }

  let lookup: KeyLookup;
  try {
    lookup = await ctx.opts.keys.lookup(name);
  } catch (err) {
    report.result = 'no-key';
    report.reason = coded('signature.lookup-error', { name, error: (err as Error).message });
    report.flags = flagsFor(sig, ctx.pm, null, 0, false);
    return report;
  }

  const parsed: { record: KeyRecord; parsed: ParsedKey; index: number }[] = [];
  for (const [index, record] of lookup.records.entries()) {
    parsed.push({ record, parsed: await parseKeyRecordOf(record, sig.hashAlgo), index });
  }
  const usable: (UsableKey & { bits: number; flags: string[] })[] = [];
  const unusable: Coded[] = [];
  for (const p of parsed) {
    const k = p.parsed;
    if (!k.ok) {
      if (!k.revoked) unusable.push(k.reason);
      continue;
    }
    if (k.type !== sig.signAlgo) {
      unusable.push(coded('key.type-mismatch', { keyType: k.type, signAlgo: sig.signAlgo }));
      continue;
    }
    if (k.flags.includes('s') && sig.identityDomain && sig.identityDomain !== sig.domain) {
      unusable.push(coded('key.no-subdomains'));
      continue;
    }
    if (!granularityAllows(k.granularity, sig.identity)) {
      unusable.push(coded('key.granularity', { granularity: k.granularity, identity: sig.identity }));
      continue;
    }
    if (!signatureFitsKey(sig, k)) {
      unusable.push(coded('key.signature-size', { bytes: sig.b.length, keyBits: k.bits }));
      continue;
    }
    usable.push({ recordIndex: p.index, keyObject: k.keyObject, type: k.type, bits: k.bits, flags: k.flags });
  }

  if (!usable.length) {
    const revoked = parsed.find((p) => !p.parsed.ok && p.parsed.revoked);
    const outcome = checkSignature(ctx.pm, sig, []);
    report.bodyHashComputed = outcome.bodyHashComputed;
    report.flags = flagsFor(sig, ctx.pm, null, unsignedTail(sig, outcome), false);
    if (!parsed.length) {
      report.result = 'no-key';
      report.reason = lookup.failure
        ? coded('signature.no-key-dns', { name, failure: lookup.failure })
        : coded('signature.no-key', { name });
    } else if (revoked && !unusable.length) {
      report.result = 'key-revoked';
      report.key = keyReport(revoked.record, revoked.parsed);
      report.reason = coded('signature.key-revoked', { name });
    } else {
      report.result = 'invalid';
      report.key = parsed.length === 1 ? keyReport(parsed[0]!.record, parsed[0]!.parsed) : null;
      report.reason = coded('signature.no-usable-key', nestList('problems', distinct(unusable)));
    }
    return report;
  }

  const describeKey = (recordIndex: number | null) => {
    const i = recordIndex ?? (usable.length === 1 ? usable[0]!.recordIndex : null);
    if (i === null) return null;
    const p = parsed.find((x) => x.index === i)!;
    return { p, usable: usable.find((u) => u.recordIndex === i)! };
  };

  let outcome = checkSignature(ctx.pm, sig, usable);
  let passedSig = sig;
  let passedPm = ctx.pm;
  let repairs = ctx.base.names;
  if (!(outcome.bodyOk && outcome.headerOk)) {
    const repaired = tryRepairs(sig, ctx, usable);
    if (repaired) {
      outcome = repaired.outcome;
      passedSig = repaired.sig;
      passedPm = repaired.pm;
      repairs = repaired.names;
    }
  }

  const chosen = describeKey(outcome.matchedRecord);
  report.key = chosen ? keyReport(chosen.p.record, chosen.p.parsed) : null;
  report.bodyHashComputed = outcome.bodyHashComputed;
  const disclosure = chosen
    ? findDisclosure(ctx.opts.disclosedKeys, sig.domain, sig.selector, chosen.p.record.value)
    : null;
  if (disclosure && report.key)
    report.key.disclosure = { disclosed: disclosure.disclosed, source: disclosure.source };
  report.flags = flagsFor(
    passedSig,
    passedPm,
    chosen?.usable ?? null,
    unsignedTail(sig, outcome),
    !!disclosure,
  );

  if (sig.bodyLength !== null && outcome.bodyOk) {
    const tail = canonicalBodyAfter(passedPm, passedSig.bodyCanon, sig.bodyLength);
    if (tail?.length) report.unsignedText = readableText(tail);
  }

  // How many keys were tried, for "none of the N archived keys for <name> matches".
  const tried = { keys: usable.length, name };
  if (outcome.bodyOk && outcome.headerOk) {
    report.result = 'pass';
    report.repairs = repairs;
    report.reason = coded(repairs.length ? 'signature.pass-repaired' : 'signature.pass', {
      domain: sig.domain,
      record: outcome.matchedRecord! + 1,
      records: parsed.length,
      ...(repairs.length ? { repairs } : {}),
      ...(disclosure ? { disclosed: disclosure.disclosed, disclosureSource: disclosure.source } : {}),
    });
    const shown = shownHeaderMismatches(passedPm.headers, passedSig.signedHeaders);
    if (shown.length) report.shownHeaders = shown;
  } else if (!outcome.bodyOk) {
    report.result = 'fail-body';
    // A header signature that verifies with a key anyone could use proves nothing about the headers.
    const forgeableKey =
      report.flags.includes('weak-key:forgeable') || report.flags.includes('key-disclosed');
    report.headersAuthentic = outcome.headerOk && !forgeableKey;
    const hashes = { computed: outcome.bodyHashComputed, expected: sig.bh };
    report.reason = !outcome.headerOk
      ? coded('signature.fail-body', tried)
      : forgeableKey
        ? coded('signature.fail-body-forgeable-key', hashes)
        : coded('signature.fail-body-headers-authentic', hashes);
  } else {
    report.result = 'fail-header';
    report.reason = coded('signature.fail-header', tried);
  }
  return report;
}

/**
 * A signature made with a key is exactly as long as the key's modulus (RSA) or 64 bytes (ed25519):
 * a b= of another size was not made with that key (malformed or cut), which is not a changed header.
 */
function signatureFitsKey(sig: SignatureInfo, key: { type: 'rsa' | 'ed25519'; bits: number }): boolean {
  return sig.b.length === (key.type === 'ed25519' ? 64 : Math.ceil(key.bits / 8));
}

/** The same problems once each (several records can fail the same way). */
function distinct(list: Coded[]): Coded[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const key = JSON.stringify(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes shown to a reader: UTF-8 when they are, else Latin-1 (never fails), cut at the report's limit. */
function readableText(bytes: Buffer): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  if (text.length <= UNSIGNED_TEXT_LIMIT) return text;
  return `${text.slice(0, UNSIGNED_TEXT_LIMIT)}… (${text.length - UNSIGNED_TEXT_LIMIT} more characters)`;
}

function unsignedTail(sig: SignatureInfo, outcome: CheckOutcome): number {
  return sig.bodyLength === null ? 0 : Math.max(0, outcome.canonicalizedLength - outcome.bodyHashedBytes);
}

function tryRepairs(
  sig: SignatureInfo,
  ctx: MessageContext,
  usable: UsableKey[],
): { outcome: CheckOutcome; sig: SignatureInfo; pm: PreparedMessage; names: string[] } | null {
  ctx.nextCopy ??= repairedCopies(ctx.base, ctx.opts.firstRepairs ?? []);
  for (let i = 0; ; i++) {
    if (i === ctx.copies.length) {
      const next = ctx.nextCopy.next();
      if (next.done) break;
      ctx.copies.push({ names: next.value.names, pm: prepareMessage(next.value.bytes) });
    }
    const copy = ctx.copies[i]!;
    const s = signatureAt(copy.pm, sig.index);
    if (!s || s.invalid) continue;
    const outcome = checkSignature(copy.pm, s, usable);
    if (outcome.bodyOk && outcome.headerOk) return { outcome, sig: s, pm: copy.pm, names: copy.names };
  }
  return null;
}

/** The key records that verified a signature, with their provenance (for proofs). */
export function keysUsed(v: MessageVerification): KeyRecord[] {
  const out: KeyRecord[] = [];
  for (const s of v.signatures) {
    if (!s.key || out.some((k) => k.name === s.key!.name && k.value === s.key!.value)) continue;
    out.push({
      name: s.key.name,
      value: s.key.value,
      source: s.key.source,
      firstSeen: s.key.firstSeen,
      lastSeen: s.key.lastSeen,
      fetchedAt: s.key.fetchedAt,
    });
  }
  return out;
}
