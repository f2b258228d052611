// Apple Mail's .emlx: a first line holding the message's length in bytes (decimal), the message,
// then an XML property list of Mail's flags. 100 when the property list starts where the count
// says the message ends; 90 when the message after the count line starts with a header block;
// 50 for a count line and the `.emlx` name (also `.partial.emlx`).
//
// Read as a container of two members: `<name>.eml`, the message's exact bytes (with their byte
// range: nothing rebuilt, so its signatures are checked as any .eml's), and `<name>.plist`, Mail's
// metadata as it is. A count past the end of the file is a problem keeping the bytes there are.

import { looksLikeMessage } from '../../mail/header-block.ts';
import { coded } from '../../report/catalogue.ts';
import type { ContainerEvent, ContainerInput, ContainerModule } from '../format.ts';
import type { Limits } from '../limits.ts';
import { readContainerBytes } from './outlook/read-input.ts';
import { nameHas } from './signature.ts';

const COUNT_LINE = /^(\d{1,12})[ \t]*\r?\n/;
const PLIST_START = /^\s*(?:<\?xml|<!DOCTYPE plist|<plist)/;

function baseName(name: string | null): string {
  const base = (name ?? 'message').split('/').pop() || 'message';
  return base.replace(/(?:\.partial)?\.emlx$/i, '');
}

export const emlxFormat: ContainerModule = {
  name: 'emlx',
  kind: 'container',
  maxScore: 100,
  score(probe) {
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
  },
  async *entries(input: ContainerInput, limits: Limits): AsyncGenerator<ContainerEvent> {
    const bytes = readContainerBytes(input, limits);
    const line = COUNT_LINE.exec(bytes.subarray(0, 32).toString('latin1'));
    if (!line) throw new Error('no byte count on the first line');
    const base = baseName(input.name);
    const start = line[0].length;
    const count = Number(line[1]);
    if (start + count > bytes.length) {
      const available = bytes.length - start;
      const reason = coded('emlx.count-exceeds-file', { count, available });
      yield {
        kind: 'problem',
        path: `${base}.eml`,
        status: 'failed',
        reason,
        bytes: bytes.subarray(start),
        byteStart: start,
        byteEnd: bytes.length,
        isMessage: true,
      };
      return;
    }
    const end = start + count;
    yield {
      kind: 'entry',
      path: `${base}.eml`,
      bytes: bytes.subarray(start, end),
      byteStart: start,
      byteEnd: end,
      transformations: [],
      isMessage: true,
    };
    if (end < bytes.length) {
      yield {
        kind: 'entry',
        path: `${base}.plist`,
        bytes: bytes.subarray(end),
        byteStart: end,
        byteEnd: bytes.length,
        transformations: [],
        isMessage: false,
      };
    }
  },
};
