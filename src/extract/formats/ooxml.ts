// Office Open XML (docx, xlsx, pptx and their macro and template variants): the package's
// properties (docProps/core.xml, app.xml, custom.xml, found through the package relationships),
// Word's revision ids (settings.xml rsids), the languages and fonts it declares, sheet names, the
// text (Word paragraphs, every cell of every sheet in workbook order, slides in presentation
// order) and the embedded objects (read as the document's members at ingest: office-open.ts).
//
// Values are kept as written ("12.0000", not 12); dates are W3CDTF with their offset (Office writes
// UTC, `Z`), parsed from the text only. Parts are inflated under a cap (zip-parts.ts): a bomb, a
// missing or damaged part is a problem and the rest is read.
import { EMBEDDED_PART } from '../../ingest/formats/office-open.ts';
import { coded } from '../../report/catalogue.ts';
import { addField, emptyExtraction, splitAuthors } from '../facts.ts';
import type { Extraction, ExtractOptions, Extractor } from '../types.ts';
import {
  addDistinct,
  attribute,
  finish,
  leafTexts,
  MAX_LIST,
  partDate,
  partTree,
  resolvePart,
  STOP,
  scanPart,
  scanTags,
  setCustom,
  TextSink,
  ZipParts,
} from './zip-parts.ts';

type Application = 'docx' | 'xlsx' | 'pptx';

/** A VBA project: the document carries macros (docm, xlsm, pptm). */
const MACROS = /^(?:word|xl|ppt)\/vbaProject\.bin$/;

const MAIN_PARTS: [string, Application][] = [
  ['word/document.xml', 'docx'],
  ['xl/workbook.xml', 'xlsx'],
  ['ppt/presentation.xml', 'pptx'],
];

/** A part's relationships: the target of each by its id, and by the last segment of its type. */
interface Relationships {
  byId: Map<string, string>;
  byType: Map<string, string[]>;
  /** Targets outside the package, as written, by type (a template's path on the author's disk). */
  external: Map<string, string[]>;
}

/** Targets kept per relationship type (a hostile part may list millions). */
const MAX_TARGETS = 10_000;

