// Start-up cost of the `crible` command, against a floor measured in the same run (the pinned Node
// doing nothing): `node bin/crible.js --version`, the bin launched by the machine's older Node (it
// starts the pinned one itself), `npx crible --version`, `npx --prefix <clone>` from another folder,
// and `crible stats` on a small case. Each is run several times; the median, min and max are printed.
//
//   npm run bench:startup [-- --runs 7]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'crible.js');
const pinned = process.execPath;
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

/** The first `node` on the PATH older than 24 (the machine's own), if any. */
function olderNode(): string | null {
  let found: string[] = [];
  try {
    found = execFileSync('which', ['-a', 'node'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return null;
  }
  for (const node of found) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (Number(version.replace(/^v/, '').split('.')[0]) < 24) return node;
  }
  return null;
}

/** A small case: 20 short messages ingested once. */
function smallCase(dir: string): string {
  const dump = join(dir, 'dump');
  mkdirSync(dump, { recursive: true });
  for (let i = 0; i < 20; i++)
    writeFileSync(
      join(dump, `${i}.eml`),
      `From: a${i}@example.com\r\nTo: b@example.com\r\nSubject: note ${i}\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <${i}@example.com>\r\n\r\nHello ${i}.\r\n`,
    );
  const kase = join(dir, 'case');
  execFileSync(pinned, [bin, 'ingest', dump, '--case', kase], { stdio: 'ignore' });
  return kase;
}

interface Row {
  name: string;
  ms: number[];
}

function measure(name: string, command: string, args: string[], cwd: string): Row {
  const ms: number[] = [];
  // One run first, not counted: the compile cache and the file cache are warm for every row alike.
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
    const took = performance.now() - start;
    if (result.status !== 0)
      throw new Error(`${name} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
    if (i > 0) ms.push(took);
  }
  return { name, ms: ms.sort((a, b) => a - b) };
}

const work = mkdtempSync(join(tmpdir(), 'crible-startup-'));
try {
  const elsewhere = join(work, 'elsewhere');
  mkdirSync(elsewhere);
  const kase = smallCase(work);
  const older = olderNode();
  const rows: Row[] = [measure('floor: node -e 0 (pinned Node)', pinned, ['-e', '0'], root)];
  rows.push(measure('node bin/crible.js --version', pinned, [bin, '--version'], root));
  if (older) {
    const v = spawnSync(older, ['--version'], { encoding: 'utf8' }).stdout.trim();
    rows.push(
      measure(
        `${older} (${v}) bin/crible.js --version, from another folder`,
        older,
        [bin, '--version'],
        elsewhere,
      ),
    );
  }
  rows.push(measure('npx crible --version', 'npx', ['crible', '--version'], root));
  rows.push(
    measure(
      'npx --prefix <clone> crible --version, from another folder',
      'npx',
      ['--prefix', root, 'crible', '--version'],
      elsewhere,
    ),
  );
  rows.push(
    measure('node bin/crible.js stats --case <20 messages>', pinned, [bin, 'stats', '--case', kase], root),
  );
  if (older)
    rows.push(
      measure(
        `${older} bin/crible.js stats --case <20 messages>`,
        older,
        [bin, 'stats', '--case', kase],
        elsewhere,
      ),
    );

  const floor = median(rows[0]!.ms);
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(
    `Start-up, ${runs} runs each (after one warm-up run): median [min – max], overhead = median − floor`,
  );
  for (const row of rows) {
    const m = median(row.ms);
    const spread = `[${row.ms[0]!.toFixed(0)} – ${row.ms.at(-1)!.toFixed(0)}]`;
    const over = row === rows[0] ? '' : `  overhead ${(m - floor).toFixed(0)} ms`;
    console.log(`  ${row.name.padEnd(width)}  ${m.toFixed(0).padStart(5)} ms ${spread.padEnd(13)}${over}`);
  }
  const stats = rows.find((r) => r.name.startsWith('node bin/crible.js stats'))!;
  const overhead = median(stats.ms) - floor;
  console.log(
    `crible stats overhead over the floor: ${overhead.toFixed(0)} ms (target < 500 ms): ${overhead < 500 ? 'met' : 'NOT met'}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
