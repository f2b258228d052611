// A container read whole into memory (an .msg, a TNEF stream, an .emlx), within maxEntryBytes.

import { readFileSync } from 'node:fs';
import type { ContainerInput } from '../../format.ts';
import type { Limits } from '../../limits.ts';

/** The container's bytes; throws when a file is larger than maxEntryBytes (the container is then unreadable, said so). */
export function readContainerBytes(input: ContainerInput, limits: Limits): Buffer {
  if (input.kind === 'buffer') return input.data;
  if (input.size > limits.maxEntryBytes) {
    throw new Error(`file of ${input.size} bytes is larger than maxEntryBytes (${limits.maxEntryBytes})`);
  }
  return readFileSync(input.path);
}
