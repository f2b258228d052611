// French words for what key archive files and disclosure lists could not be read: the codes of
// messages/en/keys.ts. Every problem names its file and where in it.
import type { Messages, Param, Params } from '../../catalogue.ts';

/** `keys.csv ligne 14`, `rows.json entrée 3`, `keys.json clé « sel._domainkey.example.com » valeur 2`. */
function at(p: Params): string {
  const file = String(p.file);
  if (typeof p.line === 'number') return `${file} ligne ${p.line}`;
  if (typeof p.entry === 'number') return `${file} entrée ${p.entry}`;
  if (typeof p.key === 'string')
    return `${file} clé « ${p.key} »${typeof p.index === 'number' ? ` valeur ${p.index}` : ''}`;
  return file;
}

/** `a`, `a et b`, `a, b et c`: what is missing is listed after « manquant », so always with « et ». */
function words(list: Param | Param[] | undefined): string {
  const items = (Array.isArray(list) ? list : [list]).map(String);
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} et ${items.at(-1)}`;
}

/** What became of a CSV record csv-parse could not read, and of the lines after it. */
function afterCsvError(p: Params): string {
  if (p.header) return ' ; c’est la ligne d’en-tête, donc rien dans le fichier n’a été lu';
  if (typeof p.resumedAt === 'number')
    return ` ; la ligne a été ignorée et les lignes suivantes ont été relues à partir de la ligne ${p.resumedAt}`;
  return ' ; la ligne a été ignorée';
}

export const frKeys: Messages = {
  'keys.csv.unterminated-quote': (p) => `${at(p)} : guillemet jamais fermé${afterCsvError(p)}`,
  'keys.csv.bad-quote': (p) =>
    `${at(p)} : un guillemet dans une valeur sans guillemets, ou du texte après un guillemet fermant${afterCsvError(p)}`,
  'keys.csv.unreadable': (p) => `${at(p)} : illisible en CSV (${p.error})${afterCsvError(p)}`,
  'keys.csv.header': (p) =>
    `${at(p)} : la ligne d’en-tête doit nommer ${words(p.required)} (manquant : ${words(p.missing)}) ; rien d’autre n’a été lu`,
  'keys.csv.extra-fields': (p) =>
    `${at(p)} : ${p.found} valeurs alors que l’en-tête en nomme ${p.expected} (une virgule hors guillemets ?) ; la ligne a été ignorée`,
  'keys.row.not-object': (p) => `${at(p)} : pas un objet ; ignoré`,
  'keys.row.missing': (p) => `${at(p)} : manquant : ${words(p.missing)} ; la ligne a été ignorée`,
  'keys.row.spans-lines': (p) =>
    `${at(p)} : le champ ${p.field} s’étend sur plusieurs lignes (un guillemet resté ouvert ?) ; la ligne a été ignorée`,
  'keys.row.bad-date': (p) =>
    `${at(p)} : ${p.field} « ${p.value} » n’est pas une date (ISO 8601 ou secondes Unix) ; l’enregistrement a été gardé sans elle`,
  'keys.json.invalid': (p) => `${at(p)} : JSON invalide (${p.detail}) ; rien dans le fichier n’a été lu`,
  'keys.jsonl.not-json': (p) => `${at(p)} : pas du JSON ; la ligne a été ignorée`,
  'keys.map.bad-value': (p) =>
    `${at(p)} : ${p.value} n’est pas une valeur TXT (une chaîne, une liste de chaînes ou {"error": …}) ; ignoré`,
  'keys.map.unknown-error': (p) =>
    `${at(p)} : échec DNS inconnu ${p.value} (ENOTFOUND, NXDOMAIN, ENODATA, ETIMEOUT ou ESERVFAIL) ; ignoré`,
  'keys.zone.not-understood': (p) =>
    `${at(p)} : « ${p.token} » n’est ni un TTL, ni une classe, ni un type d’enregistrement ; l’enregistrement a été ignoré`,
  'keys.zone.no-type': (p) => `${at(p)} : pas de type d’enregistrement ; l’enregistrement a été ignoré`,
  'keys.zone.no-owner': (p) =>
    `${at(p)} : l’enregistrement commence par un blanc, qui reprend le nom de propriétaire précédent, mais il n’y en a pas ; ignoré`,
  'keys.zone.txt-empty': (p) => `${at(p)} : enregistrement TXT sans valeur ; ignoré`,
  'keys.zone.unterminated-quote': (p) => `${at(p)} : guillemet jamais fermé ; l’enregistrement a été ignoré`,
  'keys.zone.unclosed-paren': (p) =>
    typeof p.resumedAt === 'number'
      ? `${at(p)} : parenthèse « ( » jamais fermée ; l’enregistrement a été ignoré et les lignes suivantes ont été relues à partir de la ligne ${p.resumedAt}`
      : `${at(p)} : parenthèse « ( » jamais fermée ; l’enregistrement a été ignoré`,
  'keys.zone.stray-paren': (p) => `${at(p)} : « ) » sans « ( » ; l’enregistrement a été ignoré`,
  'keys.zone.bad-ttl': (p) => `${at(p)} : « ${p.value} » n’est pas un TTL`,
  'keys.zone.bad-origin': (p) => `${at(p)} : $ORIGIN sans nom de domaine ; l’origine reste inchangée`,
  'keys.zone.directive-ignored': (p) =>
    `${at(p)} : la directive ${p.directive} n’est pas suivie ici ; les enregistrements qu’elle désigne n’ont pas été lus`,
  'keys.zone.unknown-directive': (p) => `${at(p)} : directive inconnue ${p.directive} ; ignorée`,
  'keys.disclosed.bad-date': (p) =>
    `${at(p)} : « disclosed » doit être la date de publication (AAAA-MM-JJ ou ISO 8601), pas « ${p.value} » ; la ligne a été ignorée`,
  'keys.import.no-key': (p) => `aucune clé trouvée dans ${p.file}`,
  'keys.import.no-disclosure': (p) => `aucune clé divulguée trouvée dans ${p.file}`,
  'keys.import.nothing-read': () => 'rien ici n’est un enregistrement de clé ni un échec DNS enregistré',
  'keys.import.nothing-disclosed': () => 'rien ici n’est une clé divulguée',
  'keys.import.more': (p) => `et ${p.count} autres (voir ci-dessus)`,
};
