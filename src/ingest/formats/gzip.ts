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

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ContainerEvent, ContainerInput, ContainerModule, Spool } from '../format.ts';
import type { Limits } from '../limits.ts';
import { compressedStreamEntries, decompressedName } from './compressed-stream.ts';

export { SPOOL_FROM_BYTES } from './compressed-stream.ts';

const FEXTRA = 4;
const FEED_BYTES = 16 * 1024;

/** `data` in slices of `size` bytes. */
export function* slices(data: Buffer, size: number): Generator<Buffer> {
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
  return decompressedName(fileName, { '.tgz': '.tar', '.gz': '', '.gzip': '' });
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

export async function* gzipEntries(
  input: ContainerInput,
  limits: Limits,
  spool?: Spool,
): AsyncGenerator<ContainerEvent> {
  const head = input.kind === 'file' ? await readHead(input.path, 64 * 1024) : input.data;
  const fallback = input.name;
  const path = gzipHeaderName(head) ?? (fallback ? gunzippedName(fallback) : '');
  // Fed in slices: zlib drops the output of the write that fails, so small writes keep the most
  // of a damaged stream (truncated, or garbage after the last member).
  const source: Readable =
    input.kind === 'file'
      ? createReadStream(input.path, { highWaterMark: FEED_BYTES })
      : Readable.from(slices(input.data, FEED_BYTES));
  const gunzip = createGunzip();
  source.on('error', (err: Error) => gunzip.destroy(err));
  source.pipe(gunzip);
  const stop = () => {
    source.unpipe(gunzip);
    source.destroy();
  };
  yield* compressedStreamEntries({ format: 'gzip', path, stream: gunzip, stop }, input, limits, spool);
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
