// The search interface on SQLite: one contentless FTS5 table of folded words and stems (bm25 ranks
// on it), one of trigrams for substrings, and the structured leaves of a plan (verdict, dates,
// participants, findings…) answered in SQL over the case's own tables, joined with the text match.
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type {
  CorrespondentRow,
  Facets,
  FieldLeaf,
  IndexedText,
  IndexProgress,
  IndexSource,
  SearchHitRow,
  SearchIndex,
  SearchPage,
  SearchPlan,
  TextLeaf,
  ThreadingInput,
  ThreadLink,
  ThreadMessage,
} from '../search.ts';
import { ItemColumns } from './item-columns.ts';

/** A document's text as the extract analyser read it (its own text layer before OCR). */
const DOCUMENT_TEXT =
  "(SELECT text FROM item_texts t WHERE t.item_id = i.id ORDER BY t.source = 'ocr' LIMIT 1)";

type Row = Record<string, SQLInputValue>;

interface Sql {
  text: string;
  params: SQLInputValue[];
}

const quote = (word: string) => `"${word.replace(/"/g, '""')}"`;
const columns = (names: readonly string[]) => `{${names.join(' ')}}`;

/** A text leaf as an FTS5 expression over search_text (not for substrings). */
function leafExpression(leaf: Exclude<TextLeaf, { kind: 'substring' }>): string {
  switch (leaf.kind) {
    case 'word': {
      const parts: string[] = [];
      if (leaf.exact.length) parts.push(`${columns(leaf.exact)} : ${quote(leaf.word)}`);
      if (leaf.stemmed.length)
        parts.push(`${columns(leaf.stemmed)} : (${leaf.stems.map(quote).join(' OR ')})`);
      return `(${parts.join(' OR ')})`;
    }
    case 'phrase':
      return `(${columns(leaf.exact)} : ${quote(leaf.words.join(' '))})`;
    case 'prefix':
      return `(${columns(leaf.exact)} : ${quote(leaf.prefix)}*)`;
  }
}

/** Whether a plan is answered by search_text alone (so bm25 can rank it). */
function isText(plan: SearchPlan): boolean {
  switch (plan.kind) {
    case 'text':
      return plan.leaf.kind !== 'substring';
    case 'or':
      return plan.parts.every(isText);
    case 'and':
      return (
        plan.parts.some((p) => p.kind !== 'not' && isText(p)) &&
        plan.parts.every((p) => isText(p.kind === 'not' ? p.part : p))
      );
    default:
      return false;
  }
}

function textExpression(plan: SearchPlan): string {
  switch (plan.kind) {
    case 'text':
      return leafExpression(plan.leaf as Exclude<TextLeaf, { kind: 'substring' }>);
    case 'or':
      return `(${plan.parts.map(textExpression).join(' OR ')})`;
    case 'and': {
      const positive = plan.parts.filter((p) => p.kind !== 'not').map(textExpression);
      let expression = `(${positive.join(' AND ')})`;
      for (const p of plan.parts)
        if (p.kind === 'not') expression = `(${expression} NOT ${textExpression(p.part)})`;
      return expression;
    }
    default:
      throw new Error(`not a text plan: ${plan.kind}`);
  }
}

const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');
const likePrefix = (value: string) => `${value.replace(/[\\%_]/g, '\\$&')}%`;

