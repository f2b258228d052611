// Versioned schema: each entry upgrades from the previous version; PRAGMA user_version records where a case is.

export const migrations: string[] = [
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
];
