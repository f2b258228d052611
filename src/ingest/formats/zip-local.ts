// Recovery of a zip whose central directory is missing (a download cut short, a damaged end):
// the members before the damage are read from their local headers, one after the other from
// the start, the way forensic tools salvage partial archives. Used by zip.ts only when yauzl
// cannot read the directory. The same limits apply as to a sound archive.
//
// Stops, saying why, at the first thing that cannot be walked past safely: bytes that are not a
// local header, an entry cut by the end of the data, a stored entry whose size is only in the
// (missing) directory, a zip64 entry. Problems are zip.* codes shared with zip.ts (encrypted,
// unsupported-method) and zip.local.* for what only this walk finds; why the walk stopped is
// English, for the error the container fails with.

import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { type Coded, coded } from '../../report/catalogue.ts';
import {
  type ContainerEvent,
  type ContainerInput,
  type EntryProblem,
  memberProblem,
  wholeEntry,
} from '../format.ts';
import type { Limits } from '../limits.ts';
import { RATIO_FLOOR_BYTES } from './bounded.ts';

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const LOCAL_HEADER_BYTES = 30;
/** Deflate never grows data by more than this (stored blocks: 5 bytes per 64 KB), plus slack. */
const MAX_DEFLATE_OVERHEAD = 1.01;

/** Random access to the archive's bytes, from memory or from the file. */
export interface ByteSource {
  size: number;
  read(position: number, length: number): Buffer;
  close(): void;
}

export function byteSource(input: ContainerInput): ByteSource {
  if (input.kind === 'buffer') {
    const data = input.data;
    return {
      size: data.length,
      read: (position, length) => data.subarray(position, Math.min(data.length, position + length)),
      close: () => {},
    };
  }
  const fd = openSync(input.path, 'r');
  return {
    size: input.size,
    read(position, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, input.size - position)));
      let done = 0;
      while (done < buffer.length) {
        const n = readSync(fd, buffer, done, buffer.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return buffer.subarray(0, done);
    },
    close: () => closeSync(fd),
  };
}

/** How the walk ended: how many members were recovered, and why it stopped where it did. */
export interface LocalWalkEnd {
  recovered: number;
  stoppedAt: number;
  why: string;
  /** Bytes the members read expanded to. */
  expanded: number;
}

export interface LocalWalk {
  /** Where the first local header is. */
  start: number;
  /** Whether the walk stops before a header at this position (one the directory lists). */
  stopBefore?: (position: number) => boolean;
  /** Bytes already expanded from this archive (charged against maxExpandedBytes). */
  expandedSoFar?: number;
  /** Members already listed from this archive (charged against maxEntries). */
  listedSoFar?: number;
}

type MemberData =
  | { bytes: Buffer; consumed: number }
  | { status: EntryProblem['status']; reason: Coded; stop: string };

/**
 * A member's data, bounded by `budget` output bytes. With sizes in a trailing descriptor
 * (`sizesFollow`), the deflate stream itself says where it ends: it is inflated from windows
 * that grow until it does, so a small member never costs a large read.
 */
function memberData(
  source: ByteSource,
  dataStart: number,
  method: number,
  compressedSize: number,
  sizesFollow: boolean,
  budget: number,
): MemberData {
  const overLimits = {
    status: 'limited' as const,
    reason: coded('zip.local.over-limits'),
    stop: 'a member over the size limits',
  };
  const maxCompressed = Math.ceil(budget * MAX_DEFLATE_OVERHEAD) + 1024;
  if (method === 0) {
    if (sizesFollow) {
      return {
        status: 'failed',
        reason: coded('zip.local.stored-size-unknown'),
        stop: 'a member of unknown size',
      };
    }
    if (compressedSize > budget) return overLimits;
    if (dataStart + compressedSize > source.size) {
      return {
        status: 'failed',
        reason: coded('zip.local.cut-short'),
        stop: 'the data ends inside a member',
      };
    }
    return { bytes: source.read(dataStart, compressedSize), consumed: compressedSize };
  }
  if (!sizesFollow && compressedSize > maxCompressed) return overLimits;
  let want = sizesFollow ? Math.min(64 * 1024, maxCompressed) : compressedSize;
  for (;;) {
    const window = source.read(dataStart, want);
    try {
      const out = inflateRawSync(window, { info: true, maxOutputLength: budget + 1 }) as unknown as {
        buffer: Buffer;
        engine: { bytesWritten: number };
      };
      return { bytes: out.buffer, consumed: out.engine.bytesWritten };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') return overLimits;
      const truncated = code === 'Z_BUF_ERROR';
      if (truncated && sizesFollow && window.length === want && want < maxCompressed) {
        want = Math.min(want * 4, maxCompressed);
        continue;
      }
      if (truncated && window.length < want) {
        return {
          status: 'failed',
          reason: coded('zip.local.cut-short'),
          stop: 'the data ends inside a member',
        };
      }
      return {
        status: 'failed',
        reason: coded('zip.local.data-unreadable', { error: (err as Error).message }),
        stop: 'member data that could not be walked past',
      };
    }
  }
}

