// Facets are counted, and hits sorted by date, from columns held in memory and patched from the
// change feed. Checked here against their definition in SQL (the queries they replace), on a
// generated case, after the case changes under an open store (a new ingest, a verdict and findings
// rewritten), and against a store opened afresh on the same case.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Case, openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { planSearch, updateSearchIndex } from '../src/core/search.ts';
import { generateMessages, writeMaildir } from '../src/sample/synth.ts';
import { FACETS, type Facets } from '../src/store/search.ts';
import { tempDir } from './helpers/mail.ts';

/** Each facet as SQL counts it over the hit ids (the reference). */
const REFERENCE: Record<(typeof FACETS)[number], string> = {
  verdict: `SELECT a.summary AS k, count(*) AS n FROM hits h
    JOIN analyses a ON a.item_id = h.id AND a.analyser = 'dkim' WHERE a.summary IS NOT NULL GROUP BY k`,
  domain: `SELECT p.domain AS k, count(DISTINCT h.id) AS n FROM hits h
    JOIN participants p ON p.item_id = h.id AND p.role = 'from' WHERE p.domain <> '' GROUP BY k`,
  participant: `SELECT p.address AS k, count(DISTINCT h.id) AS n FROM hits h
    JOIN participants p ON p.item_id = h.id WHERE p.address <> '' GROUP BY k`,
  year: `SELECT substr(m.date, 1, 4) AS k, count(*) AS n FROM hits h
    JOIN messages m ON m.item_id = h.id WHERE m.date IS NOT NULL GROUP BY k`,
  month: `SELECT substr(m.date, 1, 7) AS k, count(*) AS n FROM hits h
    JOIN messages m ON m.item_id = h.id WHERE m.date IS NOT NULL GROUP BY k`,
  type: `SELECT CASE WHEN i.type = 'message' THEN 'email' ELSE i.format END AS k, count(*) AS n
    FROM hits h JOIN items i ON i.id = h.id GROUP BY k`,
  flag: `SELECT f.value AS k, count(DISTINCT h.id) AS n FROM hits h
    JOIN messages m ON m.item_id = h.id, json_each(m.flags) f GROUP BY k`,
  finding: `SELECT f.code AS k, count(DISTINCT h.id) AS n FROM hits h
    JOIN findings f ON f.item_id = h.id GROUP BY k`,
};

const QUERIES = ['', 'date:2017', 'budget OR réunion', 'has:attachment', '-date:2016', 'verdict:unsigned'];
const TOP = 1000;

let root: string;
let kase: Case;

/** The facets of a query as the reference SQL counts them, over the ids search gives. */
async function reference(k: Case, query: string): Promise<Facets> {
  const { plan } = planSearch(query);
  const { ids } = await k.store.search.search(plan, { limit: 1_000_000, offset: 0, sort: 'date' });
  const db = new DatabaseSync(join(root, 'case', 'case.db'), { readOnly: true });
  try {
    db.exec('CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO temp.hits VALUES (?)');
    for (const id of ids) insert.run(id);
    const facets = {} as Facets;
    for (const name of FACETS) {
      const order = name === 'year' || name === 'month' ? 'k' : 'n DESC, k';
      facets[name] = db
        .prepare(`${REFERENCE[name]} ORDER BY ${order} LIMIT ?`)
        .all(TOP)
        .map((r) => ({ value: String(r.k), count: Number(r.n) }));
    }
    return facets;
  } finally {
    db.close();
  }
}

/** Every hit of a query newest first (the undated last, then by id), as SQL orders them. */
function referenceByDate(ids: number[]): number[] {
  const db = new DatabaseSync(join(root, 'case', 'case.db'), { readOnly: true });
  try {
    db.exec('CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO temp.hits VALUES (?)');
    for (const id of ids) insert.run(id);
    return db
      .prepare(
        'SELECT h.id FROM hits h LEFT JOIN messages m ON m.item_id = h.id ORDER BY m.date IS NULL, m.date DESC, h.id',
      )
      .all()
      .map((r) => Number(r.id));
  } finally {
    db.close();
  }
}

async function expectReference(k: Case): Promise<void> {
  for (const query of QUERIES) {
    const { plan } = planSearch(query);
    expect({ query, facets: await k.store.search.facets(plan, TOP) }).toEqual({
      query,
      facets: await reference(k, query),
    });
    const every = await k.store.search.search(plan, { limit: 1_000_000, offset: 0, sort: 'date' });
    const sorted = referenceByDate(every.ids);
    expect(every.ids, query).toEqual(sorted);
    // A page from the middle, small enough to be picked without sorting every hit.
    const page = await k.store.search.search(plan, { limit: 7, offset: 5, sort: 'date' });
    expect({ query, total: page.total, ids: page.ids }).toEqual({
      query,
      total: sorted.length,
      ids: sorted.slice(5, 12),
    });
  }
}

beforeAll(async () => {
  root = tempDir();
  await writeMaildir(join(root, 'one'), generateMessages({ seed: 11, count: 300, signing: null }));
  kase = openCase(join(root, 'case'), { create: true });
  await ingestIntoCase(kase, [join(root, 'one')], { workers: 1 });
});

afterAll(async () => {
  await kase.store.close();
});

describe('item columns', () => {
  it('count what SQL counts, for every facet and query', async () => {
    const all = await kase.store.search.facets(planSearch('').plan, TOP);
    // The case has something in each facet the generator writes, so the comparison means something.
    for (const name of ['verdict', 'domain', 'participant', 'year', 'month', 'type'] as const)
      expect(all[name].length, name).toBeGreaterThan(0);
    await expectReference(kase);
  });

  it('follow the case as it changes under an open store', async () => {
    await kase.store.search.facets(planSearch('').plan, TOP);
    // A verdict rewritten with findings, on messages the columns already hold …
    const first = (await kase.store.search.search(planSearch('').plan, { limit: 5, offset: 0, sort: 'date' }))
      .ids;
    await kase.store.transaction((w) => {
      for (const id of first)
        w.putAnalysis({
          itemId: id,
          analyser: 'dkim',
          version: 'test',
          status: 'ok',
          summary: 'altered',
          resultJson: '{}',
          inputs: [],
          findings: [{ code: 'dkim.body-hash-mismatch', severity: 'high', params: {}, evidence: {} }],
        });
    });
    // … and a second ingest adding items past the last one the columns hold.
    await writeMaildir(
      join(root, 'two'),
      generateMessages({ seed: 12, count: 120, startIndex: 300, signing: null }),
    );
    await ingestIntoCase(kase, [join(root, 'two')], { workers: 1 });
    await updateSearchIndex(kase.store);
    const altered = (await kase.store.search.facets(planSearch('').plan, TOP)).verdict.find(
      (v) => v.value === 'altered',
    );
    expect(altered?.count).toBeGreaterThanOrEqual(first.length);
    await expectReference(kase);
    const fresh = openCase(join(root, 'case'), { create: false });
    try {
      // Before any facet count: date-sorted pages from the hits' own dates (the columns not built yet).
      for (const query of QUERIES.filter((q) => q !== '')) {
        const { plan } = planSearch(query);
        const page = { limit: 9, offset: 3, sort: 'date' as const };
        expect(await fresh.store.search.search(plan, page)).toEqual(
          await kase.store.search.search(plan, page),
        );
      }
      for (const query of QUERIES) {
        const { plan } = planSearch(query);
        expect(await fresh.store.search.facets(plan, TOP)).toEqual(await kase.store.search.facets(plan, TOP));
      }
    } finally {
      await fresh.store.close();
    }
  });
});
