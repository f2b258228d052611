// English words for verification: verdict reasons, signature results, key problems, ARC, flags and
// repairs (codes emitted by verify/). Namespaces: verdict.* (the message's reasons), signature.*
// (one DKIM signature's result), key.* (why an archived key record cannot be used), arc.* (the ARC
// chain, its hops and notes), flag.* (per-signature warnings, see verify/flags.ts), repair.* (export
// damage undone, see verify/repairs.ts), caveat.standing.
import { nested, nestedList } from '../../../verify/codes.ts';
import type { Coded, Messages, Param, Params } from '../../catalogue.ts';

export const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const list = (v: Param | Param[] | undefined): Param[] => (Array.isArray(v) ? v : []);

/** The words for a code quoted inside another; an unknown code is shown as render shows it. */
function words(c: Coded | null): string {
  if (!c) return '';
  const template = enVerify[c.code];
  if (template) return template(c.params ?? {});
  return `${c.code}${c.params ? ` ${JSON.stringify(c.params)}` : ''}`;
}

const joined = (p: Params, key: string): string => nestedList(p, key).map(words).join('; ');

// ------------------------------------------------------------------------------------------------
// A signature named in a message's reasons: index (0-based), domain, selector; with result and
// reason (nested) when the reason quotes the signature's own result.

const KINDS: Record<string, string> = {
  domainkeys: 'DomainKeys signature',
  'dkim-draft': 'draft DKIM signature',
};
export const label = (p: Params): string =>
  `${KINDS[String(p.kind)] ?? 'signature'} #${Number(p.index) + 1} (${p.domain || '?'}, selector ${p.selector || '?'})`;
const signatureSummary = (p: Params): string => `${label(p)}: ${p.result} — ${words(nested(p, 'reason'))}`;

const repairText = (name: Param | Param[] | undefined): string =>
  enVerify[`repair.${name}`]?.({}) ?? String(name);

/** An ISO instant as a reader writes it: `2017-05-05 14:03 UTC` (seconds when they matter). */
function when(v: Param | Param[] | undefined): string {
  const s = typeof v === 'string' ? v : '';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?/.exec(s);
  if (!m) return s || 'an unknown time';
  return `${m[1]} ${m[2]}${m[3] && m[3] !== ':00' ? m[3] : ''} UTC`;
}

/** Which time a message was judged at, in words. */
const judgedAt = (p: Params): string =>
  p.atSource === 'given'
    ? `the time you gave (${when(p.at)})`
    : `the message's own time (${when(p.at)}, from its ${AT_SOURCES[String(p.atSource)] ?? 'headers'})`;

const AT_SOURCES: Record<string, string> = {
  signature: 'earliest signature time t=',
  date: 'Date header',
  received: 'earliest Received header',
};

