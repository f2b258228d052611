// English words for the forensic rules' findings (codes `forensics.<rule id>`, emitted by
// src/analysers/forensics.ts from src/analysers/rules/). Each says what the signal shows and what it
// does not: a finding is evidence for a person to weigh, never a verdict.
import type { Messages, Param, Params } from '../../catalogue.ts';

type Value = Param | Param[] | undefined;

const list = (v: Value): Param[] => (Array.isArray(v) ? v : []);
const quoted = (v: Value): string => `“${String(v ?? '')}”`;
/** `a, b and c`. */
const andList = (items: string[]): string =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
const plural = (n: Value, one: string, many = `${one}s`): string => `${n} ${Number(n) === 1 ? one : many}`;

/** An ISO instant as a reader writes it: `2017-05-05 14:03 UTC`. */
function instant(v: Value): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?/.exec(typeof v === 'string' ? v : '');
  if (!m) return String(v ?? 'an unknown time');
  return `${m[1]} ${m[2]}${m[3] && m[3] !== ':00' ? m[3] : ''} UTC`;
}

const FIELDS: Record<string, string> = {
  modified: 'last-saved date',
  created: 'creation date',
  printed: 'last-printed date',
  'EXIF DateTimeOriginal': 'photo’s capture date (EXIF)',
  'EXIF CreateDate': 'photo’s digitised date (EXIF)',
  'EXIF ModifyDate': 'photo’s modified date (EXIF)',
};

/** A date field in words (`XMP 2 ModifyDate` → "modify date in XMP packet 2"). */
function field(v: Value): string {
  const name = String(v ?? '');
  const xmp = /^XMP (\d+) (\w+)$/.exec(name);
  if (xmp) return `${xmp[2]} in XMP metadata packet ${xmp[1]}`;
  return FIELDS[name] ?? name;
}

/** A date as written, with a word when it gave no time zone. */
const written = (p: Params): string =>
  `${quoted(p.written)}${p.zoned === false ? ' (written without a time zone; even its earliest possible meaning is later)' : ''}`;

const LANGUAGES: Record<string, string> = {
  en: 'English',
  fr: 'French',
  de: 'German',
  es: 'Spanish',
  it: 'Italian',
  pt: 'Portuguese',
  nl: 'Dutch or Swedish',
  ru: 'Russian (or another Cyrillic-script language)',
  uk: 'Ukrainian',
  pl: 'Polish',
  hu: 'Hungarian',
  cs: 'Czech or Slovak',
  da: 'Danish or Norwegian',
  fi: 'Finnish',
  tr: 'Turkish',
  el: 'Greek',
  sv: 'Swedish',
  nb: 'Norwegian',
  zh: 'Chinese',
  ja: 'Japanese',
  ko: 'Korean',
  ar: 'Arabic',
  he: 'Hebrew',
  western: 'Western European',
  cyrillic: 'Cyrillic',
  'central-european': 'Central European',
  greek: 'Greek',
  turkish: 'Turkish',
  hebrew: 'Hebrew',
  arabic: 'Arabic',
  baltic: 'Baltic',
  vietnamese: 'Vietnamese',
  thai: 'Thai',
  japanese: 'Japanese',
  'chinese-simplified': 'Simplified Chinese',
  'chinese-traditional': 'Traditional Chinese',
  korean: 'Korean',
};
const language = (v: Param): string => LANGUAGES[String(v)] ?? String(v);

/** One language setting in words: what it is, in which language, as written. */
const LOCALE_SIGNALS: Record<string, (lang: string, value: string) => string> = {
  compobj: (lang, value) => `the Office program names the file type in ${lang} (${quoted(value)})`,
  'code-page': (lang, value) => `the character set is ${lang} (code page ${value})`,
  'sheet-names': (lang, value) => `the default sheet names are ${lang} ones (${quoted(value)})`,
  language: (lang, value) => `the text is declared as ${lang} (${quoted(value)})`,
};

function localeSignals(p: Params): string {
  const locales = list(p.locales);
  const values = list(p.values);
  return list(p.kinds)
    .map((kind, i) => {
      const lang = language(locales[i] ?? '');
      const value = String(values[i] ?? '');
      return LOCALE_SIGNALS[String(kind)]?.(lang, value) ?? `${kind}: ${lang} (${quoted(value)})`;
    })
    .join('; ');
}

