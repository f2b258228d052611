// OCR (`--ocr`) of images and scanned PDFs through tesseract (French and English), when installed:
// a child process per image with the bytes on stdin, a time limit and one thread (the machine's
// cores belong to the extraction workers). A PDF's page images come from poppler's pdftoppm, one page
// at a time. What is missing is said once per document as a problem naming the Debian packages.
import { execFile, spawnSync } from 'node:child_process';
import { type Coded, coded } from '../report/catalogue.ts';
import type { Extraction, ExtractOptions } from './types.ts';

/** The languages asked of tesseract, and the Debian package of each. */
const LANGS = ['fra', 'eng'];
const PACKAGES = ['tesseract-ocr', 'tesseract-ocr-fra', 'tesseract-ocr-eng'];
/** Formats tesseract (leptonica) reads directly; PDFs go through pdftoppm. */
const IMAGE_FORMATS = new Set(['jpeg', 'png', 'gif', 'tiff', 'webp', 'bmp']);
/** One image or page: a hostile or huge one is stopped. */
const OCR_TIMEOUT_MS = 120_000;
/** Pages of a PDF OCRed; the rest are left, with a problem. */
const MAX_PAGES = 200;
/**
 * Pages are drawn to fit this many pixels a side: an A4 page at 300 dpi, and a page that claims to be
 * a hundred metres wide still costs no more than 12 MP.
 */
const PAGE_PIXELS = 3508;
/** Images larger than this are not handed to tesseract (a 1 KB PNG can claim 100,000 × 100,000 pixels). */
const MAX_IMAGE_PIXELS = 40_000_000;
/** Output accepted from a child: a page's text, or a page's image. */
const MAX_OUTPUT = 64 * 1024 * 1024;

export interface OcrAvailability {
  available: boolean;
  /** Languages tesseract has, among those asked (fra, eng). */
  langs: string[];
  /** What is missing, as Debian packages to install. */
  missing: string[];
}

let availability: OcrAvailability | undefined;
let pdftoppm: boolean | undefined;

/** Whether tesseract is installed and with which of French and English; looked up once per process. */
export function ocrAvailability(): OcrAvailability {
  if (availability) return availability;
  const listed = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8', timeout: 10_000 });
  if (listed.error || listed.status !== 0) {
    availability = { available: false, langs: [], missing: PACKAGES };
    return availability;
  }
  // `List of available languages in "…" (3):` then one per line
  const have = new Set(`${listed.stdout}\n${listed.stderr}`.split('\n').map((line) => line.trim()));
  const langs = LANGS.filter((lang) => have.has(lang));
  const missing = LANGS.filter((lang) => !have.has(lang)).map((lang) => `tesseract-ocr-${lang}`);
  availability = { available: langs.length > 0, langs, missing };
  return availability;
}

function hasPdftoppm(): boolean {
  pdftoppm ??= !spawnSync('pdftoppm', ['-v'], { timeout: 10_000 }).error;
  return pdftoppm;
}

type Run = { ok: true; stdout: Buffer } | { ok: false; problem: Coded };

function run(program: string, args: string[], input: Buffer): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      program,
      args,
      {
        encoding: 'buffer',
        timeout: OCR_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT,
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout });
        if (error.killed || error.signal === 'SIGKILL')
          return resolve({
            ok: false,
            problem: coded('extract.ocr.timeout', { seconds: OCR_TIMEOUT_MS / 1000 }),
          });
        const detail = (stderr.toString('utf8').trim().split('\n').pop() || error.message).slice(0, 200);
        resolve({ ok: false, problem: coded('extract.ocr.failed', { detail: `${program}: ${detail}` }) });
      },
    );
    child.stdin?.on('error', () => {}); // a child that exits before reading all of stdin
    child.stdin?.end(input);
  });
}

const recognise = (image: Buffer, langs: string[]) =>
  run('tesseract', ['stdin', 'stdout', '-l', langs.join('+')], image);

