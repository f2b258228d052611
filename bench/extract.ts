// Extraction benchmark: `npm run bench:extract -- [--runs 3] [--copies 20] [--json]`
//
// Builds (once, deterministic; kept in .cache/bench/extract/) a mixed set: --copies copies of every
// document of the corpus ($CRIBLE_CORPUS or ../shared/corpus, docs/: office, PDF, RTF, ODF, images;
// the mail containers are not documents), plus larger files generated here: text PDFs of a few MB,
// big xlsx sheets, and multi-MB JPEG photos carrying the corpus photos' EXIF/XMP/IPTC over generated
// scan data. Then, per run, on the same files: Crible's extraction of every file whose format has an
// extractor (src/extract/index.ts, whatever is registered), metadata only (maxTextChars 0) and with
// text, single-threaded and in 2 worker threads (the machine has 2 cores); and `exiftool -j -r` (and
// `-fast2`) on those same files. Prints documents/s and MB/s, the median over runs with the spread,
// the ratio against exiftool, and the formats found without an extractor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { deflateSync } from 'node:zlib';
import { extractorFor } from '../src/extract/index.ts';
import type { ExtractOptions } from '../src/extract/types.ts';
import { identify, probeBuffer } from '../src/ingest/registry.ts';
import { formatBytes } from '../src/report/size.ts';
import { makeZip } from '../src/sample/documents.ts';
import { createRng, type Rng } from '../src/sample/prng.ts';

/** Bump when the generated set changes, so a cached one is rebuilt. */
const SET_VERSION = 2;
const WORKERS = 2;
const MB = 1024 ** 2;

interface SetFile {
  path: string;
  format: string;
  size: number;
}

interface WorkerJob {
  path: string;
  format: string;
  options: ExtractOptions;
}

// --- worker ----------------------------------------------------------------------------------------

async function extractOne(job: Omit<WorkerJob, 'options'>, options: ExtractOptions): Promise<string | null> {
  const extractor = extractorFor(job.format);
  if (!extractor) return `no extractor for ${job.format}`;
  try {
    await extractor.extract(readFileSync(job.path), options);
    return null;
  } catch (error) {
    return `${job.format}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

// --- the set ---------------------------------------------------------------------------------------

const WORDS =
  'le la les un une des et de du en au aux pour par sur dans avec sans sous contrat paiement facture compte société banque virement montant total rapport réunion ministre campagne budget offshore accord signature document annexe the of and to in for on with account transfer payment invoice meeting report'.split(
    ' ',
  );

function sentence(rng: Rng, words: number): string {
  return Array.from({ length: words }, () => rng.pick(WORDS)).join(' ');
}

/** A text PDF of `pages` pages, each a Flate-compressed content stream of 50 lines in Helvetica. */
function textPdf(rng: Rng, pages: number, title: string): Buffer {
  const objects: Buffer[] = [];
  const add = (body: Buffer | string) =>
    objects.push(Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'));
  const firstPage = 4;
  add('<< /Type /Catalog /Pages 2 0 R >>');
  const kids = Array.from({ length: pages }, (_, i) => `${firstPage + i * 2} 0 R`).join(' ');
  add(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  for (let p = 0; p < pages; p++) {
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${firstPage + p * 2 + 1} 0 R >>`,
    );
    const lines = Array.from(
      { length: 50 },
      (_, i) => `BT /F1 10 Tf 50 ${800 - i * 15} Td (${sentence(rng, 12).replace(/[()\\]/g, '')}) Tj ET`,
    );
    const content = deflateSync(Buffer.from(lines.join('\n'), 'latin1'));
    add(
      Buffer.concat([
        Buffer.from(`<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`),
        content,
        Buffer.from('\nendstream'),
      ]),
    );
  }
  add(
    `<< /Title (${title}) /Author (Jean Dupont) /Creator (Microsoft Word 2016) /Producer (Microsoft: Print To PDF) /CreationDate (D:20170503101500+02'00') /ModDate (D:20170504221000+02'00') >>`,
  );
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  for (const [i, body] of objects.entries()) {
    const bytes = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(at);
    parts.push(bytes);
    at += bytes.length;
  }
  const rows = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${rows}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${at}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
}

