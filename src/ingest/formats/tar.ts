// tar (ustar, GNU, pax; old v7 when the name says .tar), read by our own sequential reader: one
// pass over the bytes (a file, an entry in memory, or the stdout of a tool that converts 7z/RAR
// to tar), so a damaged header never loses the members after it.
//
// Only regular files become entries, named exactly as recorded (bytes, shown with \xNN escapes when
// not UTF-8; never a path on disk; `../` names are kept as they are). Links and special files
// become `failed` problems: tar.symlink-not-followed and tar.hardlink-not-followed { target },
// tar.special-not-extracted { type }. Directories are skipped. Tar is not compressed, so sizes in
// the headers are what the archive holds: maxEntryBytes and maxExpandedBytes are checked against
// them before reading (an oversized member is skipped without being held in memory). byteStart and
// byteEnd give each member's data range in the archive.
//
// Damage, said and walked past:
//  - a header whose checksum is wrong: the blocks up to the next valid header are skipped, and one
//    `failed` problem says where and how much (tar.damaged-header { at, skipped });
//  - a pax or GNU long-name record larger than MAX_META_BYTES is skipped, not held
//    (tar.meta-too-large { size, limit }); the member it described keeps its own header's name;
//  - a member cut short by the end of the data is a `failed` problem (tar.truncated) keeping the
//    bytes that were there; the end of data inside a header throws after the members yielded.
// Zero blocks (the end-of-archive marker) are skipped: members appended after it are read too.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { type Coded, coded } from '../../report/catalogue.ts';
import type { ContainerEvent, ContainerInput, ContainerModule, EntryProblem } from '../format.ts';
import type { Limits } from '../limits.ts';
import { nameOf } from '../names.ts';

const BLOCK = 512;
/** The largest pax or GNU long-name record held in memory (a name or a few attributes need far less). */
export const MAX_META_BYTES = 1024 ** 2;

/** Checksum of a 512-byte tar header as recorded, and as computed (checksum field as spaces). */
export function tarChecksumValid(header: Buffer): boolean {
  if (header.length < BLOCK) return false;
  const field = header
    .subarray(148, 156)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]{1,8}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return sum === Number.parseInt(field, 8);
}

function hasUstarMagic(head: Buffer): boolean {
  return head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
}

/** Reads a byte stream in exact sizes, one pass, counting the position. */
class SequentialReader {
  private readonly iterator: AsyncIterator<unknown>;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private ended = false;
  position = 0;

  constructor(source: AsyncIterable<unknown>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<void> {
    while (this.bufferedBytes < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const chunk = next.value;
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      this.buffered.push(buf);
      this.bufferedBytes += buf.length;
    }
  }

  /** Up to `n` bytes (fewer only at the end of the data). */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(out.length);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    this.position += out.length;
    return out;
  }

  /** Skips up to `n` bytes without holding them; returns how many there were. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const got = await this.read(Math.min(left, 1024 ** 2));
      if (got.length === 0) break;
      left -= got.length;
    }
    return n - left;
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

/** A numeric header field: octal digits, or base-256 when the high bit of its first byte is set. */
function numberField(field: Buffer): number | null {
  if (field.length > 0 && (field[0]! & 0x80) !== 0) {
    if (field[0] === 0xff) return null; // negative
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return Number.isSafeInteger(value) ? value : null;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : null;
}

function cString(field: Buffer): Buffer {
  const nul = field.indexOf(0);
  return nul < 0 ? field : field.subarray(0, nul);
}

const TYPES: Record<string, string> = {
  '0': 'file',
  '\0': 'file',
  '7': 'contiguous-file',
  '1': 'link',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
  x: 'pax-header',
  g: 'pax-global-header',
  L: 'gnu-long-path',
  K: 'gnu-long-link-path',
};

interface Header {
  name: Buffer;
  linkname: Buffer;
  size: number;
  type: string;
}

function parseHeader(block: Buffer): Header | null {
  const size = numberField(block.subarray(124, 136));
  if (size === null) return null;
  const flag = String.fromCharCode(block[156]!);
  // ustar keeps a prefix of the name; GNU tar ('ustar  ') uses those bytes for other things.
  const posix = block.subarray(257, 263).toString('latin1') === 'ustar\0';
  const name = cString(block.subarray(0, 100));
  const prefix = posix ? cString(block.subarray(345, 500)) : Buffer.alloc(0);
  return {
    name: prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), name]) : name,
    linkname: cString(block.subarray(157, 257)),
    size,
    type: TYPES[flag] ?? (flag === 'S' ? 'gnu-sparse' : `type ${JSON.stringify(flag)}`),
  };
}

