// French words for where a document comes from and what vouches for it, and for the altered-copy
// rule: the codes of messages/en/provenance.ts. A finding's first sentence is its headline.
import type { Messages, Params } from '../../catalogue.ts';
import { verdictWords } from './verify.ts';

/** `97,5 %`: a decimal comma and a no-break space before the sign. */
const percent = (p: Params) => `${String(Math.floor(Number(p.similarity) * 1000) / 10).replace('.', ',')} %`;
const emails = (n: unknown) => (n === 1 ? 'un courriel authentique' : `${n} courriels authentiques`);
const places = (n: unknown) => (n === 1 ? 'un endroit' : `${n} endroits`);

export const frProvenance: Messages = {
  'forensics.altered-copy': (p) =>
    p.authenticated
      ? `Presque le même texte qu’un document authentifié, mais pas identique. Ses mots sont à ${percent(p)} ceux de l’élément ${p.other}, que porte le courriel authentique ${p.carrier} (sa signature couvre ces octets) ; ce qui diffère ici a été modifié après l’envoi de ce courriel, ou n’y a jamais figuré : ${p.diff}`
      : `Presque le même texte qu’un autre document, mais pas identique. Ses mots sont à ${percent(p)} ceux de l’élément ${p.other} ; aucun courriel authentique ne porte l’un ou l’autre, donc rien n’indique lequel est l’original : ${p.diff}`,

  'provenance.authenticated': (p) =>
    `Authentifié par son porteur : ${emails(p.carriers)} ${p.carriers === 1 ? 'portait' : 'portaient'} exactement ces octets, et l’empreinte du corps de la signature les couvre.`,
  'provenance.inherited': (p) =>
    `Les mêmes octets ont aussi été trouvés hors de tout courriel (${places(p.places)}) : une copie de même SHA-256 a le même contenu, elle est donc authentifiée elle aussi.`,
  'provenance.not-vouched': (p) =>
    `Porté par ${p.carriers === 1 ? 'un courriel' : `${p.carriers} courriels`}, mais aucune signature ne s’en porte garante : aucun n’est authentique avec une signature sur tout son corps.`,
  'provenance.loose-only': (p) =>
    `Trouvé seulement hors de tout courriel (${places(p.places)}) : rien ne garantit sa provenance.`,
  'provenance.carrier.vouches': () => 'sa signature couvre la pièce jointe',
  'provenance.carrier.unsigned-tail': (p) =>
    `authentique, mais sa signature ne couvre que le début du corps (${p.unsigned} octets après ne sont pas signés) : la pièce jointe peut se trouver dans la partie non signée`,
  'provenance.carrier.not-authentic': (p) =>
    p.verdict ? `son verdict (${verdictWords(p.verdict)}) ne garantit pas ce qu’il porte` : 'non vérifié',
};
