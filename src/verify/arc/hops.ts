// Per-hop detail of an ARC chain: every ARC-Seal and every ARC-Message-Signature checked on its
// own, with mailauth's canonicalization primitives. mailauth only reports the chain verdict (it
// stops at the first broken seal and only checks the newest AMS); a journalist needs to see which
// intermediary's seal holds and where the message changed.
import crypto from 'node:crypto';
import { type Coded, coded } from '../../report/catalogue.ts';
import type { ArcHop } from '../arc.ts';
import { signatureKeyName } from '../signature-header.ts';
import { type KeyLookupFn, type KeyTrial, tryKeys, weakKeyNote } from './keys.ts';
import {
  type BodyHasher,
  dkimBody,
  generateCanonicalizedHeader,
  type HeaderRow,
  MessageParser,
  type ParsedHeaderValue,
  type TagMap,
  tagString,
  tools,
} from './mailauth.ts';

const ARC_KEYS = ['arc-seal', 'arc-message-signature', 'arc-authentication-results'] as const;
type ArcKey = (typeof ARC_KEYS)[number];

interface ArcField {
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
        continue;
      }
      const instance = arcInstance(key, row, value);
      if (instance === null) continue;
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
  rows: HeaderRow[];
  bodyHashes: Map<string, string>;
}

export async function scanArc(raw: Buffer): Promise<ScannedMessage> {
  const scanner = new ArcScanner();
  await tools.writeToStream(scanner, raw);
  return {
    sets: [...scanner.sets.values()].sort((a, b) => a.instance - b.instance),
    rows: scanner.rows,
    bodyHashes: scanner.hashes,
  };
}

function signAlgoOf(tags: TagMap | undefined): 'rsa' | 'ed25519' | null {
  const a = tagString(tags, 'a').toLowerCase();
  if (a === 'rsa-sha256') return 'rsa';
  if (a === 'ed25519-sha256') return 'ed25519';
  return null;
}

function verifier(signAlgo: 'rsa' | 'ed25519', data: Buffer, b: string) {
  const signature = Buffer.from(b.replace(/\s+/g, ''), 'base64');
  return (key: { publicKey: string | Buffer }) =>
    crypto.verify(
      signAlgo === 'rsa' ? 'sha256' : null,
      signAlgo === 'rsa' ? data : crypto.createHash('sha256').update(data).digest(),
      key.publicKey,
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
  sets: ArcSetFields[],
  set: ArcSetFields,
  lookup: KeyLookupFn,
  at: Date,
): Promise<ArcHop['seal']> {
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
  if (!signAlgo || !out.domain || !out.selector || !tagString(tags, 'b')) {
    out.reasons = [
      !signAlgo
        ? coded('arc.seal-unsupported-algorithm', { algorithm: tagString(tags, 'a') })
        : coded('arc.seal-tags-missing'),
    ];
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
  if (typeof t === 'number' && t * 1000 > at.getTime()) notes.push(coded('arc.seal-time-after'));
  notes.push(...describeKey(trial));
  out.reasons = notes;
  return out;
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
  const missing = ['a', 'b', 'bh', 'd', 'h', 's'].filter((k) => !tags[k]);
  if (!signAlgo || missing.length) {
    out.reasons = [
      !signAlgo
        ? coded('arc.ams-unsupported-algorithm', { algorithm: tagString(tags, 'a') })
        : coded('arc.ams-tags-missing', { tags: missing }),
    ];
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

/** Every ARC set of the message, checked hop by hop (informational; the chain verdict is mailauth's). */
export async function checkHops(scanned: ScannedMessage, lookup: KeyLookupFn, at: Date): Promise<ArcHop[]> {
  const hops: ArcHop[] = [];
  for (const set of scanned.sets) {
    const [ams, seal] = await Promise.all([
      checkAms(scanned, set, lookup, at),
      checkSeal(scanned.sets, set, lookup, at),
    ]);
    for (const dup of set.duplicates) {
      const note = coded('arc.duplicate-field', { field: dup, instance: set.instance });
      (dup === 'arc-seal' ? seal : ams).reasons.push(note);
    }
    hops.push({ instance: set.instance, ams, seal, ...authResults(set) });
  }
  return hops;
}
