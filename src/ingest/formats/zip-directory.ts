// The member names of a zip, for identification only (zip.ts reads members, through yauzl): the
// central directory found from the end-of-central-directory record through Probe.read, else, for
// an archive cut short, the local headers walked from the start within the probe's head. Every
// read is bounded; a damaged directory gives the names read so far, or the local headers, never
// an exception. Formats built on zip (OOXML, ODF, EPUB, OLM) score from this listing.

import { inflateRawSync } from 'node:zlib';
import type { Probe } from '../format.ts';
import { hasMagic, perProbe } from './signature.ts';

const LOCAL = 'PK\x03\x04';
const EMPTY = 'PK\x05\x06';
const CENTRAL = 0x02014b50;
const END_SIGNATURE = Buffer.from(EMPTY, 'latin1');
const END64 = 0x06064b50;
const END64_LOCATOR = 0x07064b50;
const END_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
/** The most of the central directory read to list names (about 50,000 members of usual names). */
const MAX_DIRECTORY_BYTES = 4 * 1024 ** 2;
/** The most members listed, from the directory or from local headers. */
const MAX_MEMBERS = 50_000;
/** The most a member is inflated to when a format reads one (`mimetype`, `[Content_Types].xml`). */
export const MAX_MEMBER_READ = 256 * 1024;

export interface ZipMember {
  /** As recorded: UTF-8 when the entry says so, else read as latin1 (enough to compare ASCII names). */
  name: string;
  method: number;
  compressedSize: number;
  /** The local header's offset, or null when the member was found by walking local headers. */
  localOffset: number | null;
  /** Where the data starts, when known without reading the local header (the local walk). */
  dataOffset: number | null;
}

export interface ZipListing {
  members: ZipMember[];
  /** True when the names come from the central directory, false from local headers only. */
  fromDirectory: boolean;
}

/** Whether the bytes start with a zip signature (a local header, or the end record of an empty zip). */
export function hasZipMagic(head: Buffer): boolean {
  return hasMagic(head, LOCAL) || hasMagic(head, EMPTY);
}

/** The members of the zip the probe holds, or null when it is not a zip. Computed once per probe. */
export const zipListing = perProbe((probe): ZipListing | null => {
  // A program with a zip after it (a self-extractor) is a zip when its directory is found.
  if (!hasZipMagic(probe.head)) return hasMagic(probe.head, 'MZ') ? centralDirectory(probe) : null;
  let listing: ZipListing | null = null;
  try {
    listing = centralDirectory(probe);
  } catch {
    listing = null;
  }
  return listing ?? { members: localMembers(probe.head), fromDirectory: false };
});

/** A member name as recorded: UTF-8 when the entry's flag says so, else read as latin1. */
function memberName(bytes: Buffer, start: number, length: number, flags: number): string {
  return bytes.subarray(start, start + length).toString(flags & 0x800 ? 'utf8' : 'latin1');
}

function u64(buf: Buffer, at: number): number {
  return Number(buf.readBigUInt64LE(at));
}

/** Bounded random access to an archive's bytes (a Probe, or zip.ts's view of the archive). */
export type RandomBytes = Pick<Probe, 'size' | 'read'>;

/**
 * The central directory's size, offset (as recorded) and entry count, from the end records, and
 * where the end record is; null when absent.
 */
export function endRecord(
  probe: RandomBytes,
): { size: number; offset: number; entries: number; at: number } | null {
  const tailLength = Math.min(probe.size, END_BYTES + 0xffff);
  const tailStart = probe.size - tailLength;
  const tail = probe.read(tailStart, tailLength);
  // The last signature whose comment length fits the tail is the record (a comment may hold others).
  let i = tail.lastIndexOf(END_SIGNATURE);
  while (i >= 0 && (i + END_BYTES > tail.length || i + END_BYTES + tail.readUInt16LE(i + 20) > tail.length)) {
    i = i > 0 ? tail.lastIndexOf(END_SIGNATURE, i - 1) : -1;
  }
  if (i < 0) return null;
  let entries = tail.readUInt16LE(i + 10);
  let size = tail.readUInt32LE(i + 12);
  let offset = tail.readUInt32LE(i + 16);
  const at = tailStart + i;
  if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = probe.read(at - 20, 20);
    if (locator.length === 20 && locator.readUInt32LE(0) === END64_LOCATOR) {
      const end64 = probe.read(u64(locator, 8), 56);
      if (end64.length === 56 && end64.readUInt32LE(0) === END64) {
        entries = u64(end64, 32);
        size = u64(end64, 40);
        offset = u64(end64, 48);
      }
    }
  }
  return { size, offset, entries, at };
}

/** The zip64 extended field's values for the 32-bit fields that are saturated. */
function zip64Values(extra: Buffer, wanted: { size: boolean; compressed: boolean; offset: boolean }) {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    const data = extra.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    if (id !== 0x0001) continue;
    let p = 0;
    const next = (want: boolean): number | null => {
      if (!want || p + 8 > data.length) return null;
      const value = u64(data, p);
      p += 8;
      return value;
    };
    next(wanted.size);
    const compressed = next(wanted.compressed);
    const offset = next(wanted.offset);
    return { compressed, offset };
  }
  return { compressed: null, offset: null };
}

