// English words for what the image, plain-text and OCR extractors record (codes emitted by
// extract/formats/image.ts, extract/formats/plain.ts and extract/ocr.ts).
import type { Messages } from '../../catalogue.ts';
import { formatBytes } from '../../size.ts';

const PART: Record<string, string> = {
  jpeg: 'the JPEG file',
  png: 'the PNG file',
  gif: 'the GIF file',
  webp: 'the WebP file',
  exif: 'the EXIF block',
  iptc: 'the IPTC record',
  'photoshop-resources': 'the Photoshop resources block',
  ciff: 'the Canon camera record (CIFF)',
};

const list = (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value));

export const enImage: Messages = {
  'extract.image.truncated': (p) =>
    `${PART[String(p.format)] ?? String(p.format)} ends in the middle of a part (at byte ${p.at}): what comes before it was read`,
  'extract.image.jpeg-marker': (p) =>
    `the JPEG file has something other than a segment marker at byte ${p.at}: its metadata was read up to there`,
  'extract.image.gif-block': (p) =>
    `the GIF file has an unknown block at byte ${p.at}: its metadata was read up to there`,
  'extract.image.exif-damaged': (p) => `part of the EXIF block could not be read (${p.detail})`,
  'extract.image.exif-overlapping': (p) =>
    `the EXIF block's entries claim ${formatBytes(Number(p.referenced))} of values in a block of ${formatBytes(Number(p.size))} (they overlap, as in a file built to exhaust readers): the EXIF was not read, the rest of the image was`,
  'extract.image.iptc-extended': (p) =>
    `the IPTC record uses an oversized field at byte ${p.at}, which is not read: the fields before it were`,
  'extract.image.text-too-large': (p) =>
    `the PNG text "${p.keyword}" unpacks to more than ${formatBytes(Number(p.limit))}: it was not read`,
  'extract.image.text-budget': (p) =>
    `the PNG's compressed texts unpack to more than ${formatBytes(Number(p.limit))} together: the rest of them were not read`,
  'extract.image.text-damaged': (p) => `the PNG text "${p.keyword}" is damaged and was not read`,
  'extract.image.gps-invalid': (p) =>
    `the GPS position (${p.latitude}, ${p.longitude}) is not a place on Earth: it was not kept as a position`,
  'extract.image.xmp-limit': (p) =>
    p.limit === 'depth'
      ? 'the XMP metadata is nested too deeply: it was read down to the limit'
      : p.limit === 'packets'
        ? `the image holds ${p.count} XMP packets: the first 16 were read`
        : 'the XMP metadata holds too many properties: the first ones were kept',
  'extract.image.ciff-limit': (p) =>
    `the Canon camera record (CIFF) holds more than ${p.limit} entries: the first ones were read`,
  'extract.image.fields-limit': (p) =>
    `the image holds more than ${p.limit} metadata fields: the first ${p.limit} were kept`,
  // Traces: what the file itself records about being edited.
  'extract.image.iptc-digest-stale': (p) =>
    `the IPTC digest Photoshop stored (${p.stored}) no longer matches the IPTC data (${p.actual}): the caption, credit or keywords were changed by a program that did not update it, and the XMP may be out of step`,
  'extract.image.png-metadata-after-data': (p) =>
    `metadata (${list(p.chunks)}) sits after the image data, where cameras and most programs do not put it: it was probably added or rewritten later`,

  'extract.plain.text-cut': (p) =>
    `the text is longer than ${Number(p.limit).toLocaleString('en')} characters: only the first ones are kept`,

  'extract.ocr.unavailable': (p) =>
    `OCR was asked for but tesseract is not installed: install the Debian packages ${list(p.packages)}`,
  'extract.ocr.languages-missing': (p) =>
    `OCR ran without ${list(p.missing)}: install the Debian packages ${list(p.packages)} for it`,
  'extract.ocr.no-pdftoppm': () =>
    "the PDF's page images could not be OCRed: pdftoppm is not installed (Debian package poppler-utils)",
  'extract.ocr.image-too-large': (p) =>
    `the image claims ${p.width} × ${p.height} pixels, more than the ${Number(p.limit) / 1_000_000} million OCR is given: it was not OCRed`,
  'extract.ocr.timeout': (p) => `OCR took longer than ${p.seconds} seconds and was stopped`,
  'extract.ocr.failed': (p) => `OCR failed (${p.detail})`,
  'extract.ocr.pages-limit': (p) => `the PDF has ${p.pages} pages: only the first ${p.limit} were OCRed`,
  'extract.ocr.text-cut': (p) =>
    `the OCR text is longer than ${Number(p.limit).toLocaleString('en')} characters: only the first ones are kept`,
};
