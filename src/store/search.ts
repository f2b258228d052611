// The search interface a store exposes (Store.search): the text index fed from the change feed,
// queries as a plan (a parsed query whose words are already folded and stemmed by src/search), facets,
// threads and correspondents. The embedded store answers with SQLite FTS5 (sqlite/sqlite-search.ts);
// a PostgreSQL store can answer the same plan with tsvector and trigram indexes. Only types here.

/** The text of one item as the index takes it: folded words and stems are made by src/search/document.ts. */
export interface IndexedText {
  itemId: number;
  /** Exact columns: accent-folded text (the index splits it into words). */
  subject: string;
  body: string;
  fromPeople: string;
  toPeople: string;
  ccPeople: string;
  /** Sender, Bcc, Reply-To. */
  otherPeople: string;
  filename: string;
  /** Document metadata (author, creator), when a document analyser hands it in. */
  author: string;
  /** The distinct stems (French and English) of the subject and body words. */
  subjectStem: string;
  bodyStem: string;
  /** Raw (folded) text for substring search through trigrams. */
  substring: { subject: string; people: string; filename: string; identifiers: string };
}

/** What the store holds of an item that the index reads. */
export interface IndexSource {
  itemId: number;
  type: string;
  subject: string | null;
  /** A message's text body, or the text read from a document. */
  text: string | null;
  /** The authors a document's metadata names. */
  author: string | null;
  participants: { role: string; name: string; address: string }[];
  /** Names of its copies, and of the items found inside it (a message's attachments). */
  filenames: string[];
}

/** The exact columns of the text index, and the stem columns. */
export type TextColumn =
  | 'subject'
  | 'body'
  | 'from_people'
  | 'to_people'
  | 'cc_people'
  | 'other_people'
  | 'filename'
  | 'author';
export type StemColumn = 'subject_stem' | 'body_stem';
export type SubstringColumn = 'subject' | 'people' | 'filename' | 'identifiers';

/** Where the index stands on the change feed (a run cut off part-way resumes after `cursor`). */
export interface IndexProgress {
  /** Every change up to this revision is indexed. */
  revision: number;
  /** A run in progress: items up to this id, changed up to `target`, are done. */
  cursor: number;
  target: number;
}

/** One leaf of a plan that the text index answers. */
export type TextLeaf =
  /**
   * A word: exactly in `exact` columns, or by one of its stems in `stemmed` columns; `anywhere` when
   * those are every column (no field named), so an index may seek the word without a column filter.
   */
  | {
      kind: 'word';
      word: string;
      stems: string[];
      exact: TextColumn[];
      stemmed: StemColumn[];
      anywhere: boolean;
    }
  /** Folded words in this order. */
  | { kind: 'phrase'; words: string[]; exact: TextColumn[] }
  /** Words starting with this. */
  | { kind: 'prefix'; prefix: string; exact: TextColumn[] }
  /** A substring of at least three characters (folded). */
  | { kind: 'substring'; text: string; columns: SubstringColumn[] };

/** A date range: ISO instants, `from` included, `until` excluded; either may be open. */
export interface DateRange {
  from: string | null;
  until: string | null;
}

/** One leaf the store answers from its tables (so it stays current without re-indexing). */
export type FieldLeaf =
  | { kind: 'participant'; roles: string[] | null; address: string }
  | { kind: 'domain'; roles: string[] | null; domain: string }
  | { kind: 'date'; range: DateRange }
  | { kind: 'has-attachment' }
  | { kind: 'item-type'; types: string[] }
  | { kind: 'format'; formats: string[] }
  | { kind: 'verdict'; verdict: string }
  | { kind: 'flag'; flag: string }
  | { kind: 'finding'; code: string }
  | { kind: 'mailbox'; prefix: string }
  | { kind: 'thread'; threadId: number };

export type SearchPlan =
  | { kind: 'text'; leaf: TextLeaf }
  | { kind: 'field'; leaf: FieldLeaf }
  | { kind: 'and'; parts: SearchPlan[] }
  | { kind: 'or'; parts: SearchPlan[] }
  | { kind: 'not'; part: SearchPlan }
  /** Everything (an empty query). */
  | { kind: 'all' };

export interface SearchPage {
  sort: 'relevance' | 'date';
  limit: number;
  offset: number;
}

/** A hit with what a list shows of it. */
export interface SearchHitRow {
  id: number;
  type: string;
  format: string;
  subject: string | null;
  from: string | null;
  date: string | null;
  verdict: string | null;
  /** The message's text body (or a document's text) from which a snippet is cut. */
  text: string | null;
  filename: string | null;
}

export const FACETS = [
  'verdict',
  'domain',
  'participant',
  'year',
  'month',
  'type',
  'flag',
  'finding',
] as const;
export type FacetName = (typeof FACETS)[number];
export type Facets = Record<FacetName, { value: string; count: number }[]>;

/** Who wrote to whom: one row per sender and recipient address. */
export interface CorrespondentRow {
  from: string;
  fromName: string;
  to: string;
  toName: string;
  count: number;
  first: string | null;
  last: string | null;
}

/** What threading reads of every message. */
export interface ThreadingInput {
  itemId: number;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string | null;
  date: string | null;
}

export interface ThreadLink {
  itemId: number;
  threadId: number;
  parentItemId: number | null;
  depth: number;
}

export interface ThreadMessage extends ThreadLink {
  subject: string | null;
  from: string | null;
  date: string | null;
  verdict: string | null;
}

export interface SearchAnswer {
  total: number;
  ids: number[];
  /** `top` values of each facet, over every hit (null when not asked for). */
  facets: Facets | null;
}

export interface SearchIndex {
  progress(): Promise<IndexProgress>;
  /**
   * Inside Store.transaction only: replaces the indexed text of these items (an item given without
   * text is removed from the index) and records the progress, in the same unit of work.
   */
  put(texts: IndexedText[], removed: number[], progress: IndexProgress): Promise<void>;
  /** Inside Store.transaction only: replaces every thread link. */
  replaceThreads(links: ThreadLink[]): Promise<void>;
  threadingInputs(): Promise<ThreadingInput[]>;
  /** What the index reads of these items (those that exist), in the order given. */
  sources(ids: number[]): Promise<IndexSource[]>;

  /** Ids of one page of the hits, with the total, and the facets of every hit when `facetTop` is given. */
  search(plan: SearchPlan, page: SearchPage, facetTop?: number): Promise<SearchAnswer>;
  /** Counts of each facet over every hit of the plan; `top` values per facet. */
  facets(plan: SearchPlan, top: number): Promise<Facets>;
  hitRows(ids: number[]): Promise<SearchHitRow[]>;
  correspondents(plan: SearchPlan | null): Promise<CorrespondentRow[]>;
  /** The messages of a thread, in thread order (parents before replies, then by date). */
  thread(threadId: number): Promise<ThreadMessage[]>;
  /** The thread an item belongs to. */
  threadOf(itemId: number): Promise<number | null>;
}
