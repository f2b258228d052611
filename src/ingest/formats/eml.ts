// An RFC 5322 message (`eml`, the format the analysers read):
//  - 1000 when the container says it is one (Probe.claimedMessage: an mbox member, a file of a
//    Maildir, a message/rfc822 part), whatever it looks like: no signature is sniffed then;
//  - 50 when it starts with a header block (mail/header-block.ts's looksLikeMessage);
//  - 10 on the name alone (`.eml`, `.email`, `.mbx`): a file so named that is not mail is a
//    message that fails to read ("not an email"), unless something scores higher (a PDF, a zip).

import { looksLikeMessage } from '../../mail/header-block.ts';
import { type MessageModule, Score } from '../format.ts';
import { nameHas } from './signature.ts';

export const MESSAGE_NAMES = ['.eml', '.email', '.mbx'];

export const emlFormat: MessageModule = {
  name: 'eml',
  kind: 'message',
  score(probe) {
    if (probe.claimedMessage) return Score.claimed;
    if (looksLikeMessage(probe.head)) return Score.strong;
    return nameHas(probe.name, MESSAGE_NAMES) ? Score.name : Score.none;
  },
};
