import type { Coded } from '../report/catalogue.ts';
import type { Limits } from './limits.ts';

/** Where a container's bytes are: a file on disk (top level, possibly huge) or an in-memory entry. */
export type ContainerInput =
  /** `path` as bytes when the name is not UTF-8; `name` its displayable form (formats derive member names from it). */
  | { kind: 'file'; path: string | Buffer; size: number; name: string }
  /** `name`: the entry's name in its own container, when it has one (formats may derive member names from it). */
  | { kind: 'buffer'; data: Buffer; name: string | null };

/** One member of a container, read whole (bounded by Limits.maxEntryBytes). */
export interface Entry {
  kind: 'entry';
  /** Name inside the container, as recorded there (never used as a path on disk). */
  path: string;
  bytes: Buffer;
  /** Byte range [start, end) of the member inside the container, where the format has one (mbox). */
  byteStart: number | null;
  byteEnd: number | null;
  /** Reversible changes needed to read the stored bytes, e.g. `mboxrd-unescape`. Stored bytes are never rewritten. */
  transformations: string[];
  /** The container says what this is (mbox members are messages whatever they look like). */
  isMessage: boolean;
  /**
   * What the container says of this member, kept on its occurrence and given to the analysers:
   * `rebuilt-from:<store>` (a message rebuilt from a mail store's properties, not the bytes that
   * were sent, so signatures cannot be checked), `recovered-deleted` (an item the store had deleted)…
   */
  flags?: string[];
}

/**
 * How many members the container itself says it holds, in all or in one folder, so the completeness accounting can
 * compare what was expected with what was extracted.
 */
export interface ExpectedCount {
  kind: 'expected';
  /** The folder: a prefix of the members' paths ('' for the whole container). */
  path: string;
  count: number;
}

/** A member that could not be read, or was cut short by a limit. Bytes kept when there are any. */
export interface EntryProblem {
  kind: 'problem';
  path: string;
  status: 'failed' | 'limited';
  /** Why, as a code with parameters (words in report/messages/en/containers.ts). */
  reason: Coded;
  bytes: Buffer | null;
  byteStart: number | null;
  byteEnd: number | null;
  /** The container says the member is a message (an mbox member), whatever its name. */
  isMessage?: boolean;
}

/**
 * A member too large to hold in memory (the mbox inside a large .mbox.gz), written to a temporary
 * file of the case by the format. The pipeline reads it from there and removes the file.
 */
export interface SpooledEntry {
  kind: 'spooled';
  path: string;
  file: string;
  size: number;
  byteStart: null;
  byteEnd: null;
}

export type ContainerEvent = Entry | EntryProblem | SpooledEntry | ExpectedCount;

/** A new temporary file path inside the case, for a format to spool a large member to. */
export type Spool = () => string;

/** Bytes an event holds in memory. */
export function heldBytes(event: ContainerEvent): number {
  return event.kind === 'spooled' || event.kind === 'expected' ? 0 : (event.bytes?.length ?? 0);
}

/** A member read whole from a format that has no byte ranges and changes nothing (zip, gzip). */
export function wholeEntry(path: string, bytes: Buffer): Entry {
  return {
    kind: 'entry',
    path,
    bytes,
    byteStart: null,
    byteEnd: null,
    transformations: [],
    isMessage: false,
  };
}

/** A member that could not be read, without a byte range. */
export function memberProblem(
  path: string,
  status: EntryProblem['status'],
  reason: Coded,
  bytes: Buffer | null = null,
): EntryProblem {
  return { kind: 'problem', path, status, reason, bytes, byteStart: null, byteEnd: null };
}

/**
 * What a format module looks at to say whether an item is of its format: the first bytes, random
 * access to the rest (bounded reads, for directories at the end or inside: zip, OLE2), and the
 * name as a hint. Built by `probeBuffer` or `probeFile` (registry.ts).
 */
export interface Probe {
  /** The first bytes: PROBE_HEAD_BYTES, or all of them when the item is smaller. */
  readonly head: Buffer;
  /** The item's total size in bytes. */
  readonly size: number;
  /** The item's name as displayable text (a file's relative path, an entry's name): a hint only. */
  readonly name: string;
  /**
   * Up to `length` bytes from `offset`, fewer at the end of the item (none past it). Synchronous;
   * may throw on an I/O error (scores are computed under a guard that turns a throw into 0).
   */
  read(offset: number, length: number): Buffer;
  /**
   * The container says this is a message (an mbox member, a file of a Maildir, a message/rfc822
   * part): it is one whatever it looks like, and no container or document signature is sniffed.
   */
  readonly claimedMessage: boolean;
}

/** Bytes in a probe's head. */
export const PROBE_HEAD_BYTES = 64 * 1024;

/**
 * Scores a module returns. The highest wins; on a tie, the module listed first in the registry.
 * Between the anchors, modules use values that rank a specific format above the generic one it
 * is built on (an OOXML document over the zip it is, an Outlook MSG over OLE2).
 */
export const Score = {
  /** The container says it is a message (Probe.claimedMessage): above any signature. */
  claimed: 1000,
  /** Certain: a magic number and the structure behind it. */
  certain: 100,
  /** Strong evidence from the content (a header block, an mbox envelope line). */
  strong: 50,
  /** The name alone (`.eml`), or weak content evidence that a name beats. */
  name: 10,
  /** Text-like content with nothing more specific. */
  weak: 5,
  /** The fallback every item has (`unknown`). */
  fallback: 1,
  none: 0,
} as const;

export type FormatKind = 'container' | 'message' | 'document' | 'unread';

/** One format: a name (the item's detected format when it wins) and a score for a probe. */
export interface FormatModule {
  /** Short and stable: stored as the item's detected format. */
  readonly name: string;
  readonly kind: FormatKind;
  /** How sure the module is that the probe is of its format (Score). Never throws on any input. */
  score(probe: Probe): number;
  /**
   * The highest score `score` ever returns, when the module knows it: identification skips the
   * module once another has scored as much (the text-like formats after a message's header block).
   */
  readonly maxScore?: number;
}

/** A container the pipeline opens: its members go back through identification. */
export interface ContainerModule extends FormatModule, ContainerFormat {
  readonly kind: 'container';
}

/** A message the analysers read (RFC 5322). */
export interface MessageModule extends FormatModule {
  readonly kind: 'message';
}

/** A document: stored whole with its detected format, not opened. */
export interface DocumentModule extends FormatModule {
  readonly kind: 'document';
  /**
   * Objects embedded in the document (an OLE object or image inside a docx, a file attached to a PDF):
   * read like a container's members, they become child items of the document, which stays a document.
   */
  members?(input: ContainerInput, limits: Limits): AsyncIterable<ContainerEvent>;
}

/**
 * A format recognised but not read yet by this version: stored whole as an item of `itemType`,
 * with `reason` (a `format.not-read-yet` code) saying what is missing from the case.
 */
export interface UnreadModule extends FormatModule {
  readonly kind: 'unread';
  readonly itemType: 'message' | 'container' | 'document';
  readonly reason: Coded;
}

export type Format = ContainerModule | MessageModule | DocumentModule | UnreadModule;

/**
 * One module per container format implements this (recognising it is the module's `score`, through
 * the registry). `entries` yields every member it can and a problem for each it cannot; it throws
 * only when the container itself is unreadable, and the pipeline records that against the
 * container while keeping the members already yielded.
 */
export interface ContainerFormat {
  readonly name: string;
  entries(input: ContainerInput, limits: Limits, spool?: Spool): AsyncIterable<ContainerEvent>;
}
