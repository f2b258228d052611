// Search as the faces call it: keep the index current from the change feed (after ingest and
// `crible analyse`), run a query with its page, snippets and facets, and run a batch of queries.

import { Worker } from 'node:worker_threads';
import { indexedText } from '../search/document.ts';
import { threadMessages } from '../search/jwz.ts';
import { type Highlight, planQuery } from '../search/plan.ts';
import { QueryError } from '../search/query.ts';
import { type SnippetPart, snippet, snippetHtml } from '../search/snippet.ts';
import type { Facets, IndexedText, IndexSource, SearchPlan } from '../store/search.ts';
import type { Store } from '../store/store.ts';
import { VERDICTS } from '../verify/types.ts';
import { answerOf } from './thread-answer.ts';
import { WorkerPool } from './worker-pool.ts';

export { QueryError, snippetHtml };

export interface IndexRun {
  /** Items whose text was (re)indexed. */
  indexed: number;
  /** Whether the threads were rebuilt (a message changed). */
  threaded: boolean;
  revision: number;
}

/** Items per unit of work while indexing: a run cut off keeps what its committed units did. */
const INDEX_BATCH = 2000;
/** Below this many changed items the texts are made on the main thread (a worker costs its start-up). */
const WORKER_THRESHOLD = 1000;

/**
 * Brings the index up to the case's last revision: every item changed since the indexed revision
 * (the change feed) is re-indexed, in units of work that record how far they got, so a killed run
 * resumes and a re-run gives the same index. Threads are rebuilt when a message changed. The texts
 * of the next batch are folded and stemmed in a worker thread while the current one is written.
 */
