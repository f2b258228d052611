import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type Coded, coded } from '../report/catalogue.ts';
import { sha256File, sha256Hex } from '../store/blobs.ts';
import type { ItemType, NewItem, Placement, SourceCounts, Store, StoreWriter } from '../store/store.ts';
import type { MessageAnalyser, MessageAnalysis } from './analysis.ts';
import {
  type ContainerEvent,
  type ContainerInput,
  type ContainerModule,
  type DocumentModule,
  type Format,
  heldBytes,
  type SpooledEntry,
  type UnreadModule,
} from './format.ts';
import { MESSAGE_NAMES } from './formats/eml.ts';
import { nameHas } from './formats/signature.ts';
import { defaultLimits, type Limits } from './limits.ts';
import { identify, listFormats, probeBuffer, probeFile } from './registry.ts';
import { checkRegular, readRegular, type SourceFile, sourceBytes, unreadable, walkSource } from './walk.ts';

export interface IngestProgress {
  items: number;
  bytesDone: number;
  bytesTotal: number;
  elapsedMs: number;
  currentPath: string;
}

export interface IngestOptions {
  limits?: Partial<Limits>;
  onProgress?: (progress: IngestProgress) => void;
  /** Leaf files per transaction (default 500): smaller batches lose less work to a kill, larger ones run faster. */
  batchFiles?: number;
  /** Reads messages: parsing, and the analysers that run beside it (core/worker-analyser.ts runs it in worker threads). */
  analyser: MessageAnalyser;
  /** The code that runs the ingest (`crible <version>`), recorded in the custody log. */
  producer: string;
  /** The formats items are identified among (default: the registry's); a test plugs its own in. */
  formats?: readonly Format[];
}

export interface SourceSummary {
  path: string;
  kind: 'file' | 'directory';
  sha256: string;
  size: number;
  files: number;
  filesAlreadyDone: number;
  counts: SourceCounts;
}

export interface IngestSummary {
  /** Sources given to this run. */
  sources: number;
  /** The case as a whole after this run. */
  items: number;
  messages: number;
  documents: number;
  attachments: number;
  containers: number;
  failed: number;
  limited: number;
  duplicates: number;
  duplicateMessageIds: { messageId: string; itemIds: number[] }[];
  /** What this run added. */
  added: number;
  /** Failed or limited items among this run's sources. */
  problems: number;
  perSource: SourceSummary[];
  elapsedMs: number;
}

/** What a place says of the bytes that the analysers are given. */
type PlaceFacts = Pick<Placement, 'transformations' | 'flags'>;
/** A file read from disk: nothing was done to its bytes. */
const NO_FACTS: PlaceFacts = { transformations: [], flags: [] };

interface Context {
  depth: number;
  /** The container says it is a message (mbox member, Maildir file, message/rfc822 part). */
  isMessage: boolean;
  parentType: ItemType | null;
  /** A member of a container or a document: its bytes count against the file's expansion budget. */
  extracted: boolean;
}

/**
 * A unit of work commits after this many files, bytes or milliseconds: few enough commits to be
 * fast, small enough that a kill or Ctrl-C loses only seconds of work.
 */
const BATCH_FILES = 500;
const BATCH_BYTES = 64 * 1024 ** 2;
const BATCH_MS = 2000;
/** Files up to this size are read whole (once) and may be analysed ahead of their turn. */
const SMALL_FILE_BYTES = 1024 ** 2;
/** How far ahead files and container entries are read: enough to keep the analysis workers busy. */
const READ_AHEAD_ITEMS = 32;
const READ_AHEAD_BYTES = 32 * 1024 ** 2;

/**
 * Ingests paths into a case. Each leaf file is recorded with everything found in it inside one
 * transaction that also marks the file done, so a run killed at any moment and started again
 * reaches exactly the state of an uninterrupted run, and an unchanged source adds nothing.
 */
export async function ingest(store: Store, paths: string[], options: IngestOptions): Promise<IngestSummary> {
  const run = new IngestRun(store, { ...defaultLimits, ...options.limits }, options);
  return run.run(paths);
}

class IngestRun {
  private readonly store: Store;
  private readonly limits: Limits;
  private readonly options: IngestOptions;
  private readonly started = Date.now();
  /** The open unit of work: every write of a batch of files goes through it. */
  private writer: StoreWriter | null = null;
  private items = 0;
  private added = 0;
  private bytesDone = 0;
  private bytesTotal = 0;
  /**
   * Bytes expanded out of the current leaf file's containers, at every nesting level: a container
   * inside a container gets what is left of one budget (maxExpandedBytes), not a budget of its own.
   * A member that is itself a container is not charged (its members are), so bytes are charged once.
   */
  private expandedInFile = 0;
  /** The current leaf file holds an item limited under this run's limits: its done mark then names them. */
  private limitedInFile = false;
  /** This run's limits as a done mark's suffix: a file holding limited items is read again under other limits. */
  private readonly limitsMark: string;
  /** Items that hold a limited item somewhere below them, as the case was before this run (found once, when needed). */
  private limitedBelow: Promise<Set<number>> | null = null;
  /** Parents already in the case whose members this run has read again. */
  private readonly readAgainParents = new Set<number>();

