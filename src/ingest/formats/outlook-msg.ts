// Outlook .msg: one message saved as a compound file (ole2.ts) whose root holds the property
// streams of MS-OXMSG: `__properties_version1.0` and `__substg1.0_<tag>` entries. A message
// embedded in another (an attachment) is a storage deeper down with the same names, so an .msg
// attached to a Word file scores low and the Word file wins. Not read yet.

import { oleScore } from './ole2.ts';
import { unreadFormat } from './signature.ts';

function isMessageProperty(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === '__properties_version1.0' || lower.startsWith('__substg1.0_');
}

export const msgFormat = unreadFormat('msg', 'message', (probe) => oleScore(probe, isMessageProperty));
