// PST ingest benchmark: `npm run bench:ingest-pst -- [--copies 50] [--runs 3] [--json]`
//
// Copies the corpus PST (tika__testPST_variousBodyTypes.pst, 4 messages; $CRIBLE_CORPUS or
// ../shared/corpus) --copies times into a folder, each copy made distinct by one byte in the
// header's unused padding (so the case does not skip them as already-seen files), then per run
// times, on the same folder (the copies' messages are identical, so the case keeps 4 and records
// the others as further copies: the rebuild and hashing are measured for every one, the parse and
// verification once per distinct message): `node bin/crible.js ingest <folder> --case <tmp> --json` (messages
// rebuilt, stored and verified), and readpst (Debian pst-utils) writing every copy's messages as
// mbox, the peer. Prints messages/s of each and crible's over readpst's, per run and the median.

import { execFileSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const repo = resolve(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'crible.js');
const MESSAGES_PER_COPY = 4;
/** rgbReserved3 of the Unicode PST header: 32 bytes after every field and CRC, unused by readers. */
const PADDING_OFFSET = 0x214;

const { values } = parseArgs({
  options: {
    copies: { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const copies = Number(values.copies);
const runs = Number(values.runs);

const corpus = process.env.CRIBLE_CORPUS
  ? resolve(process.env.CRIBLE_CORPUS)
  : resolve(repo, '../shared/corpus');
const source = join(corpus, 'docs', 'tika__testPST_variousBodyTypes.pst');
if (!existsSync(source)) {
  console.error(`corpus PST not found at ${source} (set CRIBLE_CORPUS)`);
  process.exit(2);
}
const readpst = existsSync('/usr/bin/readpst') ? '/usr/bin/readpst' : null;

const work = mkdtempSync(join(tmpdir(), 'crible-bench-pst-'));
const dump = join(work, 'dump');
mkdirSync(dump);
for (let i = 0; i < copies; i++) {
  const file = join(dump, `store-${String(i).padStart(4, '0')}.pst`);
  copyFileSync(source, file);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from([i & 0xff, (i >> 8) & 0xff]), 0, 2, PADDING_OFFSET);
  closeSync(fd);
}
const messages = copies * MESSAGES_PER_COPY;

function timed(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface Round {
  crible: number;
  readpst: number | null;
}
const rounds: Round[] = [];
for (let r = 0; r < runs; r++) {
  const kase = join(work, `case-${r}`);
  const crible = timed(() => {
    const out = execFileSync(process.execPath, [bin, 'ingest', dump, '--case', kase, '--json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 ** 2,
    });
    // The copies hold the same messages: the case stores 4, and counts the rest as copies of them.
    const summary = JSON.parse(out) as { messages?: number; duplicates?: number };
    const read = (summary.messages ?? 0) + (summary.duplicates ?? 0);
    if (read < messages) throw new Error(`crible read ${read} messages, expected ${messages}`);
  });
  let peer: number | null = null;
  if (readpst) {
    const out = join(work, `readpst-${r}`);
    mkdirSync(out);
    peer = timed(() => {
      for (let i = 0; i < copies; i++) {
        const dir = join(out, String(i));
        mkdirSync(dir);
        execFileSync(readpst, ['-q', '-r', '-o', dir, join(dump, `store-${String(i).padStart(4, '0')}.pst`)]);
      }
    });
    rmSync(out, { recursive: true, force: true });
  }
  rmSync(kase, { recursive: true, force: true });
  rounds.push({ crible, readpst: peer });
}
rmSync(work, { recursive: true, force: true });

const rate = (seconds: number) => messages / seconds;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const cribleRates = rounds.map((r) => rate(r.crible));
const peerRates = rounds.flatMap((r) => (r.readpst === null ? [] : [rate(r.readpst)]));
const result = {
  copies,
  messages,
  runs: rounds.map((r) => ({
    cribleMessagesPerSecond: rate(r.crible),
    readpstMessagesPerSecond: r.readpst === null ? null : rate(r.readpst),
  })),
  medianCrible: median(cribleRates),
  medianReadpst: peerRates.length ? median(peerRates) : null,
  ratio: peerRates.length ? median(cribleRates) / median(peerRates) : null,
};
if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`${copies} copies of the corpus PST, ${messages} messages, ${runs} runs`);
  for (const [i, r] of result.runs.entries()) {
    const peer =
      r.readpstMessagesPerSecond === null
        ? 'readpst absent'
        : `readpst ${r.readpstMessagesPerSecond.toFixed(0)} msg/s`;
    console.log(`run ${i + 1}: crible ingest ${r.cribleMessagesPerSecond.toFixed(0)} msg/s, ${peer}`);
  }
  console.log(
    `median: crible ${result.medianCrible.toFixed(0)} msg/s` +
      (result.ratio === null
        ? ' (readpst not installed: Debian pst-utils)'
        : `, readpst ${result.medianReadpst?.toFixed(0)} msg/s, crible/readpst ${result.ratio.toFixed(2)}`),
  );
}