  private readonly analyser: MessageAnalyser;
  /** Message analyses started ahead of their turn, by the very buffer they read; taken when its turn comes. */
  private readonly ahead = new WeakMap<Buffer, Promise<MessageAnalysis>>();
  /** Small files read ahead of their turn. */
  private readonly prepared = new Map<string, Buffer>();
  /** The format found for bytes in memory, so read-ahead and recording identify them once. */
  private readonly formatCache = new WeakMap<Buffer, Format>();
  private readonly formats: readonly Format[];

  constructor(store: Store, limits: Limits, options: IngestOptions) {
    this.store = store;
    this.limits = limits;
    this.options = options;
    this.analyser = options.analyser;
    this.formats = options.formats ?? listFormats();
    this.limitsMark = `+limits:${sha256Hex(Buffer.from(JSON.stringify(limits))).slice(0, 16)}`;
  }

  async run(paths: string[]): Promise<IngestSummary> {
    const sources = paths.map((path) => walkSource(resolve(path)));
    // The total is only needed for the progress ETA: a second walk, then, not a list kept in memory.
    if (this.options.onProgress)
      this.bytesTotal = sources.reduce((sum, source) => sum + sourceBytes(source), 0);
    const perSource: SourceSummary[] = [];
    for (const source of sources)
      perSource.push(await this.ingestSource(source.root, source.kind, source.files));
    const stats = await this.store.stats();
    return {
      sources: perSource.length,
      items: stats.items,
      messages: stats.byType.message ?? 0,
      documents: stats.byType.document ?? 0,
      attachments: stats.byType.attachment ?? 0,
      containers: stats.byType.container ?? 0,
      failed: stats.byStatus.failed ?? 0,
      limited: stats.byStatus.limited ?? 0,
      duplicates: stats.duplicates,
      duplicateMessageIds: stats.duplicateMessageIds,
      added: this.added,
      problems: perSource.reduce((sum, s) => sum + s.counts.failed + s.counts.limited, 0),
      perSource,
      elapsedMs: Date.now() - this.started,
    };
  }

  private async ingestSource(
    root: string,
    kind: 'file' | 'directory',
    files: Iterable<SourceFile>,
  ): Promise<SourceSummary> {
    const store = this.store;
    const source = await store.transaction((writer) => writer.openSource(root, kind));
    const listing = createHash('sha256');
    let size = 0;
    let filesAlreadyDone = 0;
    let lastSha: string | null = null;
    let count = 0;
    // The files just ahead of the current one, read and analysed while it is recorded.
    const window: SourceFile[] = [];
    const upcoming = files[Symbol.iterator]();
    const refill = () => {
      while (window.length <= READ_AHEAD_ITEMS) {
        const next = upcoming.next();
        if (next.done) break;
        window.push(next.value);
      }
    };
    refill();
    const batchFiles = this.options.batchFiles ?? BATCH_FILES;
    while (window.length > 0) {
      // One unit of work per batch: each file is recorded with its "done" mark, so a run killed
      // at any moment resumes with exactly the state of an uninterrupted one.
      await store
        .transaction(async (writer) => {
          this.writer = writer;
          const batchStarted = Date.now();
          let files = 0;
          let bytes = 0;
          while (
            window.length > 0 &&
            files < batchFiles &&
            bytes < BATCH_BYTES &&
            Date.now() - batchStarted < BATCH_MS
          ) {
            const file = window.shift()!;
            refill();
            count++;
            await this.prepareAhead(source.id, window);
            const sha = await this.ingestFile(source.id, file);
            if (sha.alreadyDone) filesAlreadyDone++;
            else files++;
            bytes += file.size;
            listing.update(`${file.relative}\0${file.size}\0${sha.sha256 ?? '-'}\n`);
            size += file.size;
            lastSha = sha.sha256;
          }
        })
        .finally(() => {
          this.writer = null;
        });
    }
    // A file source is identified by the file's own hash; a directory by the hash of its listing.
    const sha256 = kind === 'file' ? (lastSha ?? sha256Hex(Buffer.alloc(0))) : listing.digest('hex');
    await store.transaction((writer) => writer.completeSource(source.id, size, sha256));
    const counts = await store.sourceCounts(source.id);
    store.custody.record({
      path: root,
      kind,
      sha256,
      size,
      counts,
      crible: this.options.producer,
      time: new Date().toISOString(),
    });
    return { path: root, kind, sha256, size, files: count, filesAlreadyDone, counts };
  }

