// What DomainKeys and draft-00 DKIM signatures share once their signed bytes are known: one hash
// over headers and body together, checked against every archived key record of the selector.
// Neither can tell a changed body from a changed header, so a failure is `fail-header` with a
// reason that says "headers or body", and headersAuthentic stays null.
import { createVerify } from 'node:crypto';
import { type DisclosedKey, findDisclosure } from '../../keys/disclosed.ts';
import type { KeyLookup, KeyRecord, KeyResolver } from '../../keys/types.ts';
import { type Coded, coded } from '../../report/catalogue.ts';
import { nestList } from '../codes.ts';
import { computeFlags, fromDomainOf } from '../flags.ts';
import { granularityAllows, type ParsedKey, parseKeyRecordOf } from '../key-records.ts';
import type { ParsedHeader } from '../mailauth-internals.ts';
import { type SignatureInfo, signatureKeyName } from '../signature-header.ts';
import type { AtSource, SignatureReport } from '../types.ts';

export interface LegacyOptions {
  keys: KeyResolver;
  /** The time the message is judged at (expiry, key dates); null when none is known. */
  at: Date | null;
  /** Where `at` came from; when absent: `given` if `at` is set, else `none`. */
  atSource?: AtSource;
  disclosedKeys?: DisclosedKey[];
}

/** The flag each kind of legacy report carries (the words are flag.domainkeys, flag.dkim-draft). */
export const LEGACY_FLAGS = { domainkeys: 'domainkeys', 'dkim-draft': 'dkim-draft:00' } as const;

export interface LegacySignature {
  /** The signature's fields as flags.ts reads them (DomainKeys ones filled in by domainkeys.ts). */
  sig: SignatureInfo;
  kindFlag: (typeof LEGACY_FLAGS)[keyof typeof LEGACY_FLAGS];
  /** DomainKeys: an empty key g= allows every sender (RFC 4870), in DKIM drafts it allows none. */
  emptyGranularityAllowsAll: boolean;
  /** The exact bytes the signer hashed, in pieces; only built once a usable key is found. */
  signedData: () => Buffer[];
  /** Canonical body bytes after the l= prefix, which anyone could have appended (0 without l=). */
  unsignedTail: () => number;
}

export interface LegacyMessage {
  headers: ParsedHeader[];
  fromDomain: string | null;
  /** The repairs made to the bytes before checking (repairs.ts: bare LFs made CRLF), reported on a pass. */
  repairs: string[];
}

export function legacyMessage(headers: ParsedHeader[], repairs: string[]): LegacyMessage {
  return { headers, fromDomain: fromDomainOf(headers), repairs };
}

/** The fields a report copies from the signature as read. */
const COPIED = [
  'index',
  'domain',
  'selector',
  'algorithm',
  'canonicalization',
  'signedHeaders',
  'identity',
  'timestamp',
  'expiration',
  'bodyLength',
] as const;

/** A report before any key was tried (no body hash: these signatures have none). */
const NOTHING_FOUND = {
  result: 'invalid',
  headersAuthentic: null,
  key: null,
  bodyHashComputed: null,
  bodyHashExpected: null,
} as const;

interface UsableKey {
  recordIndex: number;
  parsed: Extract<ParsedKey, { ok: true }>;
}

