// pst-extractor reads a store synchronously and trusts what it reads: a cyclic B-tree loops for
// ever in its lookup, an XBLOCK can claim a node of 4 GB that it allocates before reading, and any
// block starting with the two bytes of a zlib header is inflated without bound. A store opened here
// gets guards around the library, all deterministic (counts of work, not clocks):
// - every read of the file is charged to a budget proportional to the file's size;
// - one B-tree lookup may seek a bounded number of times (a real tree is a few levels deep);
// - a node longer than the largest entry allowed is refused before it is allocated;
// - zlib detection runs only on the 4K-page format (OST 2013), the only one that compresses blocks,
//   and its inflation stops at the largest node allowed.
// A guard that trips throws PstGuardError, which the reader records as the reason.

import zlib, { type InputType, type ZlibOptions } from 'node:zlib';
import { PSTFile } from 'pst-extractor';
import { PSTNodeInputStream } from 'pst-extractor/dist/PSTNodeInputStream.class.js';

/** A guard tripped: `what` names it (work, lookup, node-size). */
export class PstGuardError extends Error {
  readonly what: 'work' | 'lookup' | 'node-size';
  constructor(what: PstGuardError['what']) {
    super(`pst guard: ${what}`);
    this.what = what;
  }
}

interface Guard {
  /** Work left: bytes read plus a fixed cost per read. */
  work: number;
  /** Seeks left in the current B-tree lookup, counted while `inLookup`. */
  lookupSeeks: number;
  inLookup: boolean;
  maxNodeBytes: number;
}

const GUARD = Symbol('crible.pst-guard');
/** Work charged per read call on top of its bytes (a loop of one-byte reads costs too). */
const READ_COST = 64;
/** Seeks one B-tree lookup may make: a real tree has a handful of levels of a few hundred items. */
const LOOKUP_SEEKS = 20_000;

type Internals = Record<string | symbol, unknown>;

function guardOf(file: unknown): Guard | undefined {
  return (file as Internals)[GUARD] as Guard | undefined;
}

let prototypeGuarded = false;

/** Wraps PSTNodeInputStream's node loading and zlib detection once, for every guarded store. */
function guardStreamPrototype(): void {
  const proto = PSTNodeInputStream.prototype as unknown as Internals;
  const load = proto.loadFromOffsetItem as (this: Internals, item: unknown) => void;
  proto.loadFromOffsetItem = function (this: Internals, item: unknown) {
    load.call(this, item);
    const guard = guardOf(this._pstFile);
    const length = (this._length as { toNumber(): number } | undefined)?.toNumber() ?? 0;
    if (guard && length > guard.maxNodeBytes) throw new PstGuardError('node-size');
  };
  const detectZlib = proto.detectZlib as (this: Internals) => void;
  proto.detectZlib = function (this: Internals) {
    const file = this._pstFile as PSTFile | undefined;
    const guard = file ? guardOf(file) : undefined;
    if (!guard) return detectZlib.call(this);
    if (file!.pstFileType !== PSTFile.PST_TYPE_2013_UNICODE) return;
    // The library inflates with zlib.unzipSync and no bound: for the time of this (synchronous) call,
    // its inflation stops at the largest node allowed.
    const unzip = zlib.unzipSync;
    zlib.unzipSync = (data: InputType, options?: ZlibOptions) => {
      try {
        return unzip(data, { ...options, maxOutputLength: guard.maxNodeBytes });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
          throw new PstGuardError('node-size');
        throw err;
      }
    };
    try {
      detectZlib.call(this);
    } finally {
      zlib.unzipSync = unzip;
    }
  };
}

/** The guard of the store being constructed: its constructor already reads the file. */
let constructing: Guard | undefined;

/** The guard of a store, taking the one under construction on its first read. */
function guardFor(file: Internals): Guard | undefined {
  if (file[GUARD] === undefined && constructing) file[GUARD] = constructing;
  return file[GUARD] as Guard | undefined;
}

/** Wraps PSTFile's reads, seeks and B-tree lookups once; each store keeps its own guard. */
function guardFilePrototype(): void {
  const proto = PSTFile.prototype as unknown as Internals;
  const readSync = proto.readSync as (
    this: Internals,
    buffer: Buffer,
    length: number,
    position: number,
  ) => number;
  proto.readSync = function (this: Internals, buffer: Buffer, length: number, position: number) {
    const guard = guardFor(this);
    if (guard) {
      guard.work -= length + READ_COST;
      if (guard.work < 0) throw new PstGuardError('work');
    }
    return readSync.call(this, buffer, length, position);
  };
  const seek = proto.seek as (this: Internals, index: unknown) => void;
  proto.seek = function (this: Internals, index: unknown) {
    const guard = guardFor(this);
    if (guard?.inLookup && --guard.lookupSeeks < 0) throw new PstGuardError('lookup');
    seek.call(this, index);
  };
  const find = proto.findBtreeItem as (this: Internals, index: unknown, descTree: boolean) => Buffer;
  proto.findBtreeItem = function (this: Internals, index: unknown, descTree: boolean) {
    const guard = guardFor(this);
    if (!guard) return find.call(this, index, descTree);
    guard.lookupSeeks = LOOKUP_SEEKS;
    guard.inLookup = true;
    try {
      return find.call(this, index, descTree);
    } finally {
      guard.inLookup = false;
    }
  };
}

/** Opens a store (a path or its bytes) with the guards on. Throws what the library throws. */
export function openGuardedPst(source: string | Buffer, size: number, maxNodeBytes: number): PSTFile {
  if (!prototypeGuarded) {
    guardFilePrototype();
    guardStreamPrototype();
    prototypeGuarded = true;
  }
  constructing = {
    work: 32 * size + 64 * 1024 ** 2,
    lookupSeeks: LOOKUP_SEEKS,
    inLookup: false,
    maxNodeBytes,
  };
  try {
    return typeof source === 'string' ? new PSTFile(source) : new PSTFile(source);
  } finally {
    constructing = undefined;
  }
}
