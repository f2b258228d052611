// gzip (.gz, .tgz): one entry, the decompressed stream, inflated under limits and stopped as soon
// as one is crossed (maxEntryBytes, maxExpandedBytes, maxRatio against the whole compressed
// size), so a gzip bomb is never inflated in memory. Concatenated gzip members are one stream,
// as gunzip reads them.
//
// Entry name: the FNAME recorded in the gzip header when there is one (kept verbatim, text
// only); else the base name of the file or in-memory entry without `.gz`/`.gzip` (`x.tgz` →
// `x.tar`); else (a nameless entry) the empty string. The pipeline identifies
// the entry again, so a tar inside is handled as a container whatever the name.
//
// Problems are codes: `gzip.limit.*` (a bounded.ts `limit.*` code, its words prefixed `gzip: `)
// and `gzip.corrupt` { produced, error }.

import { createReadStream, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { type Coded, coded } from '../../report/catalogue.ts';
import {
  type ContainerEvent,
  type ContainerInput,
  type ContainerModule,
  memberProblem,
  type Spool,
  wholeEntry,
} from '../format.ts';
import type { Limits } from '../limits.ts';
import { boundsFor, readBounded, spoolBounded } from './bounded.ts';

/** A bounded.ts limit code as gzip's own (`limit.ratio` → `gzip.limit.ratio`), same parameters. */
function gzipLimit(reason: Coded): Coded {
  return coded(`gzip.${reason.code}`, reason.params);
}

const FEXTRA = 4;
const FEED_BYTES = 16 * 1024;

function* slices(data: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}
const FNAME = 8;

/** The FNAME field of a gzip header (ISO 8859-1, zero-terminated), or null. */
export function gzipHeaderName(head: Buffer): string | null {
  if (head.length < 10 || head[0] !== 0x1f || head[1] !== 0x8b) return null;
  const flags = head[3] ?? 0;
  if ((flags & FNAME) === 0) return null;
  let at = 10;
  if (flags & FEXTRA) {
    if (head.length < at + 2) return null;
    at += 2 + head.readUInt16LE(at);
  }
  const nul = head.indexOf(0, at);
  if (nul < 0) return null;
  const name = head.subarray(at, nul).toString('latin1');
  return name.length > 0 ? name : null;
}

/** `x.gz` → `x`, `x.tgz` → `x.tar`, `x.gzip` → `x`, anything else → the base name itself. */
export function gunzippedName(fileName: string): string {
  const base = basename(fileName);
  if (/\.tgz$/i.test(base)) return base.slice(0, -4) + '.tar';
  const m = /\.(gz|gzip)$/i.exec(base);
  return m ? base.slice(0, -m[0].length) : base;
}

async function readHead(path: string | Buffer, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * A gzip file on disk larger than this is decompressed to a temporary file of the case rather than
 * into memory (when the caller offers one): a multi-GB .mbox.gz is then read like a large mbox.
 */
export const SPOOL_FROM_BYTES = 1024 ** 2;

export async function* gzipEntries(
  input: ContainerInput,
  limits: Limits,
  spool?: Spool,
): AsyncGenerator<ContainerEvent> {
  const head = input.kind === 'file' ? await readHead(input.path, 64 * 1024) : input.data;
  const fallback = input.name;
  const path = gzipHeaderName(head) ?? (fallback ? gunzippedName(fallback) : '');
  const compressedSize = input.kind === 'file' ? input.size : input.data.length;

  // Fed in slices: zlib drops the output of the write that fails, so small writes keep the most
  // of a damaged stream (truncated, or garbage after the last member).
  const source: Readable =
    input.kind === 'file'
      ? createReadStream(input.path, { highWaterMark: FEED_BYTES })
      : Readable.from(slices(input.data, FEED_BYTES));
  const gunzip = createGunzip();
  source.on('error', (err: Error) => gunzip.destroy(err));
  source.pipe(gunzip);
  if (spool && input.kind === 'file' && input.size > SPOOL_FROM_BYTES) {
    yield* spooled(gunzip, source, path, limits, compressedSize, spool());
    return;
  }
  const read = await readBounded(gunzip, { ...boundsFor(limits, 0, compressedSize), declaredSize: null });
  source.unpipe(gunzip);
  source.destroy();

  const problem = { kind: 'problem' as const, path, byteStart: null, byteEnd: null };
  if (read.limit !== null) {
    yield { ...problem, status: 'limited', reason: gzipLimit(read.limit.reason), bytes: null };
  } else if (read.error !== null) {
    yield {
      ...problem,
      status: 'failed',
      reason: coded('gzip.corrupt', { produced: read.produced, error: read.error.message }),
      bytes: read.bytes !== null && read.bytes.length > 0 ? read.bytes : null,
    };
  } else {
    yield wholeEntry(path, read.bytes ?? Buffer.alloc(0));
  }
}

/**
 * The decompressed stream written to `file`. A stream cut short still yields what came before
 * (a truncated .mbox.gz keeps its first messages), then fails the container with the reason.
 */
async function* spooled(
  gunzip: Gunzip,
  source: Readable,
  path: string,
  limits: Limits,
  compressedSize: number,
  file: string,
): AsyncGenerator<ContainerEvent> {
  const { maxEntryBytes: _inMemoryOnly, ...bounds } = boundsFor(limits, 0, compressedSize);
  const read = await spoolBounded(gunzip, { ...bounds, declaredSize: null }, file);
  source.unpipe(gunzip);
  source.destroy();
  if (read.limit !== null) {
    rmSync(file, { force: true });
    yield memberProblem(path, 'limited', gzipLimit(read.limit.reason));
    return;
  }
  yield { kind: 'spooled', path, file, size: read.produced, byteStart: null, byteEnd: null };
  if (read.error !== null) {
    throw new Error(
      `corrupt gzip after ${read.produced} decompressed bytes (what came before was read): ${read.error.message}`,
    );
  }
}

function hasGzipMagic(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}

/** Score: 100 for the gzip magic and the deflate method byte. */
export const gzipFormat: ContainerModule = {
  name: 'gzip',
  kind: 'container',
  score: (probe) => (hasGzipMagic(probe.head) ? 100 : 0),
  entries(input: ContainerInput, limits: Limits, spool?: Spool): AsyncIterable<ContainerEvent> {
    return gzipEntries(input, limits, spool);
  },
};