const verdicts: Messages = {
  'verdict.unsigned': () =>
    'The message carries no DKIM (or DomainKeys) signature: nothing can confirm who sent it or that it is unchanged.',
  'verdict.valid': (p) =>
    `${cap(label(p))} is valid: ${p.domain} signed these headers and ${p.partial ? 'the start of this body' : 'this body'} (${p.bits ? `${p.bits}-bit ${p.keyType} key` : 'archived key'} from ${p.keySource ?? 'the key archive'}).`,
  'verdict.repair-caveat': (p) => `Export damage was undone before it passed: ${repairText(p.repair)}.`,
  'verdict.repair-storage': (p) =>
    `Stored the way mail folders keep messages, undone before checking (not a change of content): ${repairText(p.repair)}.`,
  'verdict.flag-caveat': (p) => `${cap(words(nested(p, 'flag')))}.`,
  'verdict.shown-header-not-signed': (p) =>
    `${cap(label(p))} is valid, but not over the ${headerLabel(p.header)} a reader sees: mail programs show the top one, "${p.shown}", which is not signed; the signature covers another ${headerLabel(p.header)} below it, "${p.signed}". The message as shown is not the one ${p.domain} signed.`,
  'verdict.expired': (p) =>
    `The signature's expiry (x=, ${when(p.expiration)}) had passed at ${judgedAt(p)}.`,
  'verdict.signed-after-judged': (p) =>
    `The signature says it was made at ${when(p.timestamp)} (t=), after ${judgedAt(p)}: a signature cannot predate itself, so either its t= or that time is false.`,
  'verdict.key-newer-than-message': (p) =>
    `The message is dated ${when(p.dated)}, but its signing key's name (selector ${p.selector}) says the key was made in ${p.keyDate}: the Date is false, or the message was signed later than it claims (a replay or a backdated message sent through a real account).`,
  'verdict.body-length-nothing-appended': (p) =>
    `The signature covers only the first ${p.length} bytes of the body (l=): anyone could append text below them without breaking it. Here nothing follows the signed part.`,
  'verdict.key-archive-window': (p) =>
    `For information: the key archive saw ${p.name} ${p.firstSeen ? `from ${when(p.firstSeen)}` : ''}${p.firstSeen && p.lastSeen ? ' ' : ''}${p.lastSeen ? `to ${when(p.lastSeen)}` : ''} (archives start looking long after keys are made: this is not a caveat).`,
  'verdict.other-signature-fails': (p) => `Another signature does not verify — ${signatureSummary(p)}.`,
  'verdict.arc-explains-other': () =>
    'An ARC chain validates: an intermediary (mailing list, forwarder) vouches for what it received, which may explain why the other signature broke.',
  'verdict.rebuilt-still-valid': (p) =>
    `The bytes were rebuilt (${p.rebuiltFrom}), yet the signature still verifies.`,
  'verdict.also': (p) => `Also: ${signatureSummary(p)}.`,
  'verdict.signature': (p) => `${cap(signatureSummary(p))}.`,
  'verdict.no-date': () => 'No date was found in the message: signature expiry was not judged.',
  'verdict.judged-at-given': (p) => `Judged at ${p.at} (time given by the user).`,
  'verdict.forgeable-disclosed': (p) =>
    `${cap(label(p))} verifies, but proves nothing: its private key was published on ${p.disclosed} (${p.disclosureSource}), so anyone could have made it since. It still counts if the message is known to have existed before that date (for instance, if the dump was public earlier).`,
  'verdict.forgeable-weak': (p) =>
    `${cap(label(p))} verifies, but proves nothing: its key is only ${p.bits ?? '?'} bits, which can be factored cheaply, so anyone could have made it after the fact.`,
  'verdict.rebuilt': (p) =>
    `The message was rebuilt from ${p.rebuiltFrom} rather than kept as the original bytes; DKIM signs exact bytes, so its signatures cannot be checked and their failure is not evidence of tampering.`,
  'verdict.body-altered': (p) =>
    `${cap(label(p))}: headers authentic, body altered — the signed headers are intact but the body differs from what ${p.domain} signed.`,
  'verdict.body-altered-forgeable-key': (p) =>
    `${cap(label(p))}: the body differs from what ${p.domain} signed; the header signature verifies, but with a key anyone could have used, so it proves nothing about the headers either.`,
  'verdict.body-and-headers-fail': (p) =>
    `${cap(label(p))}: the body differs from what ${p.domain} signed, and the header signature does not verify either.`,
  'verdict.header-changed': (p) =>
    `${cap(label(p))}: the body is as signed, but a signed header (${list(p.signedHeaders).join(', ')}) was changed, or the archived key is not the one used then.`,
  'verdict.arc-explains-change': () =>
    'An ARC chain validates: an intermediary (mailing list, forwarder) vouches for what it received, which may explain the change.',
  'verdict.no-known-damage': () =>
    'No known export damage (line endings, mbox escaping, added headers, whitespace) explains it.',
  'verdict.revoked-not-forgery': () =>
    'A revoked key means the domain withdrew it later (usually rotation); it is not proof of forgery.',
  'verdict.none-checkable': () => 'No signature on this message can be checked.',
  'verdict.too-many-signatures': (p) =>
    `The message carries ${p.count} DKIM signatures; only the first ${p.checked} were checked. So many is not normal mail: it looks made to slow verifiers down.`,
  'verdict.header-block-too-long': (p) => headerBlockTooLong(p),
  'verdict.signed-header-block-too-long': (p) =>
    `Signed, but the signatures were not checked. ${headerBlockTooLong(p)}`,
};

