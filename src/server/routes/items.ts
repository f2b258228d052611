// One item: its description (the same as `crible show --json`), a message's text and sanitised HTML
// (served as its own sandboxed document), the raw bytes as a download, a thread.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { analysers } from '../../analysers/index.ts';
import { describeItem } from '../../core/describe.ts';
import { attachmentsOf, messageHtml, messageText } from '../../core/message-view.ts';
import { threadView } from '../../core/threads.ts';
import type { Store } from '../../store/store.ts';
import { MAIL_FRAME_CSP, sanitiseMailHtml } from '../sanitise.ts';

const ItemParams = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
});
const notFound = {
  description: 'no such item',
  content: { 'application/json': { schema: z.object({ error: z.string() }) } },
};

export function registerItemRoutes(app: OpenAPIHono, store: Store): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/items/{id}',
      summary:
        'An item: metadata, verification, findings, provenance; for a message its text and attachments',
      request: { params: ItemParams },
      responses: { 200: json('the item'), 404: notFound },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const description = await describeItem(
        store,
        id,
        analysers.map((a) => a.id),
      );
      if (!description) return c.json({ error: `no item ${id} in this case` }, 404);
      const message = description.message;
      return c.json(
        {
          ...description,
          text: message ? await messageText(store, message) : null,
          attachments: message ? await attachmentsOf(store, id) : [],
        } as unknown as Record<string, unknown>,
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/items/{id}/body.html',
      summary: 'A message’s HTML body, sanitised, as a document that may load and run nothing',
      request: { params: ItemParams },
      responses: {
        200: { description: 'the sanitised body', content: { 'text/html': { schema: z.string() } } },
        404: notFound,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const message = await store.getMessage(id);
      const html = message ? await messageHtml(store, message) : null;
      if (html === null) return c.json({ error: `item ${id} has no HTML body` }, 404);
      c.header('Content-Security-Policy', MAIL_FRAME_CSP);
      // Framed only by the workbench itself.
      c.header('X-Frame-Options', 'SAMEORIGIN');
      return c.html(
        `<!doctype html><html><head><meta charset="utf-8"><base target="_self"></head><body>${sanitiseMailHtml(html)}</body></html>`,
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/items/{id}/raw',
      summary: 'The exact stored bytes, as a download',
      request: { params: ItemParams },
      responses: {
        200: { description: 'the bytes', content: { 'application/octet-stream': { schema: z.string() } } },
        404: notFound,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const item = await store.getItem(id);
      if (!item?.sha256) return c.json({ error: `item ${id} has no stored bytes` }, 404);
      const bytes = store.blobs.read(item.sha256);
      return c.body(new Uint8Array(bytes), 200, {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="item-${id}.${item.type === 'message' ? 'eml' : 'bin'}"`,
        'Content-Length': String(bytes.length),
      });
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/threads/{id}',
      summary: 'A conversation, by thread id or by the item id of one of its messages',
      request: { params: ItemParams },
      responses: { 200: json('the thread'), 404: notFound },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const thread = await threadView(store, id);
      if (!thread) return c.json({ error: `no thread ${id}` }, 404);
      return c.json(thread as unknown as Record<string, unknown>, 200);
    },
  );
}
