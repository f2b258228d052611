// Searches answered on worker threads, each with its own connection to the case: the workbench's
// searches then run side by side on every core instead of one after another on the thread that also
// answers every other request. Each worker builds its item columns once, when it starts.
import { availableParallelism } from 'node:os';
import type { Facets } from '../store/search.ts';
import type { Case } from './case.ts';
import { QueryError, type SearchOptions, type SearchResult, searchCase, searchFacets } from './search.ts';
import { WorkerPool } from './worker-pool.ts';

/** What the workbench asks of search: a page of hits, and the facets of a query. */
export interface Searcher {
  search(query: string, options: SearchOptions): Promise<SearchResult>;
  facets(query: string, size: number): Promise<Facets>;
  close(): Promise<void>;
}

export type SearchRequest =
  | { kind: 'search'; query: string; options: SearchOptions }
  | { kind: 'facets'; query: string; size: number };

/** A query the language cannot read comes back as what it is, not as a failure of the worker. */
export type SearchReply =
  | { ok: SearchResult | Facets }
  | { queryError: { code: string; params: QueryError['params'] } };

/** Search on the calling thread (a test, or a machine with one core). */
export function searchHere(kase: Case): Searcher {
  return {
    search: (query, options) => searchCase(kase.store, query, options),
    facets: (query, size) => searchFacets(kase.store, query, size),
    close: async () => {},
  };
}

/** Search on `count` worker threads (default: one per core, at least two). */
export function searchOnWorkers(kase: Case, count = Math.max(2, availableParallelism())): Searcher {
  // One query at a time per worker: a query queued behind a slow one waits for the first worker free.
  const pool = new WorkerPool<SearchRequest, SearchReply>(
    new URL('./search-worker.ts', import.meta.url),
    { caseDir: kase.dir },
    count,
    { inFlight: 1 },
  );
  const ask = async (request: SearchRequest) => {
    const reply = await pool.run(request);
    if ('queryError' in reply)
      throw new QueryError(
        reply.queryError.code,
        reply.queryError.params as QueryError['params'] & { position: number },
      );
    return reply.ok;
  };
  return {
    search: async (query, options) => (await ask({ kind: 'search', query, options })) as SearchResult,
    facets: async (query, size) => (await ask({ kind: 'facets', query, size })) as Facets,
    close: () => pool.close(),
  };
}
