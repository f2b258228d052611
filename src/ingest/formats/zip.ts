// zip, via yauzl. Every member becomes an entry or a problem; only an unreadable central
// directory (truncated or corrupt archive) makes `entries` throw, after the members already
// yielded, and, when there is no directory at all, after those recovered from their local
// headers (zip-local.ts).
//
// Hostile layouts:
//  - a zip behind a program (a self-extractor `.exe`): the bytes prepended are found from the end
//    record and the directory (zip-directory.ts), and yauzl reads the archive shifted by them;
//  - the directory is not trusted to list everything: the bytes no listed entry accounts for (all
//    of them, when a forged end record in the comment says the archive is empty) are searched for
//    local headers, and the members found there are read, flagged `zip-member-not-in-directory`;
//  - entries whose bytes start inside another's (overlapping-entry bombs) are refused unread
//    (zip.overlapping-entry); entries naming the very same bytes are charged once against
//    maxExpandedBytes and given the bytes already read (up to 1 MB each).
//
// Entry names are kept exactly as recorded (`../../evil.eml`, `/etc/passwd`, `..\win.eml`, NUL
// bytes…): a name is only ever stored as text and never used as a path on disk, so there is
// nothing to sanitise. yauzl would reject such names and abort the whole listing, so names are
// not decoded by yauzl (decodeStrings: false) but here, with the same rules minus validation.
//
// Limits, none of which trusts the headers alone:
//  - maxEntries: members past the limit are not read; one `limited` problem (path '') says so.
//  - maxEntryBytes, maxExpandedBytes, maxRatio: checked first against the declared sizes (cheap
//    refusal), then against the bytes actually produced while inflating, stopping at once.
//    maxRatio applies past RATIO_FLOOR_BYTES of output. An entry inflating to more than its
//    declared size is stopped there too.
//
// Problems are codes (words in report/messages/en/containers.ts): zip.* for what the headers say
// or the data shows, limit.* (bounded.ts) for a limit crossed while inflating.

import { Buffer } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { coded } from '../../report/catalogue.ts';
import {
  type ContainerEvent,
  type ContainerInput,
  type ContainerModule,
  memberProblem,
  wholeEntry,
} from '../format.ts';
import type { Limits } from '../limits.ts';
import { boundsFor, RATIO_FLOOR_BYTES, readBounded } from './bounded.ts';
import { directoryLayout, hasZipMagic, zipListing } from './zip-directory.ts';
import {
  type ByteSource,
  byteSource,
  findLocalHeader,
  type LocalWalkEnd,
  localEntries,
} from './zip-local.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The recorded name, decoded like yauzl does (UTF-8 flag, Info-ZIP unicode path, else CP437), unvalidated. */
function entryName(e: yauzl.Entry): string {
  const raw = e.fileNameRaw ?? (e.fileName as unknown as Buffer);
  return yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, raw, e.extraFields, true);
}

function isDirectory(e: yauzl.Entry, name: string): boolean {
  if (e.uncompressedSize !== 0) return false;
  // 0x10: MS-DOS directory attribute.
  return name.endsWith('/') || (name.endsWith('\\') && (e.externalFileAttributes & 0x10) !== 0);
}

/** The archive's bytes from `prefix` on, as yauzl reads them (a self-extractor's zip after its program). */
class ShiftedReader extends yauzl.RandomAccessReader {
  private readonly input: ContainerInput;
  private readonly prefix: number;
  constructor(input: ContainerInput, prefix: number) {
    super();
    this.input = input;
    this.prefix = prefix;
  }
  override _readStreamForRange(start: number, end: number): Readable {
    const from = start + this.prefix;
    const to = end + this.prefix;
    if (this.input.kind === 'buffer') return Readable.from([this.input.data.subarray(from, to)]);
    return to > from ? createReadStream(this.input.path, { start: from, end: to - 1 }) : Readable.from([]);
  }
}

