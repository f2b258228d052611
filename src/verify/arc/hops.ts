// Per-hop detail of an ARC chain: every ARC-Seal and every ARC-Message-Signature checked on its
// own, with mailauth's canonicalization primitives. mailauth only reports the chain verdict (it
// stops at the first broken seal and only checks the newest AMS); a journalist needs to see which
// intermediary's seal holds and where the message changed.
import crypto from 'node:crypto';
import { type Coded, coded } from '../../report/catalogue.ts';
import type { ArcHop } from '../arc.ts';
import { SIGNED_AFTER_RECEIPT_TOLERANCE_S } from '../flags.ts';
import { signatureKeyName } from '../signature-header.ts';
import { receivedDates } from '../time.ts';
import { type KeyLookupFn, type KeyTrial, tryKeys, weakKeyNote } from './keys.ts';
import {
  type BodyHasher,
  dkimBody,
  generateCanonicalizedHeader,
  type HeaderRow,
  MessageParser,
  type ParsedHeaderValue,
  syntax,
  type TagMap,
  tagString,
  tools,
} from './mailauth.ts';

const ARC_KEYS = ['arc-seal', 'arc-message-signature', 'arc-authentication-results'] as const;
type ArcKey = (typeof ARC_KEYS)[number];

export interface ArcField {
  row: HeaderRow;
  value: ParsedHeaderValue;
}

export interface ArcSetFields {
  instance: number;
  'arc-seal'?: ArcField;
  'arc-message-signature'?: ArcField;
  'arc-authentication-results'?: ArcField;
  /** Header names present more than once for this instance. */
  duplicates: ArcKey[];
}

