// bzip2 (.bz2, .tbz2): one entry, the decompressed stream, read like gzip's (compressed-stream.ts:
// the same limits, spooling and codes, prefixed `bzip2.`). Decoded by seek-bzip (pure JavaScript,
// micro-bunzip's decoder), driven here one block at a time so that the run breathes between
// blocks and the limits are checked after each (one block of at most 900 KB decodes to at most
// about 46 MB: bzip2's run-length step caps a run at 259 bytes from 5).
// Concatenated streams are one stream, as bunzip2 reads them. The input is read in slices, and the
// end of the data inside a block is an error (seek-bzip would read it as zero bits).

import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setImmediate } from 'node:timers/promises';
import type { ContainerEvent, ContainerInput, ContainerModule, Spool } from '../format.ts';
import type { Limits } from '../limits.ts';
import { compressedStreamEntries, decompressedName } from './compressed-stream.ts';
import { hasMagic } from './signature.ts';

/** The part of seek-bzip's decoder this module drives (its own block loop, without types). */
interface BunzipDecoder {
  _init_block(): boolean;
  _read_bunzip(): void;
  _start_bunzip(input: ByteInput, output: ByteOutput): void;
  reader: { read(bits: number): number };
  streamCRC: number;
}
type BunzipClass = new (input: ByteInput, output: ByteOutput) => BunzipDecoder;
const Bunzip = createRequire(import.meta.url)('seek-bzip') as BunzipClass;

const SLICE = 64 * 1024;
const OUT_CHUNK = 256 * 1024;

/** Sequential bytes of the compressed input, from memory or from the file, one slice at a time. */
class ByteInput {
  private slice: Buffer = Buffer.alloc(0);
  private at = 0;
  private fileOffset = 0;
  private done = false;
  private fd: number | null = null;

  constructor(input: ContainerInput) {
    if (input.kind === 'buffer') {
      this.slice = input.data;
      this.done = true;
    } else this.fd = openSync(input.path, 'r');
  }

  private refill(): boolean {
    if (this.done || this.fd === null) return false;
    const buffer = Buffer.alloc(SLICE);
    const n = readSync(this.fd, buffer, 0, SLICE, this.fileOffset);
    this.fileOffset += n;
    if (n === 0) this.done = true;
    this.slice = buffer.subarray(0, n);
    this.at = 0;
    return n > 0;
  }

  readByte(): number {
    if (this.at >= this.slice.length && !this.refill())
      throw new Error('the bzip2 data ends inside a block (truncated)');
    return this.slice[this.at++]!;
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    for (let i = 0; i < length; i++) {
      if (this.eof()) return i === 0 ? -1 : i;
      buffer[offset + i] = this.readByte();
    }
    return length;
  }

  eof(): boolean {
    return this.at >= this.slice.length && !this.refill();
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.done = true;
  }
}

/** Decoded bytes gathered in chunks, handed on between blocks. */
class ByteOutput {
  private chunk = Buffer.alloc(OUT_CHUNK);
  private at = 0;
  private readonly full: Buffer[] = [];

  writeByte(byte: number): void {
    if (this.at === this.chunk.length) {
      this.full.push(this.chunk);
      this.chunk = Buffer.alloc(OUT_CHUNK);
      this.at = 0;
    }
    this.chunk[this.at++] = byte;
  }

  take(): Buffer[] {
    const out = this.full.splice(0);
    if (this.at > 0) out.push(Buffer.from(this.chunk.subarray(0, this.at)));
    this.at = 0;
    return out;
  }
}

/** The decoded bytes of the bzip2 stream(s) in `input`, block by block. */
async function* bunzip(input: ContainerInput, output: ByteOutput): AsyncGenerator<Buffer> {
  const source = new ByteInput(input);
  try {
    const decoder = new Bunzip(source, output);
    for (;;) {
      if (decoder._init_block()) {
        decoder._read_bunzip();
        yield* output.take();
        await setImmediate();
        continue;
      }
      const streamCrc = decoder.reader.read(32) >>> 0;
      if (streamCrc !== decoder.streamCRC) throw new Error('bad stream CRC (corrupt bzip2 data)');
      if (source.eof()) return;
      decoder._start_bunzip(source, output); // the next of concatenated streams
    }
  } finally {
    source.close();
  }
}

export function bunzippedName(fileName: string): string {
  return decompressedName(fileName, { '.tbz2': '.tar', '.tbz': '.tar', '.bz2': '', '.bzip2': '' });
}

export async function* bzip2Entries(
  input: ContainerInput,
  limits: Limits,
  spool?: Spool,
): AsyncGenerator<ContainerEvent> {
  const blocks = bunzip(input, new ByteOutput());
  // Stopping the generator closes the input (its finally).
  const stream = Object.assign(blocks, {
    destroyed: false,
    destroy() {
      stream.destroyed = true;
      void blocks.return(undefined).catch(() => {});
    },
  });
  const path = input.name ? bunzippedName(input.name) : '';
  yield* compressedStreamEntries({ format: 'bzip2', path, stream, stop: () => {} }, input, limits, spool);
}

/** `BZh` + block size `1`–`9` + the first block's magic (π) or the end-of-stream magic (√π). */
function isBzip2(head: Buffer): boolean {
  if (!hasMagic(head, 'BZh') || (head[3] ?? 0) < 0x31 || (head[3] ?? 0) > 0x39) return false;
  return hasMagic(head, '\x31\x41\x59\x26\x53\x59', 4) || hasMagic(head, '\x17\x72\x45\x38\x50\x90', 4);
}

/** Score: 100 for the bzip2 magic and a block or end-of-stream marker after it. */
export const bzip2Format: ContainerModule = {
  name: 'bzip2',
  kind: 'container',
  score: (probe) => (isBzip2(probe.head) ? 100 : 0),
  entries(input: ContainerInput, limits: Limits, spool?: Spool): AsyncIterable<ContainerEvent> {
    return bzip2Entries(input, limits, spool);
  },
};