/**
 * Where the central directory really starts, and how many bytes were prepended to the archive (a
 * self-extractor's program): its recorded offsets are then short by that much, and the directory
 * ends right before the end record. Null when there is no end record or no directory where it says.
 */
export function directoryLayout(
  probe: RandomBytes,
): { start: number; size: number; entries: number; prefix: number; endAt: number } | null {
  const end = endRecord(probe);
  if (end === null) return null;
  const isDirectory = (at: number) => {
    const first = probe.read(at, 4);
    return first.length === 4 && first.readUInt32LE(0) === CENTRAL;
  };
  if (end.entries === 0) return { start: end.offset, size: end.size, entries: 0, prefix: 0, endAt: end.at };
  let start = end.offset;
  if (!isDirectory(start)) start = end.at - end.size;
  if (start < 0 || !isDirectory(start)) return null;
  return { start, size: end.size, entries: end.entries, prefix: start - end.offset, endAt: end.at };
}

function centralDirectory(probe: Probe): ZipListing | null {
  const end = endRecord(probe);
  if (end === null) return null;
  const length = Math.min(end.size, MAX_DIRECTORY_BYTES);
  const layout = directoryLayout(probe);
  if (layout === null) return null;
  const start = layout.start;
  const directory = probe.read(start, length);
  const members: ZipMember[] = [];
  let at = 0;
  while (at + CENTRAL_BYTES <= directory.length && members.length < MAX_MEMBERS) {
    if (directory.readUInt32LE(at) !== CENTRAL) break;
    const flags = directory.readUInt16LE(at + 8);
    const method = directory.readUInt16LE(at + 10);
    let compressedSize = directory.readUInt32LE(at + 20);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    let localOffset = directory.readUInt32LE(at + 42);
    const nameStart = at + CENTRAL_BYTES;
    if (nameStart + nameLength > directory.length) break;
    if (compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      const extra = directory.subarray(nameStart + nameLength, nameStart + nameLength + extraLength);
      const values = zip64Values(extra, {
        size: directory.readUInt32LE(at + 24) === 0xffffffff,
        compressed: compressedSize === 0xffffffff,
        offset: localOffset === 0xffffffff,
      });
      compressedSize = values.compressed ?? compressedSize;
      localOffset = values.offset ?? localOffset;
    }
    members.push({
      name: memberName(directory, nameStart, nameLength, flags),
      method,
      compressedSize,
      localOffset: localOffset + (start - end.offset),
      dataOffset: null,
    });
    at = nameStart + nameLength + extraLength + commentLength;
  }
  if (members.length === 0 && end.entries > 0) return null;
  return { members, fromDirectory: true };
}

/** Members named by the local headers found one after the other from the start of `head`. */
function localMembers(head: Buffer): ZipMember[] {
  const members: ZipMember[] = [];
  let at = 0;
  while (at + LOCAL_BYTES <= head.length && members.length < MAX_MEMBERS && hasMagic(head, LOCAL, at)) {
    const flags = head.readUInt16LE(at + 6);
    const method = head.readUInt16LE(at + 8);
    const compressedSize = head.readUInt32LE(at + 18);
    const nameLength = head.readUInt16LE(at + 26);
    const extraLength = head.readUInt16LE(at + 28);
    const nameStart = at + LOCAL_BYTES;
    if (nameStart + nameLength > head.length) break;
    const dataOffset = nameStart + nameLength + extraLength;
    members.push({
      name: memberName(head, nameStart, nameLength, flags),
      method,
      compressedSize,
      localOffset: null,
      dataOffset,
    });
    // Sizes in a trailing descriptor: where the next header starts is not known from here.
    if (flags & 0x08 || compressedSize === 0xffffffff) break;
    at = dataOffset + compressedSize;
  }
  return members;
}

/**
 * The first `max` bytes of a member's data, stored or deflated (a damaged or truncated stream gives
 * what inflated before the damage), or null when it cannot be read.
 */
export function readMember(probe: Probe, member: ZipMember, max = MAX_MEMBER_READ): Buffer | null {
  try {
    let dataOffset = member.dataOffset;
    if (dataOffset === null) {
      if (member.localOffset === null) return null;
      const local = probe.read(member.localOffset, LOCAL_BYTES);
      if (local.length < LOCAL_BYTES || !hasMagic(local, LOCAL)) return null;
      dataOffset = member.localOffset + LOCAL_BYTES + local.readUInt16LE(26) + local.readUInt16LE(28);
    }
    if (member.method === 0) return probe.read(dataOffset, Math.min(member.compressedSize, max));
    if (member.method !== 8) return null;
    // Deflate expands at most ~1000:1; a few times `max` of input is plenty for `max` of output.
    const input = probe.read(dataOffset, Math.min(member.compressedSize || 4 * max, 4 * max));
    return inflateRawSync(input, { finishFlush: 2 /* Z_SYNC_FLUSH */, maxOutputLength: max });
  } catch {
    return null;
  }
}

/** The member with exactly this name, if listed. */
export function member(listing: ZipListing, name: string): ZipMember | undefined {
  return listing.members.find((m) => m.name === name);
}
