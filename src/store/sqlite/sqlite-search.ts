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
  SearchAnswer,
  SearchHitRow,
  SearchIndex,
  SearchPage,
  SearchPlan,
  TextLeaf,
  ThreadingInput,
  ThreadLink,
  ThreadMessage,
} from '../search.ts';
import { ItemColumns, rowArrays } from './item-columns.ts';

/** A document's text as the extract analyser read it (its own text layer before OCR). */
const DOCUMENT_TEXT =
  "(SELECT text FROM item_texts t WHERE t.item_id = i.id ORDER BY t.source = 'ocr' LIMIT 1)";

type Row = Record<string, SQLInputValue>;

interface Sql {
  text: string;
  params: SQLInputValue[];
  /** When the condition is `id IN (list)`: the list, a query of item ids (as item_id) to read alone. */
  list?: string;
}

/** The items a query of item ids lists. */
function among(id: string, list: string, params: SQLInputValue[]): Sql {
  return { text: `${id} IN (${list})`, params, list };
}

const quote = (word: string) => `"${word.replace(/"/g, '""')}"`;
const columns = (names: readonly string[]) => `{${names.join(' ')}}`;

/** A text leaf as an FTS5 expression over search_text (not for substrings). */
function leafExpression(leaf: Exclude<TextLeaf, { kind: 'substring' }>): string {
  switch (leaf.kind) {
    case 'word': {
      if (leaf.anywhere) {
        // Anywhere, the word needs no column filter: in a subject or a body it has its stems beside it,
        // which the query seeks anyway. Unfiltered, FTS5 reads the word's list once instead of twice
        // through position lists (a common word at a million messages: 35 ms instead of 65).
        const others = leaf.stems.filter((s) => s !== leaf.word);
        return others.length
          ? `(${quote(leaf.word)} OR ${columns(leaf.stemmed)} : (${others.map(quote).join(' OR ')}))`
          : quote(leaf.word);
      }
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

/**
 * Whether matching a text plan reads position lists (a phrase, a column filter), which makes every
 * pass over its hits cost several times more than a word's.
 */
function readsPositions(plan: SearchPlan): boolean {
  switch (plan.kind) {
    case 'text': {
      const leaf = plan.leaf;
      return !(leaf.kind === 'word' && leaf.anywhere && leaf.stems.every((s) => s === leaf.word));
    }
    case 'and':
    case 'or':
      return plan.parts.some(readsPositions);
    case 'not':
      return readsPositions(plan.part);
    default:
      return false;
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

function fieldSql(leaf: FieldLeaf, id: string): Sql {
  const roles = (list: string[] | null): Sql =>
    list ? { text: ` AND role IN (${placeholders(list)})`, params: list } : { text: '', params: [] };
  switch (leaf.kind) {
    case 'participant': {
      const r = roles(leaf.roles);
      return among(id, `SELECT item_id FROM participants WHERE address = ?${r.text}`, [
        leaf.address,
        ...r.params,
      ]);
    }
    case 'domain': {
      const r = roles(leaf.roles);
      return among(
        id,
        `SELECT item_id FROM participants WHERE (domain = ? OR domain LIKE ? ESCAPE '\\')${r.text}`,
        [leaf.domain, `%.${leaf.domain.replace(/[\\%_]/g, '\\$&')}`, ...r.params],
      );
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
      return among(id, `SELECT item_id FROM messages WHERE ${clauses.join(' AND ')}`, params);
    }
    case 'has-attachment':
      return {
        text: `EXISTS (SELECT 1 FROM occurrences o JOIN items c ON c.id = o.item_id WHERE o.parent_id = ${id} AND c.type = 'attachment')`,
        params: [],
      };
    case 'item-type':
      return onItem(id, `type IN (${placeholders(leaf.types)})`, leaf.types);
    case 'format':
      return onItem(id, `format IN (${placeholders(leaf.formats)})`, leaf.formats);
    case 'verdict':
      return among(id, `SELECT item_id FROM analyses WHERE analyser = 'dkim' AND summary = ?`, [
        leaf.verdict,
      ]);
    case 'flag': {
      // A flag is name[:value]: flag:name finds every value.
      const match = `(f.value = ? OR f.value LIKE ? ESCAPE '\\')`;
      const params = [leaf.flag, `${leaf.flag.replace(/[\\%_]/g, '\\$&')}:%`];
      return {
        text: `(EXISTS (SELECT 1 FROM messages m, json_each(m.flags) f WHERE m.item_id = ${id} AND ${match})
          OR EXISTS (SELECT 1 FROM occurrences o, json_each(o.flags) f WHERE o.item_id = ${id} AND ${match}))`,
        params: [...params, ...params],
      };
    }
    case 'finding':
      // finding:dkim finds dkim.*: a code and the codes under it.
      return among(id, `SELECT item_id FROM findings WHERE code = ? OR (code >= ? AND code < ?)`, [
        leaf.code,
        `${leaf.code}.`,
        `${leaf.code}/`,
      ]);
    case 'mailbox': {
      const prefix = likePrefix(leaf.prefix);
      return {
        text: `EXISTS (SELECT 1 FROM occurrences o JOIN sources s ON s.id = o.source_id
            LEFT JOIN occurrences po ON po.item_id = o.parent_id
          WHERE o.item_id = ${id} AND (o.path LIKE ?1 ESCAPE '\\' OR s.path || '/' || o.path LIKE ?1 ESCAPE '\\'
            OR po.path LIKE ?1 ESCAPE '\\' OR s.path || '/' || po.path LIKE ?1 ESCAPE '\\'))`.replaceAll(
          '?1',
          '?',
        ),
        params: [prefix, prefix, prefix, prefix],
      };
    }
    case 'thread':
      return among(id, `SELECT item_id FROM threads WHERE thread_id = ?`, [leaf.threadId]);
  }
}

function planSql(plan: SearchPlan, id: string): Sql {
  switch (plan.kind) {
    case 'all':
      return { text: '1', params: [] };
    case 'text':
      return plan.leaf.kind === 'substring'
        ? {
            text: `${id} IN (SELECT rowid FROM search_substring WHERE search_substring MATCH ?)`,
            params: [`${columns(plan.leaf.columns)} : ${quote(plan.leaf.text)}`],
          }
        : {
            text: `${id} IN (SELECT rowid FROM search_text WHERE search_text MATCH ?)`,
            params: [leafExpression(plan.leaf)],
          };
    case 'field':
      return fieldSql(plan.leaf, id);
    case 'not': {
      const inner = planSql(plan.part, id);
      return { text: `NOT (${inner.text})`, params: inner.params };
    }
    case 'and':
    case 'or': {
      const parts = plan.parts.map((p) => (isText(p) ? textInSql(p, id) : planSql(p, id)));
      return {
        text: `(${parts.map((p) => p.text).join(plan.kind === 'and' ? ' AND ' : ' OR ')})`,
        params: parts.flatMap((p) => p.params),
      };
    }
  }
}

function textInSql(plan: SearchPlan, id: string): Sql {
  return {
    text: `${id} IN (SELECT rowid FROM search_text WHERE search_text MATCH ?)`,
    params: [textExpression(plan)],
  };
}

/**
 * How a filter names the item it tests: `i.id` over the items table, or, beside a text match, the
 * row of search_text itself. The unary + keeps SQLite from handing an IN list to FTS5 as rowids to
 * look up one by one, and no join with items is needed (a lookup per word hit: half the time of a
 * common word with a filter).
 */
const ITEM_ID = 'i.id';
/** A row of search_text among known hits (one JSON array of ids), rather than tested against the filter again. */
const HIT_AMONG = '+search_text.rowid IN (SELECT value FROM json_each(?))';
const HIT_ID = '+search_text.rowid';

/** A condition on the item's own row. */
function onItem(id: string, condition: string, params: SQLInputValue[]): Sql {
  return id === ITEM_ID
    ? { text: `i.${condition}`, params }
    : { text: `${id} IN (SELECT id FROM items WHERE ${condition})`, params };
}

/** A plan split into what the text index ranks (null when nothing) and what SQL filters. */
interface Split {
  match: string | null;
  /** Every filter, in SQL. */
  where: Sql;
  /**
   * Beside a match, the filters that list their items (a date range, a sender…), each a query of
   * item ids; `rest` is `where` without them. Every word hit is tested against `where` in SQL, or
   * the lists are read and intersected with the word hits in code, which costs less per hit.
   */
  lists: Sql[];
  rest: Sql;
}

/** The filter as a clause to add after a MATCH (nothing when it filters nothing). */
const andWhere = (where: Sql) => (where.text === '1' ? '' : ` AND ${where.text}`);

const allOf = (parts: Sql[]): Sql => ({
  text: parts.length ? parts.map((w) => w.text).join(' AND ') : '1',
  params: parts.flatMap((w) => w.params),
});

const NOTHING: Sql = { text: '1', params: [] };

function split(plan: SearchPlan): Split {
  if (isText(plan)) return { match: textExpression(plan), where: NOTHING, lists: [], rest: NOTHING };
  if (plan.kind === 'and') {
    const text = plan.parts.filter((p) => p.kind !== 'not' && isText(p));
    if (text.length) {
      const rest = plan.parts.filter((p) => !text.includes(p));
      const negatedText = rest.filter((p) => p.kind === 'not' && isText(p.part));
      const others = rest.filter((p) => !negatedText.includes(p)).map((p) => planSql(p, HIT_ID));
      return {
        match: textExpression({ kind: 'and', parts: [...text, ...negatedText] }),
        where: allOf(others),
        lists: others.filter((w) => w.list),
        rest: allOf(others.filter((w) => !w.list)),
      };
    }
  }
  const where = planSql(plan, ITEM_ID);
  return { match: null, where, lists: [], rest: where };
}

/** A filter listing at least this share of the case's items is intersected with the word hits in code. */
const BROAD_SHARE = 1 / 8;

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

  private rowsAsArrays(sql: string, params: SQLInputValue[]): SQLInputValue[][] {
    return rowArrays(this.db, sql, params);
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

  async search(plan: SearchPlan, page: SearchPage, facetTop?: number): Promise<SearchAnswer> {
    const parts = split(plan);
    const { match, where } = parts;
    // Facets count the very hits the page was cut from: each hit list is read once.
    const facetsOf = (hits: Int32Array | null) =>
      facetTop === undefined ? null : this.columns.count(hits, facetTop);
    if (match === null || page.sort === 'date') {
      // Newest first: every hit's id, sorted by the date the columns hold (no lookup per hit).
      const hits = plan.kind === 'all' ? this.columns.allIds() : this.hitIds(parts);
      return {
        total: hits.length,
        ids: this.columns.byDate(hits, page.offset, page.limit),
        facets: facetsOf(plan.kind === 'all' ? null : hits),
      };
    }
    // bm25 scores every hit before it can sort: past RANKED_HITS hits (a common word in a large case)
    // only the most recently indexed RANKED_HITS are ranked, so a query stays fast at any size. Which
    // way costs least depends on the query (over 100,000 messages, each against reading every hit
    // and ranking them after: a word and a date range 49 -> 44 ms, a word and a sender 47 -> 38 ms,
    // a phrase 31 -> 16 ms, a common word the same).
    const filter = andWhere(where);
    // The lists are counted once, as far as either question below needs.
    const broadAt = this.broadAt(parts.lists);
    const listed = this.fewestListed(parts.lists, Math.max(RANKED_HITS, broadAt));
    if (facetTop !== undefined || listed >= RANKED_HITS) {
      // Facets need every hit anyway, and a filter listing many items (a date range) finds them
      // cheaper from its lists: the hits are known first, and the rows ranked checked against them.
      const hits = this.hitIds(parts, listed >= broadAt);
      const window = hits.subarray(Math.max(0, hits.length - RANKED_HITS));
      const among = filter ? { text: HIT_AMONG, params: [`[${window.join(',')}]`] } : NOTHING;
      const ids = window.length ? this.ranked(match, window[0]!, among, page) : [];
      return { total: hits.length, ids, facets: facetsOf(hits) };
    }
    if (!filter && !readsPositions(plan)) {
      // Words alone are counted from their lists without their positions: counting costs less than
      // listing, and the newest RANKED_HITS are those from the RANKED_HITS-th newest on.
      const [total] = this.rowsAsArrays('SELECT count(*) FROM search_text WHERE search_text MATCH ?', [
        match,
      ])[0]!.map(Number) as [number];
      const from =
        total > RANKED_HITS
          ? Number(
              this.rowsAsArrays(
                'SELECT rowid FROM search_text WHERE search_text MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?',
                [match, RANKED_HITS - 1],
              )[0]![0],
            )
          : 0;
      return { total, ids: total ? this.ranked(match, from, NOTHING, page) : [], facets: null };
    }
    // A phrase, or a filter tested in SQL: the newest hits are read with their scores in one pass that
    // stops at RANKED_HITS (FTS5 walks rowids downwards itself, the filter tested on the way, the
    // score computed only for the rows that pass), the page sorted in SQL with the size of the window
    // and its oldest hit. Fewer than RANKED_HITS is every hit, and no second pass counts them.
    const newest = `SELECT rowid, rank FROM search_text WHERE search_text MATCH ?${filter}
       ORDER BY rowid DESC LIMIT ${RANKED_HITS}`;
    const params = [match, ...where.params];
    const rows = this.rowsAsArrays(
      `SELECT rowid, n, oldest FROM (SELECT rowid, rank, count(*) OVER () AS n, min(rowid) OVER () AS oldest
         FROM (${newest})) ORDER BY rank, rowid LIMIT ? OFFSET ?`,
      [...params, page.limit, page.offset],
    );
    const ids = rows.map((r) => Number(r[0]));
    // No row on the first page is no hit; a page past the end has no row to say how many there are.
    const [windowSize, oldest] = rows.length
      ? [Number(rows[0]![1]), Number(rows[0]![2])]
      : page.offset === 0
        ? [0, 0]
        : (this.rowsAsArrays(`SELECT count(*), min(rowid) FROM (${newest})`, params)[0]!.map(Number) as [
            number,
            number,
          ]);
    if (windowSize < RANKED_HITS) return { total: windowSize, ids, facets: null };
    // More hits than the window: the older ones are counted.
    const [older] = this.rowsAsArrays(
      `SELECT count(*) FROM search_text WHERE search_text MATCH ? AND rowid < ?${filter}`,
      [match, rowidBound(oldest), ...where.params],
    )[0]!;
    return { total: RANKED_HITS + Number(older), ids, facets: null };
  }

  /** The number of items the shortest list names, counted up to `cap` (0 when there is no list). */
  private fewestListed(lists: Sql[], cap: number): number {
    if (lists.length === 0) return 0;
    return Math.min(
      ...lists.map((l) =>
        Number(
          this.rowsAsArrays(`SELECT count(*) FROM (SELECT 1 FROM (${l.list}) LIMIT ${cap})`, l.params)[0]![0],
        ),
      ),
    );
  }

  /** Whether there are lists, each naming enough of the case to be intersected in code. */
  private isBroad(lists: Sql[]): boolean {
    const at = this.broadAt(lists);
    return this.fewestListed(lists, at) >= at;
  }

  /** How many items lists must each name to be intersected in code (past every list when none). */
  private broadAt(lists: Sql[]): number {
    if (lists.length === 0) return Number.POSITIVE_INFINITY;
    const items = Number(this.rowsAsArrays('SELECT coalesce(max(id), 0) FROM items', [])[0]![0]);
    return Math.max(1, Math.ceil(items * BROAD_SHARE));
  }

  /**
   * A page of the match's rows from rowid `from` on that pass `filter`, ranked by bm25. ORDER BY rank,
   * rowid (not rank alone, which FTS5 would answer by scoring every word hit before the filter):
   * SQLite scores only the rows that pass.
   */
  private ranked(match: string, from: number, filter: Sql, page: SearchPage): number[] {
    return this.rowsAsArrays(
      `SELECT rowid FROM search_text WHERE search_text MATCH ? AND rowid >= ?${andWhere(filter)}
       ORDER BY rank, rowid LIMIT ? OFFSET ?`,
      [match, rowidBound(from), ...filter.params, page.limit, page.offset],
    ).map((r) => Number(r[0]));
  }

  /**
   * The query giving every hit's item id (`select` is what it selects of the id), from the plan as
   * split. A field alone lists its items from its own index (10 ms for a date range over a million
   * messages) rather than each item of the case being tested against it (80 ms); that list may name
   * an item twice. Every indexed row is an item: words need no lookup of each hit in items.
   */
  private hitsSql({ match, where }: Split, select: (id: string) => string): Sql {
    if (match === null)
      return where.list
        ? { text: `SELECT ${select('item_id')} FROM (${where.list})`, params: where.params }
        : { text: `SELECT ${select('i.id')} FROM items i WHERE ${where.text}`, params: where.params };
    return {
      text: `SELECT ${select('rowid')} FROM search_text WHERE search_text MATCH ?${andWhere(where)}`,
      params: [match, ...where.params],
    };
  }

  /**
   * Every hit, as item ids in ascending order. They come as one list in a string: a row per id costs
   * four times as much in Node (a common word finds hundreds of thousands).
   */
  private hitIds(parts: Split, broad = this.isBroad(parts.lists)): Int32Array {
    const concat = (id: string) => `group_concat(${id})`;
    if (parts.match === null || !broad) return this.idList(this.hitsSql(parts, concat));
    // The word hits and each list, intersected here: testing each word hit against a list of a large
    // part of the case in SQL costs more than reading both (a word and six months over 100,000
    // messages: 25 -> 14 ms). Against a short list (one sender's mail), testing costs less than
    // listing every hit of a common word (a million messages: 67 ms against 98).
    let hits = this.idList(this.hitsSql({ ...parts, where: parts.rest, lists: [] }, concat));
    for (const list of parts.lists)
      hits = intersect(
        hits,
        this.idList({ text: `SELECT ${concat('item_id')} FROM (${list.list})`, params: list.params }),
      );
    return hits;
  }

  /** The ids a query gives as one list in a string, ascending and once each. */
  private idList({ text, params }: Sql): Int32Array {
    const [list] = this.rowsAsArrays(text, params)[0] as [string | null];
    return parseIds(list ?? '');
  }

  /** Fills temp.search_hits with every hit of the plan, in SQL. */
  private collect(plan: SearchPlan): void {
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS search_hits (id INTEGER PRIMARY KEY)');
    this.db.exec('DELETE FROM temp.search_hits');
    const { text, params } = this.hitsSql(split(plan), (id) => id);
    this.db.prepare(`INSERT OR IGNORE INTO temp.search_hits ${text}`).run(...params);
  }

  async facets(plan: SearchPlan, top: number): Promise<Facets> {
    return this.columns.count(plan.kind === 'all' ? null : this.hitIds(split(plan)), top);
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

/**
 * A rowid as FTS5 reads a bound: a BigInt, since FTS5 skips to a rowid bound only when it is bound as
 * an integer (a JS number binds as a double, which FTS5 ignores, and then every hit is read and tested).
 */
const rowidBound = (rowid: number) => BigInt(rowid);

/** The ids in both of two ascending lists. */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out[n++] = a[i]!;
      i++;
      j++;
    }
  }
  return out.subarray(0, n);
}

/** Ids written as "3,1,2", in ascending order and once each (SQLite may give them otherwise). */
function parseIds(list: string): Int32Array {
  if (list === '') return new Int32Array(0);
  let n = 1;
  for (let i = 0; i < list.length; i++) if (list.charCodeAt(i) === 44) n++;
  const ids = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list.charCodeAt(i);
    if (c === 44) k++;
    else ids[k] = ids[k]! * 10 + (c - 48);
  }
  let ascending = true;
  for (let i = 1; i < n && ascending; i++) ascending = ids[i]! > ids[i - 1]!;
  if (ascending) return ids;
  ids.sort();
  let unique = 0;
  for (let i = 0; i < n; i++) if (i === 0 || ids[i] !== ids[i - 1]) ids[unique++] = ids[i]!;
  return ids.subarray(0, unique);
}

function str(value: SQLInputValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
