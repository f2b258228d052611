// The workbench's tables on SQLite (schemas 10 and 11): users, tags, notes, the audit log and sessions. Each call is
// its own short write (a savepoint when it takes several statements), so a reviewer's tag never waits
// for an ingest's unit of work to end beyond SQLite's busy timeout.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { AuditRecord, NoteRecord, Role, SessionRecord, UserRecord, WorkbenchStore } from '../store.ts';

type Row = Record<string, SQLInputValue>;

export class SqliteWorkbench implements WorkbenchStore {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Several statements as one: a savepoint nests inside a unit of work that may be open. */
  private atomically<T>(work: () => T): T {
    this.db.exec('SAVEPOINT workbench');
    try {
      const result = work();
      this.db.exec('RELEASE workbench');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK TO workbench');
      this.db.exec('RELEASE workbench');
      throw err;
    }
  }

  async putUser(user: UserRecord): Promise<void> {
    this.atomically(() => {
      this.sql(
        `DELETE FROM sessions WHERE user = ?
         AND EXISTS (SELECT 1 FROM users WHERE name = ? AND password_hash <> ?)`,
      ).run(user.name, user.name, user.passwordHash);
      this.sql(
        `INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash`,
      ).run(user.name, user.role, user.passwordHash, user.createdAt);
    });
  }

  /** Their sessions go with them (ON DELETE CASCADE). */
  async removeUser(name: string): Promise<boolean> {
    return this.sql('DELETE FROM users WHERE name = ?').run(name).changes > 0;
  }

  async getUser(name: string): Promise<UserRecord | null> {
    const row = this.sql('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined;
    return row ? userOf(row) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (this.sql('SELECT * FROM users ORDER BY name').all() as Row[]).map(userOf);
  }

  async countUsers(): Promise<number> {
    return Number((this.sql('SELECT count(*) AS n FROM users').get() as Row).n);
  }

  async tagsOf(itemId: number): Promise<string[]> {
    return (this.sql('SELECT tag FROM item_tags WHERE item_id = ? ORDER BY tag').all(itemId) as Row[]).map(
      (r) => String(r.tag),
    );
  }

  async addTags(itemId: number, tags: string[], author: string, time: string): Promise<string[]> {
    const insert = this.sql(
      'INSERT INTO item_tags (item_id, tag, author, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    return this.atomically(() => tags.filter((tag) => insert.run(itemId, tag, author, time).changes > 0));
  }

  async removeTags(itemId: number, tags: string[]): Promise<string[]> {
    const remove = this.sql('DELETE FROM item_tags WHERE item_id = ? AND tag = ?');
    return this.atomically(() => tags.filter((tag) => remove.run(itemId, tag).changes > 0));
  }

  async notesOf(itemId: number): Promise<NoteRecord[]> {
    return (this.sql('SELECT * FROM item_notes WHERE item_id = ? ORDER BY id').all(itemId) as Row[]).map(
      noteOf,
    );
  }

  async addNote(itemId: number, author: string, text: string, time: string): Promise<NoteRecord> {
    const row = this.sql(
      'INSERT INTO item_notes (item_id, author, text, created_at) VALUES (?, ?, ?, ?) RETURNING *',
    ).get(itemId, author, text, time) as Row;
    return noteOf(row);
  }

  async removeNote(itemId: number, noteId: number): Promise<boolean> {
    return this.sql('DELETE FROM item_notes WHERE id = ? AND item_id = ?').run(noteId, itemId).changes > 0;
  }

  async flagged(
    verdicts: string[],
    page: { limit: number; offset: number },
  ): Promise<{ total: number; ids: number[] }> {
    const marks = verdicts.map(() => '?').join(', ') || 'NULL';
    const flagged = `WITH flagged(item_id) AS (
        SELECT item_id FROM item_tags
        UNION SELECT item_id FROM findings WHERE severity = 'high'
        UNION SELECT item_id FROM analyses WHERE analyser = 'dkim' AND summary IN (${marks})
      )`;
    const total = Number(
      (this.db.prepare(`${flagged} SELECT count(*) AS n FROM flagged`).get(...verdicts) as Row).n,
    );
    const ids = (
      this.db
        .prepare(
          `${flagged} SELECT f.item_id AS id FROM flagged f LEFT JOIN messages m ON m.item_id = f.item_id
           ORDER BY m.date IS NULL, m.date DESC, f.item_id DESC LIMIT ? OFFSET ?`,
        )
        .all(...verdicts, page.limit, page.offset) as Row[]
    ).map((r) => Number(r.id));
    return { total, ids };
  }

  async appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<void> {
    this.sql(
      'INSERT INTO audit_log (time, user, via, address, action, item_id, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      entry.time,
      entry.user,
      entry.via,
      entry.address,
      entry.action,
      entry.itemId,
      JSON.stringify(entry.details),
    );
  }

  async readAudit(afterId: number, limit: number): Promise<AuditRecord[]> {
    const rows = this.sql('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?').all(
      afterId,
      limit,
    ) as Row[];
    return rows.map((row) => ({
      id: Number(row.id),
      time: String(row.time),
      user: String(row.user),
      via: row.via === 'cli' ? 'cli' : 'web',
      address: row.address === null ? null : String(row.address),
      action: String(row.action),
      itemId: row.item_id === null ? null : Number(row.item_id),
      details: JSON.parse(String(row.details)) as Record<string, unknown>,
    }));
  }

  async putSession(session: SessionRecord, now: string): Promise<void> {
    this.atomically(() => {
      this.sql('DELETE FROM sessions WHERE expires_at <= ?').run(now);
      this.sql('INSERT INTO sessions (token_sha256, user, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
        session.tokenSha256,
        session.user,
        session.createdAt,
        session.expiresAt,
      );
    });
  }

  async getSession(tokenSha256: string): Promise<SessionRecord | null> {
    const row = this.sql('SELECT * FROM sessions WHERE token_sha256 = ?').get(tokenSha256) as Row | undefined;
    return row
      ? {
          tokenSha256: String(row.token_sha256),
          user: String(row.user),
          createdAt: String(row.created_at),
          expiresAt: String(row.expires_at),
        }
      : null;
  }

  async extendSession(tokenSha256: string, expiresAt: string): Promise<void> {
    this.sql('UPDATE sessions SET expires_at = ? WHERE token_sha256 = ?').run(expiresAt, tokenSha256);
  }

  async removeSession(tokenSha256: string): Promise<void> {
    this.sql('DELETE FROM sessions WHERE token_sha256 = ?').run(tokenSha256);
  }
}

function userOf(row: Row): UserRecord {
  return {
    name: String(row.name),
    role: String(row.role) as Role,
    passwordHash: String(row.password_hash),
    createdAt: String(row.created_at),
  };
}

function noteOf(row: Row): NoteRecord {
  return {
    id: Number(row.id),
    itemId: Number(row.item_id),
    author: String(row.author),
    text: String(row.text),
    createdAt: String(row.created_at),
  };
}
