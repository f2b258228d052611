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
}

/** A member that could not be read, or was cut short by a limit. Bytes kept when there are any. */
export interface EntryProblem {
  kind: 'problem';
  path: string;
  status: 'failed' | 'limited';
  reason: string;
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

export type ContainerEvent = Entry | EntryProblem | SpooledEntry;

/** A new temporary file path inside the case, for a format to spool a large member to. */
export type Spool = () => string;

/** Bytes an event holds in memory. */
export function heldBytes(event: ContainerEvent): number {
  return event.kind === 'spooled' ? 0 : (event.bytes?.length ?? 0);
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
  reason: string,
  bytes: Buffer | null = null,
): EntryProblem {
  return { kind: 'problem', path, status, reason, bytes, byteStart: null, byteEnd: null };
}

/**
 * One module per container format implements this. `entries` yields every member it can and a
 * problem for each it cannot; it throws only when the container itself is unreadable, and the
 * pipeline records that against the container while keeping the members already yielded.
 */
export interface ContainerFormat {
  readonly name: string;
  /** Recognise the format from its first bytes (at least 512 when the input has them) and its name. */
  sniff(head: Buffer, name: string): boolean;
  entries(input: ContainerInput, limits: Limits, spool?: Spool): AsyncIterable<ContainerEvent>;
}
