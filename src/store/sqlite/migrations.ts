// Versioned schema: each entry upgrades from the previous version; PRAGMA user_version records where a case is.
// An entry is SQL, or a function for a step SQL cannot say exactly (splitting addresses into rows).
import type { DatabaseSync } from 'node:sqlite';
import { participantsOf } from '../participants.ts';
import type { MailAddress } from '../store.ts';

export type Migration = string | ((db: DatabaseSync) => void);

export const migrations: Migration[] = [
  // 1: sources, items, occurrences, messages.
  `
  CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'directory')),
    size INTEGER,
    sha256 TEXT,
    started_at TEXT NOT NULL,
    completed_at TEXT
  );
  -- Leaf files of a source already ingested: what makes a re-run skip them.
  CREATE TABLE source_files (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (source_id, path, sha256)
  ) WITHOUT ROWID;
  -- One row per distinct content (or per unreadable place when there are no bytes); the placement
  -- columns give where it was first found, occurrences give every place.
  CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    sha256 TEXT UNIQUE,
    size INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('message', 'attachment', 'document', 'container')),
    detected TEXT NOT NULL,
    declared_type TEXT,
    filename TEXT,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'limited')),
    reason TEXT,
    transformations TEXT NOT NULL DEFAULT '[]',
    source_id INTEGER NOT NULL REFERENCES sources(id),
    parent_id INTEGER REFERENCES items(id),
    path TEXT NOT NULL,
    byte_start INTEGER,
    byte_end INTEGER
  );
  CREATE INDEX items_parent ON items(parent_id);
  CREATE INDEX items_type ON items(type, id);
  CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    parent_id INTEGER REFERENCES items(id),
    path TEXT NOT NULL,
    byte_start INTEGER,
    byte_end INTEGER
  );
  CREATE UNIQUE INDEX occurrences_place
    ON occurrences(source_id, ifnull(parent_id, 0), path, ifnull(byte_start, -1), item_id);
  CREATE INDEX occurrences_item ON occurrences(item_id);
  CREATE INDEX occurrences_parent ON occurrences(parent_id);
  CREATE TABLE messages (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    message_id TEXT,
    date_raw TEXT,
    date TEXT,
    subject TEXT,
    from_addr TEXT NOT NULL,
    sender_addr TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    cc_addr TEXT NOT NULL,
    bcc_addr TEXT NOT NULL,
    reply_to_addr TEXT NOT NULL,
    in_reply_to TEXT,
    refs TEXT NOT NULL,
    header_raw TEXT NOT NULL,
    text_body TEXT,
    has_html INTEGER NOT NULL,
    flags TEXT NOT NULL
  );
  CREATE INDEX messages_message_id ON messages(message_id);
  `,
  // 2: the key archive and verification results.
  `
  CREATE TABLE dkim_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    fetched_at TEXT,
    imported_at TEXT NOT NULL,
    UNIQUE (name, value, source)
  );
  CREATE TABLE dkim_key_failures (
    name TEXT NOT NULL,
    failure TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (name, failure, source)
  ) WITHOUT ROWID;
  CREATE TABLE verifications (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    verdict TEXT NOT NULL,
    judged_at TEXT,
    report TEXT NOT NULL,
    verified_at TEXT NOT NULL
  );
  CREATE INDEX verifications_verdict ON verifications(verdict);
  CREATE TABLE signatures (
    item_id INTEGER NOT NULL REFERENCES items(id),
    idx INTEGER NOT NULL,
    key_name TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (item_id, idx)
  ) WITHOUT ROWID;
  CREATE INDEX signatures_key_name ON signatures(key_name);
  `,
  // 3: keys whose private half was published (a signature made with one proves nothing).
  `
  CREATE TABLE disclosed_keys (
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL,
    selector TEXT NOT NULL,
    disclosed TEXT NOT NULL,
    source TEXT NOT NULL,
    public_key TEXT,
    imported_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX disclosed_keys_identity ON disclosed_keys(domain, selector, ifnull(public_key, ''), source);
  `,
  // 4: the shape every analysis and face builds on. Placement facts move from items to
  // occurrences; reasons become codes (old sentences are kept as `legacy.text`); addresses become
  // participant rows; verification becomes the `dkim` analyser's rows in analyses (its inputs, the
  // key names, in analysis_inputs); findings; a revision on every change.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('revision', 1);

  CREATE TABLE items_v4 (
    id INTEGER PRIMARY KEY,
    sha256 TEXT UNIQUE,
    -- An item without bytes is identified by its place (see placeKey).
    place_key TEXT UNIQUE,
    size INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('message', 'attachment', 'document', 'container')),
    format TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'limited')),
    reason_code TEXT,
    reason_params TEXT,
    revision INTEGER NOT NULL,
    CHECK ((sha256 IS NULL) <> (place_key IS NULL))
  );
  INSERT INTO items_v4 (id, sha256, place_key, size, type, format, status, reason_code, reason_params, revision)
    SELECT id, sha256,
      CASE WHEN sha256 IS NULL THEN source_id || '/' || ifnull(parent_id, '') || '/' || ifnull(byte_start, '') || '/' || path END,
      size, type, detected, status,
      CASE WHEN reason IS NULL THEN NULL ELSE 'legacy.text' END,
      CASE WHEN reason IS NULL THEN NULL ELSE json_object('text', reason) END,
      1
    FROM items;

  CREATE TABLE occurrences_v4 (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    parent_id INTEGER REFERENCES items(id),
    path TEXT NOT NULL,
    path_raw BLOB,
    byte_start INTEGER,
    byte_end INTEGER,
    filename TEXT,
    declared_type TEXT,
    transformations TEXT NOT NULL DEFAULT '[]',
    flags TEXT NOT NULL DEFAULT '[]',
    revision INTEGER NOT NULL
  );
  -- Version 3 kept one name and declared type per item: every copy gets them, as it showed them.
  INSERT INTO occurrences_v4 (id, item_id, source_id, parent_id, path, path_raw, byte_start, byte_end,
      filename, declared_type, transformations, flags, revision)
    SELECT o.id, o.item_id, o.source_id, o.parent_id, o.path, NULL, o.byte_start, o.byte_end,
      i.filename, i.declared_type, i.transformations, '[]', 1
    FROM occurrences o JOIN items i ON i.id = o.item_id;

  CREATE TABLE participants (
    item_id INTEGER NOT NULL REFERENCES items(id),
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    domain TEXT NOT NULL,
    PRIMARY KEY (item_id, role, position)
  ) WITHOUT ROWID;

  CREATE TABLE analyses (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    analyser TEXT NOT NULL,
    version TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
    summary TEXT,
    result TEXT NOT NULL,
    revision INTEGER NOT NULL,
    analysed_at TEXT NOT NULL,
    UNIQUE (item_id, analyser)
  );
  -- Version 3's reports hold sentences: marked as an older version, so \`crible analyse\` redoes them.
  INSERT INTO analyses (item_id, analyser, version, status, summary, result, revision, analysed_at)
    SELECT item_id, 'dkim', 'schema-3', 'ok', verdict, report, 1, verified_at FROM verifications;
  CREATE TABLE analysis_inputs (
    input TEXT NOT NULL,
    item_id INTEGER NOT NULL REFERENCES items(id),
    analyser TEXT NOT NULL,
    PRIMARY KEY (input, item_id, analyser)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO analysis_inputs (input, item_id, analyser)
    SELECT 'dkim-key:' || key_name, item_id, 'dkim' FROM signatures;
  -- The revision at which each input (a key name) last changed.
  CREATE TABLE input_changes (input TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    analyser TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('high', 'medium', 'low', 'info')),
    params TEXT NOT NULL,
    evidence TEXT NOT NULL,
    revision INTEGER NOT NULL
  );
  `,
  (db) => {
    const insert = db.prepare(
      'INSERT INTO participants (item_id, role, position, name, address, domain) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const columns = [
      ['from', 'from_addr'],
      ['sender', 'sender_addr'],
      ['to', 'to_addr'],
      ['cc', 'cc_addr'],
      ['bcc', 'bcc_addr'],
      ['replyTo', 'reply_to_addr'],
    ] as const;
    for (const row of db.prepare('SELECT * FROM messages').iterate() as Iterable<Record<string, unknown>>) {
      const lists = Object.fromEntries(
        columns.map(([field, column]) => [field, JSON.parse(String(row[column])) as MailAddress[]]),
      ) as Record<(typeof columns)[number][0], MailAddress[]>;
      for (const [position, p] of participantsOf(lists).entries())
        insert.run(Number(row.item_id), p.role, position, p.name, p.address, p.domain);
    }
  },
  `
  DROP TABLE signatures;
  DROP TABLE verifications;
  DROP TABLE occurrences;
  DROP TABLE items;
  ALTER TABLE items_v4 RENAME TO items;
  ALTER TABLE occurrences_v4 RENAME TO occurrences;
  ALTER TABLE messages DROP COLUMN from_addr;
  ALTER TABLE messages DROP COLUMN sender_addr;
  ALTER TABLE messages DROP COLUMN to_addr;
  ALTER TABLE messages DROP COLUMN cc_addr;
  ALTER TABLE messages DROP COLUMN bcc_addr;
  ALTER TABLE messages DROP COLUMN reply_to_addr;
  CREATE INDEX items_type ON items(type, id);
  CREATE INDEX items_status ON items(status);
  CREATE INDEX items_revision ON items(revision);
  CREATE UNIQUE INDEX occurrences_place ON occurrences(source_id, ifnull(parent_id, 0), path,
    ifnull(path_raw, x''), ifnull(byte_start, -1), item_id);
  CREATE INDEX occurrences_item ON occurrences(item_id);
  CREATE INDEX occurrences_parent ON occurrences(parent_id);
  CREATE INDEX participants_address ON participants(address, role);
  CREATE INDEX participants_domain ON participants(domain, role);
  CREATE INDEX analyses_summary ON analyses(analyser, summary);
  CREATE INDEX analysis_inputs_item ON analysis_inputs(item_id, analyser);
  CREATE INDEX findings_item ON findings(item_id);
  CREATE INDEX findings_code ON findings(code, item_id);
  `,
  // 7: search. The text index is contentless (the text stays in messages, snippets are made from it):
  // exact columns hold accent-folded words, the _stem columns the French and English Snowball stems of
  // the subject and body (folded and stemmed in JS: node:sqlite has no tokenizer API). Substrings
  // (identifiers, parts of names) go through trigrams. search_progress says which revision of the
  // change feed the index reflects; threads holds the JWZ conversations.
  `
  CREATE VIRTUAL TABLE search_text USING fts5(
    subject, body, from_people, to_people, cc_people, other_people, filename, author, subject_stem, body_stem,
    content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 2"
  );
  CREATE VIRTUAL TABLE search_substring USING fts5(
    subject, people, filename, identifiers,
    content='', contentless_delete=1, tokenize="trigram remove_diacritics 1"
  );
  CREATE TABLE search_progress (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO search_progress (key, value) VALUES ('revision', 0), ('cursor', 0), ('target', 0);
  CREATE TABLE threads (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    thread_id INTEGER NOT NULL,
    parent_item_id INTEGER,
    depth INTEGER NOT NULL
  );
  CREATE INDEX threads_thread ON threads(thread_id);
  CREATE INDEX messages_date ON messages(date, item_id);
  `,
  // 8: completeness. How many members each container says it holds, in all (path '') or per folder
  // (a path prefix of its members), as its format read it: compared with what was extracted.
  `
  CREATE TABLE expected_counts (
    item_id INTEGER NOT NULL REFERENCES items(id),
    path TEXT NOT NULL,
    count INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (item_id, path)
  ) WITHOUT ROWID;
  `,
  // 9: documents. The text an analyser read from an item (a document's text layer, or OCR), for the
  // search index and `crible show`; and the case's settings (the forensic cut-off once given).
  `
  CREATE TABLE item_texts (
    item_id INTEGER NOT NULL REFERENCES items(id),
    analyser TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('document', 'ocr')),
    text TEXT NOT NULL,
    people TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (item_id, analyser)
  ) WITHOUT ROWID;
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, revision INTEGER NOT NULL) WITHOUT ROWID;
  `,
  // 10: the workbench. Its users (scrypt hashes with their salt and parameters), tags and notes people
  // put on items, and the audit log of every write and every download of original bytes.
  `
  CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'viewer')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE item_tags (
    item_id INTEGER NOT NULL REFERENCES items(id),
    tag TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
  ) WITHOUT ROWID;
  CREATE INDEX item_tags_tag ON item_tags(tag);
  CREATE TABLE item_notes (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX item_notes_item ON item_notes(item_id);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    user TEXT NOT NULL,
    via TEXT NOT NULL,
    address TEXT,
    action TEXT NOT NULL,
    item_id INTEGER,
    details TEXT NOT NULL
  );
  `,
  // 11: workbench sessions, so that a restart of serve logs nobody out. Only a SHA-256 of each session
  // token is kept (the case file alone opens no session); a removed user's sessions go with them.
  `
  CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX sessions_user ON sessions(user);
  CREATE INDEX sessions_expiry ON sessions(expires_at);
  `,
  // 12: the revision of the last change to what the search index reads of an item, apart from the
  // item's own: verifying mail again changes verdicts, not texts, and no longer re-indexes every message.
  `
  ALTER TABLE items ADD COLUMN text_revision INTEGER NOT NULL DEFAULT 0;
  UPDATE items SET text_revision = revision;
  CREATE INDEX items_text_revision ON items(text_revision);
  `,
];
