// French words for the problems container formats report on their members: the codes of
// messages/en/containers.ts. Numbers are byte counts and limits as plain integers.
import type { Messages, Params } from '../../catalogue.ts';

/** The limits crossed while a stream was read (bounded.ts), shared by zip and gzip. */
const limits: Messages = {
  'limit.entry-bytes': (p) =>
    `l’entrée se décompresse au-delà de maxEntryBytes (${p.limit}) ; arrêt après ${p.produced} octets`,
  'limit.expanded-bytes': (p) =>
    `l’archive se décompresse au-delà de maxExpandedBytes ; arrêt après ${p.produced} octets de cette entrée`,
  'limit.ratio': (p) =>
    `taux de compression supérieur à maxRatio (${p.ratio}) : ${p.compressed} octets compressés décompressés en plus de ${p.produced} ; arrêt après ${p.produced} octets (bombe de décompression possible)`,
};

/** A compressed stream stopped by a limit says so before the limit's words: `gzip.limit.ratio`… */
const streamLimits: Messages = Object.fromEntries(
  ['gzip', 'bzip2', 'xz'].flatMap((format) =>
    Object.entries(limits).map(([code, words]) => [
      `${format}.${code}`,
      (p: Params) => `${format} : ${words(p)}`,
    ]),
  ),
);

/** Names of the zip compression methods Crible does not read, by method number (proper names but 99). */
const ZIP_METHODS: Record<string, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  93: 'zstd',
  95: 'xz',
  98: 'ppmd',
  99: 'chiffrement AES',
};

/** tar member types that are not files, links or directories. */
const TAR_SPECIAL: Record<string, string> = {
  'character-device': 'périphérique en mode caractère',
  'block-device': 'périphérique en mode bloc',
  fifo: 'FIFO (tube nommé)',
};