function headerBlockTooLong(p: Params): string {
  return `The header block has ${p.lines} lines (real mail has tens, rarely hundreds); it was not read further, as a block this size is made to stall verifiers.`;
}

// ------------------------------------------------------------------------------------------------

const DNS_FAILURES: Record<string, string> = {
  ENOTFOUND: 'the domain answered that no such key exists (NXDOMAIN)',
  ETIMEOUT: 'the key lookup timed out',
  ESERVFAIL: "the domain's DNS servers failed (SERVFAIL)",
};

/** signature.pass and signature.pass-repaired: record/records (1-based, of), disclosed and its source. */
function passed(p: Params): string {
  const which = Number(p.records) > 1 ? ` (archived record ${p.record} of ${p.records} matched)` : '';
  const repairs = list(p.repairs);
  const repaired = repairs.length ? ` after undoing export damage: ${repairs.join(', ')}` : '';
  const disclosed = p.disclosed
    ? `; but its private key was published on ${p.disclosed} (${p.disclosureSource})`
    : '';
  return `valid signature by ${p.domain}${which}${repaired}${disclosed}`;
}

/** "none of the N archived keys for <name> matches" when several keys were tried, else null. */
const triedKeys = (p: Params): string | null =>
  Number(p.keys) > 1 ? `none of the ${p.keys} archived keys for ${p.name} matches` : null;

const signatures: Messages = {
  'signature.unchecked': () => 'the signature was not checked',
  'signature.incomplete': (p) =>
    `the signature is incomplete (missing ${list(p.missing)
      .map((t) => `${t}=`)
      .join(', ')})`,
  'signature.malformed': () => 'the signature field is malformed',
  'signature.unknown-version': (p) => `the signature declares an unknown DKIM version (v=${p.version})`,
  'signature.unknown-query': (p) => `the signature asks for its key by an unknown method (q=${p.query})`,
  'signature.unsupported-algorithm': (p) =>
    `the signature uses an unsupported algorithm (${p.algorithm || 'none'})`,
  'signature.unknown-canonicalization': (p) =>
    `the signature uses an unknown canonicalisation (${p.canonicalization})`,
  'signature.from-not-signed': () =>
    'the signature does not cover the From header, so it says nothing about the sender',
  'signature.invalid-length': () => 'the signature has an invalid body length (l=)',
  'signature.expires-before-made': () => 'the signature expires (x=) before it was made (t=)',
  'signature.identity-outside-domain': (p) =>
    `the signature's identity (i=${p.identity}) is outside its signing domain (${p.domain}), which makes it invalid`,
  'signature.invalid-name': () => 'the signature names an invalid domain or selector',
  'signature.lookup-error': (p) => `the key for ${p.name} could not be looked up (${p.error})`,
  'signature.no-key-dns': (p) =>
    `no key: ${DNS_FAILURES[String(p.failure)] ?? p.failure} when ${p.name} was looked up`,
  'signature.no-key': (p) => `no key for ${p.name} in the key archive`,
  'signature.key-revoked': (p) =>
    `the key ${p.name} was revoked (published empty) — revoked later, not proof of forgery`,
  'signature.no-usable-key': (p) => `no usable key: ${joined(p, 'problems')}`,
  'signature.pass': passed,
  'signature.pass-repaired': passed,
  'signature.fail-body-headers-authentic': (p) =>
    `headers authentic, body altered: the body hash computed (${p.computed}) does not match the signed one (bh=${p.expected})`,
  'signature.fail-body-forgeable-key': (p) =>
    `body altered: the body hash computed (${p.computed}) does not match the signed one (bh=${p.expected}); the header signature verifies, but its key is forgeable, so that proves nothing`,
  'signature.malformed-tag': (p) =>
    `the signature's ${p.tag}= value is not ${p.tag === 'bh' ? 'a body hash of the right size' : 'valid base64'}: the signature is broken (cut or mangled), which says nothing about the message`,
  'signature.fail-body': (p) => {
    const tried = triedKeys(p);
    return `the body does not match the signed body hash, and the header signature does not verify either${tried ? ` (${tried})` : ''}`;
  },
  'signature.fail-header': (p) => {
    const tried = triedKeys(p);
    return `the body is as signed, but the header signature does not verify: a signed header was changed${tried ? `, or ${tried}` : ', or the archived key is not the one in use then'}`;
  },
};

