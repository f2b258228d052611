// French words for the formats Crible recognises but does not read yet (code format.not-read-yet,
// with the format's registry name). The sentence avoids a participle, which would agree in gender.
import type { Messages } from '../../catalogue.ts';

/** What each format is, and what of it is therefore missing from the case. */
const NOT_READ: Record<string, [what: string, missing: string]> = {
  pst: ['fichier de messagerie Outlook PST', 'ses messages ne sont pas dans le dossier d’enquête'],
  ost: [
    'fichier de messagerie hors connexion Outlook OST',
    'ses messages ne sont pas dans le dossier d’enquête',
  ],
  olm: ['archive Outlook pour Mac OLM', 'ses messages ne sont pas dans le dossier d’enquête'],
  msg: [
    'message Outlook MSG',
    'ses en-têtes, son corps et ses pièces jointes ne sont pas dans le dossier d’enquête',
  ],
  emlx: [
    'message Apple Mail EMLX',
    'ses en-têtes, son corps et ses pièces jointes ne sont pas dans le dossier d’enquête',
  ],
  bzip2: ['fichier compressé en bzip2', 'son contenu n’est pas dans le dossier d’enquête'],
  xz: ['fichier compressé en xz', 'son contenu n’est pas dans le dossier d’enquête'],
  zstd: ['fichier compressé en Zstandard', 'son contenu n’est pas dans le dossier d’enquête'],
  '7z': ['archive 7-Zip', 'ses fichiers ne sont pas dans le dossier d’enquête'],
  rar: ['archive RAR', 'ses fichiers ne sont pas dans le dossier d’enquête'],
};

export const frFormats: Messages = {
  'format.not-read-yet': ({ format }) => {
    const [what, missing] = NOT_READ[String(format)] ?? [
      `fichier ${String(format)}`,
      'son contenu n’est pas dans le dossier d’enquête',
    ];
    return `${what} : un format que cette version de Crible ne lit pas encore ; ${missing}`;
  },
};