const PERSON_FIELDS: Record<string, string> = { author: 'author', lastModifiedBy: 'last editor' };
const person = (p: Params): string =>
  `${PERSON_FIELDS[String(p.field)] ?? String(p.field)} ${quoted(p.name)}`;

const SCRIPT_BASELINE: Record<string, string> = {
  roster:
    'the names of the organisation’s people (senders of authentic mail and the authors of what they sent)',
  documents:
    'the names the case’s documents give (no authentic mail gives a list of the organisation’s people)',
};
const LOCALE_BASELINE: Record<string, string> = {
  'authentic-documents': 'the documents that authentic emails carry',
  'case-documents':
    'most of the case’s documents (no document carried by an authentic email shows this setting)',
};

const CHANGES: Record<string, string> = {
  'Info/Author': 'the author',
  'Info/Title': 'the title',
  'Info/Subject': 'the subject',
  'Info/CreationDate': 'the creation date',
  'Info/Creator': 'the program named as its creator',
  pages: 'the pages',
  'page-content': 'the content of pages',
};

const anachronism = (p: Params): string =>
  `${quoted(p.value)} (${p.where === 'font' ? '' : `${p.where}: `}${p.release}, first released ${p.released}), but its ${field(p.field)} is ${quoted(p.written)}. ${
    p.field === 'created'
      ? 'Only the creation date is earlier, which Save As and conversions keep from an older file: context, not proof.'
      : 'A file cannot have been last saved with something that did not exist yet: either its dates were changed or it was made later than it says. Pre-release copies circulate in the months before a release, so a date close to it is weaker.'
  }`;

