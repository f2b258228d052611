import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import type { DisclosedKey } from '../../keys/disclosed.ts';
import type { KeyFailure } from '../../keys/formats/types.ts';
import type { KeyRecord } from '../../keys/types.ts';
import type { Coded } from '../../report/catalogue.ts';
import { FileBlobStore } from '../blobs.ts';
import { FileCustodyLog } from '../custody-file.ts';
import { addressListsOf, participantsOf } from '../participants.ts';
import {
  type AnalysisRecord,
  type AnalysisToStore,
  type CaseStats,
  type ContainerCounts,
  type FindingRecord,
  type ItemFilter,
  type ItemRecord,
  type ItemStatus,
  type ItemText,
  keyInput,
  type MemberCounts,
  type MessageFields,
  type MessageRecord,
  type MessageSender,
  type MissingKey,
  type NewItem,
  type OccurrenceRecord,
  type Participant,
  type PendingQuery,
  type Placement,
  type SourceCounts,
  type SourceRecord,
  type Store,
  type StoreShare,
  type StoreWriter,
} from '../store.ts';
import { migrations } from './migrations.ts';
import { SqliteSearch } from './sqlite-search.ts';
import { SqliteWorkbench } from './sqlite-workbench.ts';
import { WriteTurns } from './write-turns.ts';

/** What a connection on another thread takes to share this one's turns at writing. */
interface SqliteShare extends StoreShare {
  writeTurns: SharedArrayBuffer;
}

type Row = Record<string, SQLInputValue>;

export class StoreError extends Error {}

/** Whether the folder can be written (false on a read-only mount). */
function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a process with this PID is running (EPERM: running, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The case's writer lock: `ingest.lock` holding the PID of the ingest that writes, created
 * exclusively. A lock whose process is gone (killed) is taken over. Returns its release.
 */
function takeWriterLock(root: string): () => void {
  const path = join(root, 'ingest.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let pid = Number.NaN;
    try {
      pid = Number(readFileSync(path, 'utf8').trim());
    } catch {
      // removed by its ingest in the meantime: try again
    }
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && running(pid))
      throw new StoreError(
        `another crible ingest (PID ${pid}) is writing to the case at ${root}: wait for it to finish, or stop it`,
      );
    rmSync(path, { force: true }); // its process is gone
  }
  throw new StoreError(`could not take the writer lock of the case at ${root}`);
}

/** How long a write waits for another connection's unit of work to end, by default. */
const WRITE_WAIT_MS = 5000;

/** What identifies an item that has no bytes: the place it was found at. */
export function placeKey(at: Placement): string {
  const raw = at.pathRaw ? `\0${at.pathRaw.toString('hex')}` : '';
  return `${at.sourceId}/${at.parentId ?? ''}/${at.byteStart ?? ''}/${at.path}${raw}`;
}

/**
 * The embedded store: a case directory with case.db (SQLite, WAL), blobs/ and custody.jsonl.
 * Reads may run while another process writes (WAL); one writer at a time.
 */
export class SqliteStore implements Store {
  readonly dir: string;
  readonly blobs: FileBlobStore;
  readonly custody: FileCustodyLog;
  readonly search: SqliteSearch;
  readonly workbench: SqliteWorkbench;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private writer: SqliteWriter | null = null;
  private readonly turns: WriteTurns;
  /** SQLite's busy timeout, for the writes that do not begin a unit of work (the workbench's). */
  private readonly writeWaitMs: number = 0;

  static exists(dir: string): boolean {
    return existsSync(join(resolve(dir), 'case.db'));
  }

  /**
   * Opens the case in `dir`; with `create`, makes it when there is none. With `exclusive` (an
   * ingest), takes the case's writer lock or says at once which process holds it. A case whose
   * folder cannot be written (a read-only mount) is opened read-only, for the reading commands.
   * `writeWaitMs`: how long a write waits for another connection's unit of work (default 5 s).
   */
  static open(
    dir: string,
    options: { create: boolean; exclusive?: boolean; writeWaitMs?: number; share?: StoreShare },
  ): SqliteStore {
    const root = resolve(dir);
    const dbPath = join(root, 'case.db');
    if (!existsSync(dbPath)) {
      if (!options.create) throw new StoreError(`no case at ${root} (case.db not found)`);
      if (existsSync(root) && !statSync(root).isDirectory())
        throw new StoreError(`${root} is not a directory`);
      mkdirSync(root, { recursive: true });
    }
    const readOnly = !writable(root);
    if (readOnly && options.exclusive)
      throw new StoreError(
        `the case at ${root} cannot be written (a read-only folder or mount): it can only be read`,
      );
    const lock = options.exclusive ? takeWriterLock(root) : null;
    try {
      const writeWaitMs = options.writeWaitMs ?? WRITE_WAIT_MS;
      const turns = new WriteTurns(writeWaitMs, (options.share as SqliteShare | undefined)?.writeTurns);
      return new SqliteStore(root, readOnly, lock, writeWaitMs, turns);
    } catch (err) {
      lock?.();
      throw err;
    }
  }

  /** Removes the writer lock this store holds, if any. */
  private readonly releaseLock: (() => void) | null;

