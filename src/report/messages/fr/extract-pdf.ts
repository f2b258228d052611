// French words for the problems of the PDF extractor: the codes of messages/en/extract-pdf.ts.
import type { Messages } from '../../catalogue.ts';
import { formatBytesFr } from './ingest.ts';

const object = (p: Record<string, unknown>) => (Number(p.object) >= 0 ? `l’objet ${p.object}` : 'un objet');
const LIMITS: Record<string, string> = {
  'xref-sections': 'de sections de références croisées',
  pages: 'de pages',
  'cmap-entries': 'de correspondances de caractères dans ses polices',
};

export const frPdf: Messages = {
  'extract.pdf.no-startxref': () =>
    'le PDF n’a pas de pointeur « startxref » vers sa table de références croisées (il est peut-être tronqué)',
  'extract.pdf.bad-xref': (p) =>
    `la section de références croisées à l’octet ${p.offset} est illisible (${p.reason}) ; les révisions plus anciennes qui la précèdent ne sont pas répertoriées`,
  'extract.pdf.prev-cycle': (p) =>
    `la chaîne des révisions revient à la section de l’octet ${p.offset} : la boucle a été coupée là`,
  'extract.pdf.unlinked-revision': (p) =>
    `la révision dont la section de références croisées est à l’octet ${p.offset} n’est pas sur la chaîne de révisions que déclare le fichier (un /Prev cassé ou modifié) : elle a été trouvée par son propre « startxref » et figure dans la liste`,
  'extract.pdf.xref-rebuilt': () =>
    'aucune table de références croisées n’a pu être lue : les objets ont été trouvés en parcourant le fichier, et ses révisions ne peuvent pas être distinguées',
  'extract.pdf.object-unreadable': (p) =>
    `${object(p)} est illisible (${p.reason} à l’octet ${p.offset}) ; le reste du fichier a été lu`,
  'extract.pdf.stream-too-large': (p) =>
    `un flux de ${object(p)} se décompresse en plus de ${formatBytesFr(Number(p.limit))} (bombe de décompression possible) : il n’a pas été lu`,
  'extract.pdf.stream-damaged': (p) =>
    `un flux de ${object(p)} est endommagé (${p.filter}) : il n’a pas été lu`,
  'extract.pdf.filter-unsupported': (p) => `les flux compressés en ${p.filter} ne sont pas lus`,
  'extract.pdf.page-tree-cycle': (p) =>
    `l’arbre des pages renvoie à l’objet ${p.object} : la boucle a été coupée là`,
  'extract.pdf.limit': (p) =>
    `le PDF a plus ${LIMITS[String(p.what)] ?? `de ${p.what}`} que les ${p.limit} qui sont lus ; le reste a été laissé de côté`,
  'extract.pdf.encrypted': (p) =>
    `le PDF est chiffré (${p.filter}) : son texte et les chaînes de ses métadonnées ne peuvent pas être lus sans la clé`,
  'extract.pdf.encrypted-metadata': () =>
    'les informations du document (auteur, titre, dates) de ce PDF chiffré sont chiffrées elles aussi et n’ont pas été lues',
  'extract.pdf.xmp-dtd': (p) =>
    `le paquet XMP à l’octet ${p.offset} déclare une DTD, ce que XMP n’autorise pas (bombe d’entités possible) : il n’a pas été lu`,
  'extract.pdf.xmp-unreadable': (p) =>
    `le paquet XMP à l’octet ${p.offset} n’est pas du XML bien formé et n’a pas été lu`,
  'extract.pdf.font-unmapped': (p) =>
    `le texte composé dans la police ${p.font} est illisible : la police ne donne aucune correspondance vers des caractères (il faudrait l’OCR)`,
  'extract.pdf.data-after-eof': (p) =>
    `des données (${formatBytesFr(Number(p.bytes))}) suivent le dernier « %%EOF » sans appartenir à aucune révision (des déchets, ou une mise à jour dont la table de références croisées est cassée) : elles n’ont pas été lues`,
  'extract.pdf.text-cut': (p) => `le texte a été coupé à ${p.limit} caractères`,
  'extract.pdf.more-problems': (p) => `et ${p.count} autres problèmes dans ce PDF`,
};
