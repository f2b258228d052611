import type { DisclosedKey } from '../keys/disclosed.ts';
import type { KeyFailure } from '../keys/formats/types.ts';
import type { KeyRecord } from '../keys/types.ts';
import type { Coded } from '../report/catalogue.ts';
import type { SearchIndex } from './search.ts';

// The only door to a case: items, occurrences, messages and participants, analyses and findings,
// keys, blobs and custody. Everything above it (ingest, analysers, the CLI, the web server to come)
// talks to this interface, never to a path of the case, so a PostgreSQL store can replace the
// embedded one without touching them. Only types flow down into this file.

/** A key name the case's messages need and its archive lacks: the key hunt's list. */
export interface MissingKey {
  /** `<selector>._domainkey.<domain>`, lower-case. */
  name: string;
  /** Messages whose verification read this key name. */
  messages: number;
  /** Of those, messages whose verdict is key-unavailable (no other signature settled them). */
  unavailable: number;
  /** Earliest and latest Date of those messages (ISO 8601), null when none is dated. */
  first: string | null;
  last: string | null;
  /** DNS failures recorded for the name (ENOTFOUND…), from key imports or earlier --dns runs. */
  failures: string[];
}

/** The analysis input under which a key's changes re-run the analyses that read that key name. */
export function keyInput(name: string): string {
  return `dkim-key:${name.toLowerCase()}`;
}

export type ItemType = 'message' | 'attachment' | 'document' | 'container';
export type ItemStatus = 'ok' | 'failed' | 'limited';

/** One place an item was found, with what that place says about it. */
export interface Placement {
  sourceId: number;
  parentId: number | null;
  /**
   * Path inside the source directory, or inside the parent (entry name, MIME part path…), as
   * displayable text: bytes that are not UTF-8 are shown as `\xNN` escapes.
   */
  path: string;
  /** The exact bytes of the path when they are not UTF-8 (null when `path` is exact). */
  pathRaw: Buffer | null;
  /** Byte range [start, end) inside the parent: an mbox member in its mbox, a MIME part in its message. */
  byteStart: number | null;
  byteEnd: number | null;
  /** The name this place gives the item (an attachment's filename, an archive member's base name). */
  filename: string | null;
  /** Content-Type as declared by the carrier (attachments), verbatim. */
  declaredType: string | null;
  /** Reversible changes needed to read the stored bytes from this place, e.g. mbox `>From ` un-escaping. */
  transformations: string[];
  /**
   * Things to know about this place: `name-not-utf8`; `encoded-range:base64` (a MIME part: the byte
   * range holds its body still transfer-encoded, and decoding it gives the stored bytes)…
   */
  flags: string[];
}

/** What an item is, whatever place it was found at. */
export interface NewItem {
  /** Null only when no bytes could be read (an entry cut off by a limit, a link not followed). */
  sha256: string | null;
  size: number;
  type: ItemType;
  /** Format recognised from the content: eml, mbox, zip, tar, gzip, pdf, docx, unknown… */
  format: string;
  status: ItemStatus;
  reason: Coded | null;
}

export interface ItemRecord extends NewItem {
  id: number;
  /** The revision of the last change to the item or its analyses (see Store.changesSince). */
  revision: number;
  /** The first place it was found. */
  first: OccurrenceRecord;
}

export interface OccurrenceRecord extends Placement {
  id: number;
  itemId: number;
}

export interface MailAddress {
  name: string;
  address: string;
}