  /** One leaf file of a source, with everything inside it, as one unit of the resumable run. */
  private async ingestFile(
    sourceId: number,
    file: SourceFile,
  ): Promise<{ sha256: string | null; alreadyDone: boolean }> {
    this.expandedInFile = 0;
    this.limitedInFile = false;
    const at = this.place(sourceId, null, file.relative, file.relativeRaw, {
      filename: basename(file.relative),
    });
    const context: Context = { depth: 0, isMessage: file.inMaildir, parentType: null, extracted: false };
    // Links and special files, or a file gone or unreadable since it was listed: nothing to read,
    // but the place is recorded with the reason and the run goes on.
    const unreadableFile = (problem: Coded) => {
      this.putProblem(at, 'failed', problem, null, context.isMessage || namedAsMessage(file.relative));
      this.finishFile(sourceId, file, `unreadable:${problem.code}:${JSON.stringify(problem.params ?? {})}`);
      return { sha256: null, alreadyDone: false };
    };
    if (file.problem) return unreadableFile(file.problem);

    // Small files were read ahead and are classified from their bytes; larger ones by their head first.
    const read = <T>(reader: () => T): T | { failed: Coded } => {
      try {
        return reader();
      } catch (err) {
        return { failed: unreadable(err) };
      }
    };
    if (file.size > SMALL_FILE_BYTES) {
      const identified = read(() => {
        checkRegular(file.absolute);
        return this.identifyFile(file.absolute, file.size, file.relative, context.isMessage);
      });
      if ('failed' in identified) return unreadableFile(identified.failed);
      if (this.staysOnDisk(identified, file.size)) {
        // Large or container files are streamed, never held whole in memory.
        const sha256 = await sha256File(file.absolute);
        if (await this.isDone(sourceId, file, sha256)) return { sha256, alreadyDone: true };
        await this.recordOnDisk(file.absolute, file.size, sha256, identified, at, context);
        this.finishFile(sourceId, file, sha256);
        return { sha256, alreadyDone: false };
      }
    }

    const bytes = read(() => this.takePrepared(file));
    if ('failed' in bytes) return unreadableFile(bytes.failed);
    // A message analysed ahead was hashed by the analyser; anything else is hashed here.
    const ahead = this.ahead.get(bytes);
    const sha256 = (ahead && (await ahead.catch(() => null))?.sha256) || sha256Hex(bytes);
    if (await this.isDone(sourceId, file, sha256)) return { sha256, alreadyDone: true };
    await this.ingestBytes(bytes, sha256, at, context);
    this.finishFile(sourceId, file, sha256);
    return { sha256, alreadyDone: false };
  }

  /** A place under a parent, with what that place says about the item found there. */
  private place(
    sourceId: number,
    parentId: number | null,
    path: string,
    pathRaw: Buffer | null,
    facts: Partial<
      Pick<Placement, 'byteStart' | 'byteEnd' | 'filename' | 'declaredType' | 'transformations' | 'flags'>
    >,
  ): Placement {
    return {
      sourceId,
      parentId,
      path,
      pathRaw,
      byteStart: facts.byteStart ?? null,
      byteEnd: facts.byteEnd ?? null,
      filename: facts.filename ?? null,
      declaredType: facts.declaredType ?? null,
      transformations: facts.transformations ?? [],
      flags: [...(pathRaw ? ['name-not-utf8'] : []), ...(facts.flags ?? [])],
    };
  }

  private get w(): StoreWriter {
    if (!this.writer) throw new Error('ingest wrote outside a unit of work');
    return this.writer;
  }

  /** Containers, formats not read yet and files over the reading limit are recorded from disk. */
  private staysOnDisk(format: Format, size: number): boolean {
    return (
      format.kind === 'container' ||
      format.kind === 'unread' ||
      size > Math.min(this.limits.maxMessageBytes, this.limits.maxEntryBytes)
    );
  }

