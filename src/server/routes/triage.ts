// Triage over HTTP: tags and notes on an item, the queue of flagged items, and the current search's
// result set as a CSV download. The core functions do the work and write the audit log.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { QueryError } from '../../core/search.ts';
import {
  addNote,
  flaggedQueue,
  itemNotes,
  itemTags,
  NOTE_MAX_LENGTH,
  removeNote,
  searchCsv,
  TAG_MAX_LENGTH,
  TAGS_PER_ITEM,
  TriageError,
  tagItem,
  untagItem,
} from '../../core/triage.ts';
import { coded, render } from '../../report/catalogue.ts';
import type { Store } from '../../store/store.ts';

const ItemParams = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
const Tags = z.object({
  tags: z
    .array(z.string().max(TAG_MAX_LENGTH * 4))
    .min(1)
    .max(TAGS_PER_ITEM),
});
const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } } } });
const answer = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
});
const refusals = {
  400: answer('the request is refused (the words say why)'),
  404: answer('no such item'),
};

/** A refusal of the core as a 4xx with its words; anything else goes on to the 500 handler. */
function refused(c: Context, err: unknown) {
  if (err instanceof TriageError || err instanceof QueryError)
    return c.json(
      { error: render(coded(err.code, err.params)), code: err.code, params: err.params },
      err.code === 'triage.no-item' || err.code === 'triage.no-note' ? 404 : 400,
    );
  throw err;
}

export function registerTriageRoutes(app: OpenAPIHono, store: Store): void {
  const tagsPath = '/api/items/{id}/tags';
  const notesPath = '/api/items/{id}/notes';
  app.openapi(
    createRoute({
      method: 'get',
      path: tagsPath,
      summary: 'The tags on an item',
      request: { params: ItemParams },
      responses: { 200: answer('its tags'), ...refusals },
    }),
    async (c) => {
      try {
        return c.json({ tags: await itemTags(store, c.req.valid('param').id) }, 200);
      } catch (err) {
        return refused(c, err);
      }
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: tagsPath,
      summary: 'Add tags to an item (reviewers and admins)',
      request: { params: ItemParams, ...body(Tags) },
      responses: { 200: answer('its tags after'), ...refusals },
    }),
    async (c) => {
      try {
        const tags = await tagItem(store, c.get('actor'), c.req.valid('param').id, c.req.valid('json').tags);
        return c.json({ tags }, 200);
      } catch (err) {
        return refused(c, err);
      }
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: tagsPath,
      summary: 'Remove tags from an item (reviewers and admins)',
      request: { params: ItemParams, ...body(Tags) },
      responses: { 200: answer('its tags after'), ...refusals },
    }),
    async (c) => {
      try {
        const tags = await untagItem(
          store,
          c.get('actor'),
          c.req.valid('param').id,
          c.req.valid('json').tags,
        );
        return c.json({ tags }, 200);
      } catch (err) {
        return refused(c, err);
      }
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: notesPath,
      summary: 'The notes on an item, oldest first',
      request: { params: ItemParams },
      responses: { 200: answer('its notes'), ...refusals },
    }),
    async (c) => {
      try {
        return c.json({ notes: await itemNotes(store, c.req.valid('param').id) }, 200);
      } catch (err) {
        return refused(c, err);
      }
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: notesPath,
      summary: 'Add a note to an item (reviewers and admins)',
      request: { params: ItemParams, ...body(z.object({ text: z.string().max(NOTE_MAX_LENGTH * 2) })) },
      responses: { 200: answer('the note'), ...refusals },
    }),
    async (c) => {
      try {
        const note = await addNote(store, c.get('actor'), c.req.valid('param').id, c.req.valid('json').text);
        return c.json({ note }, 200);
      } catch (err) {
        return refused(c, err);
      }
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: notesPath,
      summary: 'Remove a note from an item (reviewers and admins)',
      request: {
        params: ItemParams,
        ...body(z.object({ note: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })),
      },
      responses: { 200: answer('done'), ...refusals },
    }),
    async (c) => {
      try {
        await removeNote(store, c.get('actor'), c.req.valid('param').id, c.req.valid('json').note);
        return c.json({ removed: true }, 200);
      } catch (err) {
        return refused(c, err);
      }
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/queue',
      summary: 'Flagged items (tagged, a high finding, an altered or forgeable verdict), newest first',
      request: {
        query: z.object({
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: { 200: answer('a page of the queue') },
    }),
    async (c) =>
      c.json((await flaggedQueue(store, c.req.valid('query'))) as unknown as Record<string, unknown>, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/search.csv',
      summary: 'The result set of a search as CSV (emails, then documents), as a download',
      request: { query: z.object({ q: z.string().max(2000).default('') }) },
      responses: {
        200: { description: 'the CSV', content: { 'text/csv': { schema: z.string() } } },
        400: answer('the query cannot be read'),
      },
    }),
    async (c) => {
      try {
        const { csv } = await searchCsv(store, c.get('actor'), c.req.valid('query').q);
        return c.body(csv, 200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': 'attachment; filename="crible-search.csv"',
        });
      } catch (err) {
        return refused(c, err);
      }
    },
  );
}