/** The `path`, `linkpath` and `size` of pax records (`<length> <key>=<value>\n`…), as far as they parse. */
function paxRecords(data: Buffer): { path?: Buffer; linkpath?: Buffer; size?: number } {
  const out: { path?: Buffer; linkpath?: Buffer; size?: number } = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0 || space - at > 20) break;
    const length = Number(data.subarray(at, space).toString('latin1'));
    if (!Number.isSafeInteger(length) || length <= space - at || at + length > data.length) break;
    const record = data.subarray(space + 1, at + length - 1); // without the trailing newline
    const eq = record.indexOf(0x3d);
    if (eq > 0) {
      const key = record.subarray(0, eq).toString('latin1');
      const value = record.subarray(eq + 1);
      if (key === 'path') out.path = value;
      else if (key === 'linkpath') out.linkpath = value;
      else if (key === 'size') {
        const n = Number(value.toString('latin1'));
        if (Number.isSafeInteger(n) && n >= 0) out.size = n;
      }
    }
    at += length;
  }
  return out;
}

const isZeroBlock = (block: Buffer): boolean => block.every((b) => b === 0);
const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

export async function* tarEntries(input: ContainerInput, limits: Limits): AsyncGenerator<ContainerEvent> {
  if (input.kind === 'buffer') {
    yield* tarStreamEntries(Readable.from([input.data]), limits);
    return;
  }
  const source = createReadStream(input.path, { highWaterMark: 256 * 1024 });
  try {
    yield* tarStreamEntries(source, limits);
  } finally {
    source.destroy();
  }
}