/** The page images of a PDF, drawn one at a time (grey, PNG) and OCRed in order. */
async function ocrPdf(
  bytes: Buffer,
  pages: number | null,
  langs: string[],
  problems: Coded[],
): Promise<string[]> {
  if (!hasPdftoppm()) {
    problems.push(coded('extract.ocr.no-pdftoppm'));
    return [];
  }
  const last = Math.min(pages ?? MAX_PAGES, MAX_PAGES);
  if (pages !== null && pages > MAX_PAGES)
    problems.push(coded('extract.ocr.pages-limit', { pages, limit: MAX_PAGES }));
  const texts: string[] = [];
  for (let page = 1; page <= last; page++) {
    const args = [
      '-f',
      String(page),
      '-l',
      String(page),
      '-scale-to',
      String(PAGE_PIXELS),
      '-gray',
      '-png',
      '-',
    ];
    const drawn = await run('pdftoppm', args, bytes);
    if (!drawn.ok || drawn.stdout.length === 0) {
      // Past the last page when the count was unknown; else the reason.
      if (pages !== null && !drawn.ok) problems.push(drawn.problem);
      break;
    }
    const read = await recognise(drawn.stdout, langs);
    if (!read.ok) {
      problems.push(read.problem);
      break;
    }
    texts.push(read.stdout.toString('utf8'));
  }
  return texts;
}

function tooLarge(extraction: Extraction): boolean {
  const { width, height } = extraction.facts.image ?? {};
  return typeof width === 'number' && typeof height === 'number' && width * height > MAX_IMAGE_PIXELS;
}

/**
 * The extraction with OCR text when asked (`options.ocr`) and the document is an OCR candidate (an
 * image, a scan): the text is the OCR's, marked `textSource: 'ocr'` (after the document's own text
 * when it had some). Without tesseract, a problem names the packages; the extraction is otherwise kept.
 */
export async function withOcr(
  extraction: Extraction,
  bytes: Buffer,
  format: string,
  options: ExtractOptions,
): Promise<Extraction> {
  if (!options.ocr || !extraction.ocrCandidate) return extraction;
  if (format !== 'pdf' && !IMAGE_FORMATS.has(format)) return extraction; // a scan inside another format is its member's
  const problems = [...extraction.problems];
  const ocr = ocrAvailability();
  if (!ocr.available) {
    problems.push(coded('extract.ocr.unavailable', { packages: PACKAGES }));
    return { ...extraction, problems };
  }
  if (ocr.missing.length > 0)
    problems.push(
      coded('extract.ocr.languages-missing', {
        missing: LANGS.filter((l) => !ocr.langs.includes(l)),
        packages: ocr.missing,
      }),
    );
  let texts: string[];
  if (format === 'pdf') texts = await ocrPdf(bytes, extraction.facts.pdf?.pages ?? null, ocr.langs, problems);
  else if (tooLarge(extraction)) {
    const { width, height } = extraction.facts.image!;
    problems.push(coded('extract.ocr.image-too-large', { width, height, limit: MAX_IMAGE_PIXELS }));
    texts = [];
  } else {
    const read = await recognise(bytes, ocr.langs);
    if (read.ok) texts = [read.stdout.toString('utf8')];
    else {
      problems.push(read.problem);
      texts = [];
    }
  }
  const recognised = texts
    .map((t) => t.replace(/\f/g, '').trim())
    .filter(Boolean)
    .join('\n\n');
  if (!recognised) return { ...extraction, problems };
  const own = extraction.text?.trim() ? `${extraction.text}\n\n` : '';
  let text = own + recognised;
  if (text.length > options.maxTextChars) {
    problems.push(coded('extract.ocr.text-cut', { limit: options.maxTextChars }));
    text = text.slice(0, options.maxTextChars);
  }
  return { ...extraction, text, textSource: 'ocr', problems };
}
