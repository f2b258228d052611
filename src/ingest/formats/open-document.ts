// OpenDocument (odt, ods, odp, odg, and `odf` for the other kinds) and EPUB: a zip whose `mimetype`
// member (by the specifications the first member, stored) holds the document's media type. Read
// through the central directory when there is one, else from the local headers.
//
// Scores: 100 from the central directory, 95 from local headers only; both beat the zip (90).
//
// Members of an OpenDocument file: its embedded objects (`Object 1`, an OLE object, or the content of
// `Object 1/`, a chart or formula stored as a sub-document) and pictures (`Pictures/…`), read by the
// zip container's reader under the same limits. An EPUB's parts are its content, not members.

import type { DocumentModule } from '../format.ts';
import { documentFormat, perProbe } from './signature.ts';
import { zipEntries } from './zip.ts';
import { member, readMember, zipListing } from './zip-directory.ts';

const ODF = 'application/vnd.oasis.opendocument.';

/** The zip's `mimetype` member, trimmed (at most 200 bytes read), or null. Computed once per probe. */
const zipMediaType = perProbe((probe): string | null => {
  const listing = zipListing(probe);
  const entry = listing ? member(listing, 'mimetype') : undefined;
  const bytes = listing && entry ? readMember(probe, entry, 200) : null;
  return bytes ? bytes.toString('latin1').trim() : null;
});

function mediaTypeFormat(name: string, matches: (type: string) => boolean): DocumentModule {
  return documentFormat(name, (probe) => {
    const type = zipMediaType(probe);
    if (type === null || !matches(type)) return 0;
    return zipListing(probe)?.fromDirectory ? 100 : 95;
  });
}

/**
 * Parts that are embedded objects or pictures: an OpenDocument file's members. An object is a file
 * (`Object 1`, an OLE object) or a sub-document folder, whose content and metadata are members and
 * whose view settings and empty configuration folders are not.
 */
export const EMBEDDED_PART =
  /^Object [^/]+$|^Object [^/]+\/(?!Configurations2\/|settings\.xml$|styles\.xml$)|^Pictures\/[^/]/;

function withMembers(format: DocumentModule): DocumentModule {
  return {
    ...format,
    members: (input, limits) => zipEntries(input, limits, (path) => EMBEDDED_PART.test(path)),
  };
}

/** The OpenDocument kinds with a name of their own (templates included: `text-template` is odt). */
const ODF_KINDS: Record<string, string> = {
  text: 'odt',
  spreadsheet: 'ods',
  presentation: 'odp',
  graphics: 'odg',
};

function odfKind(type: string): string | null {
  if (!type.startsWith(ODF)) return null;
  const kind = type.slice(ODF.length).replace(/-template$/, '');
  return ODF_KINDS[kind] ?? 'odf';
}

export const odtFormat = withMembers(mediaTypeFormat('odt', (type) => odfKind(type) === 'odt'));
export const odsFormat = withMembers(mediaTypeFormat('ods', (type) => odfKind(type) === 'ods'));
export const odpFormat = withMembers(mediaTypeFormat('odp', (type) => odfKind(type) === 'odp'));
export const odgFormat = withMembers(mediaTypeFormat('odg', (type) => odfKind(type) === 'odg'));
/** Any other OpenDocument kind (formula, chart, database…). */
export const odfFormat = withMembers(mediaTypeFormat('odf', (type) => odfKind(type) === 'odf'));
export const epubFormat = mediaTypeFormat('epub', (type) => type === 'application/epub+zip');
