// One compressed stream holding one member (gzip, bzip2, xz): the member is the decompressed
// stream, read under limits and stopped as soon as one is crossed (maxEntryBytes, maxExpandedBytes,
// maxRatio against the whole compressed size), so a bomb is never expanded in memory. A large file
// is decompressed to a temporary file of the case (when the caller offers one): a multi-GB
// .mbox.bz2 is then read like a large mbox.
//
// Problems are codes prefixed by the format: `<format>.limit.*` (a bounded.ts `limit.*` code, its
// words prefixed `<format>: `) and `<format>.corrupt` { produced, error }.

import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { type Coded, coded } from '../../report/catalogue.ts';
import {
  type ContainerEvent,
  type ContainerInput,
  memberProblem,
  type Spool,
  wholeEntry,
} from '../format.ts';
import type { Limits } from '../limits.ts';
import { type ByteStream, boundsFor, readBounded, spoolBounded } from './bounded.ts';

/**
 * A file on disk larger than this is decompressed to a temporary file of the case rather than into
 * memory (when the caller offers one).
 */
export const SPOOL_FROM_BYTES = 1024 ** 2;

/** A bounded.ts limit code as the format's own (`limit.ratio` → `gzip.limit.ratio`), same parameters. */
function formatLimit(format: string, reason: Coded): Coded {
  return coded(`${format}.${reason.code}`, reason.params);
}

/**
 * The member's name from the container's: its base name without the compression's extension, or
 * with the one it stands for (`x.tgz` → `x.tar`); `extensions` maps each lower-case extension
 * (with its dot) to what replaces it.
 */
export function decompressedName(fileName: string, extensions: Record<string, string>): string {
  const base = basename(fileName);
  const lower = base.toLowerCase();
  for (const [ext, replacement] of Object.entries(extensions))
    if (lower.endsWith(ext) && lower.length > ext.length) return base.slice(0, -ext.length) + replacement;
  return base;
}

export interface CompressedStream {
  /** The format's name: the prefix of its codes. */
  format: string;
  /** The member's name. */
  path: string;
  /** The decompressed bytes. */
  stream: ByteStream;
  /** Stops reading the compressed input (called once the decompressed stream is done with). */
  stop(): void;
}

export async function* compressedStreamEntries(
  member: CompressedStream,
  input: ContainerInput,
  limits: Limits,
  spool?: Spool,
): AsyncGenerator<ContainerEvent> {
  const { format, path } = member;
  const compressedSize = input.kind === 'file' ? input.size : input.data.length;
  if (spool && input.kind === 'file' && input.size > SPOOL_FROM_BYTES) {
    yield* spooled(member, limits, compressedSize, spool());
    return;
  }
  const read = await readBounded(member.stream, {
    ...boundsFor(limits, 0, compressedSize),
    declaredSize: null,
  });
  member.stop();
  if (read.limit !== null) {
    yield memberProblem(path, 'limited', formatLimit(format, read.limit.reason));
  } else if (read.error !== null) {
    yield memberProblem(
      path,
      'failed',
      coded(`${format}.corrupt`, { produced: read.produced, error: read.error.message }),
      read.bytes !== null && read.bytes.length > 0 ? read.bytes : null,
    );
  } else {
    yield wholeEntry(path, read.bytes ?? Buffer.alloc(0));
  }
}

/**
 * The decompressed stream written to `file`. A stream cut short still yields what came before
 * (a truncated .mbox.gz keeps its first messages), then fails the container with the reason.
 */
async function* spooled(
  member: CompressedStream,
  limits: Limits,
  compressedSize: number,
  file: string,
): AsyncGenerator<ContainerEvent> {
  const { maxEntryBytes: _inMemoryOnly, ...bounds } = boundsFor(limits, 0, compressedSize);
  const read = await spoolBounded(member.stream, { ...bounds, declaredSize: null }, file);
  member.stop();
  if (read.limit !== null) {
    rmSync(file, { force: true });
    yield memberProblem(member.path, 'limited', formatLimit(member.format, read.limit.reason));
    return;
  }
  yield { kind: 'spooled', path: member.path, file, size: read.produced, byteStart: null, byteEnd: null };
  if (read.error !== null) {
    throw new Error(
      `corrupt ${member.format} after ${read.produced} decompressed bytes (what came before was read): ${read.error.message}`,
    );
  }
}
