// tar (ustar, GNU, pax; old v7 when the name says .tar), via tar-stream.
//
// Only regular files become entries, named exactly as recorded (text only, never a path on
// disk; `../` names are kept as they are). Links and special files become `failed` problems:
// tar.symlink-not-followed and tar.hardlink-not-followed { target }, tar.special-not-extracted
// { type } (tar-stream's type name). Directories are skipped. Tar is not compressed, so sizes in the
// headers are what the archive really holds: maxEntryBytes and maxExpandedBytes are checked
// against them before reading (an oversized member is skipped without being held in memory);
// maxRatio does not apply. byteStart/byteEnd give each member's data range in the archive.
//
// A member cut short by the end of the archive becomes a `failed` problem (tar.truncated) keeping
// the bytes that were there; any other damage (invalid header, end of data inside a header) throws after the
// members already yielded.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { type Coded, coded } from '../../report/catalogue.ts';
import type { ContainerEvent, ContainerInput, ContainerModule, EntryProblem } from '../format.ts';
import type { Limits } from '../limits.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Checksum of a 512-byte tar header as recorded, and as computed (checksum field as spaces). */
export function tarChecksumValid(header: Buffer): boolean {
  if (header.length < 512) return false;
  const field = header
    .subarray(148, 156)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]{1,8}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return sum === Number.parseInt(field, 8);
}

function hasUstarMagic(head: Buffer): boolean {
  return head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
}

/** Bytes [start, end) of the container, clipped to its size. */
async function readRange(input: ContainerInput, start: number, end: number): Promise<Buffer> {
  if (input.kind === 'buffer') return Buffer.from(input.data.subarray(start, end));
  const fh = await open(input.path, 'r');
  try {
    const buf = Buffer.alloc(Math.max(0, end - start));
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function* tarEntries(input: ContainerInput, limits: Limits): AsyncGenerator<ContainerEvent> {
  // allowUnknownFormat (v7 headers without magic) is a tar-stream option its declarations lack.
  const extract = tar.extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
  const source: Readable = input.kind === 'file' ? createReadStream(input.path) : Readable.from([input.data]);
  source.on('error', (err: Error) => extract.destroy(err));
  source.pipe(extract);

  let listed = 0;
  let expanded = 0;
  const iterator = extract[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<tar.Extract extends AsyncIterable<infer S> ? S : never>;
      try {
        next = await iterator.next();
      } catch (err) {
        throw new Error(`tar unreadable after ${listed} members: ${message(err)}`);
      }
      if (next.done) break;
      const entry = next.value;
      const header = entry.header;
      listed++;
      if (listed > limits.maxEntries) {
        entry.resume();
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
      const path = header.name;
      // tar-stream sets the data offset; its type declarations do not list it.
      const dataStart = (header as { byteOffset?: number }).byteOffset ?? null;
      const range = { byteStart: dataStart, byteEnd: dataStart === null ? null : dataStart + header.size };
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

      if (header.type === 'directory') {
        entry.resume();
        continue;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        entry.resume();
        const target = String(header.linkname);
        if (header.type === 'symlink') yield fail('failed', coded('tar.symlink-not-followed', { target }));
        else if (header.type === 'link') yield fail('failed', coded('tar.hardlink-not-followed', { target }));
        else yield fail('failed', coded('tar.special-not-extracted', { type: String(header.type) }));
        continue;
      }
      if (header.size > limits.maxEntryBytes) {
        entry.resume();
        yield fail(
          'limited',
          coded('tar.member-too-large', { size: header.size, limit: limits.maxEntryBytes }),
        );
        continue;
      }
      if (expanded + header.size > limits.maxExpandedBytes) {
        entry.resume();
        yield fail(
          'limited',
          coded('tar.would-expand', { limit: limits.maxExpandedBytes, size: header.size }),
        );
        continue;
      }

      const parts: Buffer[] = [];
      let got = 0;
      try {
        for await (const chunk of entry) {
          const buf = chunk as Buffer;
          got += buf.length;
          parts.push(buf);
        }
      } catch (err) {
        // Truncated inside this member: tar-stream drops the bytes it had buffered when it fails,
        // so the part that is there is read from the container by its range. Then stop.
        const partial =
          dataStart === null ? null : await readRange(input, dataStart, dataStart + header.size);
        const have = partial?.length ?? got;
        yield fail(
          'failed',
          coded('tar.truncated', { have, size: header.size, error: message(err) }),
          partial !== null && partial.length > 0 ? partial : null,
        );
        return;
      }
      expanded += got;
      yield {
        kind: 'entry',
        path,
        bytes: Buffer.concat(parts),
        ...range,
        transformations: [],
        isMessage: false,
      };
    }
  } finally {
    source.unpipe(extract);
    source.destroy();
    extract.destroy();
  }
}

/**
 * Score: 100 for the ustar magic and a valid header checksum; 60 for the magic with a bad checksum
 * (tar-stream will say what is wrong), or for old v7 tar, which has no magic: only on the name's
 * word (`.tar`), and with a valid header checksum.
 */
function tarScore(head: Buffer, name: string): number {
  if (hasUstarMagic(head)) return tarChecksumValid(head.subarray(0, 512)) ? 100 : 60;
  return /\.tar$/i.test(name) && tarChecksumValid(head.subarray(0, 512)) ? 60 : 0;
}

export const tarFormat: ContainerModule = {
  name: 'tar',
  kind: 'container',
  score: (probe) => tarScore(probe.head, probe.name),
  entries(input: ContainerInput, limits: Limits): AsyncIterable<ContainerEvent> {
    return tarEntries(input, limits);
  },
};
