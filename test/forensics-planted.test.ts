// Planted forgeries through the real pipeline: clean corpus documents, copied at test time and given
// the signals of the 2017 cases (a Cyrillic last editor, a save after the carrying email, an
// incremental PDF update changing the author, a burst of edits, a layered "scan", a Russian Excel), ingested into a
// case beside an authentic email; the findings come from the store. The clean originals raise no
// high-severity finding.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCaseView } from '../src/analysers/forensics.ts';
import { analyseCase } from '../src/core/analyse-case.ts';
import { type Case, openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { ZipParts } from '../src/extract/formats/zip-parts.ts';
import { extractorFor } from '../src/extract/index.ts';
import { type Params, render } from '../src/report/catalogue.ts';
import { makeDocx } from '../src/sample/documents.ts';
import { dkimSignatureFor, generateDkimKeys, keyFileJson } from '../src/sample/synth.ts';
import type { FindingRecord } from '../src/store/store.ts';
import { zip } from './helpers/archives.ts';
import { requireCorpus } from './helpers/corpus.ts';
import { tempDir } from './helpers/mail.ts';
import {
  compObj,
  docSummaryInformation,
  summaryInformation,
  workbookStream,
  writeCompoundFile,
} from './helpers/ole-write.ts';

const corpus = requireCorpus('docs', 'forensics-planted');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const CYRILLIC_EDITOR = 'Рошка Георгий Петрович';

/** The zip with one entry's text rewritten, every other entry as it was (folder entries are implied by names). */
async function rewriteZipEntry(bytes: Buffer, name: string, edit: (text: string) => string): Promise<Buffer> {
  const parts = ZipParts.open(bytes)!;
  return zip(
    parts
      .names()
      .filter((n) => !n.endsWith('/'))
      .map((n): [string, Buffer] => {
        const data = parts.bytesOf(n)!;
        return [n, n === name ? Buffer.from(edit(data.toString('utf8'))) : data];
      }),
  );
}

/** A PDF text string in UTF-16BE (hex), as writers store names outside Latin-1. */
const pdfText = (s: string) => `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;

/** `pdf` with an incremental update appended: a new Info object, its xref section and a trailer with /Prev. */
function appendInfoUpdate(pdf: Buffer, info: Record<string, string>): Buffer {
  const tail = pdf.subarray(-2048).toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail)![1]);
  const trailer = /trailer\s*<<([\s\S]*?)>>\s*startxref/.exec(tail)![1]!;
  const size = Number(/\/Size (\d+)/.exec(trailer)![1]);
  const root = /\/Root (\d+ \d+ R)/.exec(trailer)![1];
  const objectStart = pdf.length + 1;
  const object = `\n${size} 0 obj\n<< ${Object.entries(info)
    .map(([k, v]) => `/${k} ${v}`)
    .join(' ')} >>\nendobj\n`;
  const xrefAt = pdf.length + object.length;
  const update =
    object +
    `xref\n0 1\n0000000000 65535 f \n${size} 1\n${String(objectStart).padStart(10, '0')} 00000 n \n` +
    `trailer\n<< /Size ${size + 1} /Root ${root} /Info ${size} 0 R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}

/** A one-page PDF whose page is only an image, with an optional-content group (a layer): a "scan" made in a layout program. */
function layeredScanPdf(): Buffer {
  const content = 'q 612 0 0 792 0 0 cm /Im1 Do Q\n';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /OCProperties << /OCGs [5 0 R] /D << /ON [5 0 R] /Order [5 0 R] >> >> >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 6 0 R >> /Properties << /OC1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
    '<< /Type /OCG /Name (Texte) >>',
    '<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\u00ff\nendstream',
    "<< /Producer (Canon iR-ADV C5535 PDF) /CreationDate (D:20170503100000+02'00') /ModDate (D:20170503100000+02'00') >>",
  ];
  let out = '%PDF-1.5\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 7 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** An email dated `date` carrying `bytes` as `filename` (a docx, or an email forwarded whole). */
