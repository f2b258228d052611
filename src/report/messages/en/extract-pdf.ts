// English words for the problems of the PDF extractor (codes emitted by src/extract/formats/pdf/).
import type { Messages } from '../../catalogue.ts';
import { formatBytes } from '../../size.ts';

const object = (p: Record<string, unknown>) => (Number(p.object) >= 0 ? `object ${p.object}` : 'an object');
const LIMITS: Record<string, string> = {
  'xref-sections': 'cross-reference sections',
  pages: 'pages',
  'cmap-entries': 'character mappings in its fonts',
};

export const enPdf: Messages = {
  'extract.pdf.no-startxref': () =>
    'the PDF has no "startxref" pointer to its cross-reference table (it may be truncated)',
  'extract.pdf.bad-xref': (p) =>
    `the cross-reference section at byte ${p.offset} cannot be read (${p.reason}); older revisions before it are not listed`,
  'extract.pdf.prev-cycle': (p) =>
    `the chain of revisions loops back to the section at byte ${p.offset}: the loop was cut there`,
  'extract.pdf.unlinked-revision': (p) =>
    `the revision whose cross-reference section is at byte ${p.offset} is not on the chain of revisions the file declares (a broken or altered /Prev): it was found by its own "startxref" and is listed`,
  'extract.pdf.xref-rebuilt': () =>
    'no cross-reference table could be read: the objects were found by scanning the file, and its revisions cannot be told apart',
  'extract.pdf.object-unreadable': (p) =>
    `${object(p)} cannot be read (${p.reason} at byte ${p.offset}); the rest of the file was read`,
  'extract.pdf.stream-too-large': (p) =>
    `a stream of ${object(p)} decompresses to more than ${formatBytes(Number(p.limit))} (a possible decompression bomb): it was not read`,
  'extract.pdf.stream-damaged': (p) => `a stream of ${object(p)} is damaged (${p.filter}): it was not read`,
  'extract.pdf.filter-unsupported': (p) => `streams compressed with ${p.filter} are not read`,
  'extract.pdf.page-tree-cycle': (p) =>
    `the page tree refers back to object ${p.object}: the loop was cut there`,
  'extract.pdf.limit': (p) =>
    `the PDF has more ${LIMITS[String(p.what)] ?? p.what} than the ${p.limit} that are read; the rest were left out`,
  'extract.pdf.encrypted': (p) =>
    `the PDF is encrypted (${p.filter}) and does not open without its password: its text and the strings of its metadata cannot be read`,
  'extract.pdf.encrypted-metadata': () =>
    'the document information (author, title, dates) of this encrypted PDF is encrypted too and was not read',
  'extract.pdf.xmp-dtd': (p) =>
    `the XMP packet at byte ${p.offset} declares a DTD, which XMP does not allow (a possible entity bomb): it was not read`,
  'extract.pdf.xmp-unreadable': (p) =>
    `the XMP packet at byte ${p.offset} is not well-formed XML and was not read`,
  'extract.pdf.font-unmapped': (p) =>
    `the text set in font ${p.font} cannot be read: the font gives no mapping to characters (OCR would be needed)`,
  'extract.pdf.text-cut': (p) => `the text was cut at ${p.limit} characters`,
  'extract.pdf.data-after-eof': (p) =>
    `${formatBytes(Number(p.bytes))} after the last "%%EOF" belong to no revision (junk, or an update whose cross-reference table is broken): they were not read`,
  'extract.pdf.more-problems': (p) => `and ${p.count} more problems in this PDF`,
};