async function openZip(input: ContainerInput, prefix: number): Promise<yauzl.ZipFile> {
  const options: yauzl.Options = {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: false,
    strictFileNames: true,
  };
  try {
    if (prefix > 0) {
      const size = (input.kind === 'file' ? input.size : input.data.length) - prefix;
      return await yauzl.fromRandomAccessReaderPromise(new ShiftedReader(input, prefix), size, options);
    }
    return input.kind === 'file'
      ? // fs opens a Buffer path (a name that is not UTF-8) as it opens a string.
        await yauzl.openPromise(input.path as string, options)
      : await yauzl.fromBufferPromise(input.data, options);
  } catch (err) {
    throw new Error(`unreadable zip (truncated or corrupt): ${message(err)}`);
  }
}

/** A directory entry with where its bytes are in the archive (local header to end of data, at least). */
interface Listed {
  entry: yauzl.Entry;
  path: string;
  start: number;
  end: number;
  /** Another entry whose bytes these overlap, or that has the very same bytes. */
  overlaps: Listed | null;
  sameAs: Listed | null;
}

/**
 * Marks entries whose bytes start inside those of another (an overlapping-entry bomb points
 * thousands of entries into one deflate stream) or are the very same: one pass over the entries
 * sorted by offset.
 */
function markOverlaps(listed: Listed[]): void {
  const sorted = [...listed].sort((a, b) => a.start - b.start);
  let reach: Listed | null = null;
  for (const item of sorted) {
    if (reach !== null && item.start === reach.start) item.sameAs = reach;
    else if (reach !== null && item.start < reach.end) item.overlaps = reach;
    // An entry refused for starting inside another does not stretch the bytes accounted for.
    else if (reach === null || item.end > reach.end) reach = item;
  }
}

/** Members read from the local headers a hostile or damaged directory does not list. */
const NOT_LISTED = 'zip-member-not-in-directory';

/**
 * The members of a zip, or with `select` only those whose path it accepts (a document's embedded
 * objects: the other members are neither read nor counted).
 */
export async function* zipEntries(
  input: ContainerInput,
  limits: Limits,
  select?: (path: string) => boolean,
): AsyncGenerator<ContainerEvent> {
  const source = byteSource(input);
  try {
    const layout = directoryLayout(source);
    const prefix = layout?.prefix ?? 0;
    let zip: yauzl.ZipFile;
    try {
      zip = await openZip(input, prefix);
    } catch (err) {
      // No readable central directory (an archive cut short): salvage what the local headers give.
      const first = findLocalHeader(source, 0, source.size);
      const walk = yield* selected(localEntries(source, limits, { start: Math.max(0, first) }), select);
      throw new Error(
        `${message(err)}; ${walk.recovered} member(s) recovered from their local headers, up to byte ${walk.stoppedAt} (${walk.why})`,
      );
    }
    try {
      yield* directoryEntries(zip, source, layout, limits, select);
    } finally {
      zip.close();
    }
  } finally {
    source.close();
  }
}