/** An xlsx of `rows` rows × 6 columns (inline strings and numbers), with core and app properties. */
function bigXlsx(rng: Rng, rows: number): Promise<Buffer> {
  const cells = (r: number) =>
    `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${sentence(rng, 3)}</t></is></c><c r="B${r}"><v>${rng.int(1_000_000)}</v></c><c r="C${r}"><v>${(rng.next() * 10_000).toFixed(2)}</v></c><c r="D${r}" t="inlineStr"><is><t>${rng.pick(WORDS)}</t></is></c><c r="E${r}"><v>${42_000 + rng.int(3000)}</v></c><c r="F${r}" t="inlineStr"><is><t>${rng.hex(12)}</t></is></c></row>`;
  const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${Array.from({ length: rows }, (_, i) => cells(i + 1)).join('')}</sheetData></worksheet>`;
  const ns = 'http://schemas.openxmlformats.org';
  const entries = {
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`,
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="${ns}/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="${ns}/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': sheet,
    'docProps/core.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="${ns}/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Jean Dupont</dc:creator><cp:lastModifiedBy>Рошка Георгий Петрович</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2017-04-28T09:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2017-05-03T17:12:00Z</dcterms:modified></cp:coreProperties>`,
    'docProps/app.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="${ns}/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application><AppVersion>16.0300</AppVersion><Company>EM</Company></Properties>`,
  };
  return makeZip(Object.entries(entries).map(([name, data]) => ({ name, data: Buffer.from(data) })));
}

/** The segments before a JPEG's scan (its metadata), or null when it has no scan. */
function jpegHeader(bytes: Buffer): Buffer | null {
  let pos = 2;
  while (pos + 4 <= bytes.length && bytes[pos] === 0xff) {
    if (bytes[pos + 1] === 0xda) return bytes.subarray(0, pos);
    pos += 2 + bytes.readUInt16BE(pos + 2);
  }
  return null;
}

/** A photo of about `size` bytes: a corpus JPEG's metadata, a scan header and generated scan data. */
function bigPhoto(rng: Rng, header: Buffer, size: number): Buffer {
  const scan = rng.bytes(size);
  for (let i = 0; i < scan.length; i++) if (scan[i] === 0xff) scan[i] = 0xfe; // no markers inside
  const sos = Buffer.from([0xff, 0xda, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]);
  return Buffer.concat([header, sos, scan, Buffer.from([0xff, 0xd9])]);
}

async function buildSet(dir: string, corpusDocs: string, copies: number): Promise<SetFile[]> {
  const manifest = join(dir, 'manifest.json');
  const spec = { version: SET_VERSION, copies };
  if (existsSync(manifest)) {
    const kept = JSON.parse(readFileSync(manifest, 'utf8')) as { spec: typeof spec; files: SetFile[] };
    if (JSON.stringify(kept.spec) === JSON.stringify(spec) && kept.files.every((f) => existsSync(f.path)))
      return kept.files;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files: SetFile[] = [];
  const put = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const format = identify(probeBuffer(bytes, name, false)).module.name;
    files.push({ path, format, size: bytes.length });
  };
  const documents = readdirSync(corpusDocs)
    .filter((name) => name !== 'PROVENANCE.md')
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(corpusDocs, name)) }))
    .filter(({ name, bytes }) => identify(probeBuffer(bytes, name, false)).module.kind === 'document');
  for (let c = 0; c < copies; c++) {
    mkdirSync(join(dir, `copy-${c}`));
    for (const { name, bytes } of documents) put(join(`copy-${c}`, name), bytes);
  }
  // Generated: about a third each of PDF, spreadsheet and photo bytes (photos read fast: they must not dominate).
  mkdirSync(join(dir, 'generated'));
  const rng = createRng(11);
  for (let i = 0; i < 3; i++)
    put(join('generated', `report-${i}.pdf`), textPdf(rng.fork(`pdf${i}`), 1800 + i * 600, `Rapport ${i}`));
  for (let i = 0; i < 3; i++)
    put(join('generated', `ledger-${i}.xlsx`), await bigXlsx(rng.fork(`xlsx${i}`), 60_000 + i * 20_000));
  const photos = documents.flatMap(({ name, bytes }) => {
    const header = name.endsWith('.jpg') ? jpegHeader(bytes) : null;
    return header ? [{ name, header }] : [];
  });
  for (const [i, { name, header }] of photos.entries())
    for (let k = 0; k < 2; k++)
      put(
        join('generated', `photo-${i}-${k}-${name}`),
        bigPhoto(rng.fork(`photo${i}.${k}`), header, (2 + k * 2) * MB),
      );
  writeFileSync(manifest, JSON.stringify({ spec, files }));
  return files;
}

// --- the passes ------------------------------------------------------------------------------------

interface Pass {
  seconds: number;
  failures: string[];
  /** Seconds spent per format (single-threaded passes only). */
  byFormat?: Map<string, number>;
}

async function singleThread(files: SetFile[], options: ExtractOptions): Promise<Pass> {
  const failures: string[] = [];
  const byFormat = new Map<string, number>();
  const start = process.hrtime.bigint();
  for (const file of files) {
    const begun = process.hrtime.bigint();
    const failure = await extractOne(file, options);
    byFormat.set(
      file.format,
      (byFormat.get(file.format) ?? 0) + Number(process.hrtime.bigint() - begun) / 1e9,
    );
    if (failure) failures.push(failure);
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, failures, byFormat };
}