function relsPath(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** The relationships of `part` ('' for the package), targets resolved to part names. */
function relationships(parts: ZipParts, part: string, problems: Extraction['problems']): Relationships {
  const rels: Relationships = { byId: new Map(), byType: new Map(), external: new Map() };
  const path = part === '' ? '_rels/.rels' : relsPath(part);
  const add = (map: Map<string, string[]>, kind: string, target: string) => {
    const list = map.get(kind) ?? [];
    if (list.length < MAX_TARGETS) list.push(target);
    map.set(kind, list);
  };
  scanTags(parts, path, problems, (local, tag) => {
    if (local !== 'Relationship') return undefined;
    const id = attribute(tag, 'Id');
    const type = attribute(tag, 'Type');
    const target = attribute(tag, 'Target');
    if (target === null) return undefined;
    const kind = type?.slice(type.lastIndexOf('/') + 1) ?? '';
    if (attribute(tag, 'TargetMode') === 'External') {
      add(rels.external, kind, target);
      return undefined;
    }
    const resolved = resolvePart(part, target);
    if (id !== null) rels.byId.set(id, resolved);
    add(rels.byType, kind, resolved);
    return undefined;
  });
  return rels;
}

function firstOfType(rels: Relationships, type: string): string | undefined {
  return rels.byType.get(type)?.[0];
}

const orNull = (value: string | undefined) => (value?.trim() ? value.trim() : null);

function readCore(parts: ZipParts, part: string, x: Extraction): void {
  const root = partTree(parts, part, x.problems);
  if (!root) return;
  const f = x.facts;
  for (const node of root.children) {
    const value = node.text;
    addField(x.fields, 'core.xml', node.name, value);
    switch (node.local) {
      case 'title':
        f.title = orNull(value);
        break;
      case 'subject':
        f.subject = orNull(value);
        break;
      case 'creator':
        f.authors = splitAuthors(value).slice(0, MAX_LIST);
        break;
      case 'lastModifiedBy':
        f.lastModifiedBy = orNull(value);
        break;
      case 'created':
        f.created = partDate(value, part, node.name, x.problems);
        break;
      case 'modified':
        f.modified = partDate(value, part, node.name, x.problems);
        break;
      case 'lastPrinted':
        f.printed = partDate(value, part, node.name, x.problems);
        break;
      case 'revision':
        f.revision = orNull(value);
        break;
      case 'language':
        if (value.trim()) addLanguage(x, value.trim());
        break;
    }
  }
}

function addLanguage(x: Extraction, language: string): void {
  addDistinct(x.facts.languages, language);
}

/** app.xml: every property; a vector (TitlesOfParts, HeadingPairs) as its values joined by '; '. */
function readApp(parts: ZipParts, part: string, x: Extraction): void {
  const root = partTree(parts, part, x.problems);
  if (!root) return;
  const f = x.facts;
  for (const node of root.children) {
    const value = node.children.length > 0 ? leafTexts(node).join('; ') : node.text;
    addField(x.fields, 'app.xml', node.name, value);
    switch (node.local) {
      case 'Application':
        f.application = orNull(value);
        break;
      case 'AppVersion':
        f.appVersion = orNull(value);
        break;
      case 'Company':
        f.company = orNull(value);
        break;
      case 'Manager':
        f.manager = orNull(value);
        break;
      case 'Template':
        f.template = orNull(value);
        break;
      case 'TotalTime':
        f.editMinutes = /^\s*\d{1,12}\s*$/.test(value) ? Number(value) : null;
        break;
    }
  }
}

/** custom.xml: each property by its name, its typed value as written (a vector's values joined). */
function readCustom(parts: ZipParts, part: string, x: Extraction): void {
  const root = partTree(parts, part, x.problems);
  if (!root) return;
  for (const node of root.children) {
    const name = attribute(node.tag, 'name');
    if (node.local !== 'property' || name === null) continue;
    const value = node.children.map((typed) => leafTexts(typed).join('; ')).join('; ');
    setCustom(x.facts.custom, name, value);
    addField(x.fields, 'custom.xml', name, value);
  }
}

/** settings.xml: rsidRoot first, then the other rsids, distinct. */
function readRsids(parts: ZipParts, part: string, x: Extraction): void {
  if (!parts.has(part)) return;
  let root: string | null = null;
  const rsids = new Set<string>();
  scanTags(parts, part, x.problems, (local, tag) => {
    if (local === 'rsidRoot') root = attribute(tag, 'val');
    else if (local === 'rsid') {
      const value = attribute(tag, 'val');
      if (value && rsids.size < MAX_LIST) rsids.add(value);
    }
    return undefined;
  });
  const ordered = root ? [root, ...[...rsids].filter((r) => r !== root)] : [...rsids];
  x.facts.rsids = ordered;
  addField(x.fields, 'settings.xml', 'w:rsidRoot', root);
  addField(x.fields, 'settings.xml', 'w:rsids', ordered.join(' '));
}

/** w:lang values of a part: facts.languages gets w:val; the East Asian and bidi ones are fields. */
function langVisitor(x: Extraction, group: string): (tag: string) => void {
  const seen = new Set<string>();
  // Word repeats the same <w:lang …/> in every run: each distinct tag is read once.
  const seenTags = new Set<string>();
  return (tag) => {
    if (seenTags.has(tag) || seenTags.size > 10_000) return;
    seenTags.add(tag);
    for (const kind of ['val', 'eastAsia', 'bidi']) {
      const value = attribute(tag, kind);
      if (!value || seen.has(`${kind}=${value}`)) continue;
      seen.add(`${kind}=${value}`);
      if (kind === 'val') addLanguage(x, value);
      addField(x.fields, group, kind === 'val' ? 'w:lang' : `w:lang ${kind}`, value);
    }
  };
}

function readStylesLanguages(parts: ZipParts, part: string, x: Extraction): void {
  const onLang = langVisitor(x, 'styles.xml');
  scanTags(parts, part, x.problems, (local, tag) => {
    if (local === 'lang') onLang(tag);
    return undefined;
  });
}

function readFonts(parts: ZipParts, part: string, x: Extraction): void {
  scanTags(parts, part, x.problems, (local, tag) => {
    const name = local === 'font' ? attribute(tag, 'name') : null;
    if (name && addDistinct(x.facts.fonts, name)) {
      addField(x.fields, 'fontTable.xml', 'w:font', name);
    }
    return undefined;
  });
}

/** Word's tracked changes: each names who made it (w:author). */
const REVISION_MARKS = new Set([
  'ins',
  'del',
  'moveFrom',
  'moveTo',
  'rPrChange',
  'pPrChange',
  'sectPrChange',
  'tblPrChange',
  'trPrChange',
  'tcPrChange',
]);

/** The most distinct authors of changes or comments listed for one part. */
const MAX_AUTHORS = 1000;

/** Each distinct w:author of a part's tags, as a field: people who edited or commented the document. */
function authorVisitor(x: Extraction, group: string, name: string): (tag: string) => void {
  const seen = new Set<string>();
  return (tag) => {
    const author = attribute(tag, 'author');
    if (author === null || seen.has(author) || seen.size >= MAX_AUTHORS) return;
    seen.add(author);
    addField(x.fields, group, name, author);
  };
}

function readComments(parts: ZipParts, part: string, x: Extraction): void {
  const onAuthor = authorVisitor(x, 'comments.xml', 'w:comment w:author');
  scanTags(parts, part, x.problems, (local, tag) => {
    if (local === 'comment') onAuthor(tag);
    return undefined;
  });
}

/** Excel's comment authors (<authors><author>…</author></authors> of each comments part). */
function readSheetCommentAuthors(parts: ZipParts, x: Extraction): void {
  for (const part of parts.names().filter((name) => /^xl\/comments[^/]*\.xml$/.test(name))) {
    const seen = new Set<string>();
    let author: string | null = null;
    scanPart(parts, part, x.problems, {
      wantText: false,
      open(local, _tag, selfClosing) {
        if (local === 'author' && !selfClosing) {
          author = '';
          this.wantText = true;
        } else if (local === 'commentList') return STOP;
        return undefined;
      },
      close(local) {
        if (local !== 'author' || author === null) return;
        this.wantText = false;
        if (!seen.has(author) && seen.size < MAX_AUTHORS) {
          seen.add(author);
          addField(x.fields, part.slice(3), 'author', author);
        }
        author = null;
      },
      text(value) {
        if (author !== null) author += value;
      },
    });
  }
}

/** PowerPoint's comment authors (ppt/commentAuthors.xml). */
function readSlideCommentAuthors(parts: ZipParts, x: Extraction): void {
  scanTags(parts, 'ppt/commentAuthors.xml', x.problems, (local, tag) => {
    const name = local === 'cmAuthor' ? attribute(tag, 'name') : null;
    if (name) addField(x.fields, 'commentAuthors.xml', 'p:cmAuthor', name);
    return undefined;
  });
}

/** Word: paragraphs of the main part (tabs and breaks inside runs), its w:lang values and change authors. */
function wordText(parts: ZipParts, part: string, x: Extraction, sink: TextSink): void {
  const group = part.slice(part.lastIndexOf('/') + 1);
  const onLang = langVisitor(x, group);
  const onAuthor = authorVisitor(x, group, 'tracked change w:author');
  let inRun = 0;
  scanPart(parts, part, x.problems, {
    wantText: false,
    open(local, tag, selfClosing) {
      if (sink.cut) return STOP;
      if (local === 't' && !selfClosing) this.wantText = true;
      else if (local === 'r' && !selfClosing) inRun++;
      else if (local === 'lang') onLang(tag);
      else if (REVISION_MARKS.has(local)) onAuthor(tag);
      else if (inRun > 0 && local === 'tab') sink.add('\t');
      else if (inRun > 0 && (local === 'br' || local === 'cr')) sink.add('\n');
      return undefined;
    },
    close(local) {
      if (local === 't') this.wantText = false;
      else if (local === 'r') inRun = Math.max(0, inRun - 1);
      else if (local === 'p') sink.newline();
    },
    text(value) {
      sink.add(value);
    },
  });
}

/** Shared strings of a workbook, in order (phonetic runs left out). */
function sharedStrings(parts: ZipParts, part: string | undefined, x: Extraction): string[] {
  const strings: string[] = [];
  if (!part) return strings;
  let current: string[] = [];
  let phonetic = 0;
  scanPart(parts, part, x.problems, {
    wantText: false,
    open(local, _tag, selfClosing) {
      if (local === 'si') current = [];
      else if (selfClosing) return undefined;
      else if (local === 'rPh') phonetic++;
      else if (local === 't' && phonetic === 0) this.wantText = true;
      return undefined;
    },
    close(local) {
      if (local === 't') this.wantText = false;
      else if (local === 'rPh') phonetic = Math.max(0, phonetic - 1);
      else if (local === 'si') strings.push(current.join(''));
    },
    text(value) {
      current.push(value);
    },
  });
  return strings;
}

/** One sheet's cells as text: a line per row, its non-empty cells separated by tabs, values as written. */
function sheetText(parts: ZipParts, part: string, x: Extraction, sink: TextSink, strings: string[]): void {
  let line = '';
  let type: string | null = null;
  let value = '';
  let inline = 0;
  scanPart(parts, part, x.problems, {
    wantText: false,
    open(local, tag, selfClosing) {
      if (sink.cut) return STOP;
      if (local === 'row') line = '';
      else if (local === 'c') {
        type = attribute(tag, 't');
        value = '';
      } else if (selfClosing) return undefined;
      else if (local === 'v') this.wantText = true;
      else if (local === 'is') inline++;
      else if (local === 't' && inline > 0) this.wantText = true;
      return undefined;
    },
    close(local) {
      if (local === 'v' || local === 't') this.wantText = false;
      else if (local === 'is') inline = Math.max(0, inline - 1);
      else if (local === 'c') {
        const cell = type === 's' && value !== '' ? (strings[Number(value)] ?? '') : value;
        if (cell !== '') line = line === '' ? cell : `${line}\t${cell}`;
      } else if (local === 'row' && line !== '') {
        sink.add(line);
        sink.newline();
        line = '';
      }
    },
    text(text) {
      value += text;
    },
  });
}

function workbook(parts: ZipParts, main: string, x: Extraction, sink: TextSink): void {
  const rels = relationships(parts, main, x.problems);
  const sheets: { name: string; part: string | undefined }[] = [];
  scanTags(parts, main, x.problems, (local, tag) => {
    if (local === 'fileVersion') {
      // The Excel build that last saved it (rupBuild) and the versions that edited it.
      for (const name of ['appName', 'lastEdited', 'lowestEdited', 'rupBuild']) {
        addField(x.fields, 'workbook.xml', `fileVersion ${name}`, attribute(tag, name));
      }
    }
    if (local !== 'sheet') return undefined;
    const name = attribute(tag, 'name') ?? '';
    const id = attribute(tag, 'id', true);
    const state = attribute(tag, 'state');
    if (sheets.length >= MAX_LIST) return undefined;
    sheets.push({ name, part: id === null ? undefined : rels.byId.get(id) });
    x.facts.sheetNames.push(name);
    addField(x.fields, 'workbook.xml', 'sheet', state && state !== 'visible' ? `${name} (${state})` : name);
    return undefined;
  });
  const strings = sharedStrings(parts, firstOfType(rels, 'sharedStrings'), x);
  const read = new Set<string>();
  for (const sheet of sheets) {
    // Each sheet part is read once, however many entries name it.
    if (!sheet.part || !parts.has(sheet.part) || read.has(sheet.part)) continue;
    read.add(sheet.part);
    sink.newline();
    sink.add(`${sheet.name}\n`);
    sheetText(parts, sheet.part, x, sink, strings);
  }
}

/** Slides in presentation order (by the numbers in their names when the list is missing). */
function presentation(parts: ZipParts, main: string, x: Extraction, sink: TextSink): void {
  const rels = relationships(parts, main, x.problems);
  const slides: string[] = [];
  scanTags(parts, main, x.problems, (local, tag) => {
    const id = local === 'sldId' ? attribute(tag, 'id', true) : null;
    const target = id === null ? undefined : rels.byId.get(id);
    if (target) addDistinct(slides, target);
    return undefined;
  });
  if (slides.length === 0) {
    const numbered = parts.names().filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name));
    slides.push(...numbered.sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0])));
  }
  for (const slide of slides) {
    if (sink.cut) break;
    sink.newline();
    drawingText(parts, slide, x, sink);
    // The speaker notes: text the audience never sees.
    for (const notes of relationships(parts, slide, x.problems).byType.get('notesSlide') ?? []) {
      drawingText(parts, notes, x, sink);
    }
    sink.add('\n');
  }
}