function fieldSql(leaf: FieldLeaf): Sql {
  const roles = (list: string[] | null): Sql =>
    list ? { text: ` AND role IN (${placeholders(list)})`, params: list } : { text: '', params: [] };
  switch (leaf.kind) {
    case 'participant': {
      const r = roles(leaf.roles);
      return {
        text: `i.id IN (SELECT item_id FROM participants WHERE address = ?${r.text})`,
        params: [leaf.address, ...r.params],
      };
    }
    case 'domain': {
      const r = roles(leaf.roles);
      return {
        text: `i.id IN (SELECT item_id FROM participants WHERE (domain = ? OR domain LIKE ? ESCAPE '\\')${r.text})`,
        params: [leaf.domain, `%.${leaf.domain.replace(/[\\%_]/g, '\\$&')}`, ...r.params],
      };
    }
    case 'date': {
      const clauses: string[] = ['date IS NOT NULL'];
      const params: SQLInputValue[] = [];
      if (leaf.range.from !== null) {
        clauses.push('date >= ?');
        params.push(leaf.range.from);
      }
      if (leaf.range.until !== null) {
        clauses.push('date < ?');
        params.push(leaf.range.until);
      }
      return { text: `i.id IN (SELECT item_id FROM messages WHERE ${clauses.join(' AND ')})`, params };
    }
    case 'has-attachment':
      return {
        text: `EXISTS (SELECT 1 FROM occurrences o JOIN items c ON c.id = o.item_id WHERE o.parent_id = i.id AND c.type = 'attachment')`,
        params: [],
      };
    case 'item-type':
      return { text: `i.type IN (${placeholders(leaf.types)})`, params: leaf.types };
    case 'format':
      return { text: `i.format IN (${placeholders(leaf.formats)})`, params: leaf.formats };
    case 'verdict':
      return {
        text: `i.id IN (SELECT item_id FROM analyses WHERE analyser = 'dkim' AND summary = ?)`,
        params: [leaf.verdict],
      };
    case 'flag': {
      // A flag is name[:value]: flag:name finds every value.
      const match = `(f.value = ? OR f.value LIKE ? ESCAPE '\\')`;
      const params = [leaf.flag, `${leaf.flag.replace(/[\\%_]/g, '\\$&')}:%`];
      return {
        text: `(EXISTS (SELECT 1 FROM messages m, json_each(m.flags) f WHERE m.item_id = i.id AND ${match})
          OR EXISTS (SELECT 1 FROM occurrences o, json_each(o.flags) f WHERE o.item_id = i.id AND ${match}))`,
        params: [...params, ...params],
      };
    }
    case 'finding':
      // finding:dkim finds dkim.*: a code and the codes under it.
      return {
        text: `i.id IN (SELECT item_id FROM findings WHERE code = ? OR (code >= ? AND code < ?))`,
        params: [leaf.code, `${leaf.code}.`, `${leaf.code}/`],
      };
    case 'mailbox': {
      const prefix = likePrefix(leaf.prefix);
      return {
        text: `EXISTS (SELECT 1 FROM occurrences o JOIN sources s ON s.id = o.source_id
            LEFT JOIN occurrences po ON po.item_id = o.parent_id
          WHERE o.item_id = i.id AND (o.path LIKE ?1 ESCAPE '\\' OR s.path || '/' || o.path LIKE ?1 ESCAPE '\\'
            OR po.path LIKE ?1 ESCAPE '\\' OR s.path || '/' || po.path LIKE ?1 ESCAPE '\\'))`.replaceAll(
          '?1',
          '?',
        ),
        params: [prefix, prefix, prefix, prefix],
      };
    }
    case 'thread':
      return { text: 'i.id IN (SELECT item_id FROM threads WHERE thread_id = ?)', params: [leaf.threadId] };
  }
}

function planSql(plan: SearchPlan): Sql {
  switch (plan.kind) {
    case 'all':
      return { text: '1', params: [] };
    case 'text':
      return plan.leaf.kind === 'substring'
        ? {
            text: 'i.id IN (SELECT rowid FROM search_substring WHERE search_substring MATCH ?)',
            params: [`${columns(plan.leaf.columns)} : ${quote(plan.leaf.text)}`],
          }
        : {
            text: 'i.id IN (SELECT rowid FROM search_text WHERE search_text MATCH ?)',
            params: [leafExpression(plan.leaf)],
          };
    case 'field':
      return fieldSql(plan.leaf);
    case 'not': {
      const inner = planSql(plan.part);
      return { text: `NOT (${inner.text})`, params: inner.params };
    }
    case 'and':
    case 'or': {
      const parts = plan.parts.map((p) => (isText(p) ? textInSql(p) : planSql(p)));
      return {
        text: `(${parts.map((p) => p.text).join(plan.kind === 'and' ? ' AND ' : ' OR ')})`,
        params: parts.flatMap((p) => p.params),
      };
    }
  }
}

function textInSql(plan: SearchPlan): Sql {
  return {
    text: 'i.id IN (SELECT rowid FROM search_text WHERE search_text MATCH ?)',
    params: [textExpression(plan)],
  };
}

