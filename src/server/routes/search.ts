// Search with the query language of `crible search`, its facets and a page of hits.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryError, searchCase } from '../../core/search.ts';
import { coded, render } from '../../report/catalogue.ts';
import type { Store } from '../../store/store.ts';

const SearchQuery = z.object({
  q: z.string().max(2000).default(''),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  sort: z.enum(['relevance', 'date']).default('relevance'),
});

export function registerSearchRoutes(app: OpenAPIHono, store: Store): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/search',
      summary: 'Search the case: hits with verdict and snippet, and facets',
      request: { query: SearchQuery },
      responses: {
        200: {
          description: 'hits',
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
        400: {
          description: 'the query cannot be read',
          content: { 'application/json': { schema: z.object({ error: z.string() }) } },
        },
      },
    }),
    async (c) => {
      const { q, offset, limit, sort } = c.req.valid('query');
      try {
        const result = await searchCase(store, q, { offset, limit, sort, facets: true });
        return c.json(result as unknown as Record<string, unknown>, 200);
      } catch (err) {
        if (err instanceof QueryError)
          return c.json(
            { error: render(coded(err.code, err.params)), code: err.code, params: err.params },
            400,
          );
        throw err;
      }
    },
  );
}