async function* directoryEntries(
  zip: yauzl.ZipFile,
  source: ByteSource,
  layout: ReturnType<typeof directoryLayout>,
  limits: Limits,
  select: ((path: string) => boolean) | undefined,
): AsyncGenerator<ContainerEvent> {
  // Errors are taken from the listing iterator and the entry streams; one emitted with no
  // listener (after the listing ended) must not crash the process.
  zip.on('error', () => {});
  const prefix = layout?.prefix ?? 0;
  const listed: Listed[] = [];
  let tooMany = false;
  let listingError: Error | null = null;
  const iterator = zip.eachEntry();
  for (;;) {
    let next: IteratorResult<yauzl.Entry>;
    try {
      next = await iterator.next();
    } catch (err) {
      listingError = new Error(
        `zip central directory unreadable after ${listed.length} of ${zip.entryCount} entries: ${message(err)}`,
      );
      break;
    }
    if (next.done) break;
    if (listed.length >= limits.maxEntries) {
      tooMany = true;
      await iterator.return?.();
      break;
    }
    const e = next.value;
    const start = e.relativeOffsetOfLocalHeader + prefix;
    // The local header's own name and extra field may differ: the end is the least it can be.
    const end = start + 30 + e.fileNameLength + e.compressedSize;
    listed.push({ entry: e, path: entryName(e), start, end, overlaps: null, sameAs: null });
  }
  markOverlaps(listed);
  // What the end record says the archive holds, directories aside (compared with what is found).
  const directories = listed.filter((item) => isDirectory(item.entry, item.path)).length;
  const count = select
    ? listed.filter((item) => !isDirectory(item.entry, item.path) && select(item.path)).length
    : zip.entryCount - directories;
  yield { kind: 'expected', path: '', count: Math.max(0, count) };

  let expanded = 0;
  // The bytes of entries read, by their start, while another entry may point at the same bytes.
  const read = new Map<number, Buffer>();
  for (const item of listed) {
    const { entry: e, path } = item;
    if (isDirectory(e, path) || (select && !select(path))) continue;
    if (item.overlaps !== null) {
      yield memberProblem(path, 'limited', coded('zip.overlapping-entry', { with: item.overlaps.path }));
      continue;
    }
    if (item.sameAs !== null) {
      // The same bytes under another name: charged once, given again when they were kept.
      const bytes = read.get(item.start);
      yield bytes
        ? wholeEntry(path, bytes)
        : memberProblem(path, 'limited', coded('zip.overlapping-entry', { with: item.sameAs.path }));
      continue;
    }
    const event = await readEntry(zip, e, path, limits, expanded, (n) => {
      expanded += n;
    });
    if (event.kind === 'entry' && event.bytes.length <= KEEP_FOR_SAME_BYTES)
      read.set(item.start, event.bytes);
    yield event;
  }
  if (tooMany) {
    yield memberProblem(
      '',
      'limited',
      coded('zip.too-many-entries', { count: zip.entryCount, limit: limits.maxEntries }),
    );
    return;
  }
  // Local headers the directory does not account for (a forged end record, a directory that
  // leaves members out): walked and read, flagged as not listed.
  const starts = new Set(listed.map((item) => item.start));
  const ranges = [...listed].sort((a, b) => a.start - b.start);
  const gaps: [number, number][] = [];
  let at = 0;
  for (const item of ranges) {
    if (item.start > at) gaps.push([at, item.start]);
    at = Math.max(at, item.end);
  }
  const directoryStart = layout !== null && layout.entries > 0 ? layout.start : source.size;
  if (directoryStart > at) gaps.push([at, directoryStart]);
  let walked = listed.length;
  for (const [from, to] of gaps) {
    let position = from;
    while (position < to) {
      const found = findLocalHeader(source, position, to);
      if (found < 0) break;
      const walk = localEntries(source, limits, {
        start: found,
        stopBefore: (p) => starts.has(p),
        expandedSoFar: expanded,
        listedSoFar: walked,
      });
      // A signature that does not start a sound member is only bytes that look like one.
      const first = await walk.next();
      if (first.done || first.value.kind !== 'entry') {
        position = found + 4;
        continue;
      }
      let next: IteratorResult<ContainerEvent, LocalWalkEnd> = first;
      while (!next.done) {
        const event = next.value;
        if (isSelected(event, select)) {
          yield event.kind === 'entry' ? { ...event, flags: [...(event.flags ?? []), NOT_LISTED] } : event;
        }
        walked++;
        next = await walk.next();
      }
      expanded += next.value.expanded;
      position = Math.max(found + 4, next.value.stoppedAt);
    }
  }
  if (listingError) throw listingError;
}

/** Whether an event is about a selected member (a problem of the whole archive, path '', always is). */
function isSelected(event: ContainerEvent, select: ((path: string) => boolean) | undefined): boolean {
  return !select || event.kind === 'expected' || event.path === '' || select(event.path);
}

