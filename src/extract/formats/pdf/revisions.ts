// What each revision is and what it changed against the one before: Info entries (`Info/Author`…),
// the XMP (the catalog's metadata stream redefined, or a packet written in the revision's bytes), the
// page list (`pages`), what pages draw (`page-content`: their content streams or XObjects redefined),
// the fonts used (`fonts`), annotations and the form. Page-level comparison stops after
// MAX_DEEP_REVISIONS revisions; Info and XMP are compared for all of them.
import type { PdfRevision } from '../../types.ts';
import type { PdfDocument } from './document.ts';
import { resourceFonts } from './fonts.ts';
import { MAX_DEEP_REVISIONS, MAX_PAGE_VISITS } from './limits.ts';
import { valueText } from './strings.ts';
import { type PdfValue, Ref } from './syntax.ts';

interface Snapshot {
  info: Record<string, string>;
  metadata: number | null;
  pages: Array<{ num: number; contents: number[]; xobjects: number[]; annots: number[] }> | null;
  fonts: Set<string> | null;
  form: number | null;
}

const refNums = (values: PdfValue[]): number[] => values.flatMap((v) => (v instanceof Ref ? [v.num] : []));

/** The Info dictionary of revision `rev` as text (strings decoded); empty when there is none. */
export function infoOf(doc: PdfDocument, rev: number): Record<string, string> {
  const info = doc.dict(doc.revisions[rev]!.trailer.get('Info'), rev);
  const out: Record<string, string> = {};
  for (const [key, value] of info ?? []) {
    const text = valueText(doc.resolve(value, rev));
    if (text !== null) out[key] = text;
  }
  return out;
}

function snapshot(doc: PdfDocument, rev: number, deep: boolean): Snapshot {
  const catalog = doc.catalog(rev);
  const metadata = catalog?.get('Metadata');
  const form = catalog?.get('AcroForm');
  const base: Snapshot = {
    info: infoOf(doc, rev),
    metadata: metadata instanceof Ref ? metadata.num : null,
    pages: null,
    fonts: null,
    form: form instanceof Ref ? form.num : form ? -1 : null,
  };
  if (!deep) return base;
  const fonts = new Set<string>();
  const pages = doc.pages(rev).map((page) => {
    resourceFonts(doc, page.resources, rev, fonts);
    const contents = page.dict.get('Contents');
    const xobjects = doc.dict(page.resources?.get('XObject'), rev);
    return {
      num: page.num,
      contents:
        contents instanceof Ref
          ? [contents.num, ...refNums(doc.array(contents, rev))]
          : refNums(doc.array(contents, rev)),
      xobjects: refNums([...(xobjects?.values() ?? [])]),
      annots: refNums(doc.array(page.dict.get('Annots'), rev)),
    };
  });
  return { ...base, pages, fonts };
}

const sameList = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function changes(
  doc: PdfDocument,
  rev: number,
  before: Snapshot,
  after: Snapshot,
  packets: number[],
): string[] {
  const { entries, start, end } = doc.revisions[rev]!;
  const redefined = (num: number) => entries.has(num);
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before.info), ...Object.keys(after.info)]))
    if (before.info[key] !== after.info[key]) changed.push(`Info/${key}`);
  if (
    before.metadata !== after.metadata ||
    (after.metadata !== null && redefined(after.metadata)) ||
    packets.some((at) => at >= start && at < end)
  )
    changed.push('XMP');
  if (before.pages && after.pages) {
    const [a, b] = [before.pages, after.pages];
    if (a.length !== b.length || a.some((p, i) => p.num !== b[i]!.num)) changed.push('pages');
    const content = b.some((page, i) => {
      const old = a[i];
      return (
        !old ||
        !sameList(old.contents, page.contents) ||
        !sameList(old.xobjects, page.xobjects) ||
        page.contents.some(redefined) ||
        page.xobjects.some(redefined)
      );
    });
    if (content) changed.push('page-content');
    if (b.some((page, i) => !sameList(a[i]?.annots ?? [], page.annots) || page.annots.some(redefined)))
      changed.push('annotations');
  }
  if (before.fonts && after.fonts) {
    const [a, b] = [before.fonts, after.fonts];
    if (a.size !== b.size || [...b].some((f) => !a.has(f))) changed.push('fonts');
  }
  if (before.form !== after.form || (after.form !== null && after.form >= 0 && redefined(after.form)))
    changed.push('form');
  return changed;
}

/** Each revision, oldest first, with what it changed; `packets` are the offsets of the XMP packets found. */
export function describeRevisions(doc: PdfDocument, packets: number[]): PdfRevision[] {
  const out: PdfRevision[] = [];
  let previous: Snapshot | null = null;
  const pages = Math.max(1, doc.pages(doc.last).length);
  const deep = Math.max(1, Math.min(MAX_DEEP_REVISIONS, Math.floor(MAX_PAGE_VISITS / pages)));
  const deepFrom = Math.max(0, doc.revisions.length - deep);
  doc.revisions.forEach((revision, rev) => {
    const current = snapshot(doc, rev, rev >= deepFrom - 1);
    const objects = [...revision.entries.values()].filter((e) => e.type !== 0).length;
    out.push({
      end: revision.end,
      info: current.info,
      changed: previous ? changes(doc, rev, previous, current, packets) : [],
      objects,
    });
    previous = current;
  });
  return out;
}
