// The PDF extractor: metadata from our own scanner of the file's bytes (every revision, every XMP
// packet, fonts, layers, layout-program data), text from the content streams (text.ts). Nothing here
// needs the text to give the facts. Encrypted files that open with the empty user password (most:
// they only restrict printing or copying) are read in full (crypt.ts); others keep their structure
// but not their strings: Info values and text are then not read (they would be ciphertext), and
// problems say so.
import { parsePdfDate } from '../../dates.ts';
import { addField, emptyExtraction, splitAuthors } from '../../facts.ts';
import type { Extraction, ExtractOptions, Extractor, PdfFacts, XmpPacket } from '../../types.ts';
import { PdfDocument as Document, nameOf, type PdfDocument } from './document.ts';
import { resourceFonts } from './fonts.ts';
import { Problems } from './problems.ts';
import { describeRevisions, infoOf } from './revisions.ts';
import { TextSink } from './sink.ts';
import { valueText } from './strings.ts';
import { PdfStream, Ref } from './syntax.ts';
import { TextReader } from './text.ts';
import { findPackets, packetFields, propertyText, type ReadPacket, readPacket } from './xmp.ts';

/** Info keys the PDF standard defines; the others are the producer's own (facts.custom). */
const STANDARD_INFO = new Set([
  'Title',
  'Author',
  'Subject',
  'Keywords',
  'Creator',
  'Producer',
  'CreationDate',
  'ModDate',
  'Trapped',
]);

const HEADER_BYTES = 1024;
/** Bytes of an object looked at for the type of its dictionary before parsing it. */
const OBJECT_HEAD_BYTES = 2048;

export interface ReadOptions {
  /** Read the text layer (else only what the metadata needs: image-only pages are still found). */
  text: boolean;
  maxTextChars: number;
}

function headerVersion(bytes: Buffer): string | null {
  const at = bytes.subarray(0, HEADER_BYTES + 16).indexOf('%PDF-');
  if (at < 0 || at > HEADER_BYTES) return null;
  const m = /^%PDF-(\d+\.\d+)/.exec(bytes.toString('latin1', at, at + 12));
  return m ? m[1]! : null;
}

/** Every XMP packet: those stored as they are, then those inside compressed metadata streams. */
function readPackets(doc: PdfDocument, problems: Problems): ReadPacket[] {
  const packets: ReadPacket[] = [];
  for (const range of findPackets(doc.buf)) {
    const read = readPacket(doc.buf.subarray(range.start, range.end), range.start, problems);
    if (read) packets.push(read);
  }
  const objects = new Map<number, number>();
  for (const revision of doc.revisions)
    for (const [num, entry] of revision.entries) if (entry.type === 1) objects.set(entry.offset, num);
  for (const [offset, num] of [...objects].sort((a, b) => a[0] - b[0])) {
    // Only objects whose dictionary names a metadata type are parsed here (most are not).
    const head = doc.buf.subarray(offset, offset + OBJECT_HEAD_BYTES);
    if (head.indexOf('/Metadata') < 0 && head.indexOf('/XML') < 0 && head.indexOf('/EmbeddedFile') < 0)
      continue;
    const stream = doc.objectAtOffset(offset, num);
    if (!(stream instanceof PdfStream) || (!stream.dict.has('Filter') && !stream.decrypt)) continue;
    const type = nameOf(stream.dict.get('Type'));
    if (type !== 'Metadata' && type !== 'EmbeddedFile' && nameOf(stream.dict.get('Subtype')) !== 'XML')
      continue;
    const data = doc.decoded(stream, num);
    for (const range of data ? findPackets(data) : []) {
      const read = readPacket(data!.subarray(range.start, range.end), offset, problems);
      if (read) packets.push(read);
    }
  }
  return packets.sort((a, b) => a.packet.offset - b.packet.offset);
}

/** The packet of the catalog's /Metadata stream, else the first one. */
function documentPacket(doc: PdfDocument, packets: ReadPacket[]): ReadPacket | undefined {
  const ref = doc.catalog(doc.last)?.get('Metadata');
  const entry = ref instanceof Ref ? doc.entry(ref.num, doc.last) : undefined;
  if (entry?.type === 1) {
    const stream = doc.objectAtOffset(entry.offset, ref instanceof Ref ? ref.num : null);
    const found = packets.find(
      (p) =>
        p.packet.offset === entry.offset ||
        (stream instanceof PdfStream && p.packet.offset >= stream.start && p.packet.offset < stream.end),
    );
    if (found) return found;
  }
  return packets[0];
}

