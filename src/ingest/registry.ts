// The format registry, after Aleph's ingest-file: every format (containers, messages, documents,
// formats recognised but not read yet) is a module in formats/ that scores a probe (the first
// bytes, bounded random access to the rest, the name as a hint); the highest score wins, and on a
// tie the module listed first. Adding a format is adding its module and one line in FORMATS.
//
// The scale (format.ts, Score): 1000 the container says it is a message; 100 certain by magic and
// structure; ~50 strong evidence from the content; ~10 the name alone; 5 text; 1 `unknown`,
// which always scores, so identification always names a module. Generic formats score below the
// specific ones built on them: zip 90 under docx/odt/epub/olm (95–100), ole 80 under doc/xls/ppt/msg.

import { closeSync, openSync, readSync } from 'node:fs';
import { type Format, PROBE_HEAD_BYTES, type Probe, Score } from './format.ts';
import { rarFormat, sevenZipFormat } from './formats/archive-tool.ts';
import { bzip2Format } from './formats/bzip2.ts';
import { zstdFormat } from './formats/compressed.ts';
import { emlFormat } from './formats/eml.ts';
import { emlxFormat } from './formats/emlx.ts';
import { gzipFormat } from './formats/gzip.ts';
import { gifFormat, jpegFormat, pngFormat, tiffFormat, webpFormat } from './formats/images.ts';
import { htmlFormat, rtfFormat, xmlFormat } from './formats/markup.ts';
import { mboxFormat } from './formats/mbox.ts';
import { msgFormat } from './formats/msg.ts';
import { docxFormat, pptxFormat, xlsxFormat } from './formats/office-open.ts';
import { docFormat, oleFormat, pptFormat, xlsFormat } from './formats/ole2-documents.ts';
import { olmFormat } from './formats/olm.ts';
import {
  epubFormat,
  odfFormat,
  odgFormat,
  odpFormat,
  odsFormat,
  odtFormat,
} from './formats/open-document.ts';
import { pdfFormat } from './formats/pdf.ts';
import { ostFormat, pstFormat } from './formats/pst.ts';
import { tarFormat } from './formats/tar.ts';
import { csvFormat, textFormat, unknownFormat } from './formats/text.ts';
import { tnefFormat } from './formats/tnef.ts';
import { xzFormat } from './formats/xz.ts';
import { zipFormat } from './formats/zip.ts';

/** Every format, most specific first (the order settles ties). */
const FORMATS: readonly Format[] = [
  emlFormat,
  // Containers and archives by magic.
  gzipFormat,
  bzip2Format,
  xzFormat,
  zstdFormat,
  sevenZipFormat,
  rarFormat,
  // Built on zip, then zip itself.
  docxFormat,
  xlsxFormat,
  pptxFormat,
  odtFormat,
  odsFormat,
  odpFormat,
  odgFormat,
  odfFormat,
  epubFormat,
  olmFormat,
  zipFormat,
  tarFormat,
  // Outlook stores, then OLE2 compound files.
  pstFormat,
  ostFormat,
  msgFormat,
  tnefFormat,
  docFormat,
  xlsFormat,
  pptFormat,
  oleFormat,
  // Documents by magic.
  pdfFormat,
  pngFormat,
  jpegFormat,
  gifFormat,
  tiffFormat,
  webpFormat,
  rtfFormat,
  // Mail files by content.
  emlxFormat,
  mboxFormat,
  // Text.
  htmlFormat,
  xmlFormat,
  csvFormat,
  textFormat,
  unknownFormat,
];

/** Every registered format, in registry order (for documentation and tests). */
export function listFormats(): readonly Format[] {
  return FORMATS;
}

export interface Identified {
  module: Format;
  score: number;
}

/** A module's score, 0 when it throws or returns something that is not a finite number. */
function safeScore(module: Format, probe: Probe): number {
  try {
    const score = module.score(probe);
    return Number.isFinite(score) ? score : 0;
  } catch {
    return 0;
  }
}

/**
 * The format of the probed item: the module with the highest score (the first listed on a tie).
 * `modules` defaults to the registry (tests pass their own).
 */
export function identify(probe: Probe, modules: readonly Format[] = FORMATS): Identified {
  let best: Identified = { module: unknownFormat, score: 0 };
  for (const module of modules) {
    // A tie goes to the module listed first: one that cannot score more than the best is skipped.
    if (module.maxScore !== undefined && module.maxScore <= best.score) continue;
    const score = safeScore(module, probe);
    if (score > best.score) {
      best = { module, score };
      if (score >= Score.claimed) break; // nothing scores above a container's word
    }
  }
  return best;
}

function clampedRange(size: number, offset: number, length: number): [number, number] {
  if (!Number.isFinite(offset) || !Number.isFinite(length) || offset < 0 || length <= 0 || offset >= size) {
    return [0, 0];
  }
  const start = Math.floor(offset);
  return [start, Math.min(size, start + Math.floor(length))];
}

/** A probe over bytes in memory (an entry, an attachment, a small file read whole). */
export function probeBuffer(bytes: Buffer, name: string, claimedMessage: boolean): Probe {
  return {
    head: bytes.subarray(0, PROBE_HEAD_BYTES),
    size: bytes.length,
    name,
    claimedMessage,
    read(offset, length) {
      const [start, end] = clampedRange(bytes.length, offset, length);
      return bytes.subarray(start, end);
    },
  };
}

/** The most one read of a file probe returns, whatever a module asks for. */
const MAX_FILE_READ = 16 * 1024 ** 2;

/** A probe over a file on disk, holding it open until `close()` (reads after it throw, and score 0). */
export interface FileProbe extends Probe {
  close(): void;
}

/**
 * A probe over a file on disk (a large file of the dump, a spooled member): the head is read now,
 * the rest on demand, synchronously, at most 16 MB a read. `size` is the size the caller knows
 * (from its listing); reads stop at the end of the file as it is. Throws when the file cannot be
 * opened or its head read (the caller records that as it records any unreadable file).
 */
export function probeFile(
  path: string | Buffer,
  size: number,
  name: string,
  claimedMessage: boolean,
): FileProbe {
  const fd = openSync(path, 'r');
  let open = true;
  const readAt = (start: number, end: number): Buffer => {
    if (!open) throw new Error('file probe read after close');
    const buffer = Buffer.alloc(end - start);
    let done = 0;
    while (done < buffer.length) {
      const n = readSync(fd, buffer, done, buffer.length - done, start + done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  };
  try {
    const head = readAt(0, Math.min(size, PROBE_HEAD_BYTES));
    return {
      head,
      size,
      name,
      claimedMessage,
      read(offset, length) {
        const [start, end] = clampedRange(size, offset, Math.min(length, MAX_FILE_READ));
        return end > start ? readAt(start, end) : Buffer.alloc(0);
      },
      close() {
        if (open) closeSync(fd);
        open = false;
      },
    };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Identifies a file on disk and closes it: the format, its score and the head that was read. */
export function identifyFile(
  path: string | Buffer,
  size: number,
  name: string,
  claimedMessage: boolean,
): Identified & { head: Buffer } {
  const probe = probeFile(path, size, name, claimedMessage);
  try {
    return { ...identify(probe), head: probe.head };
  } finally {
    probe.close();
  }
}
