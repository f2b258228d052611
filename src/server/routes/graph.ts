// The case drawn (who writes to whom, when) for a query, a message's source as text, its proof as a zip.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { correspondentGraph, itemProofZip, messageSource, timeline } from '../../core/graph.ts';
import { NoProofError } from '../../core/proof.ts';
import { QueryError } from '../../core/search.ts';
import { coded, render } from '../../report/catalogue.ts';
import type { Store } from '../../store/store.ts';

const Query = z.object({ q: z.string().max(2000).default('') });
const GraphQuery = Query.extend({ nodes: z.coerce.number().int().min(2).max(300).default(80) });
const ItemParams = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
const anyJson = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
});
const failure = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ error: z.string() }) } },
});

/** A drawing of a query's messages; a query that cannot be read is the caller's mistake (400). */
function drawing<Schema extends typeof Query>(
  app: OpenAPIHono,
  route: { path: string; summary: string; schema: Schema },
  draw: (query: z.infer<Schema>) => Promise<unknown>,
): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: route.path,
      summary: route.summary,
      request: { query: route.schema },
      responses: { 200: anyJson('the drawing'), 400: failure('the query cannot be read') },
    }),
    async (c) => {
      try {
        // Validated against route.schema above; Hono's types cannot follow a generic schema.
        const query = c.req.valid('query' as never) as z.infer<Schema>;
        return c.json((await draw(query)) as Record<string, unknown>, 200);
      } catch (err) {
        if (!(err instanceof QueryError)) throw err;
        return c.json(
          { error: render(coded(err.code, err.params)), code: err.code, params: err.params },
          400,
        );
      }
    },
  );
}

export function registerGraphRoutes(app: OpenAPIHono, store: Store): void {
  drawing(
    app,
    {
      path: '/api/correspondents',
      summary: 'Who writes to whom among the messages a query finds: the busiest addresses and their links',
      schema: GraphQuery,
    },
    ({ q, nodes }) => correspondentGraph(store, q, nodes),
  );
  drawing(
    app,
    {
      path: '/api/timeline',
      summary: 'Messages per month (or per day, when few) among those a query finds',
      schema: Query,
    },
    ({ q }) => timeline(store, q),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/items/{id}/source',
      summary: 'A message’s stored bytes as text to read (the first megabyte; the whole file is /raw)',
      request: { params: ItemParams },
      responses: { 200: anyJson('the source'), 404: failure('no such message') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const source = await messageSource(store, id);
      if (!source) return c.json({ error: `item ${id} is not a message with stored bytes` }, 404);
      return c.json(source as unknown as Record<string, unknown>, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/items/{id}/proof.zip',
      summary: 'A message’s proof folder (the message, its keys, the checks and how to repeat them), zipped',
      request: { params: ItemParams },
      responses: {
        200: { description: 'the zip', content: { 'application/zip': { schema: z.string() } } },
        404: failure('not a message with stored bytes'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      try {
        const zip = await itemProofZip(store, id);
        return c.body(new Uint8Array(zip), 200, {
          'Content-Type': 'application/zip',
          'Content-Disposition': `attachment; filename="proof-${id}.zip"`,
          'Content-Length': String(zip.length),
        });
      } catch (err) {
        if (err instanceof NoProofError) return c.json({ error: err.message }, 404);
        throw err;
      }
    },
  );
}
