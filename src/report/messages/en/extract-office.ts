// English words for what the Office Open XML and OpenDocument extractors record (codes emitted by
// extract/formats/ooxml.ts, odf.ts and zip-parts.ts). `part` is the name of a part in the document's zip.
import type { Messages } from '../../catalogue.ts';
import { formatBytes } from '../../size.ts';

export const enOffice: Messages = {
  'extract.office.part-unreadable': (p) =>
    `the part ${p.part} of the document cannot be read (${p.error}): the other parts were read`,
  'extract.office.part-too-large': (p) =>
    `the part ${p.part} expands to more than ${formatBytes(Number(p.limit))} (possibly a decompression bomb): it was not read, the other parts were`,
  'extract.office.document-too-large': (p) =>
    `the document's parts expand to more than ${formatBytes(Number(p.limit))} together (possibly a decompression bomb): reading stopped at ${p.part}`,
  'extract.office.xml-damaged': (p) =>
    `the part ${p.part} is damaged XML (${p.error}, at character ${p.at}): what could be read from it was kept`,
  'extract.office.bad-date': (p) =>
    `the date ${p.field} in ${p.part} is not a date as the format writes them: "${p.value}" (kept as written in the metadata table)`,
  'extract.office.duplicate-part': (p) =>
    `the document holds two parts named ${p.part}: programs may show either (a sign the file was altered by hand); the first was read`,
  'extract.office.no-main-part': () =>
    'the document has no Word, Excel or PowerPoint main part: only its properties were read',
  'extract.office.encrypted': () =>
    'the document is password-protected: its metadata was read, its text cannot be',
  'extract.office.text-cut': (p) =>
    `the text was cut after ${Number(p.limit).toLocaleString('en')} characters`,
};