/** Two long-lived workers, as the extract analyser's pool is: loaded and warmed before any clock runs. */
class Pool {
  readonly workers: Worker[];
  private readonly exited: Promise<unknown>[];

  constructor() {
    this.workers = Array.from({ length: WORKERS }, () => new Worker(new URL(import.meta.url)));
    this.exited = this.workers.map((w) => new Promise((exit) => w.once('exit', exit)));
  }

  /** Every file once, shared between the workers, largest first so both finish together. */
  async run(files: SetFile[], options: ExtractOptions): Promise<Pass> {
    const failures: string[] = [];
    const queue = [...files].sort((a, b) => b.size - a.size);
    const start = process.hrtime.bigint();
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((done, fail) => {
            const next = () => {
              const file = queue.shift();
              if (!file) {
                worker.off('message', answer);
                worker.off('error', fail);
                return done();
              }
              const job: WorkerJob = { path: file.path, format: file.format, options };
              worker.postMessage(job);
            };
            const answer = (failure: string | null) => {
              if (failure) failures.push(failure);
              next();
            };
            worker.on('message', answer);
            worker.on('error', fail);
            next();
          }),
      ),
    );
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, failures };
  }

  async close(): Promise<void> {
    for (const worker of this.workers) worker.postMessage(null);
    await Promise.all(this.exited);
  }
}

