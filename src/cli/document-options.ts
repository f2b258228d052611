// The options that steer how documents are examined, shared by `ingest` and `analyse`.
import type { Command } from 'commander';
import type { AnalyseOptions } from '../analysers/analyser.ts';
import { printError, UsageError } from './output.ts';

export function addDocumentOptions(command: Command): Command {
  return command
    .option('--ocr', 'read scans and images with OCR (tesseract, French and English) when it is installed')
    .option(
      '--cutoff <date>',
      'when the dump was taken: documents dated after it are flagged (2017-05-03 means the end of that day, UTC; a time without its zone, the latest instant it can mean); kept in the case (default: the latest authentic email)',
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
    ...(opts.cutoff === undefined ? {} : { cutoff: await cutoffOption(opts.cutoff) }),
  };
}

/** A cut-off as the forensic rules read it (one reading, theirs), or a usage error naming what to give. */
async function cutoffOption(text: string): Promise<string> {
  const { parseCutoff } = await import('../core/analyse-case.ts');
  const at = parseCutoff(text);
  if (at === null)
    throw new UsageError(
      `--cutoff ${JSON.stringify(text)}: give a day (2017-05-03) or a time, with its zone if you know it (2017-05-03T18:00:00+02:00)`,
    );
  return at;
}
