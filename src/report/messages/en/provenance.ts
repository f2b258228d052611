// English words for where a document comes from and what vouches for it (core/describe.ts), and for
// the altered-copy rule (analysers/rules/altered-copy.ts). A finding's first sentence is its
// headline: `crible findings` shows it for the rule, so it names the signal, not this document.
import type { Messages, Params } from '../../catalogue.ts';

const percent = (p: Params) => `${Math.floor(Number(p.similarity) * 1000) / 10}%`;
const emails = (n: unknown) => (n === 1 ? 'an authentic email' : `${n} authentic emails`);
const places = (n: unknown) => (n === 1 ? 'one place' : `${n} places`);

export const enProvenance: Messages = {
  'forensics.altered-copy': (p) =>
    p.authenticated
      ? `Nearly the same text as an authenticated document, but not identical. Its words are ${percent(p)} those of item ${p.other}, which authentic email ${p.carrier} carries (its signature covers those bytes); what differs here was changed after that email was sent, or was never in it: ${p.diff}`
      : `Nearly the same text as another document, but not identical. Its words are ${percent(p)} those of item ${p.other}; no authentic email carries either, so which is the original is not known: ${p.diff}`,

  'provenance.authenticated': (p) =>
    `Authenticated by its carrier: ${emails(p.carriers)} carried these exact bytes, and the signature's body hash covers them.`,
  'provenance.inherited': (p) =>
    `The same bytes were also found outside any email (${places(p.places)}): a copy with the same SHA-256 is the same content, so it is authenticated too.`,
  'provenance.not-vouched': (p) =>
    `Carried by ${p.carriers === 1 ? 'an email' : `${p.carriers} emails`}, but no signature vouches for it: none is authentic with a signature over its whole body.`,
  'provenance.loose-only': (p) =>
    `Found only outside any email (${places(p.places)}): nothing vouches for where it came from.`,
  'provenance.carrier.vouches': () => 'its signature covers the attachment',
  'provenance.carrier.unsigned-tail': (p) =>
    `authentic, but its signature covers only the first part of the body (${p.unsigned} bytes after it are unsigned): the attachment may be in the unsigned part`,
  'provenance.carrier.not-authentic': (p) =>
    p.verdict ? `its verdict (${p.verdict}) does not vouch for what it carries` : 'not verified',
};
