// zip, via yauzl. Every member becomes an entry or a problem; only an unreadable central
// directory (truncated or corrupt archive) makes `entries` throw, after the members already
// yielded, and, when there is no directory at all, after those recovered from their local
// headers (zip-local.ts).
//
// Entry names are kept exactly as recorded (`../../evil.eml`, `/etc/passwd`, `..\win.eml`, NUL
// bytes…): a name is only ever stored as text and never used as a path on disk, so there is
// nothing to sanitise. yauzl would reject such names and abort the whole listing, so names are
// not decoded by yauzl (decodeStrings: false) but here, with the same rules minus validation.
//
// Limits, none of which trusts the headers alone:
//  - maxEntries: members past the limit are not read; one `limited` problem (path '') says so.
//  - maxEntryBytes, maxExpandedBytes, maxRatio: checked first against the declared sizes (cheap
//    refusal), then against the bytes actually produced while inflating, stopping at once.
//    maxRatio applies past RATIO_FLOOR_BYTES of output. An entry inflating to more than its
//    declared size is stopped there too.
//
// Problems are codes (words in report/messages/en/containers.ts): zip.* for what the headers say
// or the data shows, limit.* (bounded.ts) for a limit crossed while inflating.

import { Buffer } from 'node:buffer';
import yauzl from 'yauzl';
import { coded } from '../../report/catalogue.ts';
import {
  type ContainerEvent,
  type ContainerInput,
  type ContainerModule,
  memberProblem,
  wholeEntry,
} from '../format.ts';
import type { Limits } from '../limits.ts';
import { boundsFor, RATIO_FLOOR_BYTES, readBounded } from './bounded.ts';
import { hasZipMagic } from './zip-directory.ts';
import { localEntries } from './zip-local.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The recorded name, decoded like yauzl does (UTF-8 flag, Info-ZIP unicode path, else CP437), unvalidated. */
function entryName(e: yauzl.Entry): string {
  const raw = e.fileNameRaw ?? (e.fileName as unknown as Buffer);
  return yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, raw, e.extraFields, true);
}

function isDirectory(e: yauzl.Entry, name: string): boolean {
  if (e.uncompressedSize !== 0) return false;
  // 0x10: MS-DOS directory attribute.
  return name.endsWith('/') || (name.endsWith('\\') && (e.externalFileAttributes & 0x10) !== 0);
}

async function openZip(input: ContainerInput): Promise<yauzl.ZipFile> {
  const options: yauzl.Options = {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: false,
    strictFileNames: true,
  };
  try {
    return input.kind === 'file'
      ? // fs opens a Buffer path (a name that is not UTF-8) as it opens a string.
        await yauzl.openPromise(input.path as string, options)
      : await yauzl.fromBufferPromise(input.data, options);
  } catch (err) {
    throw new Error(`unreadable zip (truncated or corrupt): ${message(err)}`);
  }
}

export async function* zipEntries(input: ContainerInput, limits: Limits): AsyncGenerator<ContainerEvent> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(input);
  } catch (err) {
    // No readable central directory (an archive cut short): salvage what the local headers give.
    const walk = yield* localEntries(input, limits);
    throw new Error(
      `${message(err)}; ${walk.recovered} member(s) recovered from their local headers, up to byte ${walk.stoppedAt} (${walk.why})`,
    );
  }
  // Errors are taken from the listing iterator and the entry streams; one emitted with no
  // listener (after the listing ended) must not crash the process.
  zip.on('error', () => {});
  let listed = 0;
  let expanded = 0;
  try {
    const iterator = zip.eachEntry();
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await iterator.next();
      } catch (err) {
        throw new Error(
          `zip central directory unreadable after ${listed} of ${zip.entryCount} entries: ${message(err)}`,
        );
      }
      if (next.done) break;
      const e = next.value;
      listed++;
      if (listed > limits.maxEntries) {
        yield memberProblem(
          '',
          'limited',
          coded('zip.too-many-entries', { count: zip.entryCount, limit: limits.maxEntries }),
        );
        await iterator.return?.();
        break;
      }
      const path = entryName(e);
      if (isDirectory(e, path)) continue;
      yield await readEntry(zip, e, path, limits, expanded, (n) => {
        expanded += n;
      });
    }
  } finally {
    zip.close();
  }
}

async function readEntry(
  zip: yauzl.ZipFile,
  e: yauzl.Entry,
  path: string,
  limits: Limits,
  expandedSoFar: number,
  addExpanded: (n: number) => void,
): Promise<ContainerEvent> {
  if (e.isEncrypted()) return memberProblem(path, 'failed', coded('zip.encrypted'));
  if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
    return memberProblem(path, 'failed', coded('zip.unsupported-method', { method: e.compressionMethod }));
  }
  // Declared sizes: enough to refuse, never enough to accept.
  if (e.uncompressedSize > limits.maxEntryBytes) {
    return memberProblem(
      path,
      'limited',
      coded('zip.entry-too-large', { size: e.uncompressedSize, limit: limits.maxEntryBytes }),
    );
  }
  if (expandedSoFar + e.uncompressedSize > limits.maxExpandedBytes) {
    return memberProblem(
      path,
      'limited',
      coded('zip.would-expand', { limit: limits.maxExpandedBytes, size: e.uncompressedSize }),
    );
  }
  if (e.uncompressedSize > RATIO_FLOOR_BYTES && e.uncompressedSize > e.compressedSize * limits.maxRatio) {
    return memberProblem(
      path,
      'limited',
      coded('zip.declared-ratio', {
        size: e.uncompressedSize,
        compressed: e.compressedSize,
        ratio: limits.maxRatio,
      }),
    );
  }

  let stream: Awaited<ReturnType<yauzl.ZipFile['openReadStreamPromise']>>;
  try {
    stream = await zip.openReadStreamPromise(e);
  } catch (err) {
    return memberProblem(path, 'failed', coded('zip.cannot-read-entry', { error: message(err) }));
  }
  const read = await readBounded(stream, {
    ...boundsFor(limits, expandedSoFar, e.compressedSize),
    declaredSize: e.uncompressedSize,
  });
  addExpanded(read.produced);
  if (read.limit !== null) return memberProblem(path, 'limited', read.limit.reason);
  if (read.overDeclared) {
    return memberProblem(
      path,
      'failed',
      coded('zip.over-declared', { declared: e.uncompressedSize, produced: read.produced }),
    );
  }
  if (read.error !== null) {
    return memberProblem(
      path,
      'failed',
      coded('zip.data-unreadable', { produced: read.produced, error: read.error.message }),
      read.bytes,
    );
  }
  const bytes = read.bytes ?? Buffer.alloc(0);
  if (bytes.length !== e.uncompressedSize) {
    return memberProblem(
      path,
      'failed',
      coded('zip.size-mismatch', { size: bytes.length, declared: e.uncompressedSize }),
      bytes,
    );
  }
  if (read.crc32 !== e.crc32) {
    return memberProblem(path, 'failed', coded('zip.crc-mismatch'), bytes);
  }
  return wholeEntry(path, bytes);
}

/**
 * Score: 90 for a zip signature (a local header, or the end record of an empty zip). Below 100 so
 * that the formats built on zip (OOXML, OpenDocument, EPUB, OLM) win when their layout is there.
 */
export const zipFormat: ContainerModule = {
  name: 'zip',
  kind: 'container',
  score: (probe) => (hasZipMagic(probe.head) ? 90 : 0),
  entries(input: ContainerInput, limits: Limits): AsyncIterable<ContainerEvent> {
    return zipEntries(input, limits);
  },
};
