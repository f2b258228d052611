// Office Open XML (docx, xlsx, pptx, and their macro-enabled and template variants under the same
// names): a zip holding the OPC manifest `[Content_Types].xml` and the main part of one of the
// three applications. The application is told by the folder of its main part (`word/`, `xl/`,
// `ppt/`); when the folders do not settle it (none of them, or several), by the main part's
// content type in the manifest. A zip with a manifest but no Office main part (a NuGet package,
// an XPS document) stays a zip.
//
// Scores: 100 when the names come from the central directory, 95 from local headers only (an
// archive cut short). Both beat the zip container (90).
//
// Members: the objects embedded in the document (`word/embeddings/oleObject1.bin`, a package, a
// workbook in a slide) and its media (`word/media/image1.png`), read by the zip container's reader
// under the same limits; the document's own parts are not members.

import type { DocumentModule, Probe } from '../format.ts';
import { documentFormat, perProbe } from './signature.ts';
import { zipEntries } from './zip.ts';
import { member, readMember, type ZipListing, zipListing } from './zip-directory.ts';

const MANIFEST = '[Content_Types].xml';

type Application = 'docx' | 'xlsx' | 'pptx';

const FOLDERS: [string, Application][] = [
  ['word/', 'docx'],
  ['xl/', 'xlsx'],
  ['ppt/', 'pptx'],
];

/** Main-part content types: `…wordprocessingml.document.main+xml`, `…ms-excel.sheet.macroEnabled.main+xml`… */
const MAIN_TYPES: [RegExp, Application][] = [
  [/(?:officedocument\.wordprocessingml|vnd\.ms-word)\.[\w.]*main\+xml/i, 'docx'],
  [/(?:officedocument\.spreadsheetml|vnd\.ms-excel)\.[\w.]*main(?:\+xml)?/i, 'xlsx'],
  [/(?:officedocument\.presentationml|vnd\.ms-powerpoint)\.[\w.]*main\+xml/i, 'pptx'],
];

function byFolder(listing: ZipListing): Application | null {
  const found = new Set<Application>();
  for (const m of listing.members) {
    for (const [folder, app] of FOLDERS) if (m.name.startsWith(folder)) found.add(app);
  }
  return found.size === 1 ? ([...found][0] ?? null) : null;
}

function byContentType(probe: Probe, listing: ZipListing): Application | null {
  const manifest = member(listing, MANIFEST);
  const bytes = manifest ? readMember(probe, manifest) : null;
  if (!bytes) return null;
  const text = bytes.toString('utf8');
  const found = MAIN_TYPES.filter(([pattern]) => pattern.test(text)).map(([, app]) => app);
  return found.length === 1 ? (found[0] ?? null) : null;
}

/** Which Office application's document the probe is, or null. Computed once per probe. */
const application = perProbe((probe): Application | null => {
  const listing = zipListing(probe);
  if (listing === null || !member(listing, MANIFEST)) return null;
  return byFolder(listing) ?? byContentType(probe, listing);
});

/** Parts that are embedded objects or media: the document's members. */
export const EMBEDDED_PART = /^(?:word|xl|ppt)\/embeddings\/[^/]|^[^/]+\/media\/[^/]/;

function officeFormat(name: Application): DocumentModule {
  const format = documentFormat(name, (probe) => {
    if (application(probe) !== name) return 0;
    return zipListing(probe)?.fromDirectory ? 100 : 95;
  });
  return {
    ...format,
    members: (input, limits) => zipEntries(input, limits, (path) => EMBEDDED_PART.test(path)),
  };
}

export const docxFormat = officeFormat('docx');
export const xlsxFormat = officeFormat('xlsx');
export const pptxFormat = officeFormat('pptx');
