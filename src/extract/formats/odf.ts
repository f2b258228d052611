// OpenDocument (odt, ods, odp, odg and the other kinds): meta.xml (generator, creators, dates,
// editing cycles and duration, user-defined properties, statistics), the text of content.xml
// (paragraphs and headings, with their spaces, tabs and line breaks), sheet names (table:table) and
// the fonts declared (office:font-face-decls of content.xml and styles.xml). Embedded objects
// (`Object N/`, `Pictures/`) are the document's members at ingest (open-document.ts).
//
// ODF dates carry no zone (`2007-09-14T11:06:08`): their offset stays null, never guessed.
import { EMBEDDED_PART } from '../../ingest/formats/open-document.ts';
import { coded } from '../../report/catalogue.ts';
import { addField, emptyExtraction, splitAuthors } from '../facts.ts';
import type { Extraction, ExtractOptions, Extractor } from '../types.ts';
import {
  addDistinct,
  attribute,
  finish,
  MAX_LIST,
  partDate,
  partTree,
  STOP,
  scanPart,
  scanTags,
  setCustom,
  TextSink,
  ZipParts,
} from './zip-parts.ts';

/** Minutes in an ISO 8601 duration (`PT02H03M24S`, `P1DT2H`), to the hundredth; null when not one. */
export function durationMinutes(written: string): number | null {
  const m =
    /^\s*P(?:(\d{1,6})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9}(?:[.,]\d{1,9})?)S)?)?\s*$/.exec(
      written,
    );
  if (!m || (m[1] ?? m[2] ?? m[3] ?? m[4]) === undefined) return null;
  const [, days, hours, minutes, seconds] = m;
  const total =
    Number(days ?? 0) * 1440 +
    Number(hours ?? 0) * 60 +
    Number(minutes ?? 0) +
    Number((seconds ?? '0').replace(',', '.')) / 60;
  return Math.round(total * 100) / 100;
}

function readMeta(parts: ZipParts, x: Extraction): void {
  const root = partTree(parts, 'meta.xml', x.problems);
  const meta = root?.children.find((node) => node.local === 'meta');
  if (!meta) return;
  const f = x.facts;
  const date = (field: string, value: string) => partDate(value, 'meta.xml', field, x.problems);
  const text = (value: string) => (value.trim() ? value.trim() : null);
  for (const node of meta.children) {
    const value = node.text;
    switch (node.local) {
      case 'user-defined': {
        const name = attribute(node.tag, 'name');
        if (name === null) continue;
        setCustom(f.custom, name, value);
        addField(x.fields, 'meta.xml', `meta:user-defined ${name}`, value);
        continue;
      }
      case 'document-statistic':
        for (const stat of ['page-count', 'table-count', 'object-count', 'paragraph-count', 'word-count']) {
          addField(x.fields, 'meta.xml', `meta:${stat}`, attribute(node.tag, stat));
        }
        continue;
      case 'template':
        f.template = attribute(node.tag, 'href') ?? attribute(node.tag, 'title');
        addField(x.fields, 'meta.xml', node.name, f.template);
        continue;
      case 'generator':
        f.application = text(value);
        break;
      case 'initial-creator':
        f.authors = splitAuthors(value).slice(0, MAX_LIST);
        break;
      case 'creator':
        f.lastModifiedBy = text(value);
        break;
      case 'creation-date':
        f.created = date(node.name, value);
        break;
      case 'date':
        f.modified = date(node.name, value);
        break;
      case 'print-date':
        f.printed = date(node.name, value);
        break;
      case 'editing-cycles':
        f.revision = text(value);
        break;
      case 'editing-duration':
        f.editMinutes = durationMinutes(value);
        break;
      case 'title':
        f.title = text(value);
        break;
      case 'subject':
        f.subject = text(value);
        break;
      case 'language':
        if (text(value)) addDistinct(f.languages, value.trim());
        break;
    }
    addField(x.fields, 'meta.xml', node.name, value);
  }
}

/** content.xml's text and sheet names, and the fonts it declares. */
function readContent(parts: ZipParts, x: Extraction, sink: TextSink): void {
  let paragraph = 0;
  let inFonts = false;
  let annotationMeta = false;
  scanPart(parts, 'content.xml', x.problems, {
    wantText: false,
    open(local, tag, selfClosing) {
      if (sink.cut) return STOP;
      if (local === 'font-face-decls') inFonts = !selfClosing;
      else if (inFonts && local === 'font-face') addFont(x, tag);
      else if (local === 'table') {
        const name = attribute(tag, 'name');
        if (name !== null && x.facts.sheetNames.length < MAX_LIST) {
          x.facts.sheetNames.push(name);
          addField(x.fields, 'content.xml', 'table:table', name);
        }
      } else if ((local === 'p' || local === 'h') && !selfClosing) {
        paragraph++;
        this.wantText = true;
      } else if (paragraph > 0 && tag.startsWith('<dc:') && !selfClosing) {
        // An annotation's author and date (dc:creator, dc:date) are not the text; a text:date field is.
        annotationMeta = true;
        this.wantText = false;
      } else if (paragraph > 0 && local === 's') {
        sink.add(' '.repeat(Math.min(1000, Math.max(1, Number(attribute(tag, 'c') ?? 1) || 1))));
      } else if (paragraph > 0 && local === 'tab') sink.add('\t');
      else if (paragraph > 0 && local === 'line-break') sink.add('\n');
      return undefined;
    },
    close(local) {
      if (local === 'font-face-decls') inFonts = false;
      else if (annotationMeta && (local === 'creator' || local === 'date')) {
        annotationMeta = false;
        this.wantText = paragraph > 0;
      } else if ((local === 'p' || local === 'h') && paragraph > 0) {
        paragraph--;
        this.wantText = paragraph > 0;
        sink.newline();
      }
    },
    text(value) {
      sink.add(value);
    },
  });
}

function addFont(x: Extraction, tag: string): void {
  const family = attribute(tag, 'font-family')?.replace(/^['"]|['"]$/g, '') ?? attribute(tag, 'name');
  if (family && addDistinct(x.facts.fonts, family)) {
    addField(x.fields, 'font-face-decls', 'style:font-face', family);
  }
}

function readStyleFonts(parts: ZipParts, x: Extraction): void {
  scanTags(parts, 'styles.xml', x.problems, (local, tag) => {
    if (local === 'font-face') addFont(x, tag);
    // The declarations come first; the styles after them hold no font faces.
    else if (local === 'styles') return STOP;
    return undefined;
  });
}

/** Whether the manifest says parts are encrypted (their data is then not deflate: not read). */
function encrypted(parts: ZipParts): boolean {
  const manifest = parts.textOf('META-INF/manifest.xml');
  return manifest?.includes('encryption-data') ?? false;
}

async function extract(bytes: Buffer, options: ExtractOptions): Promise<Extraction> {
  const parts = ZipParts.open(bytes);
  if (parts === null) throw new Error('not a zip: no part of the OpenDocument file can be read');
  const x = emptyExtraction();
  readMeta(parts, x);
  const sink = new TextSink(options.maxTextChars);
  if (encrypted(parts)) x.problems.push(coded('extract.office.encrypted'));
  else {
    readContent(parts, x, sink);
    readStyleFonts(parts, x);
  }
  return finish(x, parts, sink, EMBEDDED_PART, options.maxTextChars);
}

export const odfExtractor: Extractor = {
  name: 'odf',
  formats: ['odt', 'ods', 'odp', 'odg', 'odf'],
  extract,
};
