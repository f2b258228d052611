// xz (.xz, .txz): one entry, the decompressed stream, read like gzip's (compressed-stream.ts: the
// same limits, spooling and codes, prefixed `xz.`). Decoded by xz-decompress (XZ Embedded compiled
// to WebAssembly: no native addon), which checks each block's integrity field.

import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { ContainerEvent, ContainerInput, ContainerModule, Spool } from '../format.ts';
import type { Limits } from '../limits.ts';
import { compressedStreamEntries, decompressedName } from './compressed-stream.ts';
import { slices } from './gzip.ts';
import { hasMagic } from './signature.ts';

/** xz-decompress's one export this module uses (a CommonJS module). */
const { XzReadableStream } = createRequire(import.meta.url)('xz-decompress') as {
  XzReadableStream: new (compressed: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
};

export function unxzName(fileName: string): string {
  return decompressedName(fileName, { '.txz': '.tar', '.xz': '' });
}

export async function* xzEntries(
  input: ContainerInput,
  limits: Limits,
  spool?: Spool,
): AsyncGenerator<ContainerEvent> {
  const source: Readable =
    input.kind === 'file'
      ? createReadStream(input.path, { highWaterMark: 64 * 1024 })
      : Readable.from(slices(input.data, 64 * 1024));
  const stream = Readable.fromWeb(new XzReadableStream(Readable.toWeb(source) as ReadableStream<Uint8Array>));
  const path = input.name ? unxzName(input.name) : '';
  yield* compressedStreamEntries(
    { format: 'xz', path, stream, stop: () => source.destroy() },
    input,
    limits,
    spool,
  );
}

/** Score: 100 for the xz stream header magic. */
export const xzFormat: ContainerModule = {
  name: 'xz',
  kind: 'container',
  score: (probe) => (hasMagic(probe.head, '\xfd7zXZ\x00') ? 100 : 0),
  entries(input: ContainerInput, limits: Limits, spool?: Spool): AsyncIterable<ContainerEvent> {
    return xzEntries(input, limits, spool);
  },
};
