import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { DisclosedKey } from '../../keys/disclosed.ts';
import type { KeyFailure } from '../../keys/formats/types.ts';
import type { KeyRecord } from '../../keys/types.ts';
import type {
  CaseStats,
  ItemFilter,
  ItemRecord,
  ItemStatus,
  MessageRecord,
  NewItem,
  OccurrenceRecord,
  Placement,
  SourceCounts,
  SourceRecord,
  Store,
  StoredVerification,
  VerificationStats,
  VerificationToStore,
} from '../store.ts';
import { migrations } from './migrations.ts';

type Row = Record<string, SQLInputValue>;

/** The embedded store: one SQLite file per case, in WAL mode. */
export class SqliteStore implements Store {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(path: string) {
    this.db = new DatabaseSync(path);
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
    this.db.exec('PRAGMA foreign_keys = ON');
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.migrate();
  }

  get schemaVersion(): number {
    return Number((this.db.prepare('PRAGMA user_version').get() as Row).user_version);
  }

  private migrate(): void {
    const from = this.schemaVersion;
    if (from > migrations.length) {
      throw new Error(`case schema version ${from} is newer than this crible (${migrations.length})`);
    }
    for (let version = from; version < migrations.length; version++) {
      this.transaction(() => {
        this.db.exec(migrations[version]!);
        this.db.exec(`PRAGMA user_version = ${version + 1}`);
      });
    }
  }