/**
 * Yields the members found by walking local headers from the start, then returns how the walk
 * ended (the caller turns that into the container's reason).
 */
export async function* localEntries(
  source: ByteSource,
  limits: Limits,
  walk: LocalWalk,
): AsyncGenerator<ContainerEvent, LocalWalkEnd> {
  let position = walk.start;
  let members = walk.listedSoFar ?? 0;
  let recovered = 0;
  const before = walk.expandedSoFar ?? 0;
  let expanded = before;
  const end = (why: string): LocalWalkEnd => ({
    recovered,
    stoppedAt: position,
    why,
    expanded: expanded - before,
  });
  for (;;) {
    if (position !== walk.start && walk.stopBefore?.(position)) return end('a member the directory lists');
    const header = source.read(position, LOCAL_HEADER_BYTES);
    if (header.length < LOCAL_HEADER_BYTES) return end('the data ends there');
    if (header.readUInt32LE(0) !== LOCAL_HEADER) return end('no further member header there');
    const flags = header.readUInt16LE(6);
    const method = header.readUInt16LE(8);
    const compressedSize = header.readUInt32LE(18);
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    const name = source.read(position + LOCAL_HEADER_BYTES, nameLength);
    if (name.length < nameLength) return end('the data ends inside a member header');
    // As zip.ts reads names (kept as recorded, `..\\x` included); the local extra field is not parsed.
    const path = yauzl.getFileNameLowLevel(flags, name, [], true);
    const dataStart = position + LOCAL_HEADER_BYTES + nameLength + extraLength;
    const sizesFollow = (flags & 0x08) !== 0;
    if (++members > limits.maxEntries) {
      yield memberProblem('', 'limited', coded('zip.local.too-many-members', { limit: limits.maxEntries }));
      return end('the entry limit');
    }
    if (compressedSize === 0xffffffff || header.readUInt32LE(22) === 0xffffffff) {
      yield memberProblem(path, 'failed', coded('zip.local.zip64'));
      return end('a zip64 member');
    }
    const unreadable =
      method !== 0 && method !== 8
        ? coded('zip.unsupported-method', { method })
        : flags & 0x01
          ? coded('zip.encrypted')
          : null;
    if (unreadable) {
      yield memberProblem(path, 'failed', unreadable);
      if (sizesFollow) return end('a member of unknown size');
      position = dataStart + compressedSize;
      continue;
    }
    const budget = Math.min(limits.maxEntryBytes, Math.max(0, limits.maxExpandedBytes - expanded));
    const data = memberData(source, dataStart, method, compressedSize, sizesFollow, budget);
    if ('reason' in data) {
      yield memberProblem(path, data.status, data.reason);
      // With its size in the header, the next member can still be found past this one.
      if (sizesFollow || dataStart + compressedSize > source.size) return end(data.stop);
      position = dataStart + compressedSize;
      continue;
    }
    const { bytes, consumed } = data;
    if (bytes.length > RATIO_FLOOR_BYTES && bytes.length > consumed * limits.maxRatio) {
      yield memberProblem(path, 'limited', coded('zip.local.ratio', { ratio: limits.maxRatio }));
      return end('a member over the ratio limit');
    }
    expanded += bytes.length;
    let expectedCrc = header.readUInt32LE(14);
    let expectedSize = header.readUInt32LE(22);
    position = dataStart + consumed;
    if (sizesFollow) {
      const descriptor = source.read(position, 16);
      const signed = descriptor.length >= 4 && descriptor.readUInt32LE(0) === DATA_DESCRIPTOR;
      const fields = signed ? descriptor.subarray(4) : descriptor;
      if (fields.length < 12) {
        yield memberProblem(path, 'failed', coded('zip.local.cut-short-sizes'));
        return end('the data ends inside a member');
      }
      expectedCrc = fields.readUInt32LE(0);
      expectedSize = fields.readUInt32LE(8);
      position += signed ? 16 : 12;
    }
    if (bytes.length !== expectedSize || crc32(bytes) !== expectedCrc) {
      yield memberProblem(path, 'failed', coded('zip.local.crc-mismatch'));
      continue;
    }
    if (path.endsWith('/') && bytes.length === 0) continue; // a directory
    recovered++;
    yield wholeEntry(path, bytes);
  }
}

/** Where the first local header signature is at or after `from` and before `to`, or -1. */
export function findLocalHeader(source: ByteSource, from: number, to: number): number {
  const signature = Buffer.from('PK\x03\x04', 'latin1');
  const window = 1024 ** 2;
  for (let at = from; at < to; at += window - 3) {
    const bytes = source.read(at, Math.min(window, to - at));
    const i = bytes.indexOf(signature);
    if (i >= 0 && at + i < to) return at + i;
    if (bytes.length < 4) break;
  }
  return -1;
}
