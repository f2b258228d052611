// A file found only loose (in a folder, or an archive no email carries) in a case whose emails do carry
// documents: nothing in the mail vouches for it. Low alone — file shares hold many such files — but
// cheap, and it catches files inserted into a dump; with another finding it matters.
import type { CaseView, Rule } from './rule.ts';
import { perView } from './view-cache.ts';

const mailCarriesDocuments = perView((view: CaseView) => view.documents.some((d) => d.carriers.length > 0));

export const looseOnly: Rule = {
  id: 'loose-only',
  severity: 'low',
  check(doc, view) {
    // A file without a name of its own is an object embedded in a document: judged with that document.
    if (!doc.loose || doc.carriers.length > 0 || doc.names.length === 0 || !mailCarriesDocuments(view))
      return [];
    return [{ params: { name: doc.names[0] ?? null }, evidence: { names: doc.names.slice(0, 20) } }];
  },
};
