// A "scan" or "fax" that carries layers (optional content) or a layout program's private data
// (/PieceInfo: Illustrator, InDesign): a scanner writes a flat image, so such a file was assembled in
// a layout program (the 2017 "offshore account" PDFs: a text layer over a blank letterhead). High. It
// shows how the file was made, not that its content is false. A PDF its own image program exported (a
// Photoshop PDF) is not taken for a scan.
import type { Rule } from './rule.ts';

/** What names a file a scan: a scanner, copier or fax program, or the word in its name or title. */
const SCAN_WORDS =
  /\b(?:scan\w*|fax\w*|numéris\w*|MFP|scanner|copier|ScanSnap|Xerox|RICOH|Kyocera|Canon iR|imageRUNNER|bizhub|Konica)\b/iu;
const MAX_TEXT = 300;
/** Programs that make image-only pages of their own: their PDFs are exports, not scans. */
const IMAGE_PROGRAMS =
  /\b(?:Photoshop|Illustrator|InDesign|GIMP|Affinity|Pixelmator|CorelDRAW|QuarkXPress|Scribus)\b/i;

export const layeredScan: Rule = {
  id: 'layered-scan',
  severity: 'high',
  check(doc) {
    const pdf = doc.facts.pdf;
    if (!pdf || (pdf.layers.length === 0 && pdf.pieceInfo.length === 0)) return [];
    const said = [doc.facts.application, doc.facts.producer, doc.facts.title, ...doc.names].filter(
      (s): s is string => !!s && SCAN_WORDS.test(s.slice(0, MAX_TEXT)),
    );
    // An image-only page is a scan unless the program that says it made the file draws such pages itself.
    const maker = [doc.facts.application, doc.facts.producer].some(
      (s) => !!s && IMAGE_PROGRAMS.test(s.slice(0, MAX_TEXT)),
    );
    if (said.length === 0 && (pdf.imageOnlyPages === 0 || maker)) return [];
    return [
      {
        params: {
          layers: pdf.layers.length,
          pieceInfo: pdf.pieceInfo,
          imageOnlyPages: pdf.imageOnlyPages,
          scanWords: said.length > 0,
        },
        evidence: {
          layers: pdf.layers.slice(0, 50),
          pieceInfo: pdf.pieceInfo.slice(0, 50),
          imageOnlyPages: pdf.imageOnlyPages,
          saysScan: said.slice(0, 5),
        },
      },
    ];
  },
};