  private constructor(
    dir: string,
    readOnly: boolean,
    releaseLock: (() => void) | null,
    writeWaitMs: number,
    turns: WriteTurns,
  ) {
    this.dir = dir;
    this.turns = turns;
    this.releaseLock = releaseLock;
    if (readOnly) {
      // Nothing can be written beside the database either (its WAL index): read as immutable.
      this.db = new DatabaseSync(new URL(`${pathToFileURL(join(dir, 'case.db')).href}?immutable=1`), {
        readOnly: true,
      });
      if (this.schemaVersion !== migrations.length)
        throw new StoreError(
          `the case at ${dir} is read-only and written by another version of crible (schema ${this.schemaVersion}, this one reads ${migrations.length})`,
        );
    } else {
      this.db = new DatabaseSync(join(dir, 'case.db'));
      // 16 KB pages: message bodies of tens of KB span fewer overflow pages (~35% faster inserts).
      // Only takes effect when the database is created.
      this.db.exec('PRAGMA page_size = 16384');
      this.db.exec('PRAGMA journal_mode = WAL');
      // A 2 MB cache (the default) spills dirty pages to the WAL in the middle of an ingest batch:
      // SHA-256 keys land on random index pages. 64 MB keeps a batch in memory until it commits.
      this.db.exec('PRAGMA cache_size = -65536');
      // Statement journals (OR IGNORE / OR REPLACE inside a batch) stay in memory instead of temp files.
      this.db.exec('PRAGMA temp_store = MEMORY');
      // NORMAL in WAL mode survives a killed process; only a power loss may drop the last commits.
      this.db.exec('PRAGMA synchronous = NORMAL');
      this.writeWaitMs = Math.floor(writeWaitMs);
      this.db.exec(`PRAGMA busy_timeout = ${this.writeWaitMs}`);
      this.migrate();
      this.db.exec('PRAGMA foreign_keys = ON');
    }
    this.blobs = new FileBlobStore(join(dir, 'blobs'));
    this.custody = new FileCustodyLog(join(dir, 'custody.jsonl'));
    this.search = new SqliteSearch(this.db, () => this.writer !== null);
    this.workbench = new SqliteWorkbench(this.db);
  }

  private get schemaVersion(): number {
    return Number((this.db.prepare('PRAGMA user_version').get() as Row).user_version);
  }

  /** Upgrades an older case in place, one step per transaction (foreign keys off while tables are rebuilt). */
  private migrate(): void {
    const from = this.schemaVersion;
    if (from > migrations.length)
      throw new StoreError(`case schema version ${from} is newer than this crible (${migrations.length})`);
    if (from === migrations.length) return;
    this.db.exec('PRAGMA foreign_keys = OFF');
    for (let version = from; version < migrations.length; version++) {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const step = migrations[version]!;
        if (typeof step === 'string') this.db.exec(step);
        else step(this.db);
        const broken = this.db.prepare('PRAGMA foreign_key_check').all();
        if (broken.length)
          throw new StoreError(`migration to version ${version + 1} broke ${broken.length} references`);
        this.db.exec(`PRAGMA user_version = ${version + 1}`);
        this.db.exec('COMMIT');
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    }
  }

  sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** `SELECT k, n …` rows as a record. */
  private tally(text: string, ...params: SQLInputValue[]): Record<string, number> {
    return Object.fromEntries(
      (this.sql(text).all(...params) as Row[]).map((row) => [String(row.k), Number(row.n)]),
    );
  }

  async transaction<T>(work: (writer: StoreWriter) => Promise<T> | T): Promise<T> {
    if (this.writer) throw new StoreError('a unit of work is already open on this store');
    try {
      this.turns.begin(() => this.db.exec('PRAGMA busy_timeout = 0; BEGIN IMMEDIATE'));
    } finally {
      this.db.exec(`PRAGMA busy_timeout = ${this.writeWaitMs}`);
    }
    const revision = Number(
      (this.sql("UPDATE meta SET value = value + 1 WHERE key = 'revision' RETURNING value").get() as Row)
        .value,
    );
    const writer = new SqliteWriter(this, revision);
    this.writer = writer;
    try {
      const result = await work(writer);
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    } finally {
      this.writer = null;
      writer.closed = true;
      this.turns.ended();
    }
  }

  async revision(): Promise<number> {
    return Number((this.sql("SELECT value FROM meta WHERE key = 'revision'").get() as Row).value);
  }

  async isFileDone(sourceId: number, path: string, size: number, sha256: string): Promise<boolean> {
    return (
      this.sql('SELECT 1 FROM source_files WHERE source_id = ? AND path = ? AND size = ? AND sha256 = ?').get(
        sourceId,
        path,
        size,
        sha256,
      ) !== undefined
    );
  }

  async doneFileSha(sourceId: number, path: string, size: number): Promise<string | null> {
    const row = this.sql('SELECT sha256 FROM source_files WHERE source_id = ? AND path = ? AND size = ?').get(
      sourceId,
      path,
      size,
    ) as Row | undefined;
    return row ? String(row.sha256) : null;
  }

