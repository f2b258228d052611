// French words for the signatures from before RFC 6376 (DomainKeys and DKIM draft-00): the codes of
// messages/en/legacy.ts.
import type { Messages } from '../../catalogue.ts';
import { cap } from '../en/verify.ts';
import { label } from './verify.ts';

export const frLegacy: Messages = {
  'signature.legacy-changed': (p) =>
    `la vérification de la signature échoue : les en-têtes signés ou le corps ont été modifiés (ce type de signature les hache ensemble, il ne peut donc pas dire lesquels)${Number(p.keys) > 1 ? `, ou aucune des ${p.keys} clés archivées pour ${p.name} n’est celle utilisée à l’époque` : ', ou la clé archivée n’est pas celle utilisée à l’époque'}`,
  'signature.dk-no-sender': () =>
    'la signature DomainKeys ne couvre aucun en-tête Sender ou From portant une adresse : elle ne garantit aucun expéditeur',
  'signature.dk-sender-outside-domain': (p) =>
    `la signature DomainKeys est de ${p.domain}, mais l’expéditeur qu’elle couvre (${p.header === 'sender' ? 'Sender' : 'From'} : ${p.identity}) n’est pas dans ce domaine : elle ne garantit donc pas cet expéditeur`,
  // For the verdict: params index, domain, selector, kind (`domainkeys` or `dkim-draft`).
  'verdict.legacy-changed': (p) =>
    `${cap(label(p))} : les en-têtes signés ou le corps ont été modifiés — ce type de signature les hache ensemble, il ne peut donc pas dire lesquels — ou la clé archivée n’est pas celle utilisée à l’époque.`,
  'flag.domainkeys': () =>
    'une signature DomainKeys (RFC 4870, en usage d’environ 2004 à 2012, avant DKIM) : elle hache en-têtes et corps ensemble avec SHA-1',
  'flag.dkim-draft': (p) =>
    `une signature DKIM faite selon un brouillon de la norme (draft-${p.value}, antérieur à la RFC 4871 de 2007) : elle hache en-têtes et corps ensemble`,
};