/** Reads a PDF; throws only when the bytes hold no PDF structure at all. */
export function readPdf(bytes: Buffer, options: ReadOptions): Extraction {
  const problems = new Problems();
  const doc = new Document(bytes, problems);
  const version = headerVersion(bytes);
  const objectCount = doc.revisions.reduce((n, r) => n + r.entries.size, 0);
  if (version === null && objectCount === 0) throw new Error('not a PDF: no header and no objects');
  const extraction = emptyExtraction();
  const { facts, fields } = extraction;
  const last = doc.last;
  const trailer = doc.revisions[last]!.trailer;
  // Encrypted with a password other than the empty one (or another handler): strings are ciphertext.
  const locked = doc.encrypted && !doc.decryptor;
  if (locked) {
    const filter = nameOf(doc.dict(trailer.get('Encrypt'), last)?.get('Filter'));
    problems.add('extract.pdf.encrypted', { filter: filter ?? 'unknown' });
    if (trailer.has('Info')) problems.add('extract.pdf.encrypted-metadata');
  }

  if (!doc.rebuilt) {
    // Bytes after the last %%EOF belong to no revision: junk, or an update whose xref is broken.
    let after = 0;
    for (let i = doc.revisions[last]!.end; i < bytes.length; i++) if (bytes[i]! > 0x20) after++;
    if (after > 0)
      problems.add('extract.pdf.data-after-eof', { bytes: bytes.length - doc.revisions[last]!.end });
  }

  const packets = readPackets(doc, problems);
  const revisions = describeRevisions(
    doc,
    packets.map((p) => p.packet.offset),
  );
  if (locked) for (const revision of revisions) revision.info = {};

  const catalog = doc.catalog(last);
  const pages = doc.pages(last);
  const fonts = new Set<string>();
  const pieceInfo = new Set<string>();
  for (const key of doc.dict(catalog?.get('PieceInfo'), last)?.keys() ?? []) pieceInfo.add(key);
  for (const page of pages) {
    resourceFonts(doc, page.resources, last, fonts);
    for (const key of doc.dict(page.dict.get('PieceInfo'), last)?.keys() ?? []) pieceInfo.add(key);
  }
  const ocProperties = doc.dict(catalog?.get('OCProperties'), last);
  const layers = doc
    .array(ocProperties?.get('OCGs'), last)
    .map((ocg) => valueText(doc.dict(ocg, last)?.get('Name') ?? null))
    .filter((name): name is string => name !== null);

  // Text, and the pages that are only an image (read even without the text, but then only for the
  // pages that have an image to draw).
  let imageOnlyPages = 0;
  // A text PDF holds about as many characters as bytes: the sink starts that large.
  const sink = new TextSink(options.text ? options.maxTextChars + 1 : 0, bytes.length);
  if (!locked) {
    const reader = new TextReader(doc, last);
    for (const page of pages) {
      if (!options.text && !doc.dict(page.resources?.get('XObject'), last)) continue;
      const read = reader.page(page, sink);
      if (!read.hasText && read.fullPageImage) imageOnlyPages++;
      sink.pageBreak();
    }
  }
  let text = options.text ? sink.toString() : '';
  if (sink.cut && options.text) {
    text = text.slice(0, options.maxTextChars);
    problems.add('extract.pdf.text-cut', { limit: options.maxTextChars });
  }

  const info = locked ? {} : infoOf(doc, last);
  for (const [name, value] of Object.entries(info)) addField(fields, 'PDF Info', name, value);
  packets.forEach((read, i) => {
    packetFields(read, i + 1, fields);
  });
  const xmp = documentPacket(doc, packets);
  const xmpText = (name: string) => (xmp ? propertyText(xmp.properties, name) : null);
  const xmpPackets: XmpPacket[] = packets.map((p) => p.packet);

  facts.title = info.Title || xmpText('title');
  facts.subject = info.Subject || xmpText('description');
  facts.authors = info.Author ? splitAuthors(info.Author) : (xmp?.packet.creators ?? []);
  facts.application = info.Creator || xmp?.packet.creatorTool || null;
  facts.producer = info.Producer || xmp?.packet.producer || null;
  facts.created = (info.CreationDate ? parsePdfDate(info.CreationDate) : null) ?? xmp?.packet.created ?? null;
  facts.modified = (info.ModDate ? parsePdfDate(info.ModDate) : null) ?? xmp?.packet.modified ?? null;
  const lang = valueText(doc.resolve(catalog?.get('Lang'), last));
  if (lang) facts.languages = [lang];
  for (const [name, value] of Object.entries(info)) if (!STANDARD_INFO.has(name)) facts.custom[name] = value;
  facts.fonts = [...fonts];
  const pdf: PdfFacts = {
    version: nameOf(catalog?.get('Version')) ?? version,
    pages: pages.length || null,
    revisions,
    linearized: bytes.subarray(0, HEADER_BYTES * 2).indexOf('/Linearized') >= 0,
    xmp: xmpPackets,
    layers,
    pieceInfo: [...pieceInfo],
    imageOnlyPages,
    encrypted: doc.encrypted,
  };
  facts.pdf = pdf;
  extraction.text = text ? text : null;
  extraction.textSource = text ? 'document' : null;
  // Without the text read, only pages with images were looked at: a candidate then is all scans.
  extraction.ocrCandidate = options.text
    ? !text && imageOnlyPages > 0
    : imageOnlyPages > 0 && imageOnlyPages === pages.length;
  extraction.problems = problems.result();
  return extraction;
}

export const pdfExtractor: Extractor = {
  name: 'pdf',
  formats: ['pdf'],
  async extract(bytes: Buffer, options: ExtractOptions): Promise<Extraction> {
    return readPdf(bytes, { text: true, maxTextChars: options.maxTextChars });
  },
};