  /**
   * A file too large to hold in memory, or a container to stream: the container is read from
   * disk; a format not read yet is stored as such; anything else is stored and marked limited.
   */
  private async recordOnDisk(
    path: string | Buffer,
    size: number,
    sha256: string,
    format: Format,
    at: Placement,
    context: Context,
  ): Promise<void> {
    if (format.kind === 'container') {
      const input: ContainerInput = { kind: 'file', path, size, name: at.path };
      await this.ingestContainer(format, input, sha256, size, at, context);
      return;
    }
    if (format.kind === 'unread') {
      if (this.putUnread(format, sha256, size, at, context)) await this.store.blobs.putFile(sha256, path);
      return;
    }
    const isMessage = context.isMessage || format.kind === 'message';
    const limit = Math.min(this.limits.maxMessageBytes, this.limits.maxEntryBytes);
    const reason = coded('item.too-large', { what: isMessage ? 'message' : 'file', size, limit });
    const item = this.newItem(
      sha256,
      size,
      isMessage ? 'message' : this.typeFor(context),
      format.name,
      'limited',
      reason,
    );
    const { isNew } = this.putItem(item, at);
    if (isNew) await this.store.blobs.putFile(sha256, path);
    this.count(isNew);
  }

  /** A member a format spooled to a temporary file: read from there like a file of the dump, then removed. */
  private async ingestSpooled(event: SpooledEntry, at: Placement, context: Context): Promise<void> {
    try {
      const format = this.identifyFile(event.file, event.size, event.path, context.isMessage);
      if (this.staysOnDisk(format, event.size)) {
        // Read from memory, ingestBytes charges it; from disk, here.
        if (format.kind !== 'container') this.expandedInFile += event.size;
        const sha256 = await sha256File(event.file);
        // Moved into the blob store (not copied: it can be gigabytes) and read from there.
        const stored = this.store.blobs.adopt(sha256, event.file);
        await this.recordOnDisk(stored, event.size, sha256, format, at, context);
      } else {
        await this.ingestBytes(readFileSync(event.file), null, at, context);
      }
    } finally {
      rmSync(event.file, { force: true });
    }
  }

  /**
   * Classifies bytes by content and records them, recursing into containers and messages. `known`:
   * the SHA-256 when the caller has it; else it comes from the analysis or is computed here.
   */
  private async ingestBytes(
    bytes: Buffer,
    known: string | null,
    at: Placement,
    context: Context,
  ): Promise<void> {
    const name = at.filename ?? at.path;
    const format = this.formatOf(bytes, name, context.isMessage);
    if (context.extracted && format.kind !== 'container') this.expandedInFile += bytes.length;
    if (format.kind === 'container') {
      const input: ContainerInput = { kind: 'buffer', data: bytes, name };
      await this.ingestContainer(format, input, known ?? sha256Hex(bytes), bytes.length, at, context);
      return;
    }
    if (format.kind === 'unread') {
      const sha256 = known ?? sha256Hex(bytes);
      if (this.putUnread(format, sha256, bytes.length, at, context)) this.store.blobs.put(sha256, bytes);
      return;
    }
    if (format.kind === 'message') {
      // The container or the name said "message": one that cannot be read is a failed message.
      const claimed = context.isMessage || namedAsMessage(name);
      if (context.depth > this.limits.maxDepth) {
        const sha256 = known ?? sha256Hex(bytes);
        const reason = coded('item.too-deep', { limit: this.limits.maxDepth });
        const { isNew } = this.putItem(
          this.newItem(sha256, bytes.length, 'message', 'eml', 'limited', reason),
          at,
        );
        if (isNew) this.store.blobs.put(sha256, bytes);
        this.count(isNew);
        return;
      }
      const analysis = await this.analysis(bytes, at, claimed);
      const { parsed } = analysis;
      const sha256 = known ?? analysis.sha256;
      const { id, isNew } = this.putItem(
        this.newItem(
          sha256,
          bytes.length,
          'message',
          parsed.message ? 'eml' : 'unknown',
          parsed.status,
          parsed.reason,
        ),
        at,
      );
      this.count(isNew);
      // Met again, it is read only when an earlier run's limits cut it or something below it short.
      const readNow = isNew || (await this.readNowUnlimited(id, parsed.status, parsed.reason));
      if (!readNow && (parsed.status === 'limited' || !(await this.holdsLimited(id)))) return;
      if (isNew) this.store.blobs.put(sha256, bytes);
      if (!parsed.message) return;
      if (readNow) {
        this.w.putMessage(id, parsed.message);
        for (const output of analysis.analyses) {
          if (output.learntKeys) this.w.putKeys(output.learntKeys.records, output.learntKeys.failures);
          this.w.putAnalysis({ ...output, itemId: id });
        }
      }
      for (const [index, part] of parsed.parts.entries()) {
        await this.ingestBytes(
          part.bytes,
          analysis.partSha256[index] ?? null,
          this.place(at.sourceId, id, part.path, null, {
            byteStart: part.byteStart,
            byteEnd: part.byteEnd,
            filename: part.filename,
            declaredType: part.declaredType,
            flags: part.transferEncoding ? [`encoded-range:${part.transferEncoding}`] : [],
          }),
          { depth: context.depth + 1, isMessage: part.isMessage, parentType: 'message', extracted: false },
        );
      }
      return;
    }
    const sha256 = known ?? sha256Hex(bytes);
    if (format.kind === 'document' && format.members) {
      await this.ingestDocumentWithMembers(format, format.members, bytes, sha256, at, context);
      return;
    }
    const { id, isNew } = this.putItem(
      this.newItem(sha256, bytes.length, this.typeFor(context), format.name, 'ok', null),
      at,
    );
    if (isNew) this.store.blobs.put(sha256, bytes);
    else await this.readNowUnlimited(id, 'ok', null);
    this.count(isNew);
  }

