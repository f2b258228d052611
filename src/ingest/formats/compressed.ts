// Compressed files and archives recognised by their magic number but not read yet: the item is
// stored whole as a container whose members are not in the case.
//   bzip2  `BZh` + block size `1`–`9` + the first block's magic (π) or the end-of-stream magic (√π)
//   xz     FD 37 7A 58 5A 00
//   zstd   28 B5 2F FD (a Zstandard frame)
//   7z     37 7A BC AF 27 1C
//   rar    `Rar!` 1A 07 00 (RAR 1.5–4) or `Rar!` 1A 07 01 00 (RAR 5)

import type { UnreadModule } from '../format.ts';
import { hasMagic, unreadFormat } from './signature.ts';

function magicContainer(name: string, ...magics: string[]): UnreadModule {
  return unreadFormat(name, 'container', (probe) => (magics.some((m) => hasMagic(probe.head, m)) ? 100 : 0));
}

export const bzip2Format = unreadFormat('bzip2', 'container', (probe) => {
  const head = probe.head;
  if (!hasMagic(head, 'BZh') || (head[3] ?? 0) < 0x31 || (head[3] ?? 0) > 0x39) return 0;
  return hasMagic(head, '\x31\x41\x59\x26\x53\x59', 4) || hasMagic(head, '\x17\x72\x45\x38\x50\x90', 4)
    ? 100
    : 0;
});
export const xzFormat = magicContainer('xz', '\xfd7zXZ\x00');
export const zstdFormat = magicContainer('zstd', '\x28\xb5\x2f\xfd');
export const sevenZipFormat = magicContainer('7z', '7z\xbc\xaf\x27\x1c');
export const rarFormat = magicContainer('rar', 'Rar!\x1a\x07\x00', 'Rar!\x1a\x07\x01\x00');