export const PARTICIPANT_ROLES = ['from', 'sender', 'to', 'cc', 'bcc', 'reply-to'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** A message's date and From addresses (Store.messageSenders). */
export interface MessageSender {
  itemId: number;
  date: string | null;
  from: MailAddress[];
}

/** One address of a message in one role, normalised for facets and the correspondents graph. */
export interface Participant {
  role: ParticipantRole;
  name: string;
  /** Lower-cased address (empty when the header held only a name). */
  address: string;
  /** Lower-cased domain part of the address (empty when it has none). */
  domain: string;
}

export interface MessageFields {
  messageId: string | null;
  /** The Date header exactly as written. */
  dateRaw: string | null;
  /** The instant it denotes (ISO 8601, UTC), or null when it cannot be parsed. */
  date: string | null;
  subject: string | null;
  from: MailAddress[];
  sender: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  inReplyTo: string | null;
  references: string[];
  headerRaw: string;
  /** Plain text body (derived from the HTML when there is no text part). */
  text: string | null;
  /** Whether an HTML body exists (the HTML is read from the stored original when needed). */
  hasHtml: boolean;
  /** Things a reader must know about how the message was read (unparseable date, 8-bit headers…). */
  flags: string[];
}

export interface MessageRecord extends MessageFields {
  itemId: number;
}

export interface SourceRecord {
  id: number;
  path: string;
  kind: 'file' | 'directory';
  /** Size and SHA-256 as of the last completed ingest (a directory's SHA-256 covers its listing of file hashes). */
  size: number | null;
  sha256: string | null;
  startedAt: string;
  completedAt: string | null;
}

export interface SourceCounts {
  found: number;
  ok: number;
  failed: number;
  limited: number;
  duplicates: number;
  /** Why items were failed or limited: one entry per distinct reason, with its count. */
  reasons: { reason: Coded; count: number }[];
}

export type Severity = 'high' | 'medium' | 'low' | 'info';

/** Something an analyser or rule found about an item, as a code with its evidence. */
export interface Finding {
  code: string;
  severity: Severity;
  params: Record<string, unknown>;
  /** The field values that fired it, for a person to check. */
  evidence: Record<string, unknown>;
}

export interface FindingRecord extends Finding {
  itemId: number;
  analyser: string;
}

export type AnalysisStatus = 'ok' | 'failed' | 'skipped';

/** One analyser's result for one item. */
export interface AnalysisToStore {
  itemId: number;
  analyser: string;
  version: string;
  status: AnalysisStatus;
  /** The headline value, indexed for filters (the verdict, for DKIM). */
  summary: string | null;
  /** The full result, serialised once by whoever computed it (a worker thread during ingest). */
  resultJson: string;
  /** What the result depends on beyond the item's bytes (key names…): a change to one re-runs it. */
  inputs: string[];
  findings: Finding[];
  /** Text read from the item: replaces what this analyser read before (null or absent: none). */
  text?: ItemText | null;
}

/** Text read from an item by an analyser (a document's text layer, or OCR of its images). */
export interface ItemText {
  source: 'document' | 'ocr';
  text: string;
  /** Names the document gives as its authors (indexed for `author:`). */
  people?: string[];
}

export interface AnalysisRecord {
  itemId: number;
  analyser: string;
  version: string;
  status: AnalysisStatus;
  summary: string | null;
  result: unknown;
  revision: number;
  analysedAt: string;
}

export interface ItemFilter {
  type?: ItemType | 'all';
  status?: ItemStatus[];
  /** Only items whose analysis by `analyser` has one of these summaries (verdicts, for `dkim`). */
  summaries?: { analyser: string; values: string[] };
  /** Only items with a finding of one of these codes. */
  findings?: string[];
  /** Only messages sent by this address, or by an address of this domain (or a subdomain). */
  from?: string;
  /** Only messages addressed (to, cc, bcc) to this address, or to this domain (or a subdomain). */
  to?: string;
  /** Only messages with a participant in any role at this domain (or a subdomain). */
  domain?: string;
  /** Only messages dated at or after this instant (ISO 8601, UTC). */
  since?: string;
  /** Only messages dated before this instant (ISO 8601, UTC). */
  until?: string;
  /**
   * Order of the rows (default `id`): `date` (undated last), `from` (first From address), or `summary`:
   * by one analyser's summary in the order of `values` (others after), then id.
   */
  sort?: { by: 'id' | 'date' | 'from' } | { by: 'summary'; analyser: string; values: string[] };
  afterId?: number;
  limit?: number;
  offset?: number;
}

export interface CaseStats {
  sources: number;
  items: number;
  byType: Record<string, number>;
  byStatus: Record<string, number>;
  /** Items by recognised format. */
  byFormat: Record<string, number>;
  occurrences: number;
  duplicates: number;
  bytes: number;
  reasons: { reason: Coded; count: number }[];
  duplicateMessageIds: { messageId: string; itemIds: number[] }[];
}

/** A container's members: what it says it holds (null when it does not say), and what became of them. */
export interface MemberCounts {
  expected: number | null;
  /** Members read (status ok), failed, limited: every member found, whatever became of it. */
  ok: number;
  failed: number;
  limited: number;
}

export interface ContainerCounts extends MemberCounts {
  itemId: number;
  format: string;
  /** The container's own status (failed when it could not be read to its end). */
  status: ItemStatus;
  /** Where it was first found (displayable). */
  path: string;
  /** Per folder, when the container counts its folders (a mail store). */
  folders: ({ path: string } & MemberCounts)[];
}

/** Work waiting for one analyser: items it never ran on, ran on at another version, or whose inputs changed. */
export interface PendingQuery {
  analyser: string;
  version: string;
  types: ItemType[];
  /** Include every item it has a result for, stale or not. */
  all?: boolean;
  limit?: number;
  afterId?: number;
}

/** Content-addressed bytes: every distinct content once, by SHA-256. */
export interface BlobStore {
  /** Stores bytes whose SHA-256 the caller computed, unless already there whole. */
  put(sha256: string, bytes: Uint8Array): void;
  /** Stores a file too large to hold in memory (SHA-256 computed by the caller). */
  putFile(sha256: string, path: string | Buffer): Promise<void>;
  /** Moves a spooled temporary file (see spoolPath) into the store; returns a path to read it from. */
  adopt(sha256: string, spooled: string): string;
  read(sha256: string): Buffer;
  /** A readable stream of [start, end). */
  openStream(sha256: string, start?: number, end?: number): NodeJS.ReadableStream;
  /** A new path for a temporary file of this case (a member spooled while it is read); removed if the run dies. */
  spoolPath(): string;
}

/** One line of the custody log: what a completed ingest of one source found, and which code found it. */
export interface CustodyLine {
  path: string;
  kind: 'file' | 'directory';
  sha256: string;
  size: number;
  counts: SourceCounts;
  crible: string;
  time: string;
}

export interface CustodyLog {
  /** Appends a line unless the last line for this path says the same; returns whether it appended. */
  record(line: CustodyLine): boolean;
  read(): CustodyLine[];
}

/**
 * Writes, only inside Store.transaction: one unit of work commits whole or not at all, and every
 * row it writes carries the unit's revision. Items and occurrences are written by insert-or-get on
 * their natural keys (SHA-256; the placement), so two writers cannot race into duplicates.
 */
export interface StoreWriter {
  readonly revision: number;
  /** The item with this content (or, without bytes, at this place), created when new. */
  putItem(item: NewItem, at: Placement): { id: number; isNew: boolean };
  /** Records one more place of an existing item; returns whether that place was new. */
  putOccurrence(itemId: number, at: Placement): boolean;
  /** Records that a container turned out unreadable part-way, after its entries were recorded. */
  setItemStatus(id: number, status: ItemStatus, reason: Coded | null): void;
  /** A message's fields; its participants are written from the address lists. */
  putMessage(itemId: number, fields: MessageFields): void;
  /** Replaces one analyser's result and findings for an item. */
  putAnalysis(analysis: AnalysisToStore): void;

  openSource(path: string, kind: 'file' | 'directory'): SourceRecord;
  completeSource(sourceId: number, size: number, sha256: string): void;
  markFileDone(sourceId: number, path: string, size: number, sha256: string): void;
  /** How many members a container says it holds, in all (`path` '') or in one folder (a prefix of their paths). */
  putExpectedCount(itemId: number, path: string, count: number): void;

  /** A setting of the case (`forensics.cutoff`…), kept until replaced; null removes it. */
  putSetting(key: string, value: string | null): void;

  /** Adds archived key records and recorded DNS failures; returns how many were new. */
  putKeys(records: KeyRecord[], failures: KeyFailure[]): number;
  /** Records disclosed keys (those already listed are kept); returns how many are new. */
  putDisclosedKeys(keys: DisclosedKey[]): number;
}

export const ROLES = ['admin', 'reviewer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** A person who may open the workbench; `passwordHash` carries its salt and parameters. */
export interface UserRecord {
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
}

export interface NoteRecord {
  id: number;
  itemId: number;
  author: string;
  text: string;
  createdAt: string;
}

/** A workbench session: a SHA-256 of its token (never the token), whose it is, when it began and ends. */
export interface SessionRecord {
  tokenSha256: string;
  user: string;
  createdAt: string;
  expiresAt: string;
}

/** One line of the audit log: who did what, when, to which item, through which face. */
export interface AuditRecord {
  id: number;
  time: string;
  user: string;
  via: 'web' | 'cli';
  /** The network address of a web request. */
  address: string | null;
  action: string;
  itemId: number | null;
  details: Record<string, unknown>;
}

/**
 * What people add to a case while they work it (users, tags, notes, the audit log): written at once,
 * outside the units of work of ingest, and never part of the change feed.
 */
export interface WorkbenchStore {
  /** Adds a user or replaces one; a new password ends the user's sessions. */
  putUser(user: UserRecord): Promise<void>;
  /** Removes a user and ends their sessions. */
  removeUser(name: string): Promise<boolean>;
  getUser(name: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
  tagsOf(itemId: number): Promise<string[]>;
  /** Returns the tags that were new on the item. */
  addTags(itemId: number, tags: string[], author: string, time: string): Promise<string[]>;
  /** Returns the tags that were there. */
  removeTags(itemId: number, tags: string[]): Promise<string[]>;
  notesOf(itemId: number): Promise<NoteRecord[]>;
  addNote(itemId: number, author: string, text: string, time: string): Promise<NoteRecord>;
  removeNote(itemId: number, noteId: number): Promise<boolean>;
  /** Items with a tag, a high finding or a DKIM summary among `verdicts`: newest message date first. */
  flagged(
    verdicts: string[],
    page: { limit: number; offset: number },
  ): Promise<{ total: number; ids: number[] }>;
  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<void>;
  /** The log in order, from the entry after `afterId`. */
  readAudit(afterId: number, limit: number): Promise<AuditRecord[]>;
  /** Records a new session, and removes every session that ended before `now`. */
  putSession(session: SessionRecord, now: string): Promise<void>;
  getSession(tokenSha256: string): Promise<SessionRecord | null>;
  /** Moves a session's end (a session in use stays open). */
  extendSession(tokenSha256: string, expiresAt: string): Promise<void>;
  removeSession(tokenSha256: string): Promise<void>;
}

/** Async where a client/server database needs it; the embedded store answers at once. */
export interface Store {
  readonly blobs: BlobStore;
  readonly custody: CustodyLog;
  /** Full-text search, facets, threads and correspondents (store/search.ts). */
  readonly search: SearchIndex;
  /** Users, tags, notes and the audit log of the workbench. */
  readonly workbench: WorkbenchStore;

  /** Runs `work` as one unit of work: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (writer: StoreWriter) => Promise<T> | T): Promise<T>;
  /** The revision of the last committed unit of work. */
  revision(): Promise<number>;

  isFileDone(sourceId: number, path: string, size: number, sha256: string): Promise<boolean>;
  /** The SHA-256 recorded for a file already done at this path with this size, if any. */
  doneFileSha(sourceId: number, path: string, size: number): Promise<string | null>;
  sourceCounts(sourceId: number): Promise<SourceCounts>;
  /** Every container with what it says it holds and what was extracted from it, in item order. */
  containerCounts(): Promise<ContainerCounts[]>;
  listSources(): Promise<SourceRecord[]>;
  /** Sources whose last ingest did not complete. */
  unfinishedSources(): Promise<SourceRecord[]>;

  getItem(id: number): Promise<ItemRecord | null>;
  /** Filtered in the store (SQL), in id order. */
  listItems(filter: ItemFilter): Promise<ItemRecord[]>;
  countItems(filter: ItemFilter): Promise<number>;
  /**
   * Items whose text changed after `revision` (what the search index reads: subject, body, people,
   * file names, extracted text), in id order, with the revision of that change; the first `limit`.
   */
  textChangesSince(revision: number, limit?: number): Promise<{ itemId: number; revision: number }[]>;
  childrenOf(id: number): Promise<ItemRecord[]>;
  occurrencesOf(itemId: number): Promise<OccurrenceRecord[]>;
  getMessage(itemId: number): Promise<MessageRecord | null>;
  participantsOf(itemId: number): Promise<Participant[]>;
  /**
   * The date and From of the messages an analyser summed up with one of `summaries` (the senders of
   * authentic mail), by item id after `afterId`, `limit` messages at a time: what the forensic
   * rules read of every such message, without its header or text.
   */
  messageSenders(query: {
    analyser: string;
    summaries: readonly string[];
    afterId: number;
    limit: number;
  }): Promise<MessageSender[]>;
  stats(): Promise<CaseStats>;

  getAnalysis(itemId: number, analyser: string): Promise<AnalysisRecord | null>;
  /** Counts of analyses by summary for one analyser (verdicts, for `dkim`). */
  summaryCounts(analyser: string): Promise<Record<string, number>>;
  /** Counts of one field of the objects in an array of an analyser's results (signature results, for `dkim`). */
  resultTally(analyser: string, arrayPath: string, field: string): Promise<Record<string, number>>;
  /** Items an analyser must (re-)run on, in id order. */
  pendingAnalysis(query: PendingQuery): Promise<number[]>;
  findingsOf(itemId: number): Promise<FindingRecord[]>;
  /** One analyser's results, in item id order, a page at a time (a case-wide analyser's setup reads them). */
  analysisResults(analyser: string, afterId?: number, limit?: number): Promise<AnalysisRecord[]>;
  /** The latest revision at which this analyser recorded a result, or 0. */
  latestAnalysisRevision(analyser: string): Promise<number>;
  /** The text an analyser read from the item, if any. */
  getText(itemId: number): Promise<ItemText | null>;
  setting(key: string): Promise<string | null>;
  findingCounts(): Promise<Record<string, number>>;

  listKeys(): Promise<{ records: KeyRecord[]; failures: KeyFailure[] }>;
  /** Key names analyses read that the archive holds no record for, most messages first. */
  missingKeys(): Promise<MissingKey[]>;
  listDisclosedKeys(): Promise<DisclosedKey[]>;

  /**
   * What a connection to this case opened on another thread of this process is given (structured-
   * cloneable), so that the two take turns at writing rather than one keeping the other out.
   */
  threadShare(): StoreShare;
  close(): Promise<void>;
}

/** Opaque: what `threadShare` gives, for the store of another thread. */
export type StoreShare = object;
