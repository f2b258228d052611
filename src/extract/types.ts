// What reading a document gives: its text, its metadata as written (every field, for a person to
// check) and the normalised facts the forensic rules compare (objects embedded in a document are
// its members, read at ingest by its format module, not here). One extractor per format family
// (formats/<family>.ts), chosen by the item's format through the registry (index.ts); the `extract`
// analyser runs them in isolated worker threads. Only types here.
import type { Coded } from '../report/catalogue.ts';

/**
 * A date as the document wrote it. `local` is the wall-clock time written (`YYYY-MM-DDTHH:MM:SS`, with
 * fractions when written); `offset` is the zone the document gave (`+02:00`, `+00:00` for Z), or null
 * when the format carries none (ODF, EXIF without OffsetTime, OLE property times): never guessed, and
 * never shifted by the process time zone. `derivedOffset`: an offset inferred from another field of the
 * same document (EXIF local time against GPS UTC), marked as inferred.
 */
export interface WrittenDate {
  written: string;
  local: string;
  offset: string | null;
  derivedOffset?: string;
}

/** One metadata field as written, for the metadata table: where it is (`PDF Info`, `XMP 2`, `core.xml`…). */
export interface MetadataField {
  group: string;
  name: string;
  value: string;
}

/** One incremental revision of a PDF (the first is the original file), oldest first. */
export interface PdfRevision {
  /** Byte offset just after this revision's %%EOF. */
  end: number;
  /** The Info dictionary as of this revision (values decoded to text). */
  info: Record<string, string>;
  /** What this revision changed against the one before: `Info/Author`, `XMP`, `pages`, `page-content`, `fonts`… */
  changed: string[];
  /** Objects this revision (re)defines. */
  objects: number;
}

export interface XmpHistoryEvent {
  action: string | null;
  when: WrittenDate | null;
  softwareAgent: string | null;
  changed: string | null;
}

/** One XMP packet found in the file (a PDF can hold many: the document's and each embedded object's). */
export interface XmpPacket {
  /** Byte offset of the packet in the file. */
  offset: number;
  toolkit: string | null;
  creatorTool: string | null;
  producer: string | null;
  created: WrittenDate | null;
  modified: WrittenDate | null;
  metadataDate: WrittenDate | null;
  creators: string[];
  history: XmpHistoryEvent[];
}

export interface PdfFacts {
  version: string | null;
  pages: number | null;
  /** Oldest first; a file without incremental updates has one. A linearised file's first-page trailer is not a revision. */
  revisions: PdfRevision[];
  linearized: boolean;
  xmp: XmpPacket[];
  /** Optional-content groups (layers) by name. */
  layers: string[];
  /** /PieceInfo application names (`Illustrator`, `InDesign`…): layout-program private data. */
  pieceInfo: string[];
  /** Pages without a text layer but with a full-page image: a scan, or something made to look like one. */
  imageOnlyPages: number;
  encrypted: boolean;
}

export interface ImageFacts {
  make: string | null;
  model: string | null;
  serial: string | null;
  software: string | null;
  /** EXIF DateTimeOriginal, CreateDate (digitised), ModifyDate. */
  original: WrittenDate | null;
  digitized: WrittenDate | null;
  modified: WrittenDate | null;
  gps: { latitude: number; longitude: number; when: WrittenDate | null } | null;
  width: number | null;
  height: number | null;
  /** Editing traces the format itself records (IPTC digest out of date…), as codes. */
  traces: Coded[];
}

/** The normalised facts the rules compare; null/empty when the document does not say. */
export interface DocumentFacts {
  title: string | null;
  subject: string | null;
  /** Creator(s): lists split on ';' (names may hold commas). */
  authors: string[];
  lastModifiedBy: string | null;
  company: string | null;
  manager: string | null;
  /** The program that made it: app.xml Application, PDF Creator, ODF generator, OLE AppName, EXIF Software. */
  application: string | null;
  /** app.xml / OLE AppVersion as written (`12.0000`). */
  appVersion: string | null;
  /** PDF Producer. */
  producer: string | null;
  created: WrittenDate | null;
  modified: WrittenDate | null;
  printed: WrittenDate | null;
  template: string | null;
  revision: string | null;
  editMinutes: number | null;
  /** Languages the document declares (w:lang, dc:language, xml:lang), BCP 47 as written. */
  languages: string[];
  /** OLE code page (1252, 1251, 10000 Mac Roman…). */
  codePage: number | null;
  /** OLE CompObj user type (`Feuille de calcul Microsoft Office Excel`: a French Excel). */
  compObjType: string | null;
  sheetNames: string[];
  fonts: string[];
  /** OOXML rsids (settings.xml), rsidRoot first. */
  rsids: string[];
  custom: Record<string, string>;
  pdf: PdfFacts | null;
  image: ImageFacts | null;
}

export interface Extraction {
  facts: DocumentFacts;
  /** Every metadata field read, as written. */
  fields: MetadataField[];
  /** The document's text as read from it; null when it has no text layer. */
  text: string | null;
  /** Where `text` came from: the file's own text, or OCR of its images. */
  textSource: 'document' | 'ocr' | null;
  /** Parts that could not be read (a damaged sheet, an encrypted stream), as codes: the rest is kept. */
  problems: Coded[];
  /** No text layer but page images (a scan): OCR would give it text. */
  ocrCandidate: boolean;
}

export interface ExtractOptions {
  /** Characters of text kept (a bomb or a pasted log is cut, and a problem says so). */
  maxTextChars: number;
  /** Run OCR on scans and images (`--ocr`), when tesseract is installed. */
  ocr: boolean;
}

export interface Extractor {
  /** Stable, short (`pdf`, `ooxml`…): stored with the result. */
  readonly name: string;
  /** The ingest format names it reads (`docx`, `xlsx`…: src/ingest/formats). */
  readonly formats: readonly string[];
  /** Reads the document; throws only when nothing at all can be read (the item then fails with the reason). */
  extract(bytes: Buffer, options: ExtractOptions): Promise<Extraction>;
}