export async function checkLegacySignature(
  legacy: LegacySignature,
  message: LegacyMessage,
  opts: LegacyOptions,
): Promise<SignatureReport> {
  const { sig } = legacy;
  const copied = Object.fromEntries(COPIED.map((field) => [field, sig[field]])) as Pick<
    SignatureInfo,
    (typeof COPIED)[number]
  >;
  const report: SignatureReport = {
    ...copied,
    ...NOTHING_FOUND,
    reason: sig.invalid ?? coded('signature.unchecked'),
    flags: [],
    repairs: [],
  };
  const flagsFor = (key: UsableKey['parsed'] | null, disclosed: boolean) => [
    legacy.kindFlag,
    ...computeFlags({
      sig,
      headers: message.headers,
      key,
      unsignedTail: key ? legacy.unsignedTail() : 0,
      at: opts.at,
      atSource: opts.atSource ?? (opts.at ? 'given' : 'none'),
      fromDomain: message.fromDomain,
      disclosed,
    }),
  ];
  report.flags = flagsFor(null, false);
  if (sig.invalid) return report;

  const name = signatureKeyName(sig.selector, sig.domain);
  let lookup: KeyLookup;
  try {
    lookup = await opts.keys.lookup(name);
  } catch (err) {
    report.result = 'no-key';
    report.reason = coded('signature.lookup-error', { name, error: (err as Error).message });
    return report;
  }

  const records: { record: KeyRecord; parsed: ParsedKey }[] = [];
  for (const record of lookup.records) {
    records.push({ record, parsed: await parseKeyRecordOf(record, sig.hashAlgo) });
  }
  const usable: UsableKey[] = [];
  const problems: Coded[] = [];
  for (const [recordIndex, { parsed }] of records.entries()) {
    const problem = parsed.ok ? keyProblem(legacy, parsed) : parsed.revoked ? null : parsed.reason;
    if (problem) problems.push(problem);
    else if (parsed.ok) usable.push({ recordIndex, parsed });
  }

  if (!usable.length) return Object.assign(report, withoutUsableKey(name, lookup.failure, records, problems));

  const data = legacy.signedData();
  const matched = usable.find((k) => verifies(sig.hashAlgo, data, k, sig.b)) ?? null;
  const shown = matched ?? (usable.length === 1 ? usable[0]! : null);
  const record = shown ? records[shown.recordIndex]!.record : null;
  const disclosure = record
    ? findDisclosure(opts.disclosedKeys, sig.domain, sig.selector, record.value)
    : null;
  if (shown && record) {
    report.key = keyReport(record, shown.parsed);
    if (disclosure) report.key.disclosure = { disclosed: disclosure.disclosed, source: disclosure.source };
  }
  report.flags = flagsFor(shown?.parsed ?? null, !!disclosure);
  if (matched) {
    const { repairs } = message;
    report.result = 'pass';
    report.repairs = repairs;
    report.reason = coded(repairs.length ? 'signature.pass-repaired' : 'signature.pass', {
      domain: sig.domain,
      record: matched.recordIndex + 1,
      records: records.length,
      ...(repairs.length ? { repairs } : {}),
      ...(disclosure ? { disclosed: disclosure.disclosed, disclosureSource: disclosure.source } : {}),
    });
  } else {
    report.result = 'fail-header';
    report.reason = coded('signature.legacy-changed', { keys: usable.length, name });
  }
  return report;
}

/**
 * The result when no archived record can have made the signature: none archived (no-key, with
 * the DNS failure on record), only revoked ones (key-revoked), or unusable ones (invalid, each
 * problem once). The same decision as verifyMessage's for RFC 6376 signatures.
 */
export function withoutUsableKey(
  name: string,
  failure: KeyLookup['failure'],
  records: { record: KeyRecord; parsed: ParsedKey }[],
  problems: Coded[],
): Pick<SignatureReport, 'result' | 'reason' | 'key'> {
  if (!records.length) {
    const reason = failure
      ? coded('signature.no-key-dns', { name, failure })
      : coded('signature.no-key', { name });
    return { result: 'no-key', reason, key: null };
  }
  const revoked = records.find((r) => !r.parsed.ok && r.parsed.revoked);
  if (revoked && !problems.length) {
    return {
      result: 'key-revoked',
      reason: coded('signature.key-revoked', { name }),
      key: keyReport(revoked.record, revoked.parsed),
    };
  }
  const only = records.length === 1 ? records[0]! : null;
  return {
    result: 'invalid',
    reason: coded('signature.no-usable-key', nestList('problems', distinct(problems))),
    key: only ? keyReport(only.record, only.parsed) : null,
  };
}

/** Why a parsed key cannot have made this signature, or null when it could have. */
function keyProblem(legacy: LegacySignature, key: UsableKey['parsed']): Coded | null {
  const { sig } = legacy;
  if (key.type !== 'rsa') return coded('key.type-mismatch', { keyType: key.type, signAlgo: sig.signAlgo });
  if (key.flags.includes('s') && sig.identityDomain && sig.identityDomain !== sig.domain)
    return coded('key.no-subdomains');
  const granularity = key.granularity === '' && legacy.emptyGranularityAllowsAll ? null : key.granularity;
  if (!granularityAllows(granularity, sig.identity))
    return coded('key.granularity', { granularity: key.granularity, identity: sig.identity });
  // An RSA signature is exactly as long as the modulus: another size was cut or mangled.
  if (sig.b.length !== Math.ceil(key.bits / 8))
    return coded('key.signature-size', { bytes: sig.b.length, keyBits: key.bits });
  return null;
}

function verifies(hashAlgo: string, data: Buffer[], key: UsableKey, signature: Buffer): boolean {
  try {
    const verifier = createVerify(hashAlgo);
    for (const piece of data) verifier.update(piece);
    return verifier.verify(key.parsed.keyObject, signature);
  } catch {
    return false;
  }
}

function keyReport(record: KeyRecord, parsed: ParsedKey): NonNullable<SignatureReport['key']> {
  const { name, source, firstSeen, lastSeen, fetchedAt, value } = record;
  const [bits, type] = parsed.ok ? [parsed.bits, parsed.type] : [null, null];
  return { name, bits, type, source, firstSeen, lastSeen, fetchedAt, value };
}

/** The same problems once each (several records can fail the same way). */
const distinct = (list: Coded[]): Coded[] => [...new Map(list.map((c) => [JSON.stringify(c), c])).values()];