const keys: Messages = {
  'key.revoked': () => 'the key was revoked (empty p=)',
  'key.malformed': () => 'the key record is malformed',
  'key.signature-size': (p) =>
    `the signature is ${Number(p.bytes) * 8} bits long, not the size of this ${p.keyBits}-bit key: it was cut or mangled, or made with another key — not evidence of a changed header`,
  'key.ed25519-length': () => 'the ed25519 key is not the 32-byte key RFC 8463 requires',
  'key.unknown-version': () => 'the key record has an unknown version (v=)',
  'key.unknown-type': () => 'the key record holds a key of an unknown or mismatched type (k=)',
  'key.no-public-key': () => 'the key record holds no valid public key',
  'key.hash-not-allowed': () => "the key record's h= does not allow this signature's hash algorithm",
  'key.not-for-email': () => 'the key record is not meant for email (s=)',
  'key.unusable': (p) => `the key record could not be used (${p.error})`,
  'key.type-mismatch': (p) => `the archived key is ${p.keyType}, the signature ${p.signAlgo}`,
  'key.no-subdomains': () => 'the key forbids signing for subdomains (t=s), but i= names one',
  'key.granularity': (p) =>
    `the key is restricted (g=${p.granularity}) to other senders than i=${p.identity ?? '(none)'}`,
};

// ------------------------------------------------------------------------------------------------

/** ` (<domain>)` after a hop number when the hop's seal names one. */
const who = (p: Params): string => (p.domain ? ` (${p.domain})` : '');