export const enForensics: Messages = {
  'forensics.modified-after-carrier': (p) =>
    `Its ${field(p.field)} ${written(p)} is after the email that carries it (item ${p.carrier}, dated ${instant(p.carrierDate)}${p.verdict ? `, DKIM: ${p.verdict}` : ''})${Number(p.others) > 0 ? `, and so are ${plural(p.others, 'other date')} in it` : ''}. The file was inside that email when it was sent, so it cannot have been saved later: either a clock was badly wrong, or this file was altered or made after the fact. It does not show who did it.`,
  'forensics.after-cutoff': (p) =>
    `Its ${field(p.field)} ${written(p)} is after the case’s cut-off (${instant(p.cutoff)}, ${p.source === 'given' ? 'the date you gave for when the dump was taken' : 'the latest authentic email in the case'}). ${
      p.loose
        ? p.source === 'given'
          ? 'Nothing taken in the dump should be dated later: this file was changed or added afterwards, or the cut-off is wrong.'
          : 'Files can be taken after the mailbox was, so this needs the date the dump was taken (--cutoff) to weigh much.'
        : 'An email carries it, so compare with that email’s own date first.'
    }`,
  'forensics.edit-burst': (p) =>
    `${plural(p.documents, 'different document')} were last saved within ${plural(p.minutes, 'minute')} (${quoted(p.first)} to ${quoted(p.last)}${p.zoned === false ? ', times written without a time zone, compared as written' : ''}) ${
      p.by === 'editor'
        ? `by the same last editor, ${quoted(p.editor)}. Unrelated files saved together by one person is the pattern of a batch prepared for a leak; it does not show who that person is (names can be planted).`
        : `by the same program with the same language settings (${quoted(p.application)}). A bulk conversion or a “save all” does this too, so it needs another signal to weigh.`
    }`,
  'forensics.unknown-author': (p) =>
    `Its ${person(p)} is not among the organisation’s ${plural(p.roster, 'known name or address', 'known names and addresses')} (senders of authentic mail and the authors of documents they carry). ${
      p.authenticated
        ? 'An authentic email carries it, so it came in or went out as it is: outsiders’ documents are attached all the time.'
        : 'Outsiders’ documents and login IDs as author names are common: this needs another signal to weigh.'
    }`,
  'forensics.foreign-script': (p) =>
    `Its ${person(p)} is written in the ${p.script} script, unlike ${SCRIPT_BASELINE[String(p.baseline)] ?? 'the organisation’s names'}, written in ${list(p.expected).join(', ')}. It shows the file was touched by someone whose name is written in that script, likely outside the organisation; it does not show who: a name can be planted.${p.authenticated ? ' An authentic email carries it, so it was like this when sent.' : ''}`,
  'forensics.foreign-locale': (p) =>
    `Its language settings differ from ${LOCALE_BASELINE[String(p.baseline)] ?? 'the case’s documents'} (${list(p.expected).map(language).join(', ')}): ${localeSignals(p)}. Nobody sets these by hand: they show which software, set to which language, last saved the file — not who used it.`,
  'forensics.app-anachronism': (p) => `It names the program version ${anachronism(p)}`,
  'forensics.font-anachronism': (p) => `It uses the font ${anachronism(p)}`,
  'forensics.pdf-revised': (p) => {
    const telling = list(p.telling).map((c) => CHANGES[String(c)] ?? String(c));
    const authors =
      p.firstAuthor !== p.lastAuthor && telling.includes('the author')
        ? ` The author was ${p.firstAuthor ? quoted(p.firstAuthor) : 'not set'} in the original and is ${p.lastAuthor ? quoted(p.lastAuthor) : 'not set'} now.`
        : '';
    return `The PDF was changed after it was first made: ${plural(p.updates, 'update was', 'updates were')} appended to it.${
      telling.length
        ? ` A later update changed ${andList(telling)}.${authors} Form fills and signatures are saved this way, but they do not change these. The original version is still inside the file and can be compared.`
        : ' Form fills, signatures and notes are saved this way; the original version is still inside the file and can be compared.'
    }`;
  },
  'forensics.producer-mismatch': (p) =>
    p.kind === 'image-editor'
      ? `An image editor, ${quoted(p.value)}, appears in XMP metadata packet ${p.packet}${p.when ? ` (${quoted(p.when)})` : ''} of a PDF made by ${p.producer ? quoted(p.producer) : 'another program'}. ${
          p.inserted
            ? `That was shortly before the file’s last save (${quoted(p.modified)}), long after it was created: an object made in an image editor was put in at the last save. It shows that object was edited, not what it changed.`
            : 'Pictures made in image editors are often placed in documents: this shows the object was edited, not that the document is false.'
        }`
      : `Its programs disagree: the PDF says it was produced by ${quoted(p.producer)}, but XMP metadata packet ${p.packet} was written by ${quoted(p.value)} (its ${p.where}). Another program opened and saved the file after it was made; it does not show what was changed.`,
  'forensics.layered-scan': (p) =>
    `It ${Number(p.imageOnlyPages) > 0 ? `looks like a scan (${plural(p.imageOnlyPages, 'page is', 'pages are')} only an image)` : 'calls itself a scan or fax'} but ${[
      Number(p.layers) > 0 ? `has ${plural(p.layers, 'layer')}` : '',
      list(p.pieceInfo).length
        ? `keeps a layout program’s private data (${list(p.pieceInfo).join(', ')})`
        : '',
    ]
      .filter(Boolean)
      .join(
        ' and ',
      )}. A scanner or fax makes a flat image: this file was assembled in a design program. It shows how it was made, not that what it says is false.`,
  'forensics.loose-only': (p) =>
    `${p.name ? quoted(p.name) : 'This file'} was found only as a loose file: no email in the case carries it, so nothing in the mail vouches for it. File shares hold many such files; it matters alongside another finding.`,
  'forensics.name-collision': (p) =>
    `${plural(p.others, 'other document has', 'other documents have')} the same name, ${quoted(p.name)}, with different content${
      Number(p.authenticated) > 0
        ? `, and an authentic email carries ${Number(p.authenticated) === 1 ? 'that one' : `${p.authenticated} of them`} while none carries this one. Compare them: a genuine attachment’s name given to a different file is how a planted document passes.`
        : '. Versions of a file often share its name; compare them.'
    } It does not show which one is genuine.`,
  'forensics.rule-failed': (p) =>
    `The check ${quoted(p.rule)} could not be run on this document (its metadata is unusual); the other checks were.`,
};
