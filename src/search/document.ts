// The text of an item as the index takes it: what a message, an attachment or a document says,
// folded and stemmed (fold.ts). A document's text read by the extract analyser comes in as `text`,
// the authors its metadata names as `author`.
import type { IndexedText, IndexSource } from '../store/search.ts';
import { fold, foldedText, textTerms } from './fold.ts';

/** Characters of a body indexed: a body longer than this (a pasted log, a bomb) is indexed in part. */
export const MAX_INDEXED_TEXT = 1_000_000;

type Person = IndexSource['participants'][number];
const person = (p: Person) => `${p.name} ${p.address}`;
const OTHER_ROLES = new Set(['sender', 'bcc', 'reply-to']);

export function indexedText(source: IndexSource): IndexedText {
  const subject = textTerms(source.subject ?? '');
  const body = textTerms((source.text ?? '').slice(0, MAX_INDEXED_TEXT));
  const people = (roles: (role: string) => boolean) =>
    foldedText(
      source.participants
        .filter((p) => roles(p.role))
        .map(person)
        .join(' '),
    );
  const filenames = fold([...new Set(source.filenames)].join(' '));
  return {
    itemId: source.itemId,
    subject: subject.exact,
    body: body.exact,
    fromPeople: people((r) => r === 'from'),
    toPeople: people((r) => r === 'to'),
    ccPeople: people((r) => r === 'cc'),
    otherPeople: people((r) => OTHER_ROLES.has(r)),
    filename: filenames,
    author: foldedText(source.author ?? ''),
    subjectStem: subject.stems,
    bodyStem: body.stems,
    // Names and addresses are found by word and prefix (and from:, domain:); trigrams, the costliest
    // part of indexing, are kept for subjects, file names and identifiers.
    substring: {
      subject: fold(source.subject ?? ''),
      people: '',
      filename: filenames,
      identifiers: body.identifiers,
    },
  };
}
