// French words for what the image, plain-text and OCR extractors record: the codes of
// messages/en/extract-image.ts.
import type { Messages } from '../../catalogue.ts';
import { formatBytesFr } from './ingest.ts';

const PART: Record<string, string> = {
  jpeg: 'le fichier JPEG',
  png: 'le fichier PNG',
  gif: 'le fichier GIF',
  webp: 'le fichier WebP',
  exif: 'le bloc EXIF',
  iptc: 'l’enregistrement IPTC',
  'photoshop-resources': 'le bloc de ressources Photoshop',
  ciff: 'l’enregistrement d’appareil photo Canon (CIFF)',
};

const list = (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value));
/** A count of characters as French writes it: `10 000`. */
const characters = (n: unknown) => Number(n).toLocaleString('fr');

export const frImage: Messages = {
  'extract.image.truncated': (p) =>
    `${PART[String(p.format)] ?? String(p.format)} s’arrête au milieu d’une partie (à l’octet ${p.at}) : ce qui précède a été lu`,
  'extract.image.jpeg-marker': (p) =>
    `le fichier JPEG contient autre chose qu’un marqueur de segment à l’octet ${p.at} : ses métadonnées ont été lues jusque-là`,
  'extract.image.gif-block': (p) =>
    `le fichier GIF contient un bloc inconnu à l’octet ${p.at} : ses métadonnées ont été lues jusque-là`,
  'extract.image.exif-damaged': (p) => `une partie du bloc EXIF n’a pas pu être lue (${p.detail})`,
  'extract.image.exif-overlapping': (p) =>
    `les entrées du bloc EXIF annoncent ${formatBytesFr(Number(p.referenced))} de valeurs dans un bloc de ${formatBytesFr(Number(p.size))} (elles se chevauchent, comme dans un fichier fait pour épuiser les lecteurs) : l’EXIF n’a pas été lu, le reste de l’image l’a été`,
  'extract.image.iptc-extended': (p) =>
    `l’enregistrement IPTC utilise un champ surdimensionné à l’octet ${p.at}, qui n’est pas lu : les champs qui le précèdent l’ont été`,
  'extract.image.text-too-large': (p) =>
    `le texte PNG « ${p.keyword} » se décompresse en plus de ${formatBytesFr(Number(p.limit))} : il n’a pas été lu`,
  'extract.image.text-budget': (p) =>
    `les textes compressés du PNG se décompressent ensemble en plus de ${formatBytesFr(Number(p.limit))} : les suivants n’ont pas été lus`,
  'extract.image.text-damaged': (p) => `le texte PNG « ${p.keyword} » est endommagé et n’a pas été lu`,
  'extract.image.gps-invalid': (p) =>
    `la position GPS (${p.latitude}, ${p.longitude}) n’est pas un lieu sur Terre : elle n’a pas été gardée comme position`,
  'extract.image.xmp-limit': (p) =>
    p.limit === 'depth'
      ? 'les métadonnées XMP sont imbriquées trop profondément : elles ont été lues jusqu’à la limite'
      : 'les métadonnées XMP contiennent trop de propriétés : les premières ont été gardées',
  'extract.image.ciff-limit': (p) =>
    `l’enregistrement d’appareil photo Canon (CIFF) contient plus de ${p.limit} entrées : les premières ont été lues`,
  'extract.image.fields-limit': (p) =>
    `l’image contient plus de ${p.limit} champs de métadonnées : les ${p.limit} premiers ont été gardés`,
  // Traces: what the file itself records about being edited.
  'extract.image.iptc-digest-stale': (p) =>
    `l’empreinte IPTC enregistrée par Photoshop (${p.stored}) ne correspond plus aux données IPTC (${p.actual}) : la légende, le crédit ou les mots-clés ont été modifiés par un programme qui ne l’a pas mise à jour, et le XMP peut ne plus concorder`,
  'extract.image.png-metadata-after-data': (p) =>
    `des métadonnées (${list(p.chunks)}) se trouvent après les données de l’image, là où ni les appareils photo ni la plupart des programmes ne les mettent : elles ont probablement été ajoutées ou réécrites plus tard`,

  'extract.plain.text-cut': (p) =>
    `le texte dépasse ${characters(p.limit)} caractères : seuls les premiers sont gardés`,

  'extract.ocr.unavailable': (p) =>
    `l’OCR a été demandée mais tesseract n’est pas installé : installer les paquets Debian ${list(p.packages)}`,
  'extract.ocr.languages-missing': (p) =>
    `l’OCR a tourné sans ${list(p.missing)} : installer pour cela les paquets Debian ${list(p.packages)}`,
  'extract.ocr.no-pdftoppm': () =>
    'les images des pages du PDF n’ont pas pu passer à l’OCR : pdftoppm n’est pas installé (paquet Debian poppler-utils)',
  'extract.ocr.image-too-large': (p) =>
    `l’image annonce ${p.width} × ${p.height} pixels, plus que les ${String(Number(p.limit) / 1_000_000).replace('.', ',')} millions accordés à l’OCR : elle n’est pas passée à l’OCR`,
  'extract.ocr.timeout': (p) => `l’OCR a pris plus de ${p.seconds} secondes et a été arrêtée`,
  'extract.ocr.failed': (p) => `échec de l’OCR (${p.detail})`,
  'extract.ocr.pages-limit': (p) =>
    `le PDF a ${p.pages} pages : seules les ${p.limit} premières sont passées à l’OCR`,
  'extract.ocr.text-cut': (p) =>
    `le texte issu de l’OCR dépasse ${characters(p.limit)} caractères : seuls les premiers sont gardés`,
};
