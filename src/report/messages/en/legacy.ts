// English words for the signatures from before RFC 6376 (codes emitted by verify/legacy/):
// DomainKeys (RFC 4870) and DKIM draft-00, whose single hash covers headers and body together.
import type { Messages } from '../../catalogue.ts';
import { cap, label } from './verify.ts';

export const enLegacy: Messages = {
  'signature.legacy-changed': (p) =>
    `the signature does not verify: the signed headers or the body were changed (this kind of signature hashes them together, so it cannot tell which)${Number(p.keys) > 1 ? `, or none of the ${p.keys} archived keys for ${p.name} is the one used then` : ', or the archived key is not the one used then'}`,
  'signature.dk-no-sender': () =>
    'the DomainKeys signature covers neither a Sender nor a From header with an address, so it vouches for no sender',
  'signature.dk-sender-outside-domain': (p) =>
    `the DomainKeys signature is by ${p.domain}, but the sender it covers (${p.header === 'sender' ? 'Sender' : 'From'}: ${p.identity}) is not in that domain, so it does not vouch for this sender`,
  // For the verdict: params index, domain, selector, kind (`domainkeys` or `dkim-draft`).
  'verdict.legacy-changed': (p) =>
    `${cap(label(p))}: the signed headers or the body were changed — this kind of signature hashes them together, so it cannot tell which — or the archived key is not the one used then.`,
  'flag.domainkeys': () =>
    'a DomainKeys signature (RFC 4870, used from about 2004 to 2012, before DKIM): it hashes headers and body together with SHA-1',
  'flag.dkim-draft': (p) =>
    `a DKIM signature made to a draft of the standard (draft-${p.value}, before RFC 4871 of 2007): it hashes headers and body together`,
};