  async sourceCounts(sourceId: number): Promise<SourceCounts> {
    // An occurrence is a duplicate when it is not its item's first place.
    const rows = this.sql(
      `SELECT i.status AS status, i.reason_code AS code, i.reason_params AS params, count(*) AS n,
              sum(CASE WHEN o.id = (SELECT min(f.id) FROM occurrences f WHERE f.item_id = i.id) THEN 0 ELSE 1 END) AS dup
       FROM occurrences o JOIN items i ON i.id = o.item_id
       WHERE o.source_id = ? GROUP BY i.status, i.reason_code, i.reason_params`,
    ).all(sourceId) as Row[];
    const counts: SourceCounts = { found: 0, ok: 0, failed: 0, limited: 0, duplicates: 0, reasons: [] };
    for (const row of rows) {
      const n = Number(row.n);
      counts.found += n;
      counts.duplicates += Number(row.dup);
      counts[String(row.status) as ItemStatus] += n;
      const reason = toCoded(row.code, row.params);
      if (reason) counts.reasons.push({ reason, count: n });
    }
    return counts;
  }

  async containerCounts(): Promise<ContainerCounts[]> {
    const members = (parent: number, prefix: string | null) =>
      this.sql(
        `SELECT i.status AS status, count(*) AS n FROM occurrences o JOIN items i ON i.id = o.item_id
         WHERE o.parent_id = ? AND (? IS NULL OR substr(o.path, 1, length(?) + 1) = ? || '/') GROUP BY i.status`,
      ).all(parent, prefix, prefix, prefix) as Row[];
    const tally = (rows: Row[], expected: number | null): MemberCounts => {
      const counts: MemberCounts = { expected, ok: 0, failed: 0, limited: 0 };
      for (const row of rows) counts[String(row.status) as ItemStatus] += Number(row.n);
      return counts;
    };
    const containers = this.sql(
      `SELECT i.id AS id, i.format AS format, i.status AS status,
              (SELECT o.path FROM occurrences o WHERE o.item_id = i.id ORDER BY o.id LIMIT 1) AS path
       FROM items i WHERE i.type = 'container' ORDER BY i.id`,
    ).all() as Row[];
    const expected = this.sql('SELECT path, count FROM expected_counts WHERE item_id = ? ORDER BY path');
    return containers.map((row) => {
      const id = Number(row.id);
      const counts = expected.all(id) as Row[];
      const whole = counts.find((c) => c.path === '');
      const folders = counts
        .filter((c) => c.path !== '')
        .map((c) => ({ path: String(c.path), ...tally(members(id, String(c.path)), Number(c.count)) }));
      const total = whole
        ? Number(whole.count)
        : folders.length > 0
          ? folders.reduce((sum, f) => sum + (f.expected ?? 0), 0)
          : null;
      return {
        itemId: id,
        format: String(row.format),
        status: String(row.status) as ItemStatus,
        path: String(row.path ?? ''),
        ...tally(members(id, null), total),
        folders,
      };
    });
  }

  async listSources(): Promise<SourceRecord[]> {
    return (this.sql('SELECT * FROM sources ORDER BY id').all() as Row[]).map(toSource);
  }

  async unfinishedSources(): Promise<SourceRecord[]> {
    return (this.sql('SELECT * FROM sources WHERE completed_at IS NULL ORDER BY id').all() as Row[]).map(
      toSource,
    );
  }

  async getItem(id: number): Promise<ItemRecord | null> {
    const row = this.sql(`${ITEM_SELECT} WHERE i.id = ?`).get(id) as Row | undefined;
    return row ? toItem(row) : null;
  }

