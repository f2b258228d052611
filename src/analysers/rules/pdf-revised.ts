// A PDF saved again by appending incremental updates after its first version. Medium in general (form
// fills, signatures and annotations are saved this way); high when a later revision changes who or what
// the document says it is (author, title, subject, creation date) or its page content. The original
// revision stays inside the file: what it said is the evidence.
import type { Rule } from './rule.ts';

/** Changes a form fill or a signature does not make. */
const TELLING = new Set([
  'Info/Author',
  'Info/Title',
  'Info/Subject',
  'Info/CreationDate',
  'Info/Creator',
  'pages',
  'page-content',
]);
const INFO_SHOWN = ['Author', 'Title', 'Subject', 'Creator', 'Producer', 'CreationDate', 'ModDate'];
/** Revisions listed in the evidence (the count is always exact). */
const EVIDENCE_LIMIT = 20;

export const pdfRevised: Rule = {
  id: 'pdf-revised',
  severity: 'medium',
  check(doc) {
    const revisions = doc.facts.pdf?.revisions ?? [];
    if (revisions.length < 2) return [];
    const telling = revisions.slice(1).flatMap((r) => r.changed.filter((c) => TELLING.has(c)));
    const shown = (info: Record<string, string>) =>
      Object.fromEntries(INFO_SHOWN.filter((k) => k in info).map((k) => [k, info[k]!.slice(0, 500)]));
    return [
      {
        severity: telling.length ? 'high' : 'medium',
        params: {
          updates: revisions.length - 1,
          telling: [...new Set(telling)],
          firstAuthor: revisions[0]!.info.Author ?? null,
          lastAuthor: revisions[revisions.length - 1]!.info.Author ?? null,
        },
        evidence: {
          revisions: revisions.slice(0, EVIDENCE_LIMIT).map((r, i) => ({
            revision: i + 1,
            end: r.end,
            changed: r.changed,
            objects: r.objects,
            info: shown(r.info),
          })),
        },
      },
    ];
  },
};
