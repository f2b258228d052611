// The workbench's search calls, answered by the server app itself (no browser): a page of hits without
// facets, the facets of the same query in their own call, and a query that cannot be read refused by
// both with the position of what is wrong; and the worker threads serve answers searches on, giving
// what a search on this thread gives.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Case, openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { QueryError, searchCase } from '../src/core/search.ts';
import { searchHere, searchOnWorkers } from '../src/core/search-workers.ts';
import { generateMessages, writeMaildir } from '../src/sample/synth.ts';
import { createApp } from '../src/server/app.ts';
import { tempDir } from './helpers/mail.ts';

let kase: Case;
let app: ReturnType<typeof createApp>;

async function get(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  // As a browser on the loopback workbench sends it (another Host is refused as DNS rebinding).
  const res = await app.request(path, { headers: { Host: '127.0.0.1:7700' } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const root = tempDir();
  await writeMaildir(join(root, 'mail'), generateMessages({ seed: 5, count: 80, signing: null }));
  kase = openCase(join(root, 'case'), { create: true });
  await ingestIntoCase(kase, [join(root, 'mail')], { workers: 1 });
  app = createApp(kase, { webDir: join(root, 'no-web-app'), loginRequired: false });
});

afterAll(async () => {
  await kase.store.close();
});

describe('/api/search and /api/search/facets', () => {
  it('give a page of hits, and the facets of the same query apart', async () => {
    const hits = await get('/api/search?q=date:2017&limit=5');
    expect(hits.status).toBe(200);
    const core = await searchCase(kase.store, 'date:2017', { limit: 5, facets: true });
    expect(hits.json.total).toBe(core.total);
    expect((hits.json.hits as { id: number }[]).map((h) => h.id)).toEqual(core.hits.map((h) => h.id));
    expect(hits.json.facets).toBeNull();
    const facets = await get('/api/search/facets?q=date:2017&size=3');
    expect(facets.status).toBe(200);
    expect(facets.json).toEqual(
      Object.fromEntries(Object.entries(core.facets!).map(([name, values]) => [name, values.slice(0, 3)])),
    );
    expect((facets.json.year as { value: string }[]).map((y) => y.value)).toEqual(['2017']);
  });

  it('refuse a query that cannot be read, saying where', async () => {
    for (const path of ['/api/search?q=%22open', '/api/search/facets?q=%22open']) {
      const reply = await get(path);
      expect(reply.status, path).toBe(400);
      expect(String(reply.json.error), path).toMatch(/\d/);
      expect(reply.json.code, path).toMatch(/^search\./);
    }
    expect((await get('/api/search/facets?size=1000')).status).toBe(400);
  });
});

describe('searches on worker threads', () => {
  it('give what a search on this thread gives, and the same refusals', async () => {
    const here = searchHere(kase);
    const workers = searchOnWorkers(kase, 2);
    try {
      const queries = ['', 'date:2017', 'budget OR réunion', '-date:2016 has:attachment'];
      // Side by side, as the workbench's requests come.
      const [onWorkers, onThread] = await Promise.all([
        Promise.all(queries.map((q) => workers.search(q, { limit: 7, offset: 2, sort: 'relevance' }))),
        Promise.all(queries.map((q) => here.search(q, { limit: 7, offset: 2, sort: 'relevance' }))),
      ]);
      expect(onWorkers).toEqual(onThread);
      expect(onWorkers[0]!.total).toBeGreaterThan(80);
      for (const q of queries) expect(await workers.facets(q, 5)).toEqual(await here.facets(q, 5));
      const refused = await workers.search('"open', {}).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(QueryError);
      expect((refused as QueryError).params.position).toBe(1);
    } finally {
      await workers.close();
    }
  });
});
