// Microsoft Office 97–2003 documents, told apart by the stream their application keeps at the root
// of the compound file (ole2.ts): `WordDocument` (doc), `Workbook` or the older `Book` (xls),
// `PowerPoint Document` (ppt). Any other compound file (Visio, MSI, Thumbs.db, a damaged
// directory) is `ole`. Names compare without regard to case, as the format does.

import { hasOle2Magic, oleScore } from './ole2.ts';
import { documentFormat } from './signature.ts';

function rootStream(...names: string[]): (name: string) => boolean {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  return (name) => wanted.has(name.toLowerCase());
}

export const docFormat = documentFormat('doc', (probe) => oleScore(probe, rootStream('WordDocument')));
export const xlsFormat = documentFormat('xls', (probe) => oleScore(probe, rootStream('Workbook', 'Book')));
export const pptFormat = documentFormat('ppt', (probe) => oleScore(probe, rootStream('PowerPoint Document')));
/** A compound file of no kind listed: 80, below any kind found at its root. */
export const oleFormat = documentFormat('ole', (probe) => (hasOle2Magic(probe.head) ? 80 : 0));