/** The instance of an ARC header field: `i=N` at the start of an AAR, the i tag otherwise. */
export function arcInstance(key: string, row: HeaderRow, value: ParsedHeaderValue): number | null {
  let raw: string | null;
  if (key === 'arc-authentication-results') {
    const text = row.line.toString('binary');
    const m = /^\s*i\s*=\s*([0-9]{1,2})\s*;/.exec(text.slice(text.indexOf(':') + 1));
    raw = m?.[1] ?? null;
  } else {
    raw = value.tags?.find((t) => t.name === 'i')?.value?.trim() ?? null;
  }
  if (raw === null || !/^[0-9]{1,2}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= 50 ? n : null;
}

/** Splits a message once: header rows, ARC sets by instance, and every body hash the AMSs need. */
class ArcScanner extends MessageParser {
  sets = new Map<number, ArcSetFields>();
  /** ARC fields that cannot be read (tag syntax, no valid instance): they break the chain. */
  unreadable = 0;
  rows: HeaderRow[] = [];
  hashers = new Map<string, BodyHasher>();
  hashes = new Map<string, string>();

  override async messageHeaders(headers: { parsed: HeaderRow[] }): Promise<void> {
    this.rows = headers.parsed;
    for (const row of this.rows) {
      if (!(ARC_KEYS as readonly string[]).includes(row.key)) continue;
      const key = row.key as ArcKey;
      let value: ParsedHeaderValue;
      try {
        value = tools.parseDkimHeaders(row.line, { strict: true });
      } catch {
        this.unreadable++;
        continue;
      }
      const instance = arcInstance(key, row, value);
      if (instance === null) {
        this.unreadable++;
        continue;
      }
      let set = this.sets.get(instance);
      if (!set) {
        set = { instance, duplicates: [] };
        this.sets.set(instance, set);
      }
      if (set[key]) {
        set.duplicates.push(key);
      } else {
        set[key] = { row, value };
      }
    }
    for (const set of this.sets.values()) {
      const ams = set['arc-message-signature']?.value.parsed;
      if (!ams) continue;
      const length = bodyLength(ams);
      for (const canon of amsCanonicalizations(ams)) {
        const key = hashKey(canon, length);
        if (!this.hashers.has(key)) this.hashers.set(key, dkimBody(canon, 'sha256', length));
      }
    }
  }

  override async nextChunk(chunk: Buffer): Promise<void> {
    for (const hasher of this.hashers.values()) hasher.update(chunk);
  }

  override async finalChunk(): Promise<void> {
    for (const [key, hasher] of this.hashers) this.hashes.set(key, hasher.digest('base64'));
  }
}

function bodyLength(tags: TagMap): number | '' {
  const l = tags.l?.value;
  return typeof l === 'number' && Number.isFinite(l) ? l : '';
}

const hashKey = (canon: string, length: number | '') => `${canon}:${length}`;

/**
 * The canonicalizations to try for an AMS. With c= they are the one given. Without it, RFC 6376
 * (whose semantics RFC 8617 section 4.1.2 imports) defaults to simple/simple, while the ARC drafts,
 * dkimpy and the ARC test suite read relaxed/relaxed: both are tried, simple first.
 */
function amsCanonicalizations(tags: TagMap): string[] {
  const c = tagString(tags, 'c').toLowerCase();
  if (!c) return ['simple/simple', 'relaxed/relaxed'];
  const [head = '', body = 'simple'] = c.split('/').map((s) => s.trim());
  const canon = `${head}/${body || 'simple'}`;
  return /^(simple|relaxed)\/(simple|relaxed)$/.test(canon) ? [canon] : [];
}

export interface ScannedMessage {
  sets: ArcSetFields[];
  /** ARC fields that could not be read. */
  unreadable: number;
  rows: HeaderRow[];
  bodyHashes: Map<string, string>;
}

/** The time a message is judged at, and whether the user gave it (exact) or it is the message's own. */
export interface JudgedAt {
  at: Date;
  given: boolean;
}

export async function scanArc(raw: Buffer): Promise<ScannedMessage> {
  const scanner = new ArcScanner();
  await tools.writeToStream(scanner, raw);
  return {
    sets: [...scanner.sets.values()].sort((a, b) => a.instance - b.instance),
    unreadable: scanner.unreadable,
    rows: scanner.rows,
    bodyHashes: scanner.hashes,
  };
}

const REQUIRED_TAGS = {
  'arc-seal': ['a', 'b', 'cv', 'd', 's'],
  'arc-message-signature': ['a', 'b', 'bh', 'd', 'h', 's'],
};
const NUMERIC_TAGS: Record<'arc-seal' | 'arc-message-signature', [string, RegExp][]> = {
  'arc-seal': [['t', syntax.TIMESTAMP]],
  'arc-message-signature': [
    ['t', syntax.TIMESTAMP],
    ['x', syntax.TIMESTAMP],
    ['l', syntax.BODY_LENGTH],
  ],
};

/**
 * What is wrong with an ARC-Seal's or AMS's tag-list (RFC 8617 4.1, RFC 6376 3.2): a syntax error,
 * a tag twice, a required tag missing or empty, a number or name out of grammar, an h= on a seal.
 * Null when it is well formed. A malformed set breaks the chain whatever its signature says.
 */
export function tagListProblem(
  field: ArcField | undefined,
  key: 'arc-seal' | 'arc-message-signature',
): Coded | null {
  if (!field) return null;
  const value = field.value;
  const bad = (problem: string, tag?: string) =>
    coded('arc.tags-invalid', { problem, ...(tag ? { tag } : {}) });
  if (value.syntaxErrors?.length) return bad('syntax');
  const names = (value.tags ?? []).map((t) => t.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) return bad('duplicate', twice);
  const tags = value.parsed;
  // h= may be empty on an AMS (RFC 8617 does not require From there; the ARC suite passes h= empty).
  const empty = REQUIRED_TAGS[key].find((t) => (t === 'h' ? !names.includes(t) : !tagString(tags, t)));
  if (empty) return bad('missing', empty);
  const raw = (t: string) => value.tags?.find((x) => x.name === t)?.value?.trim();
  for (const [t, format] of NUMERIC_TAGS[key]) {
    const v = raw(t);
    if (v !== undefined && !format.test(v)) return bad('number', t);
  }
  if (!syntax.DOMAIN_NAME.test(tools.toALabel(tagString(tags, 'd')))) return bad('name', 'd');
  if (!syntax.SELECTOR.test(tools.toALabel(tagString(tags, 's')))) return bad('name', 's');
  if (key === 'arc-seal' && names.includes('h')) return bad('seal-h');
  if (key === 'arc-message-signature' && names.includes('c') && !tagString(tags, 'c'))
    return bad('missing', 'c');
  return null;
}

function signAlgoOf(tags: TagMap | undefined): 'rsa' | 'ed25519' | null {
  const a = tagString(tags, 'a').toLowerCase();
  if (a === 'rsa-sha256') return 'rsa';
  if (a === 'ed25519-sha256') return 'ed25519';
  return null;
}

function verifier(signAlgo: 'rsa' | 'ed25519', data: Buffer, b: string) {
  const signature = Buffer.from(b.replace(/\s+/g, ''), 'base64');
  return (key: crypto.KeyObject) =>
    crypto.verify(
      signAlgo === 'rsa' ? 'sha256' : null,
      signAlgo === 'rsa' ? data : crypto.createHash('sha256').update(data).digest(),
      key,
      signature,
    );
}

function keyName(tags: TagMap | undefined): string {
  return signatureKeyName(tagString(tags, 's'), tagString(tags, 'd'));
}

function describeKey(trial: KeyTrial): Coded[] {
  const notes: Coded[] = [];
  const weak = weakKeyNote(trial);
  if (weak) notes.push(weak);
  if (trial.status === 'pass' && trial.tried > 1 && trial.record) {
    notes.push(coded('arc.alternate-record', { source: trial.record.source }));
  }
  return notes;
}

/** The bytes an ARC-Seal signs: the sets 1..i (or only set i for cv=fail), relaxed, b= emptied. */
function sealData(sets: ArcSetFields[], upTo: number, ownSetOnly: boolean): Buffer | null {
  const chunks: Buffer[] = [];
  for (const set of sets) {
    if (set.instance > upTo || (ownSetOnly && set.instance !== upTo)) continue;
    const aar = set['arc-authentication-results'];
    const ams = set['arc-message-signature'];
    const as = set['arc-seal'];
    if (!aar || !ams || !as) return null;
    chunks.push(tools.formatRelaxedLine(aar.row.line, '\r\n'));
    chunks.push(tools.formatRelaxedLine(ams.row.line, '\r\n'));
    if (set.instance < upTo) {
      chunks.push(tools.formatRelaxedLine(as.row.line, '\r\n'));
    } else {
      chunks.push(tools.stripSignatureValue(tools.formatRelaxedLine(as.row.line), true));
    }
  }
  return Buffer.concat(chunks);
}

async function checkSeal(
  scanned: ScannedMessage,
  set: ArcSetFields,
  lookup: KeyLookupFn,
  judged: JudgedAt,
): Promise<ArcHop['seal']> {
  const sets = scanned.sets;
  const tags = set['arc-seal']?.value.parsed;
  const cv = tagString(tags, 'cv').toLowerCase();
  const out: ArcHop['seal'] = {
    domain: tagString(tags, 'd'),
    selector: tagString(tags, 's'),
    cv,
    result: 'invalid',
    reasons: [],
    keyBits: null,
    time: null,
  };
  if (!tags) {
    out.reasons = [coded('arc.seal-missing', { instance: set.instance })];
    return out;
  }
  const t = tags.t?.value;
  if (typeof t === 'number' && Number.isFinite(t)) {
    out.time = new Date(t * 1000).toISOString();
  }
  const signAlgo = signAlgoOf(tags);
  const malformed = tagListProblem(set['arc-seal'], 'arc-seal');
  if (!signAlgo || malformed) {
    out.reasons = [malformed ?? coded('arc.seal-unsupported-algorithm', { algorithm: tagString(tags, 'a') })];
    return out;
  }
  const ownOnly = cv === 'fail';
  const data = sealData(sets, set.instance, ownOnly);
  if (!data) {
    out.reasons = [coded('arc.set-incomplete', { instance: set.instance })];
    return out;
  }
  let trial = await tryKeys(lookup, keyName(tags), signAlgo, verifier(signAlgo, data, tagString(tags, 'b')));
  const notes: Coded[] = [];
  if (ownOnly && trial.status === 'fail') {
    // RFC 8617 section 5.1.2: a cv=fail seal covers only its own set; some sealers sign the whole chain
    const whole = sealData(sets, set.instance, false);
    if (whole) {
      const alt = await tryKeys(
        lookup,
        keyName(tags),
        signAlgo,
        verifier(signAlgo, whole, tagString(tags, 'b')),
      );
      if (alt.status === 'pass') {
        trial = alt;
        notes.push(coded('arc.seal-signs-whole-chain'));
      }
    }
  }
  out.keyBits = trial.keyBits;
  out.result = trial.status === 'invalid-key' ? 'invalid' : trial.status;
  if (trial.reason)
    notes.push(
      trial.reason.code === 'arc.signature-fails' ? coded('arc.seal-signature-fails') : trial.reason,
    );
  if (trial.status === 'pass' && cv === 'fail') notes.push(coded('arc.seal-reports-broken'));
  const late = typeof t === 'number' ? sealTooLate(t, scanned, judged) : null;
  if (late) notes.push(late);
  notes.push(...describeKey(trial));
  out.reasons = notes;
  return out;
}

/**
 * A seal time that matters: after the exact time the user gave, or (judged at the message's own
 * time, which every hop seals after) later than the message's last receipt by more than clock skew.
 */
function sealTooLate(t: number, scanned: ScannedMessage, judged: JudgedAt): Coded | null {
  if (judged.given)
    return t * 1000 > judged.at.getTime()
      ? coded('arc.seal-time-after', { against: 'given', at: judged.at.toISOString() })
      : null;
  const received = receivedDates(scanned.rows).map((r) => r.date.getTime());
  if (!received.length) return null;
  const last = Math.max(...received);
  return t * 1000 > last + SIGNED_AFTER_RECEIPT_TOLERANCE_S * 1000
    ? coded('arc.seal-time-after', { against: 'received', at: new Date(last).toISOString() })
    : null;
}

async function checkAms(
  scanned: ScannedMessage,
  set: ArcSetFields,
  lookup: KeyLookupFn,
  at: Date,
): Promise<ArcHop['ams']> {
  const field = set['arc-message-signature'];
  const tags = field?.value.parsed;
  const out: ArcHop['ams'] = {
    domain: tagString(tags, 'd'),
    selector: tagString(tags, 's'),
    result: 'invalid',
    reasons: [],
    canonicalization: tagString(tags, 'c') || null,
    keyBits: null,
  };
  if (!field || !tags) {
    out.reasons = [coded('arc.ams-missing', { instance: set.instance })];
    return out;
  }
  const signAlgo = signAlgoOf(tags);
  const malformed = tagListProblem(field, 'arc-message-signature');
  if (!signAlgo || malformed) {
    out.reasons = [malformed ?? coded('arc.ams-unsupported-algorithm', { algorithm: tagString(tags, 'a') })];
    return out;
  }
  const canonicalizations = amsCanonicalizations(tags);
  if (!canonicalizations.length) {
    out.reasons = [coded('arc.ams-unknown-canonicalization', { canonicalization: tagString(tags, 'c') })];
    return out;
  }
  const h = tagString(tags, 'h');
  const fields = h
    .toLowerCase()
    .split(':')
    .map((s) => s.trim())
    .filter(Boolean);
  if (fields.includes('arc-seal')) {
    out.reasons = [coded('arc.ams-signs-seal')];
    return out;
  }
  const notes: Coded[] = [];
  if (!fields.includes('from')) notes.push(coded('arc.ams-from-unsigned'));
  const x = tags.x?.value;
  const expired = typeof x === 'number' && x * 1000 < at.getTime();

  // The header fields as this hop saw them: the ARC sets added by later hops are left out.
  const rows = scanned.rows.filter((row) => {
    if (!(ARC_KEYS as readonly string[]).includes(row.key)) return true;
    let value: ParsedHeaderValue;
    try {
      value = tools.parseDkimHeaders(row.line, { strict: true });
    } catch {
      return true;
    }
    const i = arcInstance(row.key, row, value);
    return i === null || i <= set.instance;
  });
  const lines = tools.getSigningHeaderLines(rows, h, true);
  const length = bodyLength(tags);
  let last: KeyTrial | null = null;
  let bodyMismatch = false;
  for (const canon of canonicalizations) {
    const bodyHash = scanned.bodyHashes.get(hashKey(canon, length));
    if (bodyHash !== tagString(tags, 'bh').replace(/\s+/g, '')) {
      bodyMismatch = true;
      continue;
    }
    bodyMismatch = false;
    const { canonicalizedHeader } = generateCanonicalizedHeader('ARC', lines, {
      signatureHeaderLine: field.row.line,
      canonicalization: canon,
      instance: set.instance,
      strict: true,
    });
    const trial = await tryKeys(
      lookup,
      keyName(tags),
      signAlgo,
      verifier(signAlgo, canonicalizedHeader, tagString(tags, 'b')),
    );
    last = trial;
    if (trial.status === 'pass') {
      if (!out.canonicalization) {
        notes.push(coded('arc.ams-canonicalization-default', { canonicalization: canon }));
        out.canonicalization = canon;
      }
      break;
    }
  }
  if (!last) {
    out.result = 'fail-body';
    out.reasons = [coded('arc.ams-body-changed'), ...notes];
    return out;
  }
  out.keyBits = last.keyBits;
  switch (last.status) {
    case 'pass':
      out.result = expired ? 'expired' : 'pass';
      if (expired) notes.unshift(coded('arc.ams-expired'));
      break;
    case 'fail':
      out.result = 'fail-header';
      notes.unshift(coded('arc.ams-headers-changed'));
      break;
    case 'invalid-key':
      out.result = 'invalid';
      notes.unshift(last.reason ?? coded('arc.unusable-key'));
      break;
    default:
      out.result = last.status;
      if (last.reason) notes.unshift(last.reason);
  }
  if (bodyMismatch && last.status !== 'pass') notes.push(coded('arc.ams-body-mismatch-other'));
  notes.push(...describeKey(last));
  out.reasons = notes;
  return out;
}

function authResults(set: ArcSetFields): { authservId: string | null; authResults: string | null } {
  const row = set['arc-authentication-results']?.row;
  if (!row) return { authservId: null, authResults: null };
  const text = row.line.toString('utf8');
  const payload = text
    .slice(text.indexOf(':') + 1)
    .replace(/^\s*i\s*=\s*[0-9]+\s*;/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const authservId = /^([^;\s]+)/.exec(payload)?.[1] ?? null;
  return { authservId, authResults: payload };
}

/** Every ARC set of the message, checked hop by hop: what the chain verdict (arc.ts) is made from. */
export async function checkHops(
  scanned: ScannedMessage,
  lookup: KeyLookupFn,
  judged: JudgedAt,
): Promise<ArcHop[]> {
  const hops: ArcHop[] = [];
  for (const set of scanned.sets) {
    const [ams, seal] = await Promise.all([
      checkAms(scanned, set, lookup, judged.at),
      checkSeal(scanned, set, lookup, judged),
    ]);
    for (const dup of set.duplicates) {
      const note = coded('arc.duplicate-field', { field: dup, instance: set.instance });
      (dup === 'arc-seal' ? seal : ams).reasons.push(note);
    }
    hops.push({ instance: set.instance, ams, seal, ...authResults(set) });
  }
  return hops;
}