/** The members of a tar read from a byte stream (a file, a buffer, a converter's output). */
export async function* tarStreamEntries(
  source: AsyncIterable<unknown>,
  limits: Limits,
): AsyncGenerator<ContainerEvent> {
  const reader = new SequentialReader(source);
  let listed = 0;
  let expanded = 0;
  // What the pax and GNU records before a member say of it.
  let pending: { path?: Buffer; linkpath?: Buffer; size?: number } = {};
  try {
    for (;;) {
      const headerAt = reader.position;
      let block = await reader.read(BLOCK);
      if (block.length === 0) return;
      if (block.length < BLOCK) {
        if (isZeroBlock(block)) return;
        throw new Error(`tar unreadable after ${listed} members: the data ends inside a header`);
      }
      if (isZeroBlock(block)) continue;
      let header = tarChecksumValid(block) ? parseHeader(block) : null;
      if (header === null) {
        // Walk to the next block that is a valid header; what was skipped is said.
        while (header === null) {
          block = await reader.read(BLOCK);
          if (block.length < BLOCK) break;
          if (!isZeroBlock(block) && tarChecksumValid(block)) header = parseHeader(block);
        }
        const end = reader.position - (header === null ? block.length : BLOCK);
        yield {
          kind: 'problem',
          path: '',
          status: 'failed',
          reason: coded('tar.damaged-header', { at: headerAt, skipped: end - headerAt }),
          bytes: null,
          byteStart: headerAt,
          byteEnd: end,
        };
        pending = {};
        if (header === null) return;
      }
      const dataStart = reader.position;
      const size = pending.size ?? header.size;
      const range = { byteStart: dataStart, byteEnd: dataStart + size };

      if (
        header.type === 'pax-header' ||
        header.type === 'gnu-long-path' ||
        header.type === 'gnu-long-link-path'
      ) {
        if (size > MAX_META_BYTES) {
          await reader.skip(size + padding(size));
          yield {
            kind: 'problem',
            path: '',
            status: 'failed',
            reason: coded('tar.meta-too-large', { size, limit: MAX_META_BYTES }),
            bytes: null,
            ...range,
          };
          continue;
        }
        const data = await reader.read(size);
        await reader.skip(padding(size));
        if (header.type === 'pax-header') pending = { ...pending, ...paxRecords(data) };
        else if (header.type === 'gnu-long-path') pending.path = cString(data);
        else pending.linkpath = cString(data);
        continue;
      }
      if (header.type === 'pax-global-header') {
        await reader.skip(size + padding(size));
        continue;
      }
      const path = nameOf(pending.path ?? header.name).text;
      const target = nameOf(pending.linkpath ?? header.linkname).text;
      pending = {};
      const fail = (
        status: EntryProblem['status'],
        reason: Coded,
        bytes: Buffer | null = null,
      ): EntryProblem => ({
        kind: 'problem',
        path,
        status,
        reason,
        bytes,
        ...range,
      });
      // Links and special files carry no data (a size on one is skipped all the same).
      const skipData = () => reader.skip(size + padding(size));
      if (header.type === 'directory') {
        await skipData();
        continue;
      }
      listed++;
      if (listed > limits.maxEntries) {
        yield {
          kind: 'problem',
          path: '',
          status: 'limited',
          reason: coded('tar.too-many-members', { limit: limits.maxEntries }),
          bytes: null,
          byteStart: null,
          byteEnd: null,
        };
        return;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        await skipData();
        if (header.type === 'symlink') yield fail('failed', coded('tar.symlink-not-followed', { target }));
        else if (header.type === 'link') yield fail('failed', coded('tar.hardlink-not-followed', { target }));
        else yield fail('failed', coded('tar.special-not-extracted', { type: header.type }));
        continue;
      }
      if (size > limits.maxEntryBytes) {
        await skipData();
        yield fail('limited', coded('tar.member-too-large', { size, limit: limits.maxEntryBytes }));
        continue;
      }
      if (expanded + size > limits.maxExpandedBytes) {
        await skipData();
        yield fail('limited', coded('tar.would-expand', { limit: limits.maxExpandedBytes, size }));
        continue;
      }
      const bytes = await reader.read(size);
      if (bytes.length < size) {
        yield fail(
          'failed',
          coded('tar.truncated', { have: bytes.length, size, error: 'the data ends inside this member' }),
          bytes.length > 0 ? bytes : null,
        );
        return;
      }
      await reader.skip(padding(size));
      expanded += size;
      yield { kind: 'entry', path, bytes, ...range, transformations: [], isMessage: false };
    }
  } finally {
    await reader.close();
  }
}

/**
 * Score: 100 for the ustar magic and a valid header checksum; 60 for the magic with a bad checksum
 * (the reader will say what is wrong), or for old v7 tar, which has no magic: only on the name's
 * word (`.tar`), and with a valid header checksum.
 */
function tarScore(head: Buffer, name: string): number {
  if (hasUstarMagic(head)) return tarChecksumValid(head.subarray(0, BLOCK)) ? 100 : 60;
  return /\.tar$/i.test(name) && tarChecksumValid(head.subarray(0, BLOCK)) ? 60 : 0;
}

export const tarFormat: ContainerModule = {
  name: 'tar',
  kind: 'container',
  score: (probe) => tarScore(probe.head, probe.name),
  entries(input: ContainerInput, limits: Limits): AsyncIterable<ContainerEvent> {
    return tarEntries(input, limits);
  },
};
