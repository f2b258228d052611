// Result types of DKIM verification for archived mail. Every field is meant to be shown to a
// journalist: reasons are stored as stable codes with parameters (report/catalogue.ts) and turned
// into plain sentences at the edge (render), never stored as words.
import { type Coded, coded } from '../report/catalogue.ts';
import type { ArcResult } from './arc.ts';
import type { ShownHeader } from './flags.ts';

export type SignatureResult = 'pass' | 'fail-body' | 'fail-header' | 'no-key' | 'key-revoked' | 'invalid';

export interface SignatureKeyReport {
  /** `<selector>._domainkey.<domain>` */
  name: string;
  /** RSA modulus length, 256 for ed25519, null when the record could not be parsed. */
  bits: number | null;
  type: 'rsa' | 'ed25519' | null;
  /** Where the archived record came from (file and format, `dns`, …). */
  source: string;
  firstSeen: string | null;
  lastSeen: string | null;
  /** For live DNS fetches: when it was fetched. */
  fetchedAt: string | null;
  /** The TXT value as archived. */
  value: string;
  /** Set when the key is listed as disclosed: when its private half was published, and where. */
  disclosure?: { disclosed: string; source: string };
}

export interface SignatureReport {
  /** 0-based position among the DKIM-Signature fields, top to bottom. */
  index: number;
  domain: string;
  selector: string;
  algorithm: string;
  canonicalization: string;
  signedHeaders: string[];
  /** i= (the agent or user identity), decoded; null when absent. */
  identity: string | null;
  /** t= as unix seconds. */
  timestamp: number | null;
  /** x= as unix seconds. */
  expiration: number | null;
  /** l= in bytes of canonicalised body. */
  bodyLength: number | null;
  result: SignatureResult;
  /** What happened: a signature.* code, rendered in words a journalist understands. */
  reason: Coded;
  /**
   * When the body hash fails: was the header signature still valid ("headers authentic, body
   * altered")? null when it could not be checked (no key) or the body hash matched.
   */
  headersAuthentic: boolean | null;
  /** The key record that matched (or the only one tried); null when there was none. */
  key: SignatureKeyReport | null;
  /** Stable strings (`weak-key:1024`); their words are the catalogue's flag.* (describeFlag in flags.ts). */
  flags: string[];
  /** Names of the export repairs undone before this signature passed (see repairs.ts). */
  repairs: string[];
  /** Body hash computed over the bytes that were checked, base64; null when not computed. */
  bodyHashComputed: string | null;
  /** bh= of the signature. */
  bodyHashExpected: string | null;
  /**
   * With l=: the body text after the signed length (canonicalised, at most UNSIGNED_TEXT_LIMIT
   * characters), which anyone could have appended. Absent when everything is signed.
   */
  unsignedText?: string;
  /**
   * On a pass: headers a reader sees (the top-most From, Subject or Date) that are not the ones
   * the signature covers. The signature holds; the message as shown is not the one signed.
   */
  shownHeaders?: ShownHeader[];
}

/** Characters of the unsigned tail kept in a report (the count of unsigned bytes is always exact). */
export const UNSIGNED_TEXT_LIMIT = 4000;

export const VERDICTS = [
  'authentic',
  'authentic-with-caveats',
  'forgeable',
  'altered',
  'unverifiable',
  'key-unavailable',
  'unsigned',
] as const;

export type Verdict = (typeof VERDICTS)[number];

export type AtSource = 'given' | 'signature' | 'date' | 'received' | 'none';

export interface MessageVerification {
  verdict: Verdict;
  /** verdict.* codes, in the order they are shown. */
  reasons: Coded[];
  /** The time the message was judged at (ISO 8601); null when no time could be found. */
  at: string | null;
  atSource: AtSource;
  signatures: SignatureReport[];
  arc: ArcResult;
  /** What a pass does not prove: caveat.standing. */
  caveat: Coded;
  /** DKIM-Signature fields beyond MAX_CHECKED_SIGNATURES, not checked (absent when none). */
  uncheckedSignatures?: number;
}

/**
 * Signatures checked per message. Real mail carries one to a few; thousands in one header block
 * are an attack on the verifier's time (each costs a key lookup, a canonicalisation and a check).
 */
export const MAX_CHECKED_SIGNATURES = 50;

/** What a passing signature does not prove, said in every report. */
export const STANDING_CAVEAT: Coded = coded('caveat.standing');
