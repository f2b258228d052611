// Past RANKED_HITS hits the relevance order ranks only the most recently indexed ones, alone or with a
// field beside the words, while the total counts every hit (the README says so). The oldest messages
// say the word most often: they rank first when they are among the hits ranked, and not otherwise.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Case, openCase } from '../src/core/case.ts';
import { searchCase, updateSearchIndex } from '../src/core/search.ts';
import { RANKED_HITS } from '../src/store/sqlite/sqlite-search.ts';
import { putMessageItem, tempDir } from './helpers/mail.ts';

const COUNT = RANKED_HITS + 50;
/** The first items, the oldest indexed: they say "alpha" five times and "omega" once. */
const OLDEST = 20;

let kase: Case;
const ids: number[] = [];

beforeAll(async () => {
  kase = openCase(join(tempDir('crible-ranked-'), 'case'), { create: true });
  await kase.store.transaction((w) => {
    const source = w.openSource('/ranked', 'directory');
    for (let i = 0; i < COUNT; i++) {
      ids.push(
        putMessageItem(w, source.id, i, {
          messageId: `<m${i}@ranked.example>`,
          date: new Date(Date.UTC(2017, 0, 1) + i * 60_000).toISOString(),
          subject: `note ${i}`,
          from: [{ name: 'Anne', address: 'anne@ranked.example' }],
          text:
            i < OLDEST
              ? 'alpha alpha alpha alpha alpha omega'
              : `alpha and many other words, number ${i}${i % 2 ? ' omega' : ''}`,
        }),
      );
    }
  });
  await updateSearchIndex(kase.store);
}, 120_000);

afterAll(async () => {
  await kase.store.close();
});

describe('ranking past RANKED_HITS hits', () => {
  const top = async (query: string) => {
    const result = await searchCase(kase.store, query, { limit: 10 });
    return { total: result.total, ids: result.hits.map((h) => h.id) };
  };
  const oldest = () => new Set(ids.slice(0, OLDEST));

  it('ranks the oldest first while they are among the hits ranked', async () => {
    // "omega": the oldest and every other message, fewer hits than RANKED_HITS.
    const { total, ids: hits } = await top('omega');
    expect(total).toBeLessThan(RANKED_HITS);
    expect(hits.every((id) => oldest().has(id))).toBe(true);
  });

  it('ranks only the most recent past RANKED_HITS, and counts every hit', async () => {
    for (const query of ['alpha', 'alpha from:anne@ranked.example']) {
      const { total, ids: hits } = await top(query);
      expect(total).toBe(COUNT);
      expect(hits).toHaveLength(10);
      expect(hits.some((id) => oldest().has(id))).toBe(false);
      expect(Math.min(...hits)).toBeGreaterThanOrEqual(ids[COUNT - RANKED_HITS]!);
    }
  });

  it('ranks and counts the same whichever way the hits are read', async () => {
    let omegas = OLDEST;
    for (let i = OLDEST; i < COUNT; i++) if (i % 2) omegas++;
    // A word alone (counted), a filter tested in SQL and a phrase (read newest first with their
    // scores), a date range (listed, then intersected): each with fewer and with more hits than ranked.
    const fewer = ['omega', 'omega type:email', 'omega date:2017', '"alpha omega" OR omega'];
    const more: [string, number][] = [
      ['alpha type:email', COUNT],
      ['"alpha and"', COUNT - OLDEST],
      ['alpha date:2017', COUNT],
    ];
    for (const query of fewer) {
      const { total, ids: hits } = await top(query);
      expect({ query, total }).toEqual({ query, total: omegas });
      expect(hits.every((id) => oldest().has(id))).toBe(true);
    }
    for (const [query, count] of more) {
      const { total, ids: hits } = await top(query);
      expect({ query, total }).toEqual({ query, total: count });
      expect(hits).toHaveLength(10);
      expect(hits.some((id) => oldest().has(id))).toBe(false);
      expect(Math.min(...hits)).toBeGreaterThanOrEqual(ids[COUNT - RANKED_HITS]!);
    }
    for (const query of [...fewer, ...more.map(([q]) => q)]) {
      // With facets (every hit read first) the page is the same; past the end it is empty, and counted.
      const plain = await searchCase(kase.store, query, { limit: 10 });
      const faceted = await searchCase(kase.store, query, { limit: 10, facets: true });
      expect(faceted.hits.map((h) => h.id)).toEqual(plain.hits.map((h) => h.id));
      expect(faceted.total).toBe(plain.total);
      const past = await searchCase(kase.store, query, { limit: 10, offset: 2 * COUNT });
      expect({ query, hits: past.hits, total: past.total }).toEqual({ query, hits: [], total: plain.total });
    }
  });

  it('gives facets over every hit beside a page', async () => {
    const result = await searchCase(kase.store, 'alpha', { limit: 10, facets: true });
    expect(result.facets!.participant).toEqual([{ value: 'anne@ranked.example', count: COUNT }]);
  });
});
