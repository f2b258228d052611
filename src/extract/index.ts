// The extractors, one per format family. Adding one is adding its module in formats/ and a line here.
import { imageExtractor } from './formats/image.ts';
import { odfExtractor } from './formats/odf.ts';
import { ole2Extractor } from './formats/ole2.ts';
import { ooxmlExtractor } from './formats/ooxml.ts';
import { pdfExtractor } from './formats/pdf/index.ts';
import { plainExtractor } from './formats/plain.ts';
import { rtfExtractor } from './formats/rtf.ts';
import type { Extractor } from './types.ts';

export const extractors: readonly Extractor[] = [
  imageExtractor,
  plainExtractor,
  ole2Extractor,
  rtfExtractor,
  ooxmlExtractor,
  odfExtractor,
  pdfExtractor,
];

/** The extractor for an item's format, or undefined when none reads it yet. */
export function extractorFor(format: string): Extractor | undefined {
  return extractors.find((e) => e.formats.includes(format));
}