function exiftool(files: SetFile[], dir: string, all: boolean, fast: boolean): Pass {
  const list = join(dir, '..', 'exiftool-files.txt');
  writeFileSync(list, files.map((f) => f.path).join('\n'));
  // The whole folder when every file is one Crible reads; else the same list of files.
  const target = all ? ['-r', dir] : ['-@', list];
  const args = ['-j', ...(fast ? ['-fast2'] : []), ...target];
  const start = process.hrtime.bigint();
  const run = spawnSync('exiftool', args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // exiftool exits 1 when some file had an error; 2+ or no status is a failed run.
  const failures =
    run.error || (run.status ?? 2) > 1 ? [`exiftool: ${run.error?.message ?? `exit ${run.status}`}`] : [];
  return { seconds, failures };
}

function perFormat(files: SetFile[], seconds: Map<string, Map<string, number>>) {
  const formats = [...new Set(files.map((f) => f.format))].sort();
  const rate = (pass: string, format: string, bytes: number) =>
    bytes / MB / (seconds.get(pass)?.get(format) ?? Number.NaN);
  return formats.map((format) => {
    const of = files.filter((f) => f.format === format);
    const bytes = of.reduce((sum, f) => sum + f.size, 0);
    return {
      format,
      documents: of.length,
      bytes,
      metadataMbPerSecond: rate('crible metadata, 1 thread', format, bytes),
      textMbPerSecond: rate('crible text, 1 thread', format, bytes),
    };
  });
}

// --- main ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      copies: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = Math.max(1, Number(values.runs));
  const copies = Math.max(1, Number(values.copies));
  const repo = resolve(import.meta.dirname, '..');
  const corpusDocs = join(
    process.env.CRIBLE_CORPUS ? resolve(process.env.CRIBLE_CORPUS) : resolve(repo, '../shared/corpus'),
    'docs',
  );
  if (!existsSync(corpusDocs)) {
    console.error(`corpus documents not found at ${corpusDocs} (set CRIBLE_CORPUS)`);
    process.exit(2);
  }
  const dir = join(repo, '.cache', 'bench', 'extract', 'set');
  const all = await buildSet(dir, corpusDocs, copies);
  const read = all.filter((f) => extractorFor(f.format));
  const unread = new Map<string, { files: number; bytes: number }>();
  for (const f of all.filter((f) => !extractorFor(f.format))) {
    const entry = unread.get(f.format) ?? { files: 0, bytes: 0 };
    entry.files++;
    entry.bytes += f.size;
    unread.set(f.format, entry);
  }
  const bytes = read.reduce((sum, f) => sum + f.size, 0);
  const hasExiftool = !spawnSync('exiftool', ['-ver'], { stdio: 'ignore' }).error;
  // Reading each file once first, so no pass pays for the page cache.
  for (const f of all) readFileSync(f.path);

  const metadata: ExtractOptions = { maxTextChars: 0, ocr: false };
  const withText: ExtractOptions = { maxTextChars: 10_000_000, ocr: false };
  const passes: Record<string, () => Promise<Pass> | Pass> = {
    'crible metadata, 2 workers': () => pool.run(read, metadata),
    'crible text, 2 workers': () => pool.run(read, withText),
    'crible metadata, 1 thread': () => singleThread(read, metadata),
    'crible text, 1 thread': () => singleThread(read, withText),
    ...(hasExiftool
      ? {
          'exiftool -j -r': () => exiftool(read, dir, read.length === all.length, false),
          'exiftool -j -fast2 -r': () => exiftool(read, dir, read.length === all.length, true),
        }
      : {}),
  };
  // Warm-up, untimed: the first copy of the corpus, in each worker and in this thread.
  const pool = new Pool();
  const sample = read.filter((f) => f.path.includes('copy-0'));
  for (const _ of pool.workers) await pool.run(sample, withText);
  await singleThread(sample, withText);
  const seconds: Record<string, number[]> = Object.fromEntries(Object.keys(passes).map((k) => [k, []]));
  const failures = new Map<string, string>();
  const formatSeconds = new Map<string, Map<string, number>>();
  if (read.length > 0)
    for (let r = 0; r < runs; r++)
      for (const [name, pass] of Object.entries(passes)) {
        const result = await pass();
        process.stderr.write(`run ${r + 1}: ${name} ${result.seconds.toFixed(2)} s\n`);
        seconds[name]!.push(result.seconds);
        if (result.byFormat) formatSeconds.set(name, result.byFormat);
        for (const failure of result.failures) failures.set(failure.split(':')[0]!, failure);
      }

  await pool.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const rows = Object.entries(seconds).map(([name, s]) => ({
    pass: name,
    seconds: s,
    documentsPerSecond: read.length / median(s),
    mbPerSecond: bytes / MB / median(s),
    mbPerSecondRange: [bytes / MB / Math.max(...s), bytes / MB / Math.min(...s)],
  }));
  const rate = (name: string) => rows.find((r) => r.pass === name)?.mbPerSecond ?? null;
  const ratio = (a: string, b: string) => {
    const x = rate(a);
    const y = rate(b);
    return x !== null && y !== null ? x / y : null;
  };
  const result = {
    runs,
    documents: read.length,
    bytes,
    formats: [...new Set(read.map((f) => f.format))].sort(),
    withoutExtractor: Object.fromEntries(unread),
    passes: rows,
    ratios: {
      metadata2WorkersVsExiftool: ratio('crible metadata, 2 workers', 'exiftool -j -r'),
      metadata2WorkersVsExiftoolFast2: ratio('crible metadata, 2 workers', 'exiftool -j -fast2 -r'),
      metadata1ThreadVsExiftool: ratio('crible metadata, 1 thread', 'exiftool -j -r'),
    },
    failures: [...failures.values()],
    /** Single-threaded, last run: MB/s of each format's files, metadata only and with text. */
    perFormat: perFormat(read, formatSeconds),
  };
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(
    `${read.length} documents (${formatBytes(bytes)}; ${result.formats.join(', ') || 'none'}) in ${dir}, ${runs} run${runs > 1 ? 's' : ''}`,
  );
  for (const [format, u] of unread)
    console.log(
      `  no extractor yet for ${format}: ${u.files} files, ${formatBytes(u.bytes)} (left out of every pass)`,
    );
  if (read.length === 0) return;
  for (const row of rows) {
    const [low, high] = row.mbPerSecondRange;
    console.log(
      `${row.pass.padEnd(24)} ${row.documentsPerSecond.toFixed(0).padStart(7)} documents/s ${row.mbPerSecond.toFixed(1).padStart(8)} MB/s (runs ${low!.toFixed(1)}–${high!.toFixed(1)})`,
    );
  }
  if (!hasExiftool) console.log('exiftool not installed (Debian libimage-exiftool-perl): no comparison');
  const {
    metadata2WorkersVsExiftool: r2,
    metadata2WorkersVsExiftoolFast2: f2,
    metadata1ThreadVsExiftool: r1,
  } = result.ratios;
  if (r2 !== null)
    console.log(
      `metadata, crible over exiftool: ${r2.toFixed(2)}× with 2 workers (${f2?.toFixed(2)}× against -fast2), ${r1?.toFixed(2)}× on 1 thread`,
    );
  console.log('per format, 1 thread (last run): metadata MB/s, text MB/s');
  for (const f of result.perFormat)
    console.log(
      `  ${f.format.padEnd(6)} ${String(f.documents).padStart(4)} files ${formatBytes(f.bytes).padStart(9)} ${f.metadataMbPerSecond.toFixed(1).padStart(8)} ${f.textMbPerSecond.toFixed(1).padStart(8)}`,
    );
  for (const failure of result.failures) console.log(`failed: ${failure}`);
}

// Last, once every declaration above is initialised: a worker serves jobs, the main thread runs.
if (!isMainThread) {
  parentPort!.on('message', async (job: WorkerJob | null) => {
    if (job === null) process.exit(0);
    parentPort!.postMessage(await extractOne(job, job.options));
  });
} else {
  await main();
}