/** The plan split into what the text index ranks (null when nothing) and what SQL filters. */
function split(plan: SearchPlan): { match: string | null; where: Sql } {
  if (isText(plan)) return { match: textExpression(plan), where: { text: '1', params: [] } };
  if (plan.kind === 'and') {
    const text = plan.parts.filter((p) => p.kind !== 'not' && isText(p));
    if (text.length) {
      const rest = plan.parts.filter((p) => !text.includes(p));
      const negatedText = rest.filter((p) => p.kind === 'not' && isText(p.part));
      const others = rest.filter((p) => !negatedText.includes(p));
      const where = others.map(planSql);
      return {
        match: textExpression({ kind: 'and', parts: [...text, ...negatedText] }),
        where: {
          text: where.length ? where.map((w) => w.text).join(' AND ') : '1',
          params: where.flatMap((w) => w.params),
        },
      };
    }
  }
  return { match: null, where: planSql(plan) };
}

/** Hits ranked by bm25 at most (see search). */
export const RANKED_HITS = 10_000;

export class SqliteSearch implements SearchIndex {
  private readonly db: DatabaseSync;
  private readonly inUnitOfWork: () => boolean;
  private readonly columns: ItemColumns;

  constructor(db: DatabaseSync, inUnitOfWork: () => boolean) {
    this.db = db;
    this.inUnitOfWork = inUnitOfWork;
    this.columns = new ItemColumns(db);
  }

