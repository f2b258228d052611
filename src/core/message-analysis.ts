// Parsing plus DKIM/ARC verification of one message: the work the ingest hands to worker threads.
import type { AnalysisRequest, MessageAnalysis } from '../ingest/analysis.ts';
import { MBOX_RD_UNESCAPE, MBOX_UNESCAPE, unescapeMbox } from '../ingest/formats/mbox.ts';
import type { Limits } from '../ingest/limits.ts';
import { ArchiveKeyResolver } from '../keys/archive-resolver.ts';
import type { DisclosedKey } from '../keys/disclosed.ts';
import { DnsKeyResolver } from '../keys/dns-resolver.ts';
import type { KeyFailure } from '../keys/formats/types.ts';
import type { KeyRecord } from '../keys/types.ts';
import { parseMessage } from '../mail/parse.ts';
import { sha256Hex } from '../store/blobs.ts';
import { type VerificationRecord, verificationRecord } from '../verify/case-verification.ts';
import { verifyMessage } from '../verify/message.ts';

export interface VerifiedExtra {
  verification: VerificationRecord;
  /** Keys fetched from live DNS for this message, to be saved into the case's archive. */
  fetched: { records: KeyRecord[]; failures: KeyFailure[] };
}

/** Everything a worker needs, passed once when it starts (structured-cloneable). */
export interface AnalysisSetup {
  limits: Limits;
  keys: { records: KeyRecord[]; failures: KeyFailure[] };
  disclosedKeys: DisclosedKey[];
  dns: boolean;
}

/**
 * The verifier's repairs that undo what a container recorded doing to a member. A single level of
 * `>From ` escaping reads the same under mboxo and mboxrd; the repair is named mboxo-unescape then,
 * as when it is found by trial.
 */
const REPAIRS_FOR_TRANSFORMATION: Record<string, string[]> = {
  [MBOX_RD_UNESCAPE]: ['mboxrd-unescape'],
  [MBOX_UNESCAPE]: ['mboxo-unescape'],
};

export type Analyse = (request: AnalysisRequest) => Promise<MessageAnalysis<VerifiedExtra>>;

export function createAnalyse(setup: AnalysisSetup): Analyse {
  const resolver = new ArchiveKeyResolver(
    setup.keys.records,
    setup.keys.failures,
    setup.dns ? new DnsKeyResolver() : null,
  );
  return async (request) => {
    const sha256 = sha256Hex(request.raw);
    // Parsed with the container's escaping undone (on a copy); verified on the exact stored bytes.
    const readable = request.transformations.reduce((bytes, t) => unescapeMbox(bytes, t), request.raw);
    const parsed = await parseMessage(readable, setup.limits, request.claimed);
    const partSha256 = parsed.parts.map((part) => sha256Hex(part.bytes));
    if (!parsed.message) return { sha256, parsed, partSha256, extra: null };
    // Verified on the exact stored bytes: export damage is undone, and named, by the verifier's repairs.
    const verification = await verifyMessage(request.raw, {
      keys: resolver,
      disclosedKeys: setup.disclosedKeys,
      firstRepairs: request.transformations.flatMap((t) => REPAIRS_FOR_TRANSFORMATION[t] ?? []),
    });
    const extra = { verification: verificationRecord(verification), fetched: resolver.takeFetched() };
    return { sha256, parsed, partSha256, extra };
  };
}
