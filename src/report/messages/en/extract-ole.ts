// English words for what the Office 97–2003 (compound file) and RTF extractors record (codes emitted
// by extract/formats/ole2.ts, ole-properties.ts and rtf.ts). `stream` is the name of a stream of the
// compound file (`SummaryInformation`, `WordDocument`…).
import type { Messages } from '../../catalogue.ts';

export const enExtractOle: Messages = {
  'extract.ole.not-compound': () =>
    'the file is not a readable compound file (Office 97–2003): its header or its directory is damaged',
  'extract.ole.chain-loop': (p) =>
    `the sector chain of ${p.stream} loops back on itself (a damaged or hostile file): it was read up to the loop`,
  'extract.ole.chain-broken': (p) =>
    `the sector chain of ${p.stream} points outside the file: it was read up to the break`,
  'extract.ole.stream-truncated': (p) =>
    `the stream ${p.stream} claims ${p.size} bytes but only ${p.read} could be read: what was there was kept`,
  'extract.ole.directory-damaged': () =>
    'the directory of the compound file is damaged (a link out of range or looping): the streams reached before the damage were read',
  'extract.ole.property-set-damaged': (p) =>
    `the ${p.stream} stream is damaged: what could be read from it was kept`,
  'extract.ole.property-count': (p) =>
    `the ${p.stream} stream claims ${p.claimed} properties but has room for ${p.read}: those were read`,
  'extract.ole.property-unreadable': (p) =>
    `${p.count} ${Number(p.count) === 1 ? 'property' : 'properties'} of the ${p.stream} stream could not be read (a value running past its section): the others were kept`,
  'extract.ole.code-page-unknown': (p) =>
    `the ${p.stream} stream declares code page ${p.codePage}, which Crible does not decode: its texts were read as Windows Western (1252) and may show wrong letters`,
  'extract.ole.encrypted': (p) =>
    `the document is password-protected (${p.stream}): its properties were read, its text cannot be`,
  'extract.ole.text-damaged': (p) =>
    `the text in the ${p.stream} stream is damaged: what was read before the damage was kept`,
  'extract.ole.word-version': (p) =>
    `the text of a Word document older than Word 97 (file format version ${p.nFib}) is not read: its properties were`,
  'extract.ole.text-cut': (p) => `the text was cut after ${p.limit} characters`,
  'extract.rtf.not-rtf': () => 'the file does not start as RTF does ({\\rtf): nothing of it could be read',
  'extract.rtf.too-deep': (p) =>
    `the RTF nests its groups deeper than ${p.limit} levels (a damaged or hostile file): what lies deeper was not read`,
  'extract.rtf.unclosed': (p) =>
    `the RTF ends with ${p.open} ${Number(p.open) === 1 ? 'group' : 'groups'} still open (a cut or damaged file): what was there was read`,
  'extract.rtf.bad-date': (p) =>
    `the date \\${p.field} of the RTF info group is not a calendar date: ${p.value} (kept as written in the metadata table)`,
  'extract.rtf.text-cut': (p) => `the text was cut after ${p.limit} characters`,
};
