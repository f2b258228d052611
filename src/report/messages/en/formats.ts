// English words for the formats Crible recognises but does not read yet (code format.not-read-yet,
// emitted by ingest/formats/ with the format's registry name).
import type { Messages } from '../../catalogue.ts';

/** What each format is, and what of it is therefore missing from the case. */
const NOT_READ: Record<string, [what: string, missing: string]> = {
  pst: ['Outlook PST mail store', 'its messages are not in the case'],
  ost: ['Outlook OST offline mail store', 'its messages are not in the case'],
  olm: ['Outlook for Mac OLM archive', 'its messages are not in the case'],
  msg: ['Outlook MSG message', 'its headers, body and attachments are not in the case'],
  emlx: ['Apple Mail EMLX message', 'its headers, body and attachments are not in the case'],
  bzip2: ['bzip2-compressed file', 'what it holds is not in the case'],
  xz: ['xz-compressed file', 'what it holds is not in the case'],
  zstd: ['Zstandard-compressed file', 'what it holds is not in the case'],
  '7z': ['7-Zip archive', 'its files are not in the case'],
  rar: ['RAR archive', 'its files are not in the case'],
};

/** Formats an earlier version recorded as not read, which this one reads: the words must not say otherwise. */
const READ_NOW = new Set(['pst', 'ost', 'olm', 'msg', 'emlx', 'bzip2', 'xz', '7z', 'rar']);

export const enFormats: Messages = {
  'format.not-read-yet': ({ format }) => {
    const [what, missing] = NOT_READ[String(format)] ?? [
      `${String(format)} file`,
      'what it holds is not in the case',
    ];
    return READ_NOW.has(String(format))
      ? `${what}: not read by the version of Crible that ingested it, so ${missing}; this version reads it: run the same ingest again`
      : `${what}: not read yet by this version of Crible; ${missing}`;
  },
};