/** DrawingML text (a slide, its notes): paragraphs of a:t runs. */
function drawingText(parts: ZipParts, part: string, x: Extraction, sink: TextSink): void {
  scanPart(parts, part, x.problems, {
    wantText: false,
    open(local, _tag, selfClosing) {
      if (sink.cut) return STOP;
      if (local === 't' && !selfClosing) this.wantText = true;
      else if (local === 'br') sink.add('\n');
      return undefined;
    },
    close(local) {
      if (local === 't') this.wantText = false;
      else if (local === 'p') sink.newline();
    },
    text(value) {
      sink.add(value);
    },
  });
}

function applicationOf(parts: ZipParts, main: string | undefined): { app: Application; main: string } | null {
  for (const [path, app] of MAIN_PARTS) {
    if (main === undefined ? parts.has(path) : main.startsWith(path.slice(0, path.indexOf('/') + 1))) {
      return { app, main: main ?? path };
    }
  }
  return null;
}

async function extract(bytes: Buffer, options: ExtractOptions): Promise<Extraction> {
  const parts = ZipParts.open(bytes);
  if (parts === null) throw new Error('not a zip: no part of the Office document can be read');
  const x = emptyExtraction();
  const rels = relationships(parts, '', x.problems);
  readCore(parts, firstOfType(rels, 'core-properties') ?? 'docProps/core.xml', x);
  readApp(parts, firstOfType(rels, 'extended-properties') ?? 'docProps/app.xml', x);
  readCustom(parts, firstOfType(rels, 'custom-properties') ?? 'docProps/custom.xml', x);

  const found = applicationOf(parts, firstOfType(rels, 'officeDocument'));
  const sink = new TextSink(options.maxTextChars);
  if (found?.app === 'docx') {
    const main = relationships(parts, found.main, x.problems);
    const settings = firstOfType(main, 'settings') ?? 'word/settings.xml';
    readRsids(parts, settings, x);
    // The template a document was attached to, by its path on the author's disk (a user name, a share).
    for (const target of relationships(parts, settings, x.problems).external.get('attachedTemplate') ?? []) {
      addField(x.fields, 'settings.xml', 'w:attachedTemplate', target);
    }
    readStylesLanguages(parts, firstOfType(main, 'styles') ?? 'word/styles.xml', x);
    readFonts(parts, firstOfType(main, 'fontTable') ?? 'word/fontTable.xml', x);
    readComments(parts, firstOfType(main, 'comments') ?? 'word/comments.xml', x);
    wordText(parts, found.main, x, sink);
    // Text outside the body: notes, headers and footers, comments (each part once).
    const others = new Set(
      ['footnotes', 'endnotes', 'header', 'footer', 'comments'].flatMap((t) => main.byType.get(t) ?? []),
    );
    for (const part of others) {
      sink.newline();
      wordText(parts, part, x, sink);
    }
  } else if (found?.app === 'xlsx') {
    workbook(parts, found.main, x, sink);
    readSheetCommentAuthors(parts, x);
  } else if (found?.app === 'pptx') {
    presentation(parts, found.main, x, sink);
    readSlideCommentAuthors(parts, x);
  } else x.problems.push(coded('extract.office.no-main-part'));

  for (const name of parts.names()) if (MACROS.test(name)) addField(x.fields, 'package', 'macros', name);
  return finish(x, parts, sink, EMBEDDED_PART, options.maxTextChars);
}

export const ooxmlExtractor: Extractor = {
  name: 'ooxml',
  formats: ['docx', 'xlsx', 'pptx'],
  extract,
};
