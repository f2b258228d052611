// French words for what is wrong in a search query: the codes of messages/en/search.ts, each with
// the 1-based position in the query. The query syntax (has:, verdict:, thread:, *) stays as typed.
import type { Messages } from '../../catalogue.ts';

export const frSearch: Messages = {
  'search.query.too-long': (p) => `la requête dépasse ${p.limit} caractères`,
  'search.query.too-deep': (p) => `parenthèses ou exclusions imbriquées sur plus de ${p.limit} niveaux`,
  'search.query.unclosed-quote': (p) => `le guillemet au caractère ${p.position} n’est jamais fermé`,
  'search.query.unclosed-parenthesis': (p) => `la parenthèse au caractère ${p.position} n’est jamais fermée`,
  'search.query.unopened-parenthesis': (p) => `la « ) » au caractère ${p.position} ne ferme rien`,
  'search.query.empty-parentheses': (p) => `les parenthèses au caractère ${p.position} sont vides`,
  'search.query.operator-without-term': (p) =>
    `${p.operator} au caractère ${p.position} demande un terme à chercher de chaque côté`,
  'search.query.nothing-to-exclude': (p) => `l’exclusion au caractère ${p.position} n’est suivie de rien`,
  'search.query.unknown-field': (p) =>
    `champ inconnu « ${p.field}: » au caractère ${p.position}${p.fields ? ` (champs : ${p.fields})` : ''} ; pour chercher ce terme comme du texte, le mettre entre guillemets`,
  'search.query.empty-field': (p) => `le champ « ${p.field}: » au caractère ${p.position} n’a pas de valeur`,
  'search.query.no-words': (p) =>
    `« ${p.value} » au caractère ${p.position} ne contient ni lettre ni chiffre à chercher`,
  'search.query.bad-wildcard': (p) =>
    `« ${p.value} » au caractère ${p.position} : un * se place à la fin d’un mot (préfixe) ou aux deux bouts (*partie*)`,
  'search.query.substring-too-short': (p) =>
    `« ${p.value} » au caractère ${p.position} : un morceau de mot demande au moins ${p.minimum} lettres ou chiffres`,
  'search.query.no-substring-here': (p) =>
    `« ${p.value} » au caractère ${p.position} : ce champ ne permet pas de chercher un morceau de mot`,
  'search.query.bad-date': (p) =>
    `« ${p.value} » au caractère ${p.position} n’est pas une date : écrire 2017, 2017-04, 2017-04-24, ou un intervalle 2017-03-01..2017-04-24 (l’une ou l’autre borne peut rester ouverte)`,
  'search.query.empty-date-range': (p) =>
    `l’intervalle de dates « ${p.value} » au caractère ${p.position} finit avant de commencer`,
  'search.query.unknown-has': (p) =>
    `« has:${p.value} » au caractère ${p.position} : seul has:attachment est connu`,
  'search.query.unknown-verdict': (p) =>
    `« verdict:${p.value} » au caractère ${p.position} n’est pas un verdict (verdicts : ${p.verdicts})`,
  'search.query.bad-thread': (p) =>
    `« thread:${p.value} » au caractère ${p.position} : un fil se désigne par un numéro`,
};