  /**
   * A document holding embedded objects (an image or OLE object inside a docx): recorded as a
   * document (an attachment under a message), then its members as its children, read like a
   * container's. Too deep to open, it is stored limited with its members unread.
   */
  private async ingestDocumentWithMembers(
    format: DocumentModule,
    members: NonNullable<DocumentModule['members']>,
    bytes: Buffer,
    sha256: string,
    at: Placement,
    context: Context,
  ): Promise<void> {
    const type = this.typeFor(context);
    const parentItem = { type, format: format.name, sha256, size: bytes.length };
    const { id, isNew, status, reason } = this.putParent(parentItem, 'document.too-deep', at, context);
    // Its members were recorded when this content was first seen, unless a limit cut them short.
    if (!isNew && !(await this.readAgain(id, status, reason))) return;
    if (isNew) this.store.blobs.put(sha256, bytes);
    if (status === 'limited') return;
    const input: ContainerInput = { kind: 'buffer', data: bytes, name: at.filename ?? at.path };
    const parent = { id, type, format: format.name, isNew };
    await this.ingestMembers((limits) => members.call(format, input, limits), parent, at, context);
  }

  /** A format recognised but not read yet (a PST, a 7z…): stored, limited, with the reason; returns whether new. */
  private putUnread(
    format: UnreadModule,
    sha256: string,
    size: number,
    at: Placement,
    context: Context,
  ): boolean {
    const type = format.itemType === 'document' ? this.typeFor(context) : format.itemType;
    const { isNew } = this.putItem(
      this.newItem(sha256, size, type, format.name, 'limited', format.reason),
      at,
    );
    this.count(isNew);
    return isNew;
  }

  /** The format of bytes in memory, by the registry's highest score (found once per buffer). */
  private formatOf(bytes: Buffer, name: string, isMessage: boolean): Format {
    let format = this.formatCache.get(bytes);
    if (!format) {
      format = identify(probeBuffer(bytes, name, isMessage), this.formats).module;
      this.formatCache.set(bytes, format);
    }
    return format;
  }

  /** The format of a file on disk, from its head and bounded reads of the rest. */
  private identifyFile(path: string | Buffer, size: number, name: string, isMessage: boolean): Format {
    const probe = probeFile(path, size, name, isMessage);
    try {
      return identify(probe, this.formats).module;
    } finally {
      probe.close();
    }
  }

  private async ingestContainer(
    format: ContainerModule,
    input: ContainerInput,
    sha256: string,
    size: number,
    at: Placement,
    context: Context,
  ): Promise<void> {
    const parentItem = { type: 'container' as const, format: format.name, sha256, size };
    const { id, isNew, status, reason } = this.putParent(parentItem, 'container.too-deep', at, context);
    // Its contents were recorded when this content was first seen, unless a limit cut them short.
    if (!isNew && !(await this.readAgain(id, status, reason))) return;
    if (isNew && input.kind === 'file') await this.store.blobs.putFile(sha256, input.path);
    else if (isNew && input.kind === 'buffer') this.store.blobs.put(sha256, input.data);
    if (status === 'limited') return;
    const spool = () => this.store.blobs.spoolPath();
    const parent = { id, type: 'container' as const, format: format.name, isNew };
    await this.ingestMembers((limits) => format.entries(input, limits, spool), parent, at, context);
  }

  /** A container or a document with members: recorded, and limited when too deep to be opened. */
  private putParent(
    item: { type: ItemType; format: string; sha256: string; size: number },
    tooDeepCode: 'container.too-deep' | 'document.too-deep',
    at: Placement,
    context: Context,
  ): { id: number; isNew: boolean; status: 'ok' | 'limited'; reason: Coded | null } {
    const tooDeep = context.depth >= this.limits.maxDepth;
    const status = tooDeep ? 'limited' : 'ok';
    const reason = tooDeep ? coded(tooDeepCode, { limit: this.limits.maxDepth }) : null;
    const { id, isNew } = this.putItem(
      this.newItem(item.sha256, item.size, item.type, item.format, status, reason),
      at,
    );
    this.count(isNew);
    return { id, isNew, status, reason };
  }

