// Reading a decompressing stream without ever trusting what the container says about sizes:
// bytes are counted as they come out and the stream is destroyed as soon as a limit is crossed.

import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { type Coded, coded } from '../../report/catalogue.ts';
import type { Limits } from '../limits.ts';

/**
 * The ratio limit only applies once an entry has expanded past this many bytes: small, very
 * regular files (a few KB of blank lines) legitimately compress beyond any sane bomb ratio.
 */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

export interface Bounds {
  /** Largest entry kept (Limits.maxEntryBytes). */
  maxEntryBytes: number;
  /** What is left of the archive's maxExpandedBytes budget. */
  remainingExpanded: number;
  /** Limits.maxRatio, against compressedSize; not applied when compressedSize is null. */
  maxRatio: number;
  compressedSize: number | null;
  /** Size the container declares; producing more than this stops the read. */
  declaredSize: number | null;
}

export interface BoundedRead {
  /** The bytes produced: complete, partial when `error` is set, null when a limit stopped the read. */
  bytes: Buffer | null;
  /** Bytes the stream produced before it ended or was stopped. */
  produced: number;
  crc32: number;
  /** The limit crossed, and why as a `limit.*` code (entry-bytes, expanded-bytes, ratio). */
  limit: { limit: keyof Limits; reason: Coded } | null;
  /** More bytes than the container declared (stream stopped there). */
  overDeclared: boolean;
  error: Error | null;
}

export function boundsFor(limits: Limits, expandedSoFar: number, compressedSize: number | null): Bounds {
  return {
    maxEntryBytes: limits.maxEntryBytes,
    remainingExpanded: Math.max(0, limits.maxExpandedBytes - expandedSoFar),
    maxRatio: limits.maxRatio,
    compressedSize,
    declaredSize: null,
  };
}

function checkLimit(produced: number, b: Bounds): BoundedRead['limit'] {
  if (produced > b.maxEntryBytes) {
    return {
      limit: 'maxEntryBytes',
      reason: coded('limit.entry-bytes', { limit: b.maxEntryBytes, produced }),
    };
  }
  if (produced > b.remainingExpanded) {
    return { limit: 'maxExpandedBytes', reason: coded('limit.expanded-bytes', { produced }) };
  }
  if (b.compressedSize !== null && produced > RATIO_FLOOR_BYTES && produced > b.compressedSize * b.maxRatio) {
    return {
      limit: 'maxRatio',
      reason: coded('limit.ratio', { ratio: b.maxRatio, compressed: b.compressedSize, produced }),
    };
  }
  return null;
}

/** A Node or streamx readable stream. */
export interface ByteStream extends AsyncIterable<unknown> {
  destroy(err?: Error): unknown;
  readonly destroyed?: boolean;
}

/**
 * Writes `stream` to the new file `path` up to its end or the first limit, like readBounded but
 * without holding the bytes (maxEntryBytes, a bound on memory, does not apply). Never rejects;
 * the file holds what was produced before an error, and nothing useful after a limit.
 */
export async function spoolBounded(
  stream: ByteStream,
  b: Omit<Bounds, 'maxEntryBytes'>,
  path: string,
): Promise<Omit<BoundedRead, 'bytes' | 'crc32'>> {
  const fd = openSync(path, 'wx', 0o600);
  const bounds = { ...b, maxEntryBytes: Number.POSITIVE_INFINITY };
  let produced = 0;
  let limit: BoundedRead['limit'] = null;
  let error: Error | null = null;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      produced += buf.length;
      limit = checkLimit(produced, bounds);
      if (limit !== null) break;
      for (let at = 0; at < buf.length; ) at += writeSync(fd, buf, at);
    }
  } catch (err) {
    error = err instanceof Error ? err : new Error(String(err));
  } finally {
    closeSync(fd);
    if (!stream.destroyed) stream.destroy();
  }
  return { produced, limit, overDeclared: false, error };
}

/** Reads `stream` to its end or to the first limit, whichever comes first. Never rejects. */
export async function readBounded(stream: ByteStream, b: Bounds): Promise<BoundedRead> {
  const parts: Buffer[] = [];
  let produced = 0;
  let crc = 0;
  let limit: BoundedRead['limit'] = null;
  let overDeclared = false;
  let error: Error | null = null;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      produced += buf.length;
      if (b.declaredSize !== null && produced > b.declaredSize) {
        overDeclared = true;
        break;
      }
      limit = checkLimit(produced, b);
      if (limit !== null) break;
      crc = crc32(buf, crc);
      parts.push(buf);
    }
  } catch (err) {
    error = err instanceof Error ? err : new Error(String(err));
  } finally {
    if (!stream.destroyed) stream.destroy();
  }
  // A limited entry keeps no bytes: a partial expansion of a bomb is not evidence worth holding.
  return {
    bytes: limit !== null || overDeclared ? null : Buffer.concat(parts),
    produced,
    crc32: crc,
    limit,
    overDeclared,
    error,
  };
}
