// DKIM and ARC verification of a message at its own time, against the case's key archive (and
// disclosures), as a registered analyser. It runs in the ingest's worker threads beside the parser
// (it has a module), and again through `crible analyse` when keys or disclosures it used change.
import { MBOX_RD_UNESCAPE, MBOX_UNESCAPE } from '../ingest/formats/mbox.ts';
import { ArchiveKeyResolver } from '../keys/archive-resolver.ts';
import type { DisclosedKey } from '../keys/disclosed.ts';
import { DnsKeyResolver } from '../keys/dns-resolver.ts';
import type { KeyFailure } from '../keys/formats/types.ts';
import type { KeyRecord } from '../keys/types.ts';
import { type Finding, keyInput } from '../store/store.ts';
import { verifyMessage } from '../verify/message.ts';
import { signatureKeyName } from '../verify/signature-header.ts';
import type { MessageVerification } from '../verify/types.ts';
import { caveatFlags, isForgeablePass } from '../verify/verdict.ts';
import type { Analyser } from './analyser.ts';

export interface DkimSetup {
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

/** The key names a verification read: a new key or disclosure for one of them can change it. */
export function keyInputs(v: MessageVerification): string[] {
  const names = v.signatures.map((s) => signatureKeyName(s.selector, s.domain));
  for (const hop of v.arc.hops) {
    if (hop.ams.selector && hop.ams.domain) names.push(signatureKeyName(hop.ams.selector, hop.ams.domain));
    if (hop.seal.selector && hop.seal.domain)
      names.push(signatureKeyName(hop.seal.selector, hop.seal.domain));
  }
  return [...new Set(names)].map(keyInput);
}

/** Each signature flag as a finding: what keeps a pass from proving much is medium, a forgeable pass high. */
export function signatureFindings(v: MessageVerification): Finding[] {
  return v.signatures.flatMap((s) => {
    const caveats = new Set(caveatFlags(s));
    const forgeable = isForgeablePass(s);
    return s.flags.map((flag): Finding => {
      const colon = flag.indexOf(':');
      const name = colon === -1 ? flag : flag.slice(0, colon);
      // A forgeable pass, or a message dated before its signing key existed, is what to look at first.
      const high =
        (forgeable && (name === 'weak-key' || name === 'key-disclosed')) || name === 'key-newer-than-message';
      return {
        code: `dkim.${name}`,
        severity: high ? 'high' : caveats.has(flag) ? 'medium' : 'info',
        params: { flag, ...(colon === -1 ? {} : { value: flag.slice(colon + 1) }) },
        evidence: { signature: s.index + 1, domain: s.domain, selector: s.selector, result: s.result },
      };
    });
  });
}

export const analyser: Analyser<DkimSetup> = {
  id: 'dkim',
  // Bump when a change to verification can change a stored result: every message is verified again.
  version: '3',
  types: ['message'],
  module: import.meta.url,
  async setup(store, options) {
    return {
      keys: await store.listKeys(),
      disclosedKeys: await store.listDisclosedKeys(),
      dns: options.dns ?? false,
    };
  },
  start(setup) {
    const resolver = new ArchiveKeyResolver(
      setup.keys.records,
      setup.keys.failures,
      setup.dns ? new DnsKeyResolver() : null,
    );
    return async (input) => {
      // Verified on the exact stored bytes: export damage is undone, and named, by the verifier's repairs.
      const verification = await verifyMessage(input.bytes, {
        keys: resolver,
        disclosedKeys: setup.disclosedKeys,
        firstRepairs: input.transformations.flatMap((t) => REPAIRS_FOR_TRANSFORMATION[t] ?? []),
        rebuiltFrom: rebuiltFrom(input.flags),
      });
      return {
        status: 'ok',
        summary: verification.verdict,
        resultJson: JSON.stringify(verification),
        inputs: keyInputs(verification),
        findings: signatureFindings(verification),
        learntKeys: resolver.takeFetched(),
      };
    };
  },
};

/** The mail store a message was rebuilt from (flag `rebuilt-from:<store>` of its place), if any. */
function rebuiltFrom(flags: string[]): string | null {
  const flag = flags.find((f) => f.startsWith(REBUILT_FLAG));
  return flag ? flag.slice(REBUILT_FLAG.length) : null;
}

const REBUILT_FLAG = 'rebuilt-from:';
