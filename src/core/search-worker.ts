// Worker thread entry of searchOnWorkers: opens the case once, builds its item columns, then answers
// searches and facets one at a time (the WorkerPool protocol: { id, request } → { id, result | error }).
import { parentPort, workerData } from 'node:worker_threads';
import { openCase } from './case.ts';
import { QueryError, searchCase, searchFacets } from './search.ts';
import type { SearchReply, SearchRequest } from './search-workers.ts';

const kase = openCase((workerData as { caseDir: string }).caseDir, { create: false });
// Facets of everything build the columns before the first query needs them.
await searchFacets(kase.store, '');

async function answer(request: SearchRequest): Promise<SearchReply> {
  try {
    return {
      ok:
        request.kind === 'search'
          ? await searchCase(kase.store, request.query, request.options)
          : await searchFacets(kase.store, request.query, request.size),
    };
  } catch (err) {
    if (err instanceof QueryError) return { queryError: { code: err.code, params: err.params } };
    throw err;
  }
}

parentPort!.on('message', ({ id, request }: { id: number; request: SearchRequest }) => {
  answer(request).then(
    (result) => parentPort!.postMessage({ id, result }),
    (err: unknown) =>
      parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
});
