// Outlook personal folders (.pst) and offline folders (.ost): the NDB header's magic `!BDN`, then
// at offset 8 the client magic `SM` (a PST) or `SO` (an OST) [MS-PST 2.2.2.6]. `!BDN` with another
// client magic (`AB` is a personal address book) is not a mail store; with the name's word it is
// taken as a PST at 50. Not read yet.

import type { Probe } from '../format.ts';
import { hasMagic, nameHas, unreadFormat } from './signature.ts';

function ndbScore(probe: Probe, client: string, extension: string): number {
  if (!hasMagic(probe.head, '!BDN')) return 0;
  if (hasMagic(probe.head, client, 8)) return 100;
  return nameHas(probe.name, [extension]) ? 50 : 0;
}

export const pstFormat = unreadFormat('pst', 'container', (probe) => ndbScore(probe, 'SM', '.pst'));
export const ostFormat = unreadFormat('ost', 'container', (probe) => ndbScore(probe, 'SO', '.ost'));
