// The options that steer how documents are examined, shared by `ingest` and `analyse`.
import type { Command } from 'commander';
import type { AnalyseOptions } from '../analysers/analyser.ts';
import { printError, UsageError } from './output.ts';

export function addDocumentOptions(command: Command): Command {
  return command
    .option('--ocr', 'read scans and images with OCR (tesseract, French and English) when it is installed')
    .option(
      '--cutoff <date>',
      'when the dump was taken: documents dated after it are flagged (2017-05-03 means the end of that day, UTC; or a time with its zone); kept in the case (default: the latest authentic email)',
    );
}

/** The analysis options from `--ocr` and `--cutoff`, checked; `--ocr` without tesseract is said, naming what to install. */
export async function documentOptions(opts: {
  ocr?: boolean;
  cutoff?: string;
}): Promise<Pick<AnalyseOptions, 'ocr' | 'cutoff'>> {
  if (opts.ocr) {
    const { ocrAvailability } = await import('../core/analyse-case.ts');
    const ocr = ocrAvailability();
    if (!ocr.available || ocr.missing.length)
      printError(
        ocr.available
          ? `--ocr: tesseract lacks ${ocr.missing.join(', ')}; install them (sudo apt-get install ${ocr.missing.join(' ')}) to read both French and English.`
          : `--ocr: tesseract is not installed, so scans and images are not read; install it with: sudo apt-get install ${ocr.missing.join(' ')}. Everything else is examined.`,
      );
  }
  return {
    ...(opts.ocr ? { ocr: true } : {}),
    ...(opts.cutoff === undefined ? {} : { cutoff: parseCutoff(opts.cutoff) }),
  };
}

/** `YYYY-MM-DD` (the end of that day, UTC) or an ISO 8601 time with its zone, as an ISO instant. */
export function parseCutoff(text: string): string {
  const day = /^\d{4}-\d\d-\d\d$/.test(text) ? Date.parse(`${text}T23:59:59.999Z`) : Number.NaN;
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(text) ? Date.parse(text) : Number.NaN;
  const at = Number.isNaN(day) ? zoned : day;
  if (Number.isNaN(at))
    throw new UsageError(
      `--cutoff ${JSON.stringify(text)}: give a day (2017-05-03) or a time with its zone (2017-05-03T18:00:00+02:00)`,
    );
  return new Date(at).toISOString();
}
