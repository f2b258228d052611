// Reading documents: every document and attachment whose format has an extractor (src/extract) gives
// its text, its metadata as written and the facts the forensic rules compare. Hostile files meet
// third-party parsers here, so each item is read in a worker of its own under a time and a memory
// limit: an item that hangs or exhausts memory fails alone, with the reason, and the run goes on.
import { extractorFor } from '../extract/index.ts';
import { withOcr } from '../extract/ocr.ts';
import type { ExtractOptions } from '../extract/types.ts';
import type { Analyser } from './analyser.ts';
import { bounded } from './bounded.ts';

/** Characters of text kept per document (the index reads the first million). */
const MAX_TEXT_CHARS = 2_000_000;
/** What is kept of each metadata value and list read from a document. */
const STORED_BOUNDS = { chars: 10_000, items: 10_000 };

export const analyser: Analyser<ExtractOptions> = {
  id: 'extract',
  // Bump when an extractor is added or reads more: every document is read again.
  version: '1',
  types: ['document', 'attachment'],
  module: import.meta.url,
  givesText: true,
  // OCR runs tesseract page by page inside the item's time: a scan of many pages needs longer.
  isolation: (options) => ({ timeoutMs: options.ocr ? 30 * 60_000 : 60_000, memoryMb: 512 }),
  async setup(_store, options) {
    return { maxTextChars: MAX_TEXT_CHARS, ocr: options.ocr ?? false };
  },
  start(options) {
    return async (input) => {
      const extractor = extractorFor(input.format);
      if (!extractor)
        return {
          status: 'skipped',
          summary: null,
          resultJson: JSON.stringify({ extractor: null, format: input.format }),
          inputs: [],
          findings: [],
        };
      const extraction = await withOcr(
        await extractor.extract(input.bytes, options),
        input.bytes,
        input.format,
        options,
      );
      const { facts } = extraction;
      const text = extraction.text ?? '';
      return {
        status: 'ok',
        summary: extractor.name,
        resultJson: JSON.stringify({
          extractor: extractor.name,
          facts: bounded(facts, STORED_BOUNDS),
          fields: bounded(extraction.fields, STORED_BOUNDS),
          problems: extraction.problems,
          textSource: extraction.textSource,
          textChars: text.length,
          ocrCandidate: extraction.ocrCandidate,
        }),
        inputs: [],
        findings: [],
        text: text
          ? {
              source: extraction.textSource ?? 'document',
              text,
              people: bounded(
                [...facts.authors, ...(facts.lastModifiedBy ? [facts.lastModifiedBy] : [])],
                STORED_BOUNDS,
              ) as string[],
            }
          : null,
      };
    };
  },
};