export async function updateSearchIndex(
  store: Store,
  options: { batch?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<IndexRun> {
  const index = store.search;
  const start = await index.progress();
  const target = await store.revision();
  const resuming = start.cursor > 0;
  const changes = (await store.textChangesSince(start.revision)).filter(
    (c) => !resuming || c.itemId > start.cursor || c.revision > start.target,
  );
  if (changes.length === 0 && !resuming && start.revision === target)
    return { indexed: 0, threaded: false, revision: target };
  const batch = options.batch ?? INDEX_BATCH;
  const pool =
    changes.length >= WORKER_THRESHOLD
      ? new WorkerPool<IndexSource[], IndexedText[]>(
          new URL('../search/text-worker.ts', import.meta.url),
          null,
          1,
        )
      : null;
  let messages = resuming;
  const prepare = async (from: number) => {
    const ids = changes.slice(from, from + batch).map((c) => c.itemId);
    const sources = await index.sources(ids);
    if (sources.some((source) => source.type === 'message')) messages = true;
    const found = new Set(sources.map((s) => s.itemId));
    return {
      ids,
      removed: ids.filter((id) => !found.has(id)),
      texts: pool ? pool.run(sources) : Promise.resolve(sources.map(indexedText)),
    };
  };
  try {
    let next = changes.length ? await prepare(0) : null;
    for (let from = 0; next; from += batch) {
      const current = next;
      next = from + batch < changes.length ? await prepare(from + batch) : null;
      const texts = await current.texts;
      await store.transaction(() =>
        index.put(texts, current.removed, { revision: start.revision, cursor: current.ids.at(-1)!, target }),
      );
      options.onProgress?.(Math.min(from + batch, changes.length), changes.length);
    }
  } finally {
    await pool?.close();
  }
  await store.transaction(async () => {
    if (messages) await index.replaceThreads(threadMessages(await index.threadingInputs()));
    await index.put([], [], { revision: target, cursor: 0, target: 0 });
  });
  return { indexed: changes.length, threaded: messages, revision: target };
}

/**
 * Whether at least `count` items changed their text since the index was last brought up to date (all
 * of them after a cut-off run): only that many are read.
 */
export async function searchIndexBehindBy(store: Store, count: number): Promise<boolean> {
  const { revision } = await store.search.progress();
  return (await store.textChangesSince(revision, count)).length >= count;
}

/** Whether the index misses changes: left for later, or a run was cut off. */
export async function searchIndexBehind(store: Store): Promise<boolean> {
  return (await store.search.progress()).cursor > 0 || (await searchIndexBehindBy(store, 1));
}

/** Below this many items to index, a thread apart costs more to start than it saves. */
export const APART_THRESHOLD = WORKER_THRESHOLD;
/** Items per unit of work on a thread apart: short ones, so that the other writer waits little. */
const APART_BATCH = 500;

/**
 * updateSearchIndex on a thread of its own, with its own connection to the case in `caseDir`, while
 * this thread goes on with other work through `store`: the two write in turn, each unit of work
 * waiting for the other's to end.
 */
export function updateSearchIndexApart(
  caseDir: string,
  store: Store,
  onProgress?: (done: number, total: number) => void,
): Promise<IndexRun> {
  const worker = new Worker(new URL('./index-worker.ts', import.meta.url), {
    workerData: { caseDir, batch: APART_BATCH, share: store.threadShare() },
  });
  return answerOf<IndexRun>(worker, 'the index thread', (message: { progress: [number, number] }) => {
    // A face's progress line: nothing it throws (an interruption) may escape an event handler.
    try {
      onProgress?.(...message.progress);
    } catch {}
  });
}

export interface SearchOptions {
  limit?: number;
  offset?: number;
  sort?: 'relevance' | 'date';
  facets?: boolean;
  /** Values per facet (default 10). */
  facetSize?: number;
}

export interface SearchHit {
  id: number;
  type: string;
  /** The message's subject, or the file name of an attachment or document. */
  subject: string | null;
  from: string | null;
  date: string | null;
  verdict: string | null;
  snippet: SnippetPart[];
}

export interface SearchResult {
  query: string;
  total: number;
  hits: SearchHit[];
  facets: Facets | null;
}

/** Parses and plans a query (a QueryError names the position of what is wrong). */
export function planSearch(query: string): { plan: SearchPlan; highlight: Highlight } {
  return planQuery(query, { verdicts: VERDICTS });
}

export async function searchCase(
  store: Store,
  query: string,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const { plan, highlight } = planSearch(query);
  const page = { limit: options.limit ?? 20, offset: options.offset ?? 0, sort: options.sort ?? 'relevance' };
  const { total, ids, facets } = await store.search.search(
    plan,
    page,
    options.facets ? (options.facetSize ?? 10) : undefined,
  );
  const rows = await store.search.hitRows(ids);
  const hits = rows.map((r) => ({
    id: r.id,
    type: r.type === 'message' ? 'email' : r.format,
    subject: r.type === 'message' ? r.subject : (r.filename ?? r.subject),
    from: r.from,
    date: r.date,
    verdict: r.verdict,
    snippet: snippet(r.text ?? r.filename ?? '', highlight),
  }));
  return { query, total, hits, facets };
}

/** Counts of each facet over every hit of a query (the workbench asks for them beside a page of hits). */
export async function searchFacets(store: Store, query: string, facetSize = 10): Promise<Facets> {
  return store.search.facets(planSearch(query).plan, facetSize);
}

/** Every item a query finds, page by page (an export or a report of a search). */
export async function searchAllIds(store: Store, query: string): Promise<Set<number>> {
  const { plan } = planSearch(query);
  const ids = new Set<number>();
  for (let offset = 0; ; offset += SEARCH_PAGE) {
    const page = await store.search.search(plan, { limit: SEARCH_PAGE, offset, sort: 'date' });
    for (const id of page.ids) ids.add(id);
    if (page.ids.length < SEARCH_PAGE) return ids;
  }
}
const SEARCH_PAGE = 5000;

export interface BatchLine {
  /** 1-based line of the batch file. */
  line: number;
  query: string;
  total: number | null;
  ids: number[];
  /** Why the query could not run (its position in the line). */
  error: QueryError | null;
}

/** One query per line (blank lines and lines starting with # skipped): totals and top hit ids. */
export async function batchSearch(
  store: Store,
  text: string,
  options: { top?: number } = {},
): Promise<BatchLine[]> {
  const out: BatchLine[] = [];
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const query = raw.trim();
    if (query === '' || query.startsWith('#')) continue;
    try {
      const { plan } = planSearch(query);
      const { total, ids } = await store.search.search(plan, {
        limit: options.top ?? 10,
        offset: 0,
        sort: 'relevance',
      });
      out.push({ line: n + 1, query, total, ids, error: null });
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      out.push({ line: n + 1, query, total: null, ids: [], error: err });
    }
  }
  return out;
}