function carrying(id: string, date: string, filename: string, bytes: Buffer, forwarded = false): Buffer {
  const lines = [
    'From: Keith Bennett <keith.bennett@organisation.example>',
    'To: Nick Burch <nick.burch@organisation.example>',
    `Subject: ${filename}`,
    `Date: ${date}`,
    `Message-ID: <${id}@organisation.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Ci-joint.',
    '--b',
    `Content-Type: ${forwarded ? 'message/rfc822' : DOCX}`,
    `Content-Disposition: attachment; filename="${filename}"`,
    ...(forwarded
      ? ['', bytes.toString('latin1')]
      : ['Content-Transfer-Encoding: base64', '', ...(bytes.toString('base64').match(/.{1,76}/g) ?? [])]),
    '--b--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

let kase: Case;
/** Each planted or clean file's item, by the name the test gave it. */
const itemOf = new Map<string, number>();
const findings = new Map<string, FindingRecord[]>();
const pdfRead = extractorFor('pdf') !== undefined;

const fired = (name: string, rule: string) =>
  (findings.get(name) ?? []).filter((f) => f.code === `forensics.${rule}`);
const highs = (name: string) =>
  (findings.get(name) ?? []).filter((f) => f.analyser === 'forensics' && f.severity === 'high');

beforeAll(async () => {
  if (!corpus) return;
  const dir = tempDir('crible-planted-');
  const word = readFileSync(join(corpus, 'tika__testWORD.docx'));
  const pdf = readFileSync(join(corpus, 'tika__testPDF.pdf'));
  const french = readFileSync(join(corpus, 'tika__testEXCEL.xls'));
  const files: Record<string, Buffer> = {
    // Clean originals, as they are.
    'clean/tika__testWORD.docx': word,
    'clean/tika__testPDF.pdf': pdf,
    'clean/tika__testEXCEL.xlsx': readFileSync(join(corpus, 'tika__testEXCEL.xlsx')),
    'clean/tika__testPPT.pptx': readFileSync(join(corpus, 'tika__testPPT.pptx')),
    // A Cyrillic last editor.
    'planted/editor.docx': await rewriteZipEntry(word, 'docProps/core.xml', (xml) =>
      xml.replace(
        '<cp:lastModifiedBy>Nick Burch</cp:lastModifiedBy>',
        `<cp:lastModifiedBy>${CYRILLIC_EDITOR}</cp:lastModifiedBy>`,
      ),
    ),
    // An incremental update that changes the author.
    'planted/updated.pdf': appendInfoUpdate(pdf, {
      Author: pdfText(CYRILLIC_EDITOR),
      Creator: '(Firefox)',
      Producer: '(Mac OS X 10.4.10 Quartz PDFContext)',
      CreationDate: "(D:20070915110231+02'00')",
      ModDate: "(D:20170504221000+03'00')",
    }),
    // A layered "scan".
    'planted/scan_0001.pdf': layeredScanPdf(),
  };
  // A burst: five different documents saved within three minutes by one editor.
  for (let i = 0; i < 5; i++)
    files[`planted/burst-${i}.docx`] = await makeDocx({
      title: `Note ${i}`,
      creator: 'Jean Dupont',
      lastModifiedBy: 'Jean Dupont',
      created: new Date(Date.UTC(2015, i, 3, 9)),
      modified: new Date(Date.parse('2017-03-27T13:00:00Z') + i * 40_000),
      paragraphs: [`Note de service numéro ${i}, sans rapport avec les autres.`],
    });
  const forwardedDocx = await makeDocx({
    title: 'Relevé',
    creator: 'Nick Burch',
    lastModifiedBy: 'Nick Burch',
    created: new Date('2010-11-14T09:00:00Z'),
    modified: new Date('2010-11-14T10:00:00Z'),
    paragraphs: ['Relevé transmis par courriel.'],
  });
  // A Russian-language Excel (code page 1251, Russian CompObj and sheet names), in a case whose
  // authentic mail carries a French one.
  files['planted/budget.xls'] = writeCompoundFile({
    '\x05SummaryInformation': summaryInformation({
      codePage: 1251,
      author: 'Jean Dupont',
      lastAuthor: 'Jean Dupont',
      created: '2017-03-27T13:06:00Z',
      modified: '2017-03-27T13:10:00Z',
    }),
    '\x05DocumentSummaryInformation': docSummaryInformation({ codePage: 1251, appVersion: '16.0000' }),
    '\x01CompObj': compObj('Лист Microsoft Excel', 'Excel.Sheet.8', 'Biff8', 1251),
    Workbook: workbookStream(['Лист1'], ['total']),
  }).bytes;
  // A save date after the email that carries it.
  const resaved = await rewriteZipEntry(word, 'docProps/core.xml', (xml) =>
    xml.replace('2010-11-12T16:21:00Z', '2017-05-04T22:10:00Z'),
  );
  mkdirSync(join(dir, 'mail'));
  writeFileSync(
    join(dir, 'mail', 'late.eml'),
    carrying('late', 'Thu, 04 May 2017 12:00:00 +0200', 'rapport.docx', resaved),
  );
  // An authentic email carrying the clean document: the roster, and a carrier dated after its save.
  const [key] = generateDkimKeys([{ domain: 'organisation.example', selector: 's2010', type: 'ed25519' }]);
  const content = carrying('clean', 'Mon, 15 Nov 2010 09:00:00 +0100', 'tika__testWORD.docx', word);
  const signature = await dkimSignatureFor(content, key!, { signTime: new Date('2010-11-15T08:00:00Z') });
  writeFileSync(join(dir, 'mail', 'clean.eml'), Buffer.concat([Buffer.from(signature), content]));
  const excel = carrying('excel', 'Tue, 16 Nov 2010 09:00:00 +0100', 'tika__testEXCEL.xls', french);
  const excelSignature = await dkimSignatureFor(excel, key!, { signTime: new Date('2010-11-16T08:00:00Z') });
  writeFileSync(join(dir, 'mail', 'excel.eml'), Buffer.concat([Buffer.from(excelSignature), excel]));
  // An authentic email forwarding, whole, an unsigned one that carries a document.
  const inner = carrying('inner', 'Sun, 14 Nov 2010 18:00:00 +0100', 'forwarded.docx', forwardedDocx);
  const outer = carrying('outer', 'Mon, 15 Nov 2010 10:00:00 +0100', 'fwd.eml', inner, true);
  const outerSignature = await dkimSignatureFor(outer, key!, { signTime: new Date('2010-11-15T09:00:00Z') });
  writeFileSync(join(dir, 'mail', 'outer.eml'), Buffer.concat([Buffer.from(outerSignature), outer]));
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keyFileJson([key!])));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, 'files', name, '..'), { recursive: true });
    writeFileSync(join(dir, 'files', name), bytes);
  }
  kase = openCase(join(dir, 'case'), { create: true });
  await ingestIntoCase(kase, [join(dir, 'mail'), join(dir, 'files')], {
    keyFiles: [join(dir, 'keys.json')],
    workers: 1,
  });
  const items = await kase.store.listItems({ type: 'all' });
  for (const item of items) {
    for (const o of await kase.store.occurrencesOf(item.id)) {
      const name =
        o.parentId === null
          ? o.path
          : ['rapport.docx', 'forwarded.docx'].includes(o.filename ?? '')
            ? `mail/${o.filename}`
            : null;
      if (name) itemOf.set(name, item.id);
    }
  }
  for (const [name, id] of itemOf) findings.set(name, await kase.store.findingsOf(id));
  return () => kase.store.close();
}, 120_000);

describe.skipIf(!corpus)('planted forgeries, through ingest', () => {
  it('the authentic email is authentic, and the clean originals raise no high-severity finding', async () => {
    const clean = (await kase.store.listItems({ type: 'message' })).find(
      (m) => m.first.path === 'clean.eml',
    )!;
    expect((await kase.store.getAnalysis(clean.id, 'dkim'))?.summary).toBe('authentic');
    for (const name of [
      'clean/tika__testWORD.docx',
      'clean/tika__testEXCEL.xlsx',
      'clean/tika__testPPT.pptx',
    ]) {
      expect(await kase.store.getAnalysis(itemOf.get(name)!, 'forensics'), name).toMatchObject({
        status: 'ok',
      });
      expect(highs(name), name).toEqual([]);
    }
  });

  it('a Cyrillic last editor: foreign-script, high, against the roster of the authentic email', () => {
    const [hit] = fired('planted/editor.docx', 'foreign-script');
    expect(hit).toMatchObject({
      severity: 'high',
      params: { field: 'lastModifiedBy', name: CYRILLIC_EDITOR, script: 'Cyrillic', baseline: 'roster' },
      evidence: { lastModifiedBy: CYRILLIC_EDITOR },
    });
    expect(render({ code: hit!.code, params: hit!.params as Params })).toContain('not show who');
    expect(fired('planted/editor.docx', 'unknown-author')[0]?.params).toMatchObject({
      name: CYRILLIC_EDITOR,
    });
    // Keith Bennett and Nick Burch are the organisation's: the clean copy names nobody unknown.
    expect(fired('clean/tika__testWORD.docx', 'unknown-author')).toEqual([]);
  });

  it('a save date after the carrying email: modified-after-carrier, high, with the email and the date', () => {
    const [hit] = fired('mail/rapport.docx', 'modified-after-carrier');
    expect(hit).toMatchObject({
      severity: 'high',
      params: { field: 'modified', written: '2017-05-04T22:10:00Z', carrierDate: '2017-05-04T10:00:00.000Z' },
    });
    expect(fired('clean/tika__testWORD.docx', 'modified-after-carrier')).toEqual([]);
  });

  it('a burst of edits: edit-burst, high, on each of the five with the others as evidence', () => {
    for (let i = 0; i < 5; i++) {
      const [hit] = fired(`planted/burst-${i}.docx`, 'edit-burst');
      expect(hit).toMatchObject({
        severity: 'high',
        params: { by: 'editor', documents: 5, editor: 'Jean Dupont' },
      });
      expect((hit!.evidence.documents as { itemId: number }[]).map((d) => d.itemId).sort()).toEqual(
        [0, 1, 2, 3, 4].map((j) => itemOf.get(`planted/burst-${j}.docx`)).sort(),
      );
    }
  });

  it.skipIf(!pdfRead)(
    'an incremental update changing the author: pdf-revised, high, with both authors',
    () => {
      const [hit] = fired('planted/updated.pdf', 'pdf-revised');
      expect(hit).toMatchObject({
        severity: 'high',
        params: { updates: 1, firstAuthor: 'Bertrand Delacrétaz', lastAuthor: CYRILLIC_EDITOR },
      });
      expect(hit!.params.telling).toContain('Info/Author');
      expect(highs('clean/tika__testPDF.pdf')).toEqual([]);
    },
  );

  it.skipIf(!pdfRead)('a layered "scan": layered-scan, high, with its layer and image-only page', () => {
    const [hit] = fired('planted/scan_0001.pdf', 'layered-scan');
    expect(hit).toMatchObject({ severity: 'high', params: { layers: 1, imageOnlyPages: 1 } });
    expect(hit!.evidence.layers).toEqual(['Texte']);
  });
});

describe.skipIf(!corpus)('the case as the rules see it', () => {
  it('a document inside an email forwarded whole is authenticated by the outer one; the roster and the cut-off', async () => {
    const view = await buildCaseView(kase.store, {});
    const forwarded = view.documents.find((d) => d.itemId === itemOf.get('mail/forwarded.docx'))!;
    expect(forwarded.carriers.map((c) => [c.date, c.verdict])).toEqual([
      ['2010-11-15T09:00:00.000Z', 'authentic'],
    ]);
    expect(forwarded).toMatchObject({ loose: false, names: ['forwarded.docx'] });
    expect(view.roster).toEqual(
      expect.arrayContaining(['bennett keith', 'burch nick', 'keith.bennett@organisation.example']),
    );
    expect(view.rosterScripts).toEqual(['Latin']);
    expect(view.cutoff).toEqual({ at: '2010-11-16T08:00:00.000Z', source: 'latest-authentic' });
  });
});

describe.skipIf(!corpus)('the cut-off, given', () => {
  it('is kept in the case, and flags high the loose files dated after it, run after run', async () => {
    // On a case already analysed: a new cut-off is enough to check every document again.
    const [run] = await analyseCase(kase.store, { only: ['forensics'], cutoff: '2017-03-01' });
    expect(run!.checked).toBeGreaterThan(5);
    expect(await kase.store.setting('forensics.cutoff')).toBe('2017-03-01T23:59:59.999Z');
    const burst = itemOf.get('planted/burst-0.docx')!;
    const given = async () =>
      (await kase.store.findingsOf(burst)).find((f) => f.code === 'forensics.after-cutoff');
    expect(await given()).toMatchObject({
      severity: 'high',
      params: { source: 'given', cutoff: '2017-03-01T23:59:59.999Z', loose: true },
    });
    // A later run without --cutoff, or with the same one, has nothing to do and keeps the one given.
    const [again] = await analyseCase(kase.store, { only: ['forensics'], cutoff: '2017-03-01' });
    expect(again!.checked).toBe(0);
    await analyseCase(kase.store, { only: ['forensics'], all: true });
    expect((await given())?.params.source).toBe('given');
    expect(
      JSON.parse(JSON.stringify((await kase.store.getAnalysis(burst, 'forensics'))?.result)),
    ).toMatchObject({
      cutoff: { at: '2017-03-01T23:59:59.999Z', source: 'given' },
    });
    // The clean original, saved in 2010, is not after it.
    expect(fired('clean/tika__testWORD.docx', 'after-cutoff')).toEqual([]);
  });
});