export const frContainers: Messages = {
  ...limits,
  ...streamLimits,
  'gzip.corrupt': (p) => `flux gzip corrompu après ${p.produced} octets décompressés : ${p.error}`,
  'bzip2.corrupt': (p) => `flux bzip2 corrompu après ${p.produced} octets décompressés : ${p.error}`,
  'xz.corrupt': (p) => `flux xz corrompu après ${p.produced} octets décompressés : ${p.error}`,

  'archive.limit.expanded-bytes': (p) =>
    `l’archive se décompresse au-delà de maxExpandedBytes (${p.limit}) ; arrêt après ${p.produced} octets : les membres suivants n’ont pas été lus`,
  'archive.limit.ratio': (p) =>
    `l’archive de ${p.compressed} octets se décompresse plus de maxRatio (${p.ratio}) fois ; arrêt après ${p.produced} octets (bombe de décompression possible) : les membres suivants n’ont pas été lus`,
  'archive.tool-stalled': (p) =>
    `le lecteur d’archive n’a rien produit pendant ${p.seconds} s et a été arrêté après ${p.produced} octets : les membres suivants n’ont pas été lus`,
  'format.tool-missing': (p) =>
    `archive ${p.format} non lue : le programme ${p.tool} est absent (paquet Debian à installer : ${p.package}) ; ses fichiers ne sont pas dans le dossier d’enquête`,

  'document.too-deep': (p) =>
    `document imbriqué sur plus de ${p.limit} niveaux ; conservé, sans lire les objets qu’il contient`,
  'document.members-unreadable-after': (p) =>
    `document ${p.format} : ses objets intégrés n’ont pas pu être lus au-delà des ${p.entries} premiers : ${p.error} ; le document lui-même est conservé`,

  'item.read-again': (p) =>
    `interrompu par les limites d’une exécution précédente, puis relu en entier avec les limites de celle-ci comme élément ${p.item} ; cet ancien enregistrement est conservé tel quel`,

  'mbox.message-too-large': (p) =>
    `message de ${p.size} octets, plus grand que maxEntryBytes (${p.limit}) ; conservé comme plage d’octets, non lu`,
  'mbox.preamble-too-large': (p) =>
    `les données avant la première ligne From, de ${p.size} octets, dépassent maxEntryBytes (${p.limit}) ; conservées comme plage d’octets, non lues`,

  'tar.too-many-members': (p) =>
    `l’archive compte plus de maxEntries (${p.limit}) membres ; les membres au-delà du ${p.limit}e n’ont pas été lus`,
  'tar.symlink-not-followed': (p) => `lien symbolique vers ${p.target} non suivi`,
  'tar.hardlink-not-followed': (p) => `lien physique vers ${p.target} non suivi`,
  'tar.special-not-extracted': (p) =>
    `${TAR_SPECIAL[String(p.type)] ?? `membre de type ${p.type}`} non extrait`,
  'tar.member-too-large': (p) =>
    `membre de ${p.size} octets, plus grand que maxEntryBytes (${p.limit}) ; non lu`,
  'tar.would-expand': (p) =>
    `avec les ${p.size} octets de ce membre, l’archive dépasserait maxExpandedBytes (${p.limit}) ; non lu`,
  'tar.damaged-header': (p) =>
    `en-tête tar endommagé à l’octet ${p.at} : ${p.skipped} octets sautés jusqu’au prochain en-tête valide (tout membre qu’ils contenaient est perdu)`,
  'tar.meta-too-large': (p) =>
    `enregistrement pax ou de nom long de ${p.size} octets, plus grand que ${p.limit} ; ignoré (le membre qui le suit garde le nom de son en-tête simple)`,
  'tar.truncated': (p) =>
    `tar tronqué ou corrompu : membre interrompu après ${p.have} octets sur ${p.size} (${p.error})`,

  'zip.too-many-entries': (p) =>
    `l’archive annonce ${p.count} entrées, plus que maxEntries (${p.limit}) ; les entrées au-delà de la ${p.limit}e n’ont pas été lues`,
  'zip.encrypted': () => 'entrée chiffrée',
  'zip.overlapping-entry': (p) =>
    `les octets de l’entrée chevauchent ceux de ${p.with} (bombe zip à entrées superposées, ou répertoire endommagé) ; non lue`,
  'zip.unsupported-method': (p) => {
    const name = ZIP_METHODS[String(p.method)];
    return `méthode de compression ${p.method} non prise en charge${name ? ` (${name})` : ''}`;
  },
  'zip.entry-too-large': (p) =>
    `l’entrée annonce ${p.size} octets, plus que maxEntryBytes (${p.limit}) ; non lue`,
  'zip.would-expand': (p) =>
    `avec les ${p.size} octets qu’annonce cette entrée, l’archive dépasserait maxExpandedBytes (${p.limit}) ; non lue`,
  'zip.declared-ratio': (p) =>
    `l’entrée annonce ${p.size} octets pour ${p.compressed} compressés, un taux supérieur à maxRatio (${p.ratio}) ; non lue (bombe de décompression possible)`,
  'zip.cannot-read-entry': (p) => `entrée illisible : ${p.error}`,
  'zip.over-declared': (p) =>
    `l’entrée se décompresse au-delà des ${p.declared} octets qu’annonce son en-tête ; arrêt après ${p.produced} octets (archive corrompue ou malveillante)`,
  'zip.data-unreadable': (p) => `données de l’entrée illisibles après ${p.produced} octets : ${p.error}`,
  'zip.size-mismatch': (p) =>
    `l’entrée fait ${p.size} octets mais son en-tête en annonce ${p.declared} (entrée corrompue)`,
  'zip.crc-mismatch': () => 'CRC-32 discordant : les données de l’entrée sont corrompues',

  'zip.local.too-many-members': (p) =>
    `plus de maxEntries (${p.limit}) membres ; les suivants n’ont pas été lus`,
  'zip.local.zip64': () => 'membre zip64 : impossible à récupérer sans le répertoire central',
  'zip.local.over-limits': () =>
    'le membre se décompresse au-delà de la limite de taille par entrée ou par archive ; non lu',
  'zip.local.stored-size-unknown': () =>
    'membre stocké sans compression dont la taille ne figure que dans le répertoire central manquant',
  'zip.local.cut-short': () => 'tronqué : l’archive s’arrête au milieu de ce membre',
  'zip.local.cut-short-sizes': () => 'tronqué : l’archive s’arrête avant les tailles de ce membre',
  'zip.local.data-unreadable': (p) => `données du membre illisibles : ${p.error}`,
  'zip.local.ratio': (p) =>
    `taux de compression supérieur à maxRatio (${p.ratio}) ; non lu (bombe de décompression possible)`,
  'zip.local.crc-mismatch': () =>
    'les données du membre ne correspondent pas à la taille et au CRC-32 enregistrés (corrompu)',
};
