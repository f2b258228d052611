// French words for what the Office 97–2003 (compound file) and RTF extractors record: the codes of
// messages/en/extract-ole.ts. `stream` is the name of a stream of the compound file.
import type { Messages } from '../../catalogue.ts';

export const frExtractOle: Messages = {
  'extract.ole.not-compound': () =>
    'le fichier n’est pas un fichier composé lisible (Office 97–2003) : son en-tête ou son répertoire est endommagé',
  'extract.ole.chain-loop': (p) =>
    `la chaîne de secteurs de ${p.stream} revient sur elle-même (un fichier endommagé ou malveillant) : elle a été lue jusqu’à la boucle`,
  'extract.ole.chain-broken': (p) =>
    `la chaîne de secteurs de ${p.stream} pointe hors du fichier : elle a été lue jusqu’à la rupture`,
  'extract.ole.stream-truncated': (p) =>
    `le flux ${p.stream} annonce ${p.size} octets mais seuls ${p.read} ont pu être lus : ce qui s’y trouvait a été gardé`,
  'extract.ole.directory-damaged': () =>
    'le répertoire du fichier composé est endommagé (un lien hors limites ou qui boucle) : les flux atteints avant le dommage ont été lus',
  'extract.ole.property-set-damaged': (p) =>
    `le flux ${p.stream} est endommagé : ce qui a pu en être lu a été gardé`,
  'extract.ole.property-count': (p) =>
    `le flux ${p.stream} annonce ${p.claimed} propriétés mais n’a de place que pour ${p.read} : celles-ci ont été lues`,
  'extract.ole.property-unreadable': (p) =>
    `${p.count} ${Number(p.count) === 1 ? 'propriété' : 'propriétés'} du flux ${p.stream} n’${Number(p.count) === 1 ? 'a' : 'ont'} pas pu être ${Number(p.count) === 1 ? 'lue' : 'lues'} (une valeur qui déborde de sa section) : les autres ont été gardées`,
  'extract.ole.code-page-unknown': (p) =>
    `le flux ${p.stream} déclare la page de code ${p.codePage}, que Crible ne décode pas : ses textes ont été lus en Windows occidental (1252) et peuvent montrer des lettres fausses`,
  'extract.ole.encrypted': (p) =>
    `le document est protégé par un mot de passe (${p.stream}) : ses propriétés ont été lues, son texte ne peut pas l’être`,
  'extract.ole.text-damaged': (p) =>
    `le texte du flux ${p.stream} est endommagé : ce qui a été lu avant le dommage a été gardé`,
  'extract.ole.word-version': (p) =>
    `le texte d’un document Word antérieur à Word 97 (version de format de fichier ${p.nFib}) n’est pas lu : ses propriétés l’ont été`,
  'extract.ole.text-cut': (p) => `le texte a été coupé après ${p.limit} caractères`,
  'extract.rtf.not-rtf': () => 'le fichier ne commence pas comme un RTF ({\\rtf) : rien n’a pu en être lu',
  'extract.rtf.too-deep': (p) =>
    `le RTF imbrique ses groupes sur plus de ${p.limit} niveaux (un fichier endommagé ou malveillant) : ce qui est plus profond n’a pas été lu`,
  'extract.rtf.unclosed': (p) =>
    `le RTF se termine avec ${p.open} ${Number(p.open) === 1 ? 'groupe encore ouvert' : 'groupes encore ouverts'} (un fichier coupé ou endommagé) : ce qui s’y trouvait a été lu`,
  'extract.rtf.bad-date': (p) =>
    `la date \\${p.field} du groupe d’informations du RTF n’est pas une date du calendrier : ${p.value} (gardée telle quelle dans la table des métadonnées)`,
  'extract.rtf.text-cut': (p) => `le texte a été coupé après ${p.limit} caractères`,
};