const arc: Messages = {
  'arc.none': () => 'no ARC sets',
  'arc.chain-valid': (p) => `the chain of ${p.hops} hop${Number(p.hops) === 1 ? '' : 's'} validates`,
  'arc.hop-cv-fail': (p) =>
    `hop ${p.instance}${who(p)} sealed with cv=fail: it found the chain already broken when it received the message`,
  'arc.hop-cv-unexpected': (p) =>
    `hop ${p.instance}${who(p)} has cv=${p.cv || '(empty)'}, expected ${p.instance === 1 ? 'none' : 'pass'}`,
  'arc.seal-fails': (p) =>
    `the ARC-Seal of hop ${p.instance}${who(p)} does not verify${joined(p, 'notes') ? `: ${joined(p, 'notes')}` : ''}`,
  'arc.ams-fails': (p) =>
    `the newest ARC-Message-Signature (hop ${p.instance}${p.domain ? `, ${p.domain}` : ''}) does not verify${joined(p, 'notes') ? `: ${joined(p, 'notes')}` : ''}`,
  'arc.key-unavailable': (p) =>
    `the ${p.part === 'ams' ? 'ARC-Message-Signature' : 'ARC-Seal'} of hop ${p.instance}${who(p)} cannot be checked: ${joined(p, 'notes')}. Not evidence either way: import the key and verify again`,
  'arc.unreadable-field': (p) =>
    `${p.count} ARC header field${Number(p.count) === 1 ? '' : 's'} cannot be read (broken tag syntax or instance), which breaks the chain`,
  'arc.instance-gap': (p) => `the ARC sets are not numbered 1, 2, 3…: instance ${p.missing} is missing`,
  'arc.set-malformed': (p) => `the ARC set of hop ${p.instance} is malformed: ${words(nested(p, 'problem'))}`,
  'arc.tags-invalid': (p) => {
    const tag = p.tag ? `${p.tag}=` : '';
    const problems: Record<string, string> = {
      syntax: 'its tag list is not well formed',
      duplicate: `it has ${tag} twice`,
      missing: `${tag} is missing or empty`,
      number: `${tag} is not a number of the allowed size`,
      name: `${tag} is not a valid domain or selector name`,
      'seal-h': 'an ARC-Seal must not carry h=',
    };
    return problems[String(p.problem)] ?? String(p.problem);
  },
  'arc.undated': (p) => {
    const note = 'judged at the current time: the message carries no date';
    const reason = nested(p, 'reason');
    return reason ? `${words(reason)}; ${note}` : note;
  },
  'arc.error': (p) => `ARC not checked: ${p.error}`,
  // notes on the chain verdict
  'arc.ams-no-c': () =>
    'newest AMS has no c=: verified as relaxed/relaxed (ARC drafts), not simple/simple (RFC 6376)',
  'arc.ams-no-from': () => 'newest AMS does not sign From: it vouches for message integrity only',
  // keys of seals and AMSs
  'arc.key-type-mismatch': (p) => `key ${p.name} is ${p.keyType}, the signature is ${p.signAlgo}`,
  'arc.weak-key-verifies': (p) =>
    `signature verifies, but with a ${p.bits}-bit key (under ${p.min} bits: not valid, RFC 8301)`,
  'arc.signature-fails': () => 'signature does not verify',
  'arc.key-forgeable': (p) => `${p.bits}-bit RSA key: forgeable`,
  'arc.key-weak': (p) => `${p.bits}-bit RSA key: weak`,
  'arc.alternate-record': (p) => `verified with archived record from ${p.source}`,
  'arc.unusable-key': () => 'unusable key',
  // a hop's ARC-Seal
  'arc.seal-missing': (p) => `no ARC-Seal for instance ${p.instance}`,
  'arc.seal-unsupported-algorithm': (p) => `unsupported seal algorithm a=${p.algorithm}`,
  'arc.set-incomplete': (p) => `an ARC set up to instance ${p.instance} is incomplete`,
  'arc.seal-signs-whole-chain': () =>
    'cv=fail seal signs the whole chain, not only its own set (RFC 8617 5.1.2)',
  'arc.seal-signature-fails': () => 'seal signature does not verify',
  'arc.seal-reports-broken': () => 'this hop reports the chain it received as broken (cv=fail)',
  'arc.seal-time-after': (p) =>
    p.against === 'given'
      ? `the seal says it was made (t=) after the time you gave (${when(p.at)})`
      : `the seal says it was made (t=) more than 15 minutes after the message's last receipt (${when(p.at)})`,
  // a hop's ARC-Message-Signature
  'arc.ams-missing': (p) => `no ARC-Message-Signature for instance ${p.instance}`,
  'arc.ams-unsupported-algorithm': (p) => `unsupported algorithm a=${p.algorithm}`,
  'arc.ams-unknown-canonicalization': (p) => `unknown canonicalization c=${p.canonicalization}`,
  'arc.ams-signs-seal': () => 'h= lists ARC-Seal, which an AMS must not sign (RFC 8617 4.1.2)',
  'arc.ams-from-unsigned': () => 'From is not signed (allowed for an AMS, not for DKIM)',
  'arc.ams-canonicalization-default': (p) => `no c= tag: verified as ${p.canonicalization}`,
  'arc.ams-body-changed': () => 'body changed after this hop signed it (body hash mismatch)',
  'arc.ams-expired': () => 'signature expired (x=) before the verification time',
  'arc.ams-headers-changed': () => 'signed header fields changed after this hop signed them',
  'arc.ams-body-mismatch-other': () => 'body hash mismatch under another canonicalization',
  'arc.duplicate-field': (p) => `more than one ${p.field} with i=${p.instance}`,
};

