// The text of an item as the index takes it: what a message, an attachment or a document says,
// folded and stemmed (fold.ts). Document text extracted later by a document analyser comes in as
// `text` (and its metadata as `author`) through the same function.
import type { IndexedText, IndexSource } from '../store/search.ts';
import { fold, foldedText, identifiers, stemmedText } from './fold.ts';

/** Characters of a body indexed: a body longer than this (a pasted log, a bomb) is indexed in part. */
export const MAX_INDEXED_TEXT = 1_000_000;

export interface TextSource extends IndexSource {
  author: string | null;
}

type Person = IndexSource['participants'][number];
const person = (p: Person) => `${p.name} ${p.address}`;
const OTHER_ROLES = new Set(['sender', 'bcc', 'reply-to']);

export function indexedText(source: TextSource): IndexedText {
  const subject = source.subject ?? '';
  const body = (source.text ?? '').slice(0, MAX_INDEXED_TEXT);
  const people = (roles: (role: string) => boolean) =>
    foldedText(
      source.participants
        .filter((p) => roles(p.role))
        .map(person)
        .join(' '),
    );
  const filenames = [...new Set(source.filenames)].join(' ');
  return {
    itemId: source.itemId,
    subject: foldedText(subject),
    body: foldedText(body),
    fromPeople: people((r) => r === 'from'),
    toPeople: people((r) => r === 'to'),
    ccPeople: people((r) => r === 'cc'),
    otherPeople: people((r) => OTHER_ROLES.has(r)),
    filename: foldedText(filenames),
    author: foldedText(source.author ?? ''),
    subjectStem: stemmedText(subject),
    bodyStem: stemmedText(body),
    substring: {
      subject: fold(subject),
      people: fold(source.participants.map(person).join(' ')),
      filename: fold(filenames),
      identifiers: identifiers(body),
    },
  };
}