  private all(sql: string, params: SQLInputValue[]): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }

  private mustWrite(): void {
    if (!this.inUnitOfWork()) throw new Error('search index writes belong inside Store.transaction');
  }

  async progress(): Promise<IndexProgress> {
    const rows = this.all('SELECT key, value FROM search_progress', []);
    const value = (key: string) => Number(rows.find((r) => r.key === key)?.value ?? 0);
    return { revision: value('revision'), cursor: value('cursor'), target: value('target') };
  }

  async put(texts: IndexedText[], removed: number[], progress: IndexProgress): Promise<void> {
    this.mustWrite();
    const dropText = this.db.prepare('DELETE FROM search_text WHERE rowid = ?');
    const dropSubstring = this.db.prepare('DELETE FROM search_substring WHERE rowid = ?');
    const addText = this.db.prepare(
      `INSERT INTO search_text (rowid, subject, body, from_people, to_people, cc_people, other_people,
         filename, author, subject_stem, body_stem) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const addSubstring = this.db.prepare(
      'INSERT INTO search_substring (rowid, subject, people, filename, identifiers) VALUES (?, ?, ?, ?, ?)',
    );
    for (const id of [...removed, ...texts.map((t) => t.itemId)]) {
      dropText.run(id);
      dropSubstring.run(id);
    }
    for (const t of texts) {
      addText.run(
        t.itemId,
        t.subject,
        t.body,
        t.fromPeople,
        t.toPeople,
        t.ccPeople,
        t.otherPeople,
        t.filename,
        t.author,
        t.subjectStem,
        t.bodyStem,
      );
      const s = t.substring;
      if (s.subject || s.people || s.filename || s.identifiers)
        addSubstring.run(t.itemId, s.subject, s.people, s.filename, s.identifiers);
    }
    const set = this.db.prepare('UPDATE search_progress SET value = ? WHERE key = ?');
    set.run(progress.revision, 'revision');
    set.run(progress.cursor, 'cursor');
    set.run(progress.target, 'target');
  }

  async replaceThreads(links: ThreadLink[]): Promise<void> {
    this.mustWrite();
    this.db.exec('DELETE FROM threads');
    const insert = this.db.prepare(
      'INSERT INTO threads (item_id, thread_id, parent_item_id, depth) VALUES (?, ?, ?, ?)',
    );
    for (const l of links) insert.run(l.itemId, l.threadId, l.parentItemId, l.depth);
  }

  async threadingInputs(): Promise<ThreadingInput[]> {
    return this.all(
      'SELECT item_id, message_id, in_reply_to, refs, subject, date FROM messages ORDER BY item_id',
      [],
    ).map((r) => ({
      itemId: Number(r.item_id),
      messageId: str(r.message_id),
      inReplyTo: str(r.in_reply_to),
      references: JSON.parse(String(r.refs)) as string[],
      subject: str(r.subject),
      date: str(r.date),
    }));
  }

  async sources(ids: number[]): Promise<IndexSource[]> {
    const item = this.db.prepare(
      `SELECT i.type, m.subject, coalesce(m.text_body, ${DOCUMENT_TEXT}) AS text_body,
         (SELECT people FROM item_texts t WHERE t.item_id = i.id ORDER BY t.source = 'ocr' LIMIT 1) AS people
       FROM items i LEFT JOIN messages m ON m.item_id = i.id WHERE i.id = ?`,
    );
    const people = this.db.prepare(
      'SELECT role, name, address FROM participants WHERE item_id = ? ORDER BY position',
    );
    const names = this.db.prepare(
      'SELECT DISTINCT filename FROM occurrences WHERE (item_id = ? OR parent_id = ?) AND filename IS NOT NULL',
    );
    return ids.flatMap((id) => {
      const r = item.get(id) as Row | undefined;
      if (!r) return [];
      return [
        {
          itemId: id,
          type: String(r.type),
          subject: str(r.subject),
          text: str(r.text_body),
          author: r.people ? (JSON.parse(String(r.people)) as string[]).join(' ') : null,
          participants: (people.all(id) as Row[]).map((p) => ({
            role: String(p.role),
            name: String(p.name),
            address: String(p.address),
          })),
          filenames: (names.all(id, id) as Row[]).map((n) => String(n.filename)),
        },
      ];
    });
  }

  async search(plan: SearchPlan, page: SearchPage): Promise<{ total: number; ids: number[] }> {
    const { match, where } = split(plan);
    if (match === null || page.sort === 'date') {
      // Newest first: every hit's id, sorted by the date the columns hold (no lookup per hit).
      const hits = plan.kind === 'all' ? this.columns.allIds() : this.hitIds(plan);
      return { total: hits.length, ids: this.columns.byDate(hits, page.offset, page.limit) };
    }
    if (where.text !== '1') {
      // Filtered (a field beside the words): each hit that passes the filter is scored, in one pass that
      // also gives the total. bm25 in the query's own order would score every word match before the
      // filter (FTS5 sorts by rank inside the index), a hundred milliseconds for a common word.
      const statement = this.db.prepare(
        `SELECT i.id, bm25(search_text) FROM search_text JOIN items i ON i.id = search_text.rowid
         WHERE search_text MATCH ? AND ${where.text}`,
      );
      statement.setReturnArrays(true);
      const scored = statement.all(match, ...where.params) as unknown as [number, number][];
      scored.sort((x, y) => x[1] - y[1] || x[0] - y[0]);
      return {
        total: scored.length,
        ids: scored.slice(page.offset, page.offset + page.limit).map((r) => r[0]),
      };
    }
    const total = Number(
      this.all('SELECT count(*) AS n FROM search_text WHERE search_text MATCH ?', [match])[0]!.n,
    );
    // bm25 scores every hit before it can sort: past RANKED_HITS hits (a common word in a large case)
    // only the most recently indexed RANKED_HITS are ranked, so a query stays fast at any size.
    let recent = '';
    const recentParams: SQLInputValue[] = [];
    if (total > RANKED_HITS) {
      const cutoff = this.all(
        'SELECT rowid FROM search_text WHERE search_text MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?',
        [match, RANKED_HITS - 1],
      )[0];
      if (cutoff) {
        recent = ' AND rowid >= ?';
        recentParams.push(Number(cutoff.rowid));
      }
    }
    const ids = this.all(
      `SELECT rowid FROM search_text WHERE search_text MATCH ?${recent} ORDER BY rank, rowid LIMIT ? OFFSET ?`,
      [match, ...recentParams, page.limit, page.offset],
    ).map((r) => Number(r.rowid));
    return { total, ids };
  }

  /** The query giving every hit of the plan's item id. */
  private hitsSql(plan: SearchPlan): Sql {
    const { match, where } = split(plan);
    if (match === null) return { text: `SELECT i.id FROM items i WHERE ${where.text}`, params: where.params };
    // Every indexed row is an item: unfiltered, no lookup of each hit in items.
    if (where.text === '1')
      return { text: 'SELECT rowid FROM search_text WHERE search_text MATCH ?', params: [match] };
    return {
      text: `SELECT i.id FROM search_text JOIN items i ON i.id = search_text.rowid
        WHERE search_text MATCH ? AND ${where.text}`,
      params: [match, ...where.params],
    };
  }

  /** Every hit of the plan, as item ids. */
  private hitIds(plan: SearchPlan): Int32Array {
    const { text, params } = this.hitsSql(plan);
    const statement = this.db.prepare(text);
    // Arrays, not an object per row: a common word finds hundreds of thousands.
    statement.setReturnArrays(true);
    const rows = statement.all(...params) as unknown as [number][];
    const ids = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) ids[i] = rows[i]![0];
    return ids;
  }

  /** Fills temp.search_hits with every hit of the plan, in SQL. */
  private collect(plan: SearchPlan): void {
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS search_hits (id INTEGER PRIMARY KEY)');
    this.db.exec('DELETE FROM temp.search_hits');
    const { text, params } = this.hitsSql(plan);
    this.db.prepare(`INSERT INTO temp.search_hits ${text}`).run(...params);
  }

  async facets(plan: SearchPlan, top: number): Promise<Facets> {
    return this.columns.count(plan.kind === 'all' ? null : this.hitIds(plan), top);
  }

  async hitRows(ids: number[]): Promise<SearchHitRow[]> {
    const statement = this.db.prepare(
      `SELECT i.id, i.type, i.format, m.subject, m.date, coalesce(m.text_body, ${DOCUMENT_TEXT}) AS text_body,
         (SELECT address FROM participants WHERE item_id = i.id AND role = 'from' ORDER BY position LIMIT 1) AS sender,
         (SELECT summary FROM analyses WHERE item_id = i.id AND analyser = 'dkim') AS verdict,
         (SELECT filename FROM occurrences WHERE item_id = i.id AND filename IS NOT NULL ORDER BY id LIMIT 1) AS filename
       FROM items i LEFT JOIN messages m ON m.item_id = i.id WHERE i.id = ?`,
    );
    return ids.flatMap((id) => {
      const r = statement.get(id) as Row | undefined;
      if (!r) return [];
      return [
        {
          id,
          type: String(r.type),
          format: String(r.format),
          subject: str(r.subject),
          from: str(r.sender),
          date: str(r.date),
          verdict: str(r.verdict),
          text: str(r.text_body),
          filename: str(r.filename),
        },
      ];
    });
  }

  async correspondents(plan: SearchPlan | null): Promise<CorrespondentRow[]> {
    if (plan) this.collect(plan);
    const only = plan ? 'AND f.item_id IN (SELECT id FROM temp.search_hits)' : '';
    return this.all(
      `SELECT f.address AS from_addr, max(f.name) AS from_name, r.address AS to_addr, max(r.name) AS to_name,
         count(DISTINCT f.item_id) AS n, min(m.date) AS first, max(m.date) AS last
       FROM participants f
         JOIN participants r ON r.item_id = f.item_id AND r.role IN ('to', 'cc', 'bcc') AND r.address <> ''
         JOIN messages m ON m.item_id = f.item_id
       WHERE f.role = 'from' AND f.address <> '' ${only}
       GROUP BY f.address, r.address ORDER BY n DESC, from_addr, to_addr`,
      [],
    ).map((r) => ({
      from: String(r.from_addr),
      fromName: String(r.from_name),
      to: String(r.to_addr),
      toName: String(r.to_name),
      count: Number(r.n),
      first: str(r.first),
      last: str(r.last),
    }));
  }

  async thread(threadId: number): Promise<ThreadMessage[]> {
    return this.all(
      `SELECT t.item_id, t.thread_id, t.parent_item_id, t.depth, m.subject, m.date,
         (SELECT address FROM participants WHERE item_id = t.item_id AND role = 'from' ORDER BY position LIMIT 1) AS sender,
         (SELECT summary FROM analyses WHERE item_id = t.item_id AND analyser = 'dkim') AS verdict
       FROM threads t JOIN messages m ON m.item_id = t.item_id WHERE t.thread_id = ?
       ORDER BY m.date IS NULL, m.date, t.item_id`,
      [threadId],
    ).map((r) => ({
      itemId: Number(r.item_id),
      threadId: Number(r.thread_id),
      parentItemId: r.parent_item_id === null ? null : Number(r.parent_item_id),
      depth: Number(r.depth),
      subject: str(r.subject),
      from: str(r.sender),
      date: str(r.date),
      verdict: str(r.verdict),
    }));
  }

  async threadOf(itemId: number): Promise<number | null> {
    const row = this.all('SELECT thread_id FROM threads WHERE item_id = ?', [itemId])[0];
    return row ? Number(row.thread_id) : null;
  }
}

function str(value: SQLInputValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