/** The events of a local-header walk about selected members, and the walk's end. */
async function* selected<End>(
  events: AsyncGenerator<ContainerEvent, End>,
  select: ((path: string) => boolean) | undefined,
): AsyncGenerator<ContainerEvent, End> {
  for (;;) {
    const next = await events.next();
    if (next.done) return next.value;
    if (isSelected(next.value, select)) yield next.value;
  }
}

/** Entries up to this size are kept while the archive is read, for entries that name the same bytes. */
const KEEP_FOR_SAME_BYTES = 1024 ** 2;

async function readEntry(
  zip: yauzl.ZipFile,
  e: yauzl.Entry,
  path: string,
  limits: Limits,
  expandedSoFar: number,
  addExpanded: (n: number) => void,
): Promise<ContainerEvent> {
  if (e.isEncrypted()) return memberProblem(path, 'failed', coded('zip.encrypted'));
  if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
    return memberProblem(path, 'failed', coded('zip.unsupported-method', { method: e.compressionMethod }));
  }
  // Declared sizes: enough to refuse, never enough to accept.
  if (e.uncompressedSize > limits.maxEntryBytes) {
    return memberProblem(
      path,
      'limited',
      coded('zip.entry-too-large', { size: e.uncompressedSize, limit: limits.maxEntryBytes }),
    );
  }
  if (expandedSoFar + e.uncompressedSize > limits.maxExpandedBytes) {
    return memberProblem(
      path,
      'limited',
      coded('zip.would-expand', { limit: limits.maxExpandedBytes, size: e.uncompressedSize }),
    );
  }
  if (e.uncompressedSize > RATIO_FLOOR_BYTES && e.uncompressedSize > e.compressedSize * limits.maxRatio) {
    return memberProblem(
      path,
      'limited',
      coded('zip.declared-ratio', {
        size: e.uncompressedSize,
        compressed: e.compressedSize,
        ratio: limits.maxRatio,
      }),
    );
  }

  let stream: Awaited<ReturnType<yauzl.ZipFile['openReadStreamPromise']>>;
  try {
    stream = await zip.openReadStreamPromise(e);
  } catch (err) {
    return memberProblem(path, 'failed', coded('zip.cannot-read-entry', { error: message(err) }));
  }
  const read = await readBounded(stream, {
    ...boundsFor(limits, expandedSoFar, e.compressedSize),
    declaredSize: e.uncompressedSize,
  });
  addExpanded(read.produced);
  if (read.limit !== null) return memberProblem(path, 'limited', read.limit.reason);
  if (read.overDeclared) {
    return memberProblem(
      path,
      'failed',
      coded('zip.over-declared', { declared: e.uncompressedSize, produced: read.produced }),
    );
  }
  if (read.error !== null) {
    return memberProblem(
      path,
      'failed',
      coded('zip.data-unreadable', { produced: read.produced, error: read.error.message }),
      read.bytes,
    );
  }
  const bytes = read.bytes ?? Buffer.alloc(0);
  if (bytes.length !== e.uncompressedSize) {
    return memberProblem(
      path,
      'failed',
      coded('zip.size-mismatch', { size: bytes.length, declared: e.uncompressedSize }),
      bytes,
    );
  }
  if (read.crc32 !== e.crc32) {
    return memberProblem(path, 'failed', coded('zip.crc-mismatch'), bytes);
  }
  return wholeEntry(path, bytes);
}

/**
 * Score: 90 for a zip signature (a local header, or the end record of an empty zip). Below 100 so
 * that the formats built on zip (OOXML, OpenDocument, EPUB, OLM) win when their layout is there.
 */
export const zipFormat: ContainerModule = {
  name: 'zip',
  kind: 'container',
  // A self-extractor (a program with a zip after it) when its directory is there.
  score: (probe) => (hasZipMagic(probe.head) || zipListing(probe)?.fromDirectory ? 90 : 0),
  entries(input: ContainerInput, limits: Limits): AsyncIterable<ContainerEvent> {
    return zipEntries(input, limits);
  },
};
