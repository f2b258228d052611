// The container formats, in sniffing order: by content first (zip and gzip signatures, the
// ustar magic, an mbox envelope line); names are only a hint (old v7 tar, mbox-named files).
// sniffContainer is the pipeline's classifier until it calls registry.ts's identify, which scores
// every format (containers, messages, documents, formats not read yet) and supersedes it: there a
// docx, an OpenDocument file, an EPUB or an OLM is not a zip container, and an mbox may have a
// short preamble.

import type { ContainerFormat } from '../format.ts';
import { gzipFormat } from './gzip.ts';
import { mboxFormat } from './mbox.ts';
import { tarFormat } from './tar.ts';
import { zipFormat } from './zip.ts';

export const containerFormats: ContainerFormat[] = [zipFormat, gzipFormat, tarFormat, mboxFormat];

/** The container format of a file or entry from its first bytes (512 or more when it has them), or null. */
export function sniffContainer(head: Buffer, name: string): ContainerFormat | null {
  for (const format of containerFormats) if (format.sniff(head, name)) return format;
  return null;
}
