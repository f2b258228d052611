// Building an Extraction: the empty facts every extractor starts from, so each fills only what its
// format says and the rest reads as "not said".
import type { DocumentFacts, Extraction, MetadataField } from './types.ts';

export function emptyFacts(): DocumentFacts {
  return {
    title: null,
    subject: null,
    authors: [],
    lastModifiedBy: null,
    company: null,
    manager: null,
    application: null,
    appVersion: null,
    producer: null,
    created: null,
    modified: null,
    printed: null,
    template: null,
    revision: null,
    editMinutes: null,
    languages: [],
    codePage: null,
    compObjType: null,
    sheetNames: [],
    fonts: [],
    rsids: [],
    custom: {},
    pdf: null,
    image: null,
  };
}

export function emptyExtraction(): Extraction {
  return {
    facts: emptyFacts(),
    fields: [],
    text: null,
    textSource: null,
    problems: [],
    ocrCandidate: false,
  };
}

/** Author lists split on ';' (a name may hold a comma: "Allison, Timothy B.;author2"). */
export function splitAuthors(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Adds a field when it has a value. */
export function addField(fields: MetadataField[], group: string, name: string, value: unknown): void {
  if (value === null || value === undefined) return;
  const text = String(value).trim();
  if (text) fields.push({ group, name, value: text });
}