  private filterSql(filter: ItemFilter): { where: string; params: SQLInputValue[] } {
    const clauses: string[] = ['i.id > ?'];
    const params: SQLInputValue[] = [filter.afterId ?? 0];
    if (filter.type && filter.type !== 'all') {
      clauses.push('i.type = ?');
      params.push(filter.type);
    }
    if (filter.status?.length) {
      clauses.push(`i.status IN (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    if (filter.summaries) {
      const { analyser, values } = filter.summaries;
      clauses.push(
        `i.id IN (SELECT item_id FROM analyses WHERE analyser = ? AND summary IN (${values.map(() => '?').join(', ')}))`,
      );
      params.push(analyser, ...values);
    }
    if (filter.findings?.length) {
      clauses.push(
        `i.id IN (SELECT item_id FROM findings WHERE code IN (${filter.findings.map(() => '?').join(', ')}))`,
      );
      params.push(...filter.findings);
    }
    // An address (with @) is matched whole; anything else is a domain, matched with its subdomains.
    const participant = (roles: readonly string[] | null, who: string) => {
      const value = who.trim().toLowerCase().replace(/^@/, '');
      const roleSql = roles ? ` AND role IN (${roles.map(() => '?').join(', ')})` : '';
      // An address is selective and indexed: the list of its items drives the query. A domain (and
      // its subdomains, a LIKE no index serves) is looked up in each row's participants instead.
      clauses.push(
        value.includes('@')
          ? `i.id IN (SELECT item_id FROM participants WHERE address = ?${roleSql})`
          : `EXISTS (SELECT 1 FROM participants p WHERE p.item_id = i.id AND (p.domain = ? OR p.domain LIKE '%.' || ? ESCAPE '\\')${roleSql})`,
      );
      params.push(
        ...(value.includes('@') ? [value] : [value, value.replace(/[\\%_]/g, '\\$&')]),
        ...(roles ?? []),
      );
    };
    if (filter.from !== undefined) participant(['from'], filter.from);
    if (filter.to !== undefined) participant(['to', 'cc', 'bcc'], filter.to);
    if (filter.domain !== undefined) participant(null, filter.domain);
    // A lookup of each row's message (messages.date has no index): as an IN list, two bounds made
    // SQLite drive the query from the lists and took a second on 3,000 messages; this takes milliseconds.
    if (filter.since !== undefined) {
      clauses.push('EXISTS (SELECT 1 FROM messages m WHERE m.item_id = i.id AND m.date >= ?)');
      params.push(filter.since);
    }
    if (filter.until !== undefined) {
      clauses.push('EXISTS (SELECT 1 FROM messages m WHERE m.item_id = i.id AND m.date < ?)');
      params.push(filter.until);
    }
    return { where: clauses.join(' AND '), params };
  }

  private orderSql(filter: ItemFilter): { order: string; params: SQLInputValue[] } {
    const sort = filter.sort ?? { by: 'id' };
    switch (sort.by) {
      case 'date': {
        const date = '(SELECT date FROM messages WHERE item_id = i.id)';
        return { order: `${date} IS NULL, ${date}, i.id`, params: [] };
      }
      case 'from': {
        const from = `(SELECT address FROM participants WHERE item_id = i.id AND role = 'from' ORDER BY position LIMIT 1)`;
        return { order: `${from} IS NULL, ${from}, i.id`, params: [] };
      }
      case 'summary': {
        const rank = sort.values.map(() => 'WHEN ? THEN ?').join(' ');
        return {
          order: `(SELECT CASE summary ${rank} ELSE ? END FROM analyses WHERE item_id = i.id AND analyser = ?) IS NULL,
            (SELECT CASE summary ${rank} ELSE ? END FROM analyses WHERE item_id = i.id AND analyser = ?), i.id`,
          params: [
            ...sort.values.flatMap((v, n) => [v, n]),
            sort.values.length,
            sort.analyser,
            ...sort.values.flatMap((v, n) => [v, n]),
            sort.values.length,
            sort.analyser,
          ],
        };
      }
      default:
        return { order: 'i.id', params: [] };
    }
  }

  async listItems(filter: ItemFilter): Promise<ItemRecord[]> {
    const { where, params } = this.filterSql(filter);
    const { order, params: orderParams } = this.orderSql(filter);
    const rows = this.db
      .prepare(`${ITEM_SELECT} WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, ...orderParams, filter.limit ?? -1, filter.offset ?? 0) as Row[];
    return rows.map(toItem);
  }

  async countItems(filter: ItemFilter): Promise<number> {
    const { where, params } = this.filterSql(filter);
    return Number(
      (this.db.prepare(`SELECT count(*) AS n FROM items i WHERE ${where}`).get(...params) as Row).n,
    );
  }

  async textChangesSince(revision: number, limit = -1): Promise<{ itemId: number; revision: number }[]> {
    const rows = this.sql(
      'SELECT id, text_revision FROM items WHERE text_revision > ? ORDER BY id LIMIT ?',
    ).all(revision, limit) as Row[];
    return rows.map((row) => ({ itemId: Number(row.id), revision: Number(row.text_revision) }));
  }

  async childrenOf(id: number): Promise<ItemRecord[]> {
    const rows = this.sql(
      `${ITEM_SELECT} WHERE i.id IN (SELECT item_id FROM occurrences WHERE parent_id = ?) ORDER BY i.id`,
    ).all(id) as Row[];
    return rows.map(toItem);
  }

  async occurrencesOf(itemId: number): Promise<OccurrenceRecord[]> {
    const rows = this.sql('SELECT * FROM occurrences WHERE item_id = ? ORDER BY id').all(itemId) as Row[];
    return rows.map((row) => toOccurrence(row));
  }

  async getMessage(itemId: number): Promise<MessageRecord | null> {
    const row = this.sql('SELECT * FROM messages WHERE item_id = ?').get(itemId) as Row | undefined;
    if (!row) return null;
    return {
      itemId,
      messageId: str(row.message_id),
      dateRaw: str(row.date_raw),
      date: str(row.date),
      subject: str(row.subject),
      ...addressListsOf(await this.participantsOf(itemId)),
      inReplyTo: str(row.in_reply_to),
      references: JSON.parse(String(row.refs)),
      headerRaw: String(row.header_raw),
      text: str(row.text_body),
      hasHtml: Number(row.has_html) === 1,
      flags: JSON.parse(String(row.flags)),
    };
  }

  async messageSenders(query: {
    analyser: string;
    summaries: readonly string[];
    afterId: number;
    limit: number;
  }): Promise<MessageSender[]> {
    const rows = this.sql(
      `SELECT s.item_id, m.date, p.name, p.address
       FROM (SELECT item_id FROM analyses WHERE item_id > ? AND analyser = ?
               AND summary IN (${query.summaries.map(() => '?').join(', ')}) ORDER BY item_id LIMIT ?) s
         JOIN messages m ON m.item_id = s.item_id
         LEFT JOIN participants p ON p.item_id = s.item_id AND p.role = 'from'
       ORDER BY s.item_id, p.position`,
    ).all(query.afterId, query.analyser, ...query.summaries, query.limit) as Row[];
    const out: MessageSender[] = [];
    for (const row of rows) {
      const itemId = Number(row.item_id);
      let last = out[out.length - 1];
      if (last?.itemId !== itemId) {
        last = { itemId, date: str(row.date), from: [] };
        out.push(last);
      }
      if (row.address !== null) last.from.push({ name: String(row.name), address: String(row.address) });
    }
    return out;
  }

  async participantsOf(itemId: number): Promise<Participant[]> {
    const rows = this.sql(
      'SELECT role, name, address, domain FROM participants WHERE item_id = ? ORDER BY position',
    ).all(itemId) as Row[];
    return rows.map((row) => ({
      role: String(row.role) as Participant['role'],
      name: String(row.name),
      address: String(row.address),
      domain: String(row.domain),
    }));
  }

  async stats(): Promise<CaseStats> {
    const count = (text: string): number => Number((this.sql(text).get() as Row).n);
    const duplicateMessageIds = (
      this.sql(
        `SELECT message_id, group_concat(item_id) AS ids FROM messages WHERE message_id IS NOT NULL
         GROUP BY message_id HAVING count(*) > 1 ORDER BY message_id`,
      ).all() as Row[]
    ).map((row) => ({
      messageId: String(row.message_id),
      itemIds: String(row.ids).split(',').map(Number),
    }));
    const reasons = (
      this.sql(
        `SELECT reason_code AS code, reason_params AS params, count(*) AS n FROM items
         WHERE reason_code IS NOT NULL GROUP BY reason_code, reason_params ORDER BY n DESC, reason_code`,
      ).all() as Row[]
    ).map((row) => ({ reason: toCoded(row.code, row.params)!, count: Number(row.n) }));
    return {
      sources: count('SELECT count(*) AS n FROM sources'),
      items: count('SELECT count(*) AS n FROM items'),
      byType: this.tally('SELECT type AS k, count(*) AS n FROM items GROUP BY type'),
      byStatus: this.tally('SELECT status AS k, count(*) AS n FROM items GROUP BY status'),
      byFormat: this.tally('SELECT format AS k, count(*) AS n FROM items GROUP BY format ORDER BY n DESC'),
      occurrences: count('SELECT count(*) AS n FROM occurrences'),
      duplicates: count('SELECT (SELECT count(*) FROM occurrences) - (SELECT count(*) FROM items) AS n'),
      bytes: count('SELECT ifnull(sum(size), 0) AS n FROM items WHERE sha256 IS NOT NULL'),
      reasons,
      duplicateMessageIds,
    };
  }

  async getAnalysis(itemId: number, analyser: string): Promise<AnalysisRecord | null> {
    const row = this.sql('SELECT * FROM analyses WHERE item_id = ? AND analyser = ?').get(itemId, analyser) as
      | Row
      | undefined;
    return row ? analysisRecord(row) : null;
  }

  async analysisResults(analyser: string, afterId = 0, limit = -1): Promise<AnalysisRecord[]> {
    const rows = this.sql(
      'SELECT * FROM analyses WHERE analyser = ? AND item_id > ? ORDER BY item_id LIMIT ?',
    ).all(analyser, afterId, limit) as Row[];
    return rows.map((row) => analysisRecord(row));
  }

  async latestAnalysisRevision(analyser: string): Promise<number> {
    const row = this.sql('SELECT max(revision) AS r FROM analyses WHERE analyser = ?').get(analyser) as Row;
    return Number(row.r ?? 0);
  }

  async getText(itemId: number): Promise<ItemText | null> {
    // One text per item in practice; when two analysers read one, OCR comes after the document's own.
    const row = this.sql(
      "SELECT source, text, people FROM item_texts WHERE item_id = ? ORDER BY source = 'ocr', analyser LIMIT 1",
    ).get(itemId) as Row | undefined;
    if (!row) return null;
    return {
      source: String(row.source) as ItemText['source'],
      text: String(row.text),
      people: JSON.parse(String(row.people)) as string[],
    };
  }

  async setting(key: string): Promise<string | null> {
    const row = this.sql('SELECT value FROM settings WHERE key = ?').get(key) as Row | undefined;
    return row ? String(row.value) : null;
  }

  async summaryCounts(analyser: string): Promise<Record<string, number>> {
    return this.tally(
      'SELECT summary AS k, count(*) AS n FROM analyses WHERE analyser = ? AND summary IS NOT NULL GROUP BY summary ORDER BY summary',
      analyser,
    );
  }

  /** Counts of one field of the objects in an array of an analyser's results (signature results, for `dkim`). */
  async resultTally(analyser: string, arrayPath: string, field: string): Promise<Record<string, number>> {
    return this.tally(
      `SELECT json_extract(e.value, ?) AS k, count(*) AS n
       FROM analyses a, json_each(a.result, ?) e WHERE a.analyser = ? GROUP BY k ORDER BY k`,
      `$.${field}`,
      `$.${arrayPath}`,
      analyser,
    );
  }

  async pendingAnalysis(query: PendingQuery): Promise<number[]> {
    const types = query.types.map(() => '?').join(', ');
    const rows = this.db
      .prepare(
        `SELECT i.id FROM items i
         LEFT JOIN analyses a ON a.item_id = i.id AND a.analyser = ?
         WHERE i.type IN (${types}) AND i.sha256 IS NOT NULL AND i.id > ?
           AND (${query.all ? '1' : '0'} OR a.id IS NULL OR a.version <> ?
                OR EXISTS (SELECT 1 FROM analysis_inputs ai JOIN input_changes c ON c.input = ai.input
                           WHERE ai.item_id = i.id AND ai.analyser = a.analyser AND c.revision > a.revision))
         ORDER BY i.id LIMIT ?`,
      )
      .all(query.analyser, ...query.types, query.afterId ?? 0, query.version, query.limit ?? -1) as Row[];
    return rows.map((row) => Number(row.id));
  }

  async findingsOf(itemId: number): Promise<FindingRecord[]> {
    const rows = this.sql('SELECT * FROM findings WHERE item_id = ? ORDER BY id').all(itemId) as Row[];
    return rows.map((row) => ({
      itemId,
      analyser: String(row.analyser),
      code: String(row.code),
      severity: String(row.severity) as FindingRecord['severity'],
      params: JSON.parse(String(row.params)),
      evidence: JSON.parse(String(row.evidence)),
    }));
  }

  async findingCounts(): Promise<Record<string, number>> {
    return this.tally(
      'SELECT code AS k, count(DISTINCT item_id) AS n FROM findings GROUP BY code ORDER BY code',
    );
  }

  async listKeys(): Promise<{ records: KeyRecord[]; failures: KeyFailure[] }> {
    const records = (this.sql('SELECT * FROM dkim_keys ORDER BY name, id').all() as Row[]).map((row) => ({
      name: String(row.name),
      value: String(row.value),
      source: String(row.source),
      firstSeen: str(row.first_seen),
      lastSeen: str(row.last_seen),
      fetchedAt: str(row.fetched_at),
    }));
    const failures = (
      this.sql('SELECT name, failure FROM dkim_key_failures ORDER BY name').all() as Row[]
    ).map((row) => ({ name: String(row.name), failure: String(row.failure) as KeyFailure['failure'] }));
    return { records, failures };
  }

  async missingKeys(): Promise<MissingKey[]> {
    const rows = this.sql(
      `WITH known AS (SELECT DISTINCT 'dkim-key:' || lower(name) AS input FROM dkim_keys),
            needed AS (
              SELECT ai.input, COUNT(*) AS messages, SUM(a.summary = 'key-unavailable') AS unavailable,
                     MIN(m.date) AS first, MAX(m.date) AS last
              FROM analysis_inputs ai
              JOIN analyses a ON a.item_id = ai.item_id AND a.analyser = ai.analyser
              LEFT JOIN messages m ON m.item_id = ai.item_id
              WHERE ai.analyser = 'dkim' AND ai.input LIKE 'dkim-key:%'
              GROUP BY ai.input)
       SELECT needed.*, (SELECT group_concat(DISTINCT f.failure) FROM dkim_key_failures f
                         WHERE 'dkim-key:' || lower(f.name) = needed.input) AS failures
       FROM needed LEFT JOIN known USING (input)
       WHERE known.input IS NULL
       ORDER BY needed.messages DESC, needed.input`,
    ).all() as Row[];
    return rows.map((row) => ({
      name: String(row.input).slice('dkim-key:'.length),
      messages: Number(row.messages),
      unavailable: Number(row.unavailable ?? 0),
      first: str(row.first),
      last: str(row.last),
      failures: row.failures ? String(row.failures).split(',') : [],
    }));
  }

  async listDisclosedKeys(): Promise<DisclosedKey[]> {
    const rows = this.sql('SELECT * FROM disclosed_keys ORDER BY domain, selector, id').all() as Row[];
    return rows.map((row) => ({
      domain: String(row.domain),
      selector: String(row.selector),
      disclosed: String(row.disclosed),
      source: String(row.source),
      publicKey: str(row.public_key),
    }));
  }

  threadShare(): SqliteShare {
    return { writeTurns: this.turns.shared };
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    this.releaseLock?.();
  }
}

/** The writes of one unit of work; every row it writes carries its revision. */
class SqliteWriter implements StoreWriter {
  readonly revision: number;
  closed = false;
  private readonly store: SqliteStore;