  /**
   * The members of a container or of a document with embedded objects, each back through
   * identification one level deeper, under what is left of the file's expansion budget. A failure
   * of the reader keeps the members read before it and is the parent's status.
   */
  private async ingestMembers(
    read: (limits: Limits) => AsyncIterable<ContainerEvent>,
    parent: { id: number; type: ItemType; format: string; isNew: boolean },
    at: Placement,
    context: Context,
  ): Promise<void> {
    // Read again (an earlier run's limits cut members short): what those members were, to say they are superseded.
    const cutShort = parent.isNew ? [] : await this.limitedMembers(parent.id);
    await this.readMembers(read, parent, at, context);
    if (cutShort.length > 0) await this.supersede(parent.id, cutShort);
  }

  private async readMembers(
    read: (limits: Limits) => AsyncIterable<ContainerEvent>,
    parent: { id: number; type: ItemType; format: string },
    at: Placement,
    context: Context,
  ): Promise<void> {
    let entries = 0;
    try {
      const budget = {
        ...this.limits,
        maxExpandedBytes: Math.max(0, this.limits.maxExpandedBytes - this.expandedInFile),
      };
      const events = readAhead(read(budget), (event) => {
        if (event.kind !== 'entry' || event.bytes.length > SMALL_FILE_BYTES) return;
        const name = basename(event.path);
        if (this.formatOf(event.bytes, name, event.isMessage).kind !== 'message') return;
        const claimed = event.isMessage || namedAsMessage(name);
        this.analyseAhead(
          event.bytes,
          { transformations: event.transformations, flags: event.flags ?? [] },
          claimed,
        );
      });
      for await (const event of events) {
        if (event.kind === 'expected') {
          this.w.putExpectedCount(parent.id, event.path, event.count);
          continue;
        }
        entries++;
        const place = this.place(at.sourceId, parent.id, event.path, null, {
          byteStart: event.byteStart,
          byteEnd: event.byteEnd,
          filename: basename(event.path),
          transformations: event.kind === 'entry' ? event.transformations : [],
          flags: event.kind === 'entry' ? event.flags : [],
        });
        if (event.kind === 'problem') {
          const isMessage = event.isMessage === true || namedAsMessage(event.path);
          this.putProblem(place, event.status, event.reason, event.bytes, isMessage);
          continue;
        }
        const member: Context = {
          depth: context.depth + 1,
          isMessage: event.kind === 'entry' && event.isMessage,
          parentType: parent.type,
          extracted: true,
        };
        if (event.kind === 'spooled') await this.ingestSpooled(event, place, member);
        else await this.ingestBytes(event.bytes, null, place, member);
        if (this.options.onProgress) this.progress(event.path);
      }
    } catch (err) {
      // Only the reader's own failure is the parent's status; a failure to record (disk full,
      // database error) ends the run, which rolls the file back.
      if (!(err instanceof ContainerFailure)) throw err;
      const error = err.cause instanceof Error ? err.cause.message : String(err.cause);
      const code =
        parent.type === 'container' ? 'container.unreadable-after' : 'document.members-unreadable-after';
      this.w.setItemStatus(parent.id, 'failed', coded(code, { format: parent.format, entries, error }));
    }
  }

  /** The analysis of a message: the one started ahead for these very bytes when there is one, else a new one. */
  private async analysis(raw: Buffer, at: PlaceFacts, claimed: boolean): Promise<MessageAnalysis> {
    const started = this.ahead.get(raw);
    this.ahead.delete(raw);
    try {
      return await (started ?? this.startAnalysis(raw, at, claimed));
    } catch (err) {
      const reason = coded('message.unreadable', { error: err instanceof Error ? err.message : String(err) });
      const parsed = { status: 'failed' as const, reason, message: null, parts: [] as [] };
      return { sha256: sha256Hex(raw), parsed, partSha256: [], analyses: [] };
    }
  }

  private startAnalysis(raw: Buffer, at: PlaceFacts, claimed: boolean): Promise<MessageAnalysis> {
    return this.analyser.analyse({ raw, transformations: at.transformations, flags: at.flags, claimed });
  }

  private analyseAhead(raw: Buffer, at: PlaceFacts, claimed: boolean): void {
    if (this.ahead.has(raw)) return;
    const started = this.startAnalysis(raw, at, claimed);
    started.catch(() => {}); // reported when its turn comes
    this.ahead.set(raw, started);
  }

