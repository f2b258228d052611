// Compressed files recognised by their magic number but not read yet: the item is stored whole as
// a container whose members are not in the case.
//   zstd   28 B5 2F FD (a Zstandard frame)

import { hasMagic, unreadFormat } from './signature.ts';

export const zstdFormat = unreadFormat('zstd', 'container', (probe) =>
  hasMagic(probe.head, '\x28\xb5\x2f\xfd') ? 100 : 0,
);