  /** Runs `work` in a transaction of its own, or inside the caller's when one is open. */
  private transaction<T>(work: () => T): T {
    if (this.db.isTransaction) return work();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** `SELECT k, n …` rows as a record. */
  private tally(text: string): Record<string, number> {
    return Object.fromEntries((this.sql(text).all() as Row[]).map((row) => [String(row.k), Number(row.n)]));
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  async begin(): Promise<void> {
    this.db.exec('BEGIN IMMEDIATE');
  }
  async commit(): Promise<void> {
    this.db.exec('COMMIT');
  }
  async rollback(): Promise<void> {
    if (this.db.isTransaction) this.db.exec('ROLLBACK');
  }

  async putItem(item: NewItem, at: Placement): Promise<{ id: number; isNew: boolean }> {
    const existing =
      item.sha256 === null
        ? (this.sql(
            `SELECT item_id AS id FROM occurrences
             WHERE source_id = ? AND ifnull(parent_id, 0) = ifnull(?, 0) AND path = ? AND ifnull(byte_start, -1) = ifnull(?, -1)`,
          ).get(at.sourceId, at.parentId, at.path, at.byteStart) as Row | undefined)
        : (this.sql('SELECT id FROM items WHERE sha256 = ?').get(item.sha256) as Row | undefined);
    let id: number;
    let isNew = false;
    if (existing) {
      id = Number(existing.id);
    } else {
      const result = this.sql(
        `INSERT INTO items (sha256, size, type, detected, declared_type, filename, status, reason, transformations,
           source_id, parent_id, path, byte_start, byte_end)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        item.sha256,
        item.size,
        item.type,
        item.detected,
        item.declaredType,
        item.filename,
        item.status,
        item.reason,
        JSON.stringify(item.transformations),
        at.sourceId,
        at.parentId,
        at.path,
        at.byteStart,
        at.byteEnd,
      );
      id = Number(result.lastInsertRowid);
      isNew = true;
    }
    this.sql(
      `INSERT OR IGNORE INTO occurrences (item_id, source_id, parent_id, path, byte_start, byte_end)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(id, at.sourceId, at.parentId, at.path, at.byteStart, at.byteEnd);
    return { id, isNew };
  }

  async setItemStatus(id: number, status: ItemStatus, reason: string | null): Promise<void> {
    this.sql('UPDATE items SET status = ?, reason = ? WHERE id = ?').run(status, reason, id);
  }

  async putMessage(m: MessageRecord): Promise<void> {
    this.sql(
      `INSERT OR REPLACE INTO messages (item_id, message_id, date_raw, date, subject, from_addr, sender_addr, to_addr,
         cc_addr, bcc_addr, reply_to_addr, in_reply_to, refs, header_raw, text_body, has_html, flags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      m.itemId,
      m.messageId,
      m.dateRaw,
      m.date,
      m.subject,
      JSON.stringify(m.from),
      JSON.stringify(m.sender),
      JSON.stringify(m.to),
      JSON.stringify(m.cc),
      JSON.stringify(m.bcc),
      JSON.stringify(m.replyTo),
      m.inReplyTo,
      JSON.stringify(m.references),
      m.headerRaw,
      m.text,
      m.hasHtml ? 1 : 0,
      JSON.stringify(m.flags),
    );
  }

  async markFileDone(sourceId: number, path: string, size: number, sha256: string): Promise<void> {
    this.sql('INSERT OR IGNORE INTO source_files (source_id, path, size, sha256) VALUES (?, ?, ?, ?)').run(
      sourceId,
      path,
      size,
      sha256,
    );
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

  async openSource(path: string, kind: 'file' | 'directory'): Promise<SourceRecord> {
    const existing = this.sql('SELECT * FROM sources WHERE path = ?').get(path) as Row | undefined;
    if (existing) return toSource(existing);
    const result = this.sql('INSERT INTO sources (path, kind, started_at) VALUES (?, ?, ?)').run(
      path,
      kind,
      new Date().toISOString(),
    );
    return toSource(this.sql('SELECT * FROM sources WHERE id = ?').get(result.lastInsertRowid) as Row);
  }

  async completeSource(sourceId: number, size: number, sha256: string): Promise<void> {
    this.sql(
      `UPDATE sources SET size = ?, sha256 = ?,
         completed_at = CASE WHEN completed_at IS NOT NULL AND sha256 IS ? THEN completed_at ELSE ? END
       WHERE id = ?`,
    ).run(size, sha256, sha256, new Date().toISOString(), sourceId);
  }

  async sourceCounts(sourceId: number): Promise<SourceCounts> {
    const rows = this.sql(
      `SELECT i.status AS status, i.reason AS reason, count(*) AS n,
              sum(CASE WHEN o.source_id = i.source_id AND ifnull(o.parent_id, 0) = ifnull(i.parent_id, 0)
                        AND o.path = i.path AND ifnull(o.byte_start, -1) = ifnull(i.byte_start, -1)
                   THEN 0 ELSE 1 END) AS dup
       FROM occurrences o JOIN items i ON i.id = o.item_id
       WHERE o.source_id = ? GROUP BY i.status, i.reason`,
    ).all(sourceId) as Row[];
    const counts: SourceCounts = { found: 0, ok: 0, failed: 0, limited: 0, duplicates: 0, reasons: {} };
    for (const row of rows) {
      const n = Number(row.n);
      counts.found += n;
      counts.duplicates += Number(row.dup);
      const status = String(row.status) as 'ok' | 'failed' | 'limited';
      counts[status] += n;
      if (row.reason !== null)
        counts.reasons[String(row.reason)] = (counts.reasons[String(row.reason)] ?? 0) + n;
    }
    return counts;
  }

  async listSources(): Promise<SourceRecord[]> {
    return (this.sql('SELECT * FROM sources ORDER BY id').all() as Row[]).map(toSource);
  }

  async getItem(id: number): Promise<ItemRecord | null> {
    const row = this.sql('SELECT * FROM items WHERE id = ?').get(id) as Row | undefined;
    return row ? toItem(row) : null;
  }

  async listItems(filter: ItemFilter): Promise<ItemRecord[]> {
    const type = filter.type && filter.type !== 'all' ? filter.type : null;
    const rows = this.sql(
      `SELECT * FROM items WHERE (? IS NULL OR type = ?) AND id > ? ORDER BY id LIMIT ?`,
    ).all(type, type, filter.afterId ?? 0, filter.limit ?? -1) as Row[];
    return rows.map(toItem);
  }

  async childrenOf(id: number): Promise<ItemRecord[]> {
    const rows = this.sql(
      `SELECT DISTINCT i.* FROM occurrences o JOIN items i ON i.id = o.item_id WHERE o.parent_id = ? ORDER BY i.id`,
    ).all(id) as Row[];
    return rows.map(toItem);
  }

  async occurrencesOf(itemId: number): Promise<OccurrenceRecord[]> {
    const rows = this.sql('SELECT * FROM occurrences WHERE item_id = ? ORDER BY id').all(itemId) as Row[];
    return rows.map((row) => ({ itemId: Number(row.item_id), ...toPlacement(row) }));
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
      from: JSON.parse(String(row.from_addr)),
      sender: JSON.parse(String(row.sender_addr)),
      to: JSON.parse(String(row.to_addr)),
      cc: JSON.parse(String(row.cc_addr)),
      bcc: JSON.parse(String(row.bcc_addr)),
      replyTo: JSON.parse(String(row.reply_to_addr)),
      inReplyTo: str(row.in_reply_to),
      references: JSON.parse(String(row.refs)),
      headerRaw: String(row.header_raw),
      text: str(row.text_body),
      hasHtml: Number(row.has_html) === 1,
      flags: JSON.parse(String(row.flags)),
    };
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
    return {
      sources: count('SELECT count(*) AS n FROM sources'),
      items: count('SELECT count(*) AS n FROM items'),
      byType: this.tally('SELECT type AS k, count(*) AS n FROM items GROUP BY type'),
      byStatus: this.tally('SELECT status AS k, count(*) AS n FROM items GROUP BY status'),
      occurrences: count('SELECT count(*) AS n FROM occurrences'),
      duplicates: count('SELECT (SELECT count(*) FROM occurrences) - (SELECT count(*) FROM items) AS n'),
      bytes: count('SELECT ifnull(sum(size), 0) AS n FROM items WHERE sha256 IS NOT NULL'),
      reasons: this.tally(
        'SELECT reason AS k, count(*) AS n FROM items WHERE reason IS NOT NULL GROUP BY reason',
      ),
      duplicateMessageIds,
    };
  }

  async putKeys(records: KeyRecord[], failures: KeyFailure[]): Promise<number> {
    const now = new Date().toISOString();
    let added = 0;
    // Joins the caller's transaction when there is one (keys fetched live during a verification run).
    this.transaction(() => {
      for (const r of records) {
        added += Number(
          this.sql(
            `INSERT OR IGNORE INTO dkim_keys (name, value, source, first_seen, last_seen, fetched_at, imported_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          ).run(r.name.toLowerCase(), r.value, r.source, r.firstSeen, r.lastSeen, r.fetchedAt, now).changes,
        );
      }
      for (const f of failures) {
        added += Number(
          this.sql(
            'INSERT OR IGNORE INTO dkim_key_failures (name, failure, source, imported_at) VALUES (?, ?, ?, ?)',
          ).run(f.name.toLowerCase(), f.failure, 'archive', now).changes,
        );
      }
    });
    return added;
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

  async putDisclosedKeys(keys: DisclosedKey[]): Promise<number> {
    const now = new Date().toISOString();
    let added = 0;
    this.transaction(() => {
      for (const k of keys) {
        added += Number(
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
      }
    });
    return added;
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

  async putVerification(v: VerificationToStore): Promise<void> {
    this.sql(
      'INSERT OR REPLACE INTO verifications (item_id, verdict, judged_at, report, verified_at) VALUES (?, ?, ?, ?, ?)',
    ).run(v.itemId, v.verdict, v.judgedAt, v.reportJson, v.verifiedAt);
    this.sql('DELETE FROM signatures WHERE item_id = ?').run(v.itemId);
    for (const [idx, signature] of v.signatures.entries()) {
      this.sql('INSERT INTO signatures (item_id, idx, key_name, result) VALUES (?, ?, ?, ?)').run(
        v.itemId,
        idx,
        signature.keyName.toLowerCase(),
        signature.result,
      );
    }
  }

  async getVerification(itemId: number): Promise<StoredVerification | null> {
    const row = this.sql('SELECT * FROM verifications WHERE item_id = ?').get(itemId) as Row | undefined;
    if (!row) return null;
    return {
      itemId,
      verdict: String(row.verdict),
      judgedAt: str(row.judged_at),
      report: JSON.parse(String(row.report)),
      verifiedAt: String(row.verified_at),
    };
  }

  async verdicts(): Promise<Map<number, string>> {
    const rows = this.sql('SELECT item_id, verdict FROM verifications').all() as Row[];
    return new Map(rows.map((row) => [Number(row.item_id), String(row.verdict)]));
  }

  async verificationStats(): Promise<VerificationStats> {
    return {
      verdicts: this.tally(
        'SELECT verdict AS k, count(*) AS n FROM verifications GROUP BY verdict ORDER BY verdict',
      ),
      signatures: this.tally(
        'SELECT result AS k, count(*) AS n FROM signatures GROUP BY result ORDER BY result',
      ),
    };
  }

  async messagesToReverify(all: boolean): Promise<number[]> {
    const rows = all
      ? this.sql(`SELECT item_id FROM verifications WHERE verdict <> 'unsigned' ORDER BY item_id`).all()
      : this.sql(
          `SELECT DISTINCT v.item_id FROM verifications v
           JOIN signatures s ON s.item_id = v.item_id
           WHERE EXISTS (SELECT 1 FROM dkim_keys k WHERE k.name = s.key_name AND k.imported_at > v.verified_at)
              OR EXISTS (SELECT 1 FROM dkim_key_failures f WHERE f.name = s.key_name AND f.imported_at > v.verified_at)
              OR EXISTS (SELECT 1 FROM disclosed_keys d
                         WHERE d.selector || '._domainkey.' || d.domain = s.key_name AND d.imported_at > v.verified_at)
           ORDER BY v.item_id`,
        ).all();
    return (rows as Row[]).map((row) => Number(row.item_id));
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}

function str(value: SQLInputValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function num(value: SQLInputValue | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function toPlacement(row: Row): Placement {
  return {
    sourceId: Number(row.source_id),
    parentId: num(row.parent_id),
    path: String(row.path),
    byteStart: num(row.byte_start),
    byteEnd: num(row.byte_end),
  };
}

function toItem(row: Row): ItemRecord {
  return {
    id: Number(row.id),
    sha256: str(row.sha256),
    size: Number(row.size),
    type: String(row.type) as ItemRecord['type'],
    detected: String(row.detected),
    declaredType: str(row.declared_type),
    filename: str(row.filename),
    status: String(row.status) as ItemRecord['status'],
    reason: str(row.reason),
    transformations: JSON.parse(String(row.transformations)),
    ...toPlacement(row),
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
