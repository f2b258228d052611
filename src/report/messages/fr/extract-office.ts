// French words for what the Office Open XML and OpenDocument extractors record: the codes of
// messages/en/extract-office.ts. `part` is the name of a part in the document's zip.
import type { Messages } from '../../catalogue.ts';
import { formatBytesFr } from './ingest.ts';

export const frOffice: Messages = {
  'extract.office.part-unreadable': (p) =>
    `la partie ${p.part} du document est illisible (${p.error}) : les autres parties ont été lues`,
  'extract.office.part-too-large': (p) =>
    `la partie ${p.part} se décompresse en plus de ${formatBytesFr(Number(p.limit))} (bombe de décompression possible) : elle n’a pas été lue, les autres parties l’ont été`,
  'extract.office.document-too-large': (p) =>
    `les parties du document se décompressent ensemble en plus de ${formatBytesFr(Number(p.limit))} (bombe de décompression possible) : la lecture s’est arrêtée à ${p.part}`,
  'extract.office.xml-damaged': (p) =>
    `la partie ${p.part} est du XML endommagé (${p.error}, au caractère ${p.at}) : ce qui a pu en être lu a été gardé`,
  'extract.office.bad-date': (p) =>
    `la date ${p.field} dans ${p.part} n’est pas une date telle que le format les écrit : « ${p.value} » (gardée telle quelle dans la table des métadonnées)`,
  'extract.office.duplicate-part': (p) =>
    `le document contient deux parties nommées ${p.part} : les programmes peuvent afficher l’une ou l’autre (signe d’une modification à la main) ; la première a été lue`,
  'extract.office.no-main-part': () =>
    'le document n’a pas de partie principale Word, Excel ou PowerPoint : seules ses propriétés ont été lues',
  'extract.office.encrypted': () =>
    'le document est protégé par un mot de passe : ses métadonnées ont été lues, son texte ne peut pas l’être',
  'extract.office.text-cut': (p) => `le texte a été coupé après ${p.limit} caractères`,
};