  constructor(store: SqliteStore, revision: number) {
    this.store = store;
    this.revision = revision;
  }

  private sql(text: string): StatementSync {
    if (this.closed) throw new StoreError('this unit of work is over: write inside Store.transaction');
    return this.store.sql(text);
  }

  putItem(item: NewItem, at: Placement): { id: number; isNew: boolean } {
    const key = item.sha256 === null ? placeKey(at) : null;
    // Insert-or-get on the natural key: the content's SHA-256, or the place for an item without bytes.
    const inserted = this.sql(
      `INSERT INTO items (sha256, place_key, size, type, format, status, reason_code, reason_params, revision,
         text_revision)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
    ).get(
      item.sha256,
      key,
      item.size,
      item.type,
      item.format,
      item.status,
      item.reason?.code ?? null,
      item.reason?.params ? JSON.stringify(item.reason.params) : null,
      this.revision,
      this.revision,
    ) as Row | undefined;
    const id = inserted
      ? Number(inserted.id)
      : Number(
          (
            (item.sha256 === null
              ? this.sql('SELECT id FROM items WHERE place_key = ?').get(key)
              : this.sql('SELECT id FROM items WHERE sha256 = ?').get(item.sha256)) as Row
          ).id,
        );
    if (inserted) this.created.add(id);
    this.putOccurrence(id, at);
    return { id, isNew: inserted !== undefined };
  }

  putOccurrence(itemId: number, at: Placement): boolean {
    const changes = this.sql(
      `INSERT INTO occurrences (item_id, source_id, parent_id, path, path_raw, byte_start, byte_end,
         filename, declared_type, transformations, flags, revision)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(
      itemId,
      at.sourceId,
      at.parentId,
      at.path,
      at.pathRaw,
      at.byteStart,
      at.byteEnd,
      at.filename,
      at.declaredType,
      JSON.stringify(at.transformations),
      JSON.stringify(at.flags),
      this.revision,
    ).changes;
    if (changes > 0) this.touch(itemId);
    return changes > 0;
  }

  /**
   * Items this unit of work created: they carry its revision already and have no rows to replace,
   * so the writes for a new item skip those statements (a few per message, on ingest's hot path).
   */
  private readonly created = new Set<number>();

  /**
   * Marks an item changed in this unit of work, for what follows the change feed: the facet columns
   * (any change), and the search index when what it reads of the item changed (`text`).
   */
  private touch(itemId: number, text = true): void {
    if (this.created.has(itemId)) return;
    this.sql(
      `UPDATE items SET revision = ?1, text_revision = iif(?2, ?1, text_revision)
       WHERE id = ?3 AND (revision <> ?1 OR (?2 AND text_revision <> ?1))`,
    ).run(this.revision, text ? 1 : 0, itemId);
  }

  setItemStatus(id: number, status: ItemStatus, reason: Coded | null): void {
    this.sql(
      'UPDATE items SET status = ?, reason_code = ?, reason_params = ?, revision = ? WHERE id = ?',
    ).run(
      status,
      reason?.code ?? null,
      reason?.params ? JSON.stringify(reason.params) : null,
      this.revision,
      id,
    );
  }

  putMessage(itemId: number, m: MessageFields): void {
    this.sql(
      `INSERT OR REPLACE INTO messages (item_id, message_id, date_raw, date, subject, in_reply_to, refs,
         header_raw, text_body, has_html, flags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      itemId,
      m.messageId,
      m.dateRaw,
      m.date,
      m.subject,
      m.inReplyTo,
      JSON.stringify(m.references),
      m.headerRaw,
      m.text,
      m.hasHtml ? 1 : 0,
      JSON.stringify(m.flags),
    );
    if (!this.created.has(itemId)) this.sql('DELETE FROM participants WHERE item_id = ?').run(itemId);
    const insert = this.sql(
      'INSERT INTO participants (item_id, role, position, name, address, domain) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const [position, p] of participantsOf(m).entries())
      insert.run(itemId, p.role, position, p.name, p.address, p.domain);
    this.touch(itemId);
  }

  putAnalysis(a: AnalysisToStore): void {
    this.sql(
      `INSERT INTO analyses (item_id, analyser, version, status, summary, result, revision, analysed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (item_id, analyser) DO UPDATE SET version = excluded.version, status = excluded.status,
         summary = excluded.summary, result = excluded.result, revision = excluded.revision,
         analysed_at = excluded.analysed_at`,
    ).run(
      a.itemId,
      a.analyser,
      a.version,
      a.status,
      a.summary,
      a.resultJson,
      this.revision,
      new Date().toISOString(),
    );
    const fresh = this.created.has(a.itemId);
    if (!fresh)
      this.sql('DELETE FROM analysis_inputs WHERE item_id = ? AND analyser = ?').run(a.itemId, a.analyser);
    for (const input of new Set(a.inputs))
      this.sql('INSERT INTO analysis_inputs (input, item_id, analyser) VALUES (?, ?, ?)').run(
        input,
        a.itemId,
        a.analyser,
      );
    // A verdict or a finding changes nothing the search index reads: only a text does.
    const textsDropped = fresh
      ? 0
      : Number(
          this.sql('DELETE FROM item_texts WHERE item_id = ? AND analyser = ?').run(a.itemId, a.analyser)
            .changes,
        );
    if (a.text)
      this.sql(
        'INSERT INTO item_texts (item_id, analyser, source, text, people, revision) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(
        a.itemId,
        a.analyser,
        a.text.source,
        a.text.text,
        JSON.stringify(a.text.people ?? []),
        this.revision,
      );
    if (!fresh) this.sql('DELETE FROM findings WHERE item_id = ? AND analyser = ?').run(a.itemId, a.analyser);
    for (const f of a.findings)
      this.sql(
        'INSERT INTO findings (item_id, analyser, code, severity, params, evidence, revision) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(
        a.itemId,
        a.analyser,
        f.code,
        f.severity,
        JSON.stringify(f.params),
        JSON.stringify(f.evidence),
        this.revision,
      );
    this.touch(a.itemId, Boolean(a.text) || textsDropped > 0);
  }

  openSource(path: string, kind: 'file' | 'directory'): SourceRecord {
    this.sql(
      'INSERT INTO sources (path, kind, started_at) VALUES (?, ?, ?) ON CONFLICT (path) DO NOTHING',
    ).run(path, kind, new Date().toISOString());
    return toSource(this.sql('SELECT * FROM sources WHERE path = ?').get(path) as Row);
  }

  completeSource(sourceId: number, size: number, sha256: string): void {
    this.sql(
      `UPDATE sources SET size = ?, sha256 = ?,
         completed_at = CASE WHEN completed_at IS NOT NULL AND sha256 IS ? THEN completed_at ELSE ? END
       WHERE id = ?`,
    ).run(size, sha256, sha256, new Date().toISOString(), sourceId);
  }

  putExpectedCount(itemId: number, path: string, count: number): void {
    this.store
      .sql('INSERT OR REPLACE INTO expected_counts (item_id, path, count, revision) VALUES (?, ?, ?, ?)')
      .run(itemId, path, count, this.revision);
  }

  markFileDone(sourceId: number, path: string, size: number, sha256: string): void {
    this.sql('INSERT OR IGNORE INTO source_files (source_id, path, size, sha256) VALUES (?, ?, ?, ?)').run(
      sourceId,
      path,
      size,
      sha256,
    );
  }

  putSetting(key: string, value: string | null): void {
    if (value === null) this.sql('DELETE FROM settings WHERE key = ?').run(key);
    else
      this.sql(
        'INSERT INTO settings (key, value, revision) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, revision = excluded.revision',
      ).run(key, value, this.revision);
  }

  /** A new key (or failure) for a name re-runs the analyses that used that name. */
  private inputChanged(input: string): void {
    this.sql(
      'INSERT INTO input_changes (input, revision) VALUES (?, ?) ON CONFLICT (input) DO UPDATE SET revision = excluded.revision',
    ).run(input, this.revision);
  }

  putKeys(records: KeyRecord[], failures: KeyFailure[]): number {
    const now = new Date().toISOString();
    let added = 0;
    for (const r of records) {
      const changes = Number(
        this.sql(
          `INSERT OR IGNORE INTO dkim_keys (name, value, source, first_seen, last_seen, fetched_at, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(r.name.toLowerCase(), r.value, r.source, r.firstSeen, r.lastSeen, r.fetchedAt, now).changes,
      );
      if (changes) this.inputChanged(keyInput(r.name));
      added += changes;
    }
    for (const f of failures) {
      const changes = Number(
        this.sql(
          'INSERT OR IGNORE INTO dkim_key_failures (name, failure, source, imported_at) VALUES (?, ?, ?, ?)',
        ).run(f.name.toLowerCase(), f.failure, 'archive', now).changes,
      );
      if (changes) this.inputChanged(keyInput(f.name));
      added += changes;
    }
    return added;
  }

  putDisclosedKeys(keys: DisclosedKey[]): number {
    const now = new Date().toISOString();
    let added = 0;
    for (const k of keys) {
      const changes = Number(
        this.sql(
          `INSERT OR IGNORE INTO disclosed_keys (domain, selector, disclosed, source, public_key, imported_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(
          k.domain.toLowerCase(),
          k.selector.toLowerCase(),
          k.disclosed,
          k.source,
          k.publicKey ?? null,
          now,
        ).changes,
      );
      if (changes) this.inputChanged(keyInput(`${k.selector}._domainkey.${k.domain}`));
      added += changes;
    }
    return added;
  }
}

/** Items with their first place (the occurrence with the lowest id). */
const ITEM_SELECT = `SELECT i.*, o.id AS o_id, o.item_id AS o_item_id, o.source_id AS o_source_id,
    o.parent_id AS o_parent_id, o.path AS o_path, o.path_raw AS o_path_raw, o.byte_start AS o_byte_start,
    o.byte_end AS o_byte_end, o.filename AS o_filename, o.declared_type AS o_declared_type,
    o.transformations AS o_transformations, o.flags AS o_flags
  FROM items i JOIN occurrences o ON o.id = (SELECT min(id) FROM occurrences WHERE item_id = i.id)`;

function str(value: SQLInputValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function num(value: SQLInputValue | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function toCoded(code: SQLInputValue | undefined, params: SQLInputValue | undefined): Coded | null {
  if (code === null || code === undefined) return null;
  return params === null || params === undefined
    ? { code: String(code) }
    : { code: String(code), params: JSON.parse(String(params)) };
}

function toOccurrence(row: Row, prefix = ''): OccurrenceRecord {
  const raw = row[`${prefix}path_raw`];
  return {
    id: Number(row[`${prefix}id`]),
    itemId: Number(row[`${prefix}item_id`]),
    sourceId: Number(row[`${prefix}source_id`]),
    parentId: num(row[`${prefix}parent_id`]),
    path: String(row[`${prefix}path`]),
    pathRaw: raw instanceof Uint8Array ? Buffer.from(raw) : null,
    byteStart: num(row[`${prefix}byte_start`]),
    byteEnd: num(row[`${prefix}byte_end`]),
    filename: str(row[`${prefix}filename`]),
    declaredType: str(row[`${prefix}declared_type`]),
    transformations: JSON.parse(String(row[`${prefix}transformations`])),
    flags: JSON.parse(String(row[`${prefix}flags`])),
  };
}

function toItem(row: Row): ItemRecord {
  return {
    id: Number(row.id),
    sha256: str(row.sha256),
    size: Number(row.size),
    type: String(row.type) as ItemRecord['type'],
    format: String(row.format),
    status: String(row.status) as ItemRecord['status'],
    reason: toCoded(row.reason_code, row.reason_params),
    revision: Number(row.revision),
    first: toOccurrence(row, 'o_'),
  };
}

function toSource(row: Row): SourceRecord {
  return {
    id: Number(row.id),
    path: String(row.path),
    kind: String(row.kind) as SourceRecord['kind'],
    size: num(row.size),
    sha256: str(row.sha256),
    startedAt: String(row.started_at),
    completedAt: str(row.completed_at),
  };
}

function analysisRecord(row: Row): AnalysisRecord {
  return {
    itemId: Number(row.item_id),
    analyser: String(row.analyser),
    version: String(row.version),
    status: String(row.status) as AnalysisRecord['status'],
    summary: str(row.summary),
    result: JSON.parse(String(row.result)),
    revision: Number(row.revision),
    analysedAt: String(row.analysed_at),
  };
}