  /** Reads the next small files and starts analysing the messages among them while earlier ones are recorded. */
  private async prepareAhead(sourceId: number, upcoming: SourceFile[]): Promise<void> {
    let bytesAhead = 0;
    for (const file of upcoming) {
      if (bytesAhead >= READ_AHEAD_BYTES) break;
      if (file.problem || file.size > SMALL_FILE_BYTES) continue;
      bytesAhead += file.size;
      const key = file.absolute.toString('latin1');
      if (this.prepared.has(key)) continue;
      let bytes: Buffer;
      try {
        bytes = readRegular(file.absolute);
      } catch {
        continue; // met again, and reported, when the file's turn comes
      }
      this.prepared.set(key, bytes);
      // A file recorded by an earlier run is not analysed again (re-runs stay fast).
      const doneSha = await this.store.doneFileSha(sourceId, file.relative, file.size);
      if (doneSha !== null && this.doneMarks(sha256Hex(bytes)).includes(doneSha)) continue;
      if (this.formatOf(bytes, basename(file.relative), file.inMaildir).kind === 'message')
        this.analyseAhead(bytes, NO_FACTS, file.inMaildir || namedAsMessage(file.relative));
    }
  }

  private takePrepared(file: SourceFile): Buffer {
    const key = file.absolute.toString('latin1');
    const bytes = this.prepared.get(key) ?? readRegular(file.absolute);
    this.prepared.delete(key);
    return bytes;
  }

  private putProblem(
    at: Placement,
    status: 'failed' | 'limited',
    reason: Coded,
    bytes: Buffer | null,
    isMessage: boolean,
  ): void {
    // No bytes, or none read before the failure: the item is identified by its place alone.
    const sha256 = bytes && bytes.length > 0 ? sha256Hex(bytes) : null;
    const { isNew } = this.putItem(
      {
        sha256,
        size: bytes?.length ?? 0,
        type: isMessage ? 'message' : 'document',
        format: 'unknown',
        status,
        reason,
      },
      at,
    );
    if (isNew && bytes && sha256) this.store.blobs.put(sha256, bytes);
    this.count(isNew);
  }

  private newItem(
    sha256: string,
    size: number,
    type: ItemType,
    format: string,
    status: NewItem['status'],
    reason: Coded | null,
  ): NewItem {
    return { sha256, size, type, format, status, reason };
  }

  private typeFor(context: Context): ItemType {
    return context.parentType === 'message' ? 'attachment' : 'document';
  }

  private count(isNew: boolean): void {
    this.items++;
    if (isNew) this.added++;
  }

  /** The done marks that mean "recorded, nothing to read again under this run's limits". */
  private doneMarks(sha256: string): string[] {
    return [sha256, sha256 + this.limitsMark];
  }

  /**
   * Whether an earlier run recorded the file with the same content and, when it holds items marked
   * limited, under the same limits (other limits read it again).
   */
  private async isDone(sourceId: number, file: SourceFile, sha256: string): Promise<boolean> {
    for (const mark of this.doneMarks(sha256))
      if (await this.store.isFileDone(sourceId, file.relative, file.size, mark)) return true;
    return false;
  }

  /** Records an item (insert-or-get), noting whether the file holds one limited under this run's limits. */
  private putItem(item: NewItem, at: Placement): { id: number; isNew: boolean } {
    if (item.status === 'limited') this.limitedInFile = true;
    return this.w.putItem(item, at);
  }

  /**
   * An item already in the case that an earlier run marked limited, read now (`status` is not
   * limited): its status is updated, and it is read as if new. False for anything else.
   */
  private async readNowUnlimited(
    id: number,
    status: NewItem['status'],
    reason: Coded | null,
  ): Promise<boolean> {
    if (status === 'limited' || this.readAgainParents.has(id)) return false;
    if ((await this.store.getItem(id))?.status !== 'limited') return false;
    this.w.setItemStatus(id, status, reason);
    this.readAgainParents.add(id);
    return true;
  }

  /**
   * An item already in the case, met again: whether its contents are to be read again. They are when
   * an earlier run marked it limited and this run's limits read it (its status becomes `status`), or
   * when a limited item lies below it (a member cut short in an archive) and this run has not read
   * its members again yet.
   */
  private async readAgain(id: number, status: NewItem['status'], reason: Coded | null): Promise<boolean> {
    if (await this.readNowUnlimited(id, status, reason)) return true;
    return status !== 'limited' && (await this.holdsLimited(id));
  }

  /** Whether a limited item lies below this one (found once per run, at first need) and this run has not read it again yet. */
  private async holdsLimited(id: number): Promise<boolean> {
    if (this.readAgainParents.has(id) || !(await this.itemsWithLimitedBelow()).has(id)) return false;
    this.readAgainParents.add(id);
    return true;
  }

