// Signatures from before RFC 6376 that mailauth does not verify: DomainKeys (RFC 4870,
// DomainKey-Signature) and DKIM draft-00 (a DKIM-Signature without bh=). Archived mail from
// 2004-2012 carries them; Mail::DKIM verifies both, and its rules are followed here.

import { prepareMessage } from '../prepared.ts';
import { baseRepairs } from '../repairs.ts';
import type { SignatureReport } from '../types.ts';
import { checkLegacySignature, LEGACY_FLAGS, type LegacyOptions, legacyMessage } from './check.ts';
import { draftSignatures } from './dkim-draft.ts';
import { domainKeySignatures } from './domainkeys.ts';

export { LEGACY_FLAGS, type LegacyOptions } from './check.ts';

/** Which kind of legacy signature a report is, read from its flag; null for an RFC 6376 one. */
export function legacyKind(report: Pick<SignatureReport, 'flags'>): keyof typeof LEGACY_FLAGS | null {
  if (report.flags.includes(LEGACY_FLAGS.domainkeys)) return 'domainkeys';
  return report.flags.includes(LEGACY_FLAGS['dkim-draft']) ? 'dkim-draft' : null;
}
export { isDraftSignature } from './dkim-draft.ts';

/**
 * One report per DomainKey-Signature field (flag `domainkeys`; index = position among the
 * DomainKey-Signature fields), then one per draft-00 DKIM-Signature field (flag `dkim-draft:00`;
 * index = position among the DKIM-Signature fields, as verifyMessage numbers them). At most
 * MAX_CHECKED_SIGNATURES of each kind are checked. Results: pass, fail-header (these signatures
 * hash headers and body together: "the signed headers or the body were changed"), no-key,
 * key-revoked, invalid. Bare LFs are made CRLF first (repair `lf-to-crlf`, named in a pass);
 * no other repair is tried.
 */
export async function verifyLegacySignatures(raw: Buffer, opts: LegacyOptions): Promise<SignatureReport[]> {
  // A bare LF is never read as a line end silently (mailauth's header parser would): the message
  // is checked as a CRLF copy, and a pass names the repair, as verifyMessage does.
  const base = baseRepairs(raw);
  const pm = prepareMessage(base.bytes);
  const message = legacyMessage(pm.headers, base.names);
  const reports: SignatureReport[] = [];
  for (const legacy of [...domainKeySignatures(pm), ...draftSignatures(pm)]) {
    reports.push(await checkLegacySignature(legacy, message, opts));
  }
  return reports;
}
