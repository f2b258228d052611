// Micro-benchmark: postal-mime 4 versus crible's own MIME parser (src/mail/mime.ts) on the same
// synthetic messages. Run: node_modules/.bin/node bench/mime.ts [count]
//
// postal-mime is called the way parse.ts used to call it (rfc822 parts kept as attachments, binary
// attachments). Both parse every message once for warm-up, then three timed rounds; the best round
// is reported, in µs per message.

import PostalMime from 'postal-mime';
import { defaultLimits } from '../src/ingest/limits.ts';
import { parseMime } from '../src/mail/mime.ts';
import { parseMessage } from '../src/mail/parse.ts';
import { generateMessageList } from '../src/sample/synth.ts';

const count = Number(process.argv[2] ?? 2000);
const messages = (await generateMessageList({ count, seed: 11 })).map((m) => m.raw);
const totalBytes = messages.reduce((n, m) => n + m.length, 0);

async function time(name: string, run: (raw: Buffer) => unknown): Promise<number> {
  for (const raw of messages) await run(raw);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    for (const raw of messages) await run(raw);
    const us = Number(process.hrtime.bigint() - start) / 1000 / messages.length;
    best = Math.min(best, us);
  }
  console.log(`${name.padEnd(34)} ${best.toFixed(1).padStart(8)} µs/message`);
  return best;
}

console.log(
  `${messages.length} synthetic messages, ${(totalBytes / messages.length / 1024).toFixed(1)} KB average, node ${process.version}`,
);
const postal = await time('postal-mime 4.0.0', (raw) =>
  PostalMime.parse(raw, {
    forceRfc822Attachments: true,
    attachmentEncoding: 'arraybuffer',
    maxNestingDepth: defaultLimits.maxDepth * 4,
    maxHeadersSize: defaultLimits.maxHeaderBytes,
  }),
);
const mine = await time('crible mime.ts parseMime', (raw) =>
  parseMime(raw, {
    maxNestingDepth: defaultLimits.maxDepth * 4,
    maxHeadersSize: defaultLimits.maxHeaderBytes,
  }),
);
await time('crible parse.ts parseMessage (all)', (raw) => parseMessage(raw, defaultLimits, true));
console.log(`speed-up (parseMime vs postal-mime): ${(postal / mine).toFixed(1)}×`);