// ------------------------------------------------------------------------------------------------

const HEADER_LABELS: Record<string, string> = {
  from: 'From',
  subject: 'Subject',
  date: 'Date',
  to: 'To',
  cc: 'Cc',
};
const headerLabel = (name: Param | Param[] | undefined): string =>
  HEADER_LABELS[String(name ?? '')] ?? String(name ?? '');

/** Flags are kept as written (`weak-key:1024`); verify/flags.ts's flagCoded gives their code and value. */
const flags: Messages = {
  'flag.weak-key': (p) =>
    p.value === 'forgeable'
      ? 'the key is shorter than 1024 bits: such keys have been factored cheaply, anyone could have forged this signature'
      : 'the key is 1024-bit (below 2048): weak by current standards, though not known to be broken for DKIM',
  'flag.key-disclosed': () => 'the private key was later published, so anyone could have made this signature',
  'flag.rsa-sha1': () => 'signed with rsa-sha1, which is deprecated (RFC 8301) and weaker than sha256',
  'flag.body-length-limit': (p) =>
    p.value === '0'
      ? 'the signature covers only a declared body length (l=); here it covers the whole body'
      : `the signature covers only the start of the body (l=): the last ${p.value} bytes are NOT signed and could have been appended by anyone`,
  'flag.unsigned-header': (p) =>
    `the ${headerLabel(p.value)} header is not covered by the signature and could have been changed`,
  'flag.duplicate-header': (p) =>
    `the message has more ${headerLabel(p.value)} headers than the signature covers: an extra, unsigned one may have been inserted`,
  'flag.not-aligned': () =>
    'the signing domain is not the From domain: it proves which server sent it, not who the author is',
  'flag.bad-identity': () => "the signature's i= identity is outside its signing domain",
  'flag.expired': () => "the signature's expiry date (x=) had already passed at the time it was judged at",
  'flag.signed-after-judged': () =>
    'the signature time (t=) is later than the time the message was judged at: a signature cannot predate itself',
  'flag.key-newer-than-message': (p) =>
    `the signing key's name carries a date (${p.value}) later than the message's own date: the Date is false or the message was signed later`,
  'flag.shown-header-unsigned': (p) =>
    `the ${headerLabel(p.value)} a reader sees (the top one) is not signed; the signature covers another ${headerLabel(p.value)} below it`,
  'flag.signed-after-receipt': (p) =>
    `the signature time (t=) is later than a receiving server's timestamp (by more than ${p.minutes} minutes)`,
  'flag.key-testing': () => 'the key was marked as "testing" (t=y) by the domain',
};

const repairs: Messages = {
  'repair.lf-to-crlf': () => 'line endings had been converted from CRLF to LF (Unix export); converted back',
  'repair.final-crlf': () => 'the final line break had been stripped; restored',
  'repair.mboxrd-unescape': () =>
    'mbox (mboxrd) had escaped body lines starting with "From " as ">From " (and ">From " as ">>From "); unescaped',
  'repair.mboxo-unescape': () =>
    'mbox (mboxo) had escaped body lines starting with "From " as ">From "; unescaped',
  'repair.trailing-whitespace': () => 'spaces or tabs had been added at the end of body lines; removed',
  'repair.takeout-headers': () => 'Gmail Takeout had added X-GM-THRID / X-Gmail-Labels headers; removed',
};

export const enVerify: Messages = {
  ...verdicts,
  ...signatures,
  ...keys,
  ...arc,
  ...flags,
  ...repairs,
  'caveat.standing': () =>
    'A passing signature proves only that the signing domain sent these signed headers and this body; ' +
    'it does not prove the content is true, who received or read the message (a signed message can be ' +
    're-sent), that the mailbox was not a decoy, or that unsigned headers (Received, often To/Cc) are genuine.',
};
