// French words for the problems the mail-store readers report: the codes of messages/en/outlook.ts.
// `error` is the reading library's own message (in English), kept as a parameter.
import type { Messages } from '../../catalogue.ts';

const GUARD: Record<string, string> = {
  work: 'sa lecture a demandé plus de travail qu’un fichier de cette taille ne peut en exiger (une boucle dans sa structure ?)',
  lookup: 'une de ses recherches dans un index tourne en rond (un arbre B cyclique)',
  'node-size': 'un de ses nœuds se dit plus grand que maxEntryBytes',
};

export const frOutlook: Messages = {
  ...Object.fromEntries(
    Object.entries(GUARD).map(([what, words]) => [
      `pst.guard.${what}`,
      () => `fichier Outlook endommagé : ${words} ; lecture interrompue`,
    ]),
  ),
  'pst.message-unreadable': (p) => `message (nœud ${p.node}) du fichier Outlook illisible : ${p.error}`,
  'pst.row-without-message': (p) =>
    `la ligne ${p.row} de la table des contenus du dossier ne désigne aucun message`,
  'pst.folder-unreadable': (p) => `dossier du fichier Outlook illisible : ${p.error}`,
  'pst.folders-too-deep': (p) => `dossiers imbriqués sur plus de ${p.limit} niveaux ; non lus`,
  'pst.node-tree-unreadable': (p) =>
    `l’arbre des nœuds du fichier est illisible, donc les messages supprimés ou orphelins n’ont pas été recherchés : ${p.error}`,
  'pst.too-many-messages': (p) =>
    `le fichier contient plus de maxEntries (${p.limit}) messages ; celui-ci n’a pas été lu`,
  'pst.too-many-attachments': (p) =>
    `le message a ${p.count} pièces jointes ; seules les ${p.limit} premières ont été lues`,
  'pst.attachment-unreadable': (p) => `pièce jointe illisible : ${p.error}`,
  'pst.attachment-no-data': (p) =>
    `la pièce jointe (méthode ${p.method}) ne contient aucune donnée dans le fichier`,
  'pst.attachment-by-reference': (p) =>
    `la pièce jointe ${p.name} est un lien vers ${p.target} ; son contenu ne figure pas dans le fichier Outlook`,
  'pst.attachment-too-large': (p) =>
    `pièce jointe de ${p.size} octets, plus grande que maxEntryBytes (${p.limit}) ; non lue`,
  'emlx.count-exceeds-file': (p) =>
    `le nombre d’octets annoncé pour le message (${p.count}) dépasse la fin du fichier (${p.available} octets présents) ; conservé tel quel, non lu comme un message`,
  'tnef.length-exceeds': (p) =>
    `l’attribut TNEF à l’octet ${p.at} annonce ${p.length} octets, mais il n’en reste que ${p.available} (une longueur mensongère, ou un fichier tronqué) ; ce qui s’y trouve est gardé, et la lecture a repris à l’attribut sain suivant`,
  'tnef.length-wrong': (p) =>
    `l’attribut TNEF à l’octet ${p.at} annonce ${p.length} octets, ce qui ne correspond ni à sa somme de contrôle ni au début d’un autre attribut (une longueur mensongère) ; la lecture a repris à l’attribut sain suivant`,
  'tnef.damaged': (p) =>
    `${p.skipped} octets à partir de l’octet ${p.at} du flux TNEF ne forment aucun attribut (endommagés ou tronqués) ; gardés tels quels, et la lecture a repris après eux`,
  'tnef.attachment-no-data': () => 'la pièce jointe du flux TNEF ne contient aucune donnée',
  'tnef.too-many-attachments': (p) =>
    `le flux TNEF contient ${p.count} pièces jointes, plus que maxEntries (${p.limit}) ; les autres n’ont pas été lues`,
  'tnef.message-attributes': (p) =>
    p.what === 'checksum'
      ? 'une somme de contrôle des attributs TNEF propres au message ne correspond pas à leurs octets (ils ont été modifiés ou endommagés)'
      : 'les propriétés MAPI du message dans le flux TNEF n’ont pas pu être lues',
  'olm.message-unreadable': (p) =>
    `fichier de message de l’archive Outlook pour Mac illisible comme message : ${p.error} ; conservé tel quel`,
  'olm.attachment-missing': (p) => `la pièce jointe que cite ${p.message} n’est pas dans l’archive`,
  'pst.embedded-too-deep': (p) =>
    `messages intégrés imbriqués sur plus de maxDepth (${p.limit}) niveaux ; non lus`,
};
