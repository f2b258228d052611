// English words for item problems and ingest notes (codes emitted by ingest/ and mail/).

import type { Messages, Params } from '../../catalogue.ts';
import { formatBytes } from '../../size.ts';

const size = (p: Params, key: string) => formatBytes(Number(p[key]));

export const enIngest: Messages = {
  // A reason stored as text by a case of schema 3, which kept sentences.
  'legacy.text': (p) => String(p.text),
  'item.unreadable': (p) => `could not be read: ${p.error}`,
  'item.link-not-followed': () => 'symbolic link not followed',
  'item.special-file': () => 'not a regular file (device, socket or pipe)',
  'item.too-large': (p) =>
    `${p.what === 'message' ? 'message' : 'file'} of ${size(p, 'size')} exceeds the ${size(p, 'limit')} reading limit; stored unread`,
  'item.too-deep': (p) => `nested more than ${p.limit} levels deep; stored unread`,
  'container.too-deep': (p) => `archive nested more than ${p.limit} levels deep; stored unread`,
  'message.too-large': (p) =>
    `message of ${size(p, 'size')} exceeds the ${size(p, 'limit')} parsing limit; stored unread`,
  'message.no-header-block': () => 'not an email: no header block at the start',
  'message.not-an-email': () => 'not an email',
  'message.header-too-large': (p) => `header block larger than ${size(p, 'limit')}; stored unread`,
  'message.mime-unreadable': (p) => `MIME structure unreadable: ${p.error}`,
  'message.too-many-parts': (p) =>
    `${p.parts} MIME parts exceed the limit of ${p.limit}; headers read, parts not extracted`,
  'message.unreadable': (p) => `could not be read: ${p.error}`,
  'custody.torn-line': (p) =>
    `line ${p.line} of the custody log (${p.bytes} bytes) is torn, as a power loss or a full disk leaves a line: kept as it is and not read; the lines after it are whole`,
  'worker.timeout': (p) =>
    `reading it took more than ${p.seconds} s and was stopped (a file made to hang readers, or a very large one)`,
  'worker.out-of-memory': (p) =>
    `reading it needed more than ${p.limitMb === null ? 'the memory allowed' : `${p.limitMb} MB of memory`} and was stopped (a file made to exhaust memory, or a very large one)`,
  'worker.crashed': (p) => `the reader stopped while reading it (${p.error})`,
  'container.unreadable-after': (p) => `${p.format} unreadable after ${p.entries} entries: ${p.error}`,
};