  /** The limited members of a parent, with the place each was found at in it. */
  private async limitedMembers(parentId: number): Promise<{ id: number; place: string }[]> {
    const limited = (await this.store.childrenOf(parentId)).filter((item) => item.status === 'limited');
    return (await this.membersAtPlaces(parentId, limited)).map(([id, place]) => ({ id, place }));
  }

  /** Each occurrence of these items in the parent, as (item id, place in the parent). */
  private async membersAtPlaces(parentId: number, items: { id: number }[]): Promise<[number, string][]> {
    const places: [number, string][] = [];
    for (const item of items)
      for (const at of await this.store.occurrencesOf(item.id))
        if (at.parentId === parentId) places.push([item.id, `${at.byteStart ?? ''}/${at.path}`]);
    return places;
  }

  /**
   * Members an earlier run's limits cut short, now read again as other items at the same places:
   * each earlier record is kept (nothing is deleted from a case) and says which item superseded it.
   */
  private async supersede(parentId: number, cutShort: { id: number; place: string }[]): Promise<void> {
    const now = await this.membersAtPlaces(parentId, await this.store.childrenOf(parentId));
    for (const old of cutShort) {
      const by = now.filter(([id, place]) => place === old.place && id !== old.id).map(([id]) => id);
      if (by.length === 0 || (await this.store.getItem(old.id))?.status !== 'limited') continue;
      this.w.setItemStatus(old.id, 'ok', coded('item.read-again', { item: Math.max(...by) }));
    }
  }

  /** Every item with a limited item somewhere below it: the parents of limited items, and theirs, up to the files. */
  private itemsWithLimitedBelow(): Promise<Set<number>> {
    this.limitedBelow ??= (async () => {
      const above = new Set<number>();
      let level: number[] = [];
      for (let afterId = 0; ; ) {
        const page = await this.store.listItems({ type: 'all', status: ['limited'], afterId, limit: 1000 });
        if (page.length === 0) break;
        level.push(...page.map((item) => item.id));
        afterId = page[page.length - 1]!.id;
      }
      while (level.length > 0) {
        const next: number[] = [];
        for (const id of level)
          for (const { parentId } of await this.store.occurrencesOf(id))
            if (parentId !== null && !above.has(parentId)) {
              above.add(parentId);
              next.push(parentId);
            }
        level = next;
      }
      return above;
    })();
    return this.limitedBelow;
  }

  private finishFile(sourceId: number, file: SourceFile, sha256: string): void {
    const readable = !sha256.startsWith('unreadable:');
    this.w.markFileDone(
      sourceId,
      file.relative,
      file.size,
      this.limitedInFile && readable ? sha256 + this.limitsMark : sha256,
    );
    this.bytesDone += file.size;
    this.progress(file.relative);
  }

  private lastProgress = 0;
  private progress(path: string): void {
    if (!this.options.onProgress) return;
    const now = Date.now();
    if (now - this.lastProgress < 200) return;
    this.lastProgress = now;
    this.options.onProgress({
      items: this.items,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      elapsedMs: now - this.started,
      currentPath: path,
    });
  }
}

/** A container that could not be read further (cut short, corrupt): its members before that are kept. */
class ContainerFailure extends Error {
  constructor(cause: unknown) {
    super('container unreadable', { cause });
  }
}

/**
 * Iterates a container's events while looking a bounded distance ahead, calling `ahead` on each
 * event as it is read so that work on it (analysis in a worker) overlaps with recording earlier ones.
 */
async function* readAhead<T extends ContainerEvent>(
  source: AsyncIterable<T>,
  ahead: (event: T) => void,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: T[] = [];
  let queuedBytes = 0;
  let done = false;
  // A container that fails (cut short) does so after members that must still be recorded: the
  // failure is held until the members read before it have been handed on.
  let failure: { error: unknown } | null = null;
  const fill = async () => {
    while (!done && queue.length < READ_AHEAD_ITEMS && queuedBytes < READ_AHEAD_BYTES) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        failure = { error };
        done = true;
        break;
      }
      if (next.done) {
        done = true;
        break;
      }
      ahead(next.value);
      queue.push(next.value);
      queuedBytes += heldBytes(next.value);
    }
  };
  try {
    await fill();
    while (queue.length > 0) {
      const event = queue.shift()!;
      queuedBytes -= heldBytes(event);
      yield event;
      await fill();
    }
    if (failure) throw new ContainerFailure((failure as { error: unknown }).error);
  } finally {
    await iterator.return?.();
  }
}

/** The name says "message" (`.eml`…): a file so named that cannot be read is a failed message. */
function namedAsMessage(name: string): boolean {
  return nameHas(name, MESSAGE_NAMES);
}
