// Bounds on the work one PDF can ask for: every loop over attacker-chosen counts stops at one of these,
// and what was left out is reported as a problem (extract.pdf.limit).

/** Nesting of arrays and dictionaries inside one object (real files stay under 20). */
export const MAX_DEPTH = 64;
/** Bytes one decoded stream may grow to (a Flate bomb stops here). */
export const MAX_STREAM_BYTES = 64 * 1024 * 1024;
/** Bytes all decoded streams of one file may add up to. */
export const MAX_DECODED_TOTAL = 512 * 1024 * 1024;
/** Xref sections followed along /Prev. */
export const MAX_SECTIONS = 4096;
/** Revisions compared page by page (beyond this, only Info and XMP are compared)… */
export const MAX_DEEP_REVISIONS = 256;
/** …and pages visited in all those comparisons together. */
export const MAX_PAGE_VISITS = 1_000_000;
/** Objects an xref may declare, or a rebuild may find. */
export const MAX_OBJECTS = 2_000_000;
/** Pages walked in a page tree. */
export const MAX_PAGES = 100_000;
/** XMP packets read, and bytes in one. */
export const MAX_XMP_PACKETS = 256;
export const MAX_XMP_BYTES = 8 * 1024 * 1024;
/** Metadata fields kept per XMP packet. */
export const MAX_XMP_FIELDS = 4000;
/** Form XObjects nested inside each other while reading text or fonts. */
export const MAX_FORM_DEPTH = 8;
/** Code-to-Unicode entries the ToUnicode CMaps of one file may define. */
export const MAX_CMAP_ENTRIES = 1_000_000;
/** Problems kept per file (the rest are counted in one last problem). */
export const MAX_PROBLEMS = 200;
