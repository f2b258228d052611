import type { DisclosedKey } from '../keys/disclosed.ts';
import type { KeyFailure } from '../keys/formats/types.ts';
import type { KeyRecord } from '../keys/types.ts';

// The pipeline talks to this interface only, so a PostgreSQL store can replace the embedded one.

export type ItemType = 'message' | 'attachment' | 'document' | 'container';
export type ItemStatus = 'ok' | 'failed' | 'limited';

/** Where one copy of an item was found. */
export interface Placement {
  sourceId: number;
  parentId: number | null;
  /** Path inside the source directory or inside the parent container (entry name, MIME part path…). */
  path: string;
  /** Byte range [start, end) inside the parent container file, for mbox members. */
  byteStart: number | null;
  byteEnd: number | null;
}

export interface NewItem {
  /** Null only when no bytes could be read (an entry cut off by a limit, a link not followed). */
  sha256: string | null;
  size: number;
  type: ItemType;
  /** Format recognised from the content: eml, mbox, zip, tar, gzip, pdf, unknown… */
  detected: string;
  /** Content-Type as declared by the carrier (attachments), verbatim. */
  declaredType: string | null;
  filename: string | null;
  status: ItemStatus;
  reason: string | null;
  /** Reversible changes needed to read the stored bytes, e.g. mbox `>From ` un-escaping. */
  transformations: string[];
}

export interface ItemRecord extends NewItem, Placement {
  id: number;
}

export interface OccurrenceRecord extends Placement {
  itemId: number;
}

export interface AddressRecord {
  name: string;
  address: string;
}

export interface MessageRecord {
  itemId: number;
  messageId: string | null;
  /** The Date header exactly as written. */
  dateRaw: string | null;
  /** The instant it denotes (ISO 8601, UTC), or null when it cannot be parsed. */
  date: string | null;
  subject: string | null;
  from: AddressRecord[];
  sender: AddressRecord[];
  to: AddressRecord[];
  cc: AddressRecord[];
  bcc: AddressRecord[];
  replyTo: AddressRecord[];
  inReplyTo: string | null;
  references: string[];
  headerRaw: string;
  /** Plain text body (derived from the HTML when there is no text part). */
  text: string | null;
  /**
   * Whether an HTML body exists. The HTML itself is not copied into the database (it doubled the
   * ingest's writes); it is read from the stored original when needed.
   */
  hasHtml: boolean;
  /** Things a reader must know about how the message was read (unparseable date, 8-bit headers…). */
  flags: string[];
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
  reasons: Record<string, number>;
}

/** A message's verification as stored: the verifier's full report, kept as JSON. */
export interface StoredVerification<Report = unknown> {
  itemId: number;
  verdict: string;
  /** The time the message was judged at. */
  judgedAt: string | null;
  report: Report;
  verifiedAt: string;
}

/**
 * A verification to store: the report already serialised (once, by whoever produced it), with the
 * verdict and each signature's key name and result beside it for queries.
 */
export interface VerificationToStore {
  itemId: number;
  verdict: string;
  judgedAt: string | null;
  reportJson: string;
  verifiedAt: string;
  signatures: { keyName: string; result: string }[];
}

export interface VerificationStats {
  verdicts: Record<string, number>;
  signatures: Record<string, number>;
}

export interface ItemFilter {
  type?: ItemType | 'all';
  limit?: number;
  afterId?: number;
}

export interface CaseStats {
  sources: number;
  items: number;
  byType: Record<string, number>;
  byStatus: Record<string, number>;
  occurrences: number;
  duplicates: number;
  bytes: number;
  reasons: Record<string, number>;
  duplicateMessageIds: { messageId: string; itemIds: number[] }[];
}

/**
 * Async so that a client/server database can implement it. Writes happen between begin() and
 * commit(); the ingest pipeline marks each leaf file done inside the same transaction, which is what
 * makes a killed run resumable with exactly the state of an uninterrupted one.
 */
export interface Store {
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;

  /** Returns the existing item's id when this content is already known (recording the new placement), else inserts it. */
  putItem(item: NewItem, at: Placement): Promise<{ id: number; isNew: boolean }>;
  /** Records that a container turned out unreadable part-way, after its entries were recorded. */
  setItemStatus(id: number, status: ItemStatus, reason: string | null): Promise<void>;
  putMessage(message: MessageRecord): Promise<void>;
  markFileDone(sourceId: number, path: string, size: number, sha256: string): Promise<void>;
  isFileDone(sourceId: number, path: string, size: number, sha256: string): Promise<boolean>;
  /** The SHA-256 recorded for a file already done at this path with this size, if any. */
  doneFileSha(sourceId: number, path: string, size: number): Promise<string | null>;

  openSource(path: string, kind: 'file' | 'directory'): Promise<SourceRecord>;
  completeSource(sourceId: number, size: number, sha256: string): Promise<void>;
  sourceCounts(sourceId: number): Promise<SourceCounts>;
  listSources(): Promise<SourceRecord[]>;

  getItem(id: number): Promise<ItemRecord | null>;
  listItems(filter: ItemFilter): Promise<ItemRecord[]>;
  childrenOf(id: number): Promise<ItemRecord[]>;
  occurrencesOf(itemId: number): Promise<OccurrenceRecord[]>;
  getMessage(itemId: number): Promise<MessageRecord | null>;
  stats(): Promise<CaseStats>;

  /** Adds archived key records and recorded DNS failures; returns how many were new. */
  putKeys(records: KeyRecord[], failures: KeyFailure[]): Promise<number>;
  listKeys(): Promise<{ records: KeyRecord[]; failures: KeyFailure[] }>;
  /** Records disclosed keys (those already listed are kept); returns how many are new. */
  putDisclosedKeys(keys: DisclosedKey[]): Promise<number>;
  listDisclosedKeys(): Promise<DisclosedKey[]>;
  /** Replaces a message's verification. */
  putVerification(v: VerificationToStore): Promise<void>;
  getVerification(itemId: number): Promise<StoredVerification | null>;
  /** Every verified message's verdict, by item id (for listings: no report is read). */
  verdicts(): Promise<Map<number, string>>;
  verificationStats(): Promise<VerificationStats>;
  /** Signed messages that a key or a disclosure imported after their verification could change (all signed ones with `all`). */
  messagesToReverify(all: boolean): Promise<number[]>;

  close(): Promise<void>;
}
