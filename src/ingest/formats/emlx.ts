// Apple Mail's .emlx: a first line holding the message's length in bytes (decimal), the message,
// then an XML property list of Mail's flags. 100 when the property list starts where the count
// says the message ends; 90 when the message after the count line starts with a header block;
// 50 for a count line and the `.emlx` name (also `.partial.emlx`). Not read yet: the count and the
// property list are not part of the message.

import { looksLikeMessage } from '../../mail/header-block.ts';
import { nameHas, unreadFormat } from './signature.ts';

const COUNT_LINE = /^(\d{1,12})[ \t]*\r?\n/;
const PLIST_START = /^\s*(?:<\?xml|<!DOCTYPE plist|<plist)/;

export const emlxFormat = unreadFormat('emlx', 'message', (probe) => {
  const first = probe.head[0] ?? 0;
  if (first < 0x30 || first > 0x39) return 0;
  const line = COUNT_LINE.exec(probe.head.subarray(0, 32).toString('latin1'));
  if (!line) return 0;
  const start = line[0].length;
  const length = Number(line[1]);
  if (start + length <= probe.size) {
    const after = probe.read(start + length, 64).toString('latin1');
    if (PLIST_START.test(after)) return 100;
  }
  if (looksLikeMessage(probe.head.subarray(start))) return 90;
  return nameHas(probe.name, ['.emlx']) ? 50 : 0;
});
