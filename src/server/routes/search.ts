// Search with the query language of `crible search`, its facets and a page of hits.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { QueryError } from '../../core/search.ts';
import type { Searcher } from '../../core/search-workers.ts';
import { coded, render } from '../../report/catalogue.ts';

const Query = z.string().max(2000).default('');
const SearchQuery = z.object({
  q: Query,
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  sort: z.enum(['relevance', 'date']).default('relevance'),
});

const unreadable = {
  description: 'the query cannot be read',
  content: { 'application/json': { schema: z.object({ error: z.string() }) } },
};
const anyJson = { 'application/json': { schema: z.record(z.string(), z.unknown()) } };

/** The answer as JSON; a query the language cannot read is a 400 naming what is wrong, in words. */
async function answer(c: Context, work: () => Promise<unknown>) {
  try {
    return c.json((await work()) as Record<string, unknown>, 200);
  } catch (err) {
    if (err instanceof QueryError)
      return c.json({ error: render(coded(err.code, err.params)), code: err.code, params: err.params }, 400);
    throw err;
  }
}

export function registerSearchRoutes(app: OpenAPIHono, searcher: Searcher): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/search',
      summary: 'Search the case: a page of hits with verdict and snippet (facets: /api/search/facets)',
      request: { query: SearchQuery },
      responses: { 200: { description: 'hits', content: anyJson }, 400: unreadable },
    }),
    async (c) => {
      const { q, offset, limit, sort } = c.req.valid('query');
      return answer(c, () => searcher.search(q, { offset, limit, sort }));
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/search/facets',
      summary: 'Counts of each facet over every hit of a query',
      request: { query: z.object({ q: Query, size: z.coerce.number().int().min(1).max(100).default(10) }) },
      responses: { 200: { description: 'facets', content: anyJson }, 400: unreadable },
    }),
    async (c) => {
      const { q, size } = c.req.valid('query');
      return answer(c, () => searcher.facets(q, size));
    },
  );
}
