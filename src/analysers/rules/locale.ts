// The language settings a document betrays without anyone choosing them: the Office user type in
// CompObj (written in the UI language), the code page, the default names of sheets ("Feuil1" is a
// French Excel, "Лист1" a Russian one) and the declared languages (w:lang…).
import type { DocumentFacts } from '../../extract/types.ts';

export type LocaleSignalKind = 'compobj' | 'code-page' | 'sheet-names' | 'language';

export interface LocaleSignal {
  kind: LocaleSignalKind;
  /** A language code (`fr`, `ru`…), or for code pages the writing system it encodes (`cyrillic`…). */
  locale: string;
  /** As written. */
  value: string;
}

// CompObj user types as Office writes them per UI language ("Microsoft Office Word 97-2003 Document",
// "Document Microsoft Word 97-2003", "Feuille de calcul Microsoft Office Excel", "Microsoft Excel-
// Arbeitsblatt", "Лист Microsoft Excel"…): the words around "Microsoft" are the translation. First match wins.
const COMPOBJ_LANGUAGES: [RegExp, string][] = [
  [/[\u0400-\u04FF]/, 'ru'],
  [/\bprogramu\b/i, 'pl'],
  [/^(?:Document|Feuille|Présentation|Graphique|Classeur)\b/i, 'fr'],
  [/-(?:Dokument|Arbeitsblatt|Präsentation|Diagramm|Arbeitsmappe)\b/i, 'de'],
  [/-(?:document|werkblad|presentatie)\b/, 'nl'],
  [/\bde Microsoft\b|^Hoja de c[aá]lculo|^Presentaci[oó]n/i, 'es'],
  [/\bdi Microsoft\b|^Foglio di lavoro|^Presentazione/i, 'it'],
  [/\bdo Microsoft\b|^Planilha|^Folha de C[aá]lculo|^Apresenta[cç][aã]o/i, 'pt'],
  [/^Microsoft\b.*\b(?:Document|Worksheet|Workbook|Presentation|Chart|Slide|Picture|Drawing)\b/i, 'en'],
];

// Excel's first default sheet name per UI language.
const SHEET_LANGUAGES: [RegExp, string][] = [
  [/^Sheet\s?\d+$/i, 'en'],
  [/^Feuil(?:le)?\s?\d+$/i, 'fr'],
  [/^Tabelle\s?\d+$/i, 'de'],
  [/^Hoja\s?\d+$/i, 'es'],
  [/^Foglio\s?\d+$/i, 'it'],
  [/^(?:Planilha|Folha)\s?\d+$/i, 'pt'],
  [/^Blad\s?\d+$/i, 'nl'],
  [/^Лист\s?\d+$/i, 'ru'],
  [/^Аркуш\s?\d+$/i, 'uk'],
  [/^Arkusz\s?\d+$/i, 'pl'],
  [/^Munkalap\s?\d+$/i, 'hu'],
  [/^List\s?\d+$/i, 'cs'],
  [/^Ark\s?\d+$/i, 'da'],
  [/^Taul\s?\d+$/i, 'fi'],
  [/^Sayfa\s?\d+$/i, 'tr'],
  [/^Φύλλο\s?\d+$/i, 'el'],
];

// Windows and Mac code pages by the writing system they encode (Unicode pages say nothing and are left out).
const CODE_PAGE_SYSTEMS: Record<number, string> = {
  437: 'western',
  850: 'western',
  1252: 'western',
  10000: 'western',
  28591: 'western',
  866: 'cyrillic',
  1251: 'cyrillic',
  10007: 'cyrillic',
  20866: 'cyrillic',
  28595: 'cyrillic',
  1250: 'central-european',
  10029: 'central-european',
  28592: 'central-european',
  1253: 'greek',
  10006: 'greek',
  1254: 'turkish',
  1255: 'hebrew',
  1256: 'arabic',
  1257: 'baltic',
  1258: 'vietnamese',
  874: 'thai',
  932: 'japanese',
  10001: 'japanese',
  936: 'chinese-simplified',
  950: 'chinese-traditional',
  949: 'korean',
};
const UNICODE_CODE_PAGES = new Set([1200, 1201, 65000, 65001]);

const MAX_VALUE = 200;

export function localeSignals(facts: DocumentFacts): LocaleSignal[] {
  const out: LocaleSignal[] = [];
  if (facts.compObjType) {
    const value = facts.compObjType.slice(0, MAX_VALUE).trim();
    const locale = COMPOBJ_LANGUAGES.find(([re]) => re.test(value))?.[1];
    if (locale) out.push({ kind: 'compobj', locale, value });
  }
  if (facts.codePage !== null && !UNICODE_CODE_PAGES.has(facts.codePage))
    out.push({
      kind: 'code-page',
      locale: CODE_PAGE_SYSTEMS[facts.codePage] ?? String(facts.codePage),
      value: String(facts.codePage),
    });
  for (const name of facts.sheetNames.slice(0, 64)) {
    const value = name.slice(0, MAX_VALUE).trim();
    const locale = SHEET_LANGUAGES.find(([re]) => re.test(value))?.[1];
    if (locale) {
      out.push({ kind: 'sheet-names', locale, value });
      break;
    }
  }
  const languages = new Set<string>();
  for (const tag of facts.languages.slice(0, 64)) {
    const primary = /^\s*([a-z]{2,3})(?:[-_]|\s*$)/i.exec(tag)?.[1]?.toLowerCase();
    if (primary && !languages.has(primary)) {
      languages.add(primary);
      out.push({ kind: 'language', locale: primary, value: tag.slice(0, MAX_VALUE) });
    }
  }
  return out;
}
