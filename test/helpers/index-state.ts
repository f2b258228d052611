// What a case's search index holds, to compare two indexes of the same case built different ways.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openCase } from '../../src/core/case.ts';
import { searchCase } from '../../src/core/search.ts';

const QUERIES = [
  'budget',
  'réunion',
  'date:2017',
  'has:attachment',
  '"la campagne"',
  '*lie*',
  'filename:pdf',
];

/** Everything the index holds (per-row token counts of both tables, threads) and what queries answer. */
export async function indexState(caseDir: string): Promise<unknown> {
  const db = new DatabaseSync(join(caseDir, 'case.db'), { readOnly: true });
  const all = (sql: string) => db.prepare(sql).all();
  const tables = {
    text: all('SELECT id, hex(sz) AS sz FROM search_text_docsize ORDER BY id'),
    substring: all('SELECT id, hex(sz) AS sz FROM search_substring_docsize ORDER BY id'),
    threads: all('SELECT * FROM threads ORDER BY item_id'),
    progress: all("SELECT value FROM search_progress WHERE key = 'cursor'"),
  };
  db.close();
  const kase = openCase(caseDir, { create: false });
  const answers: Record<string, unknown> = {};
  for (const q of QUERIES) {
    const r = await searchCase(kase.store, q, { limit: 30, facets: true });
    answers[q] = { total: r.total, ids: r.hits.map((h) => h.id), facets: r.facets };
  }
  await kase.store.close();
  return { tables, answers };
}
