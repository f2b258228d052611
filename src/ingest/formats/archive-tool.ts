// 7z and RAR, read through libarchive's `bsdtar` (Debian: libarchive-tools), found at start: no
// sound JavaScript reader exists for either (7z's LZMA/BCJ filters and solid blocks, RAR's own
// compression). bsdtar converts the archive to a pax tar on its stdout (`bsdtar -c -f - @-`), which
// tar.ts reads as it reads any tar: names as bytes, links refused, each member under the same
// limits, nothing ever written to disk by the tool (the archive is its stdin; an archive in memory
// is first spooled to a temporary file of the case, because 7z needs to seek).
//
// The tool's output is counted as it comes: past maxExpandedBytes, or past maxRatio times the
// archive's size (once over RATIO_FLOOR_BYTES), the tool is killed and one `limited` problem says
// so (archive.limit.*); the members before are kept. A tool that writes nothing for IDLE_MS is
// killed too (archive.tool-stalled). A tool that fails (damaged or encrypted archive) fails the
// container with its message, after the members it gave.
//
// When bsdtar is missing, both formats are `unread`: stored, limited, with a reason naming the
// Debian package (format.tool-missing), so the run says what to install.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { type Coded, coded } from '../../report/catalogue.ts';
import {
  type ContainerEvent,
  type ContainerInput,
  type ContainerModule,
  memberProblem,
  type Spool,
  type UnreadModule,
} from '../format.ts';
import type { Limits } from '../limits.ts';
import { RATIO_FLOOR_BYTES } from './bounded.ts';
import { hasMagic } from './signature.ts';
import { tarStreamEntries } from './tar.ts';

/** The tool; CRIBLE_BSDTAR names another (tests name a missing one). */
const TOOL = process.env.CRIBLE_BSDTAR || 'bsdtar';
const PACKAGE = 'libarchive-tools';
/** A tool silent this long on a hostile archive is killed rather than waited for. */
const IDLE_MS = 60_000;
const MAX_STDERR = 16 * 1024;

let available: boolean | null = null;
/** Whether the tool runs (asked once, at the first identification). */
function toolAvailable(): boolean {
  if (available === null) {
    const probe = spawnSync(TOOL, ['--version'], { stdio: 'ignore', timeout: 10_000 });
    available = probe.status === 0;
  }
  return available;
}

class ToolLimit extends Error {
  readonly reason: Coded;
  constructor(reason: Coded) {
    super('limit');
    this.reason = reason;
  }
}

export async function* toolEntries(
  format: string,
  input: ContainerInput,
  limits: Limits,
  spool?: Spool,
): AsyncGenerator<ContainerEvent> {
  let spooled: string | null = null;
  let stdin: number | 'pipe' = 'pipe';
  if (input.kind === 'file') stdin = openSync(input.path, 'r');
  else if (spool) {
    spooled = spool();
    writeFileSync(spooled, input.data, { flag: 'wx', mode: 0o600 });
    stdin = openSync(spooled, 'r');
  }
  const compressedSize = input.kind === 'file' ? input.size : input.data.length;
  const child = spawn(TOOL, ['-c', '-f', '-', '--format', 'pax', '@-'], {
    stdio: [stdin, 'pipe', 'pipe'],
    // Names converted to UTF-8 whatever the machine's locale.
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
  });
  if (typeof stdin === 'number') closeSync(stdin);
  else if (input.kind === 'buffer') child.stdin?.end(input.data);
  child.stdin?.on('error', () => {}); // a tool that stops reading early
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => resolve(code));
    child.on('error', (err) => {
      stderr += err.message;
      resolve(-1);
    });
  });
  try {
    yield* toolMembers(child.stdout!, () => child.kill('SIGKILL'), limits, compressedSize);
    const code = await exited;
    if (code !== 0)
      throw new Error(`${TOOL} could not read the ${format} archive: ${stderr.trim() || `exit ${code}`}`);
  } catch (err) {
    if (!(err instanceof ToolLimit)) throw err;
    yield memberProblem('', 'limited', err.reason);
  } finally {
    child.kill('SIGKILL');
    if (spooled) rmSync(spooled, { force: true });
  }
}

/** The tar the tool writes, read while its size is counted against the limits and its silence timed. */
async function* toolMembers(
  stdout: NodeJS.ReadableStream,
  kill: () => void,
  limits: Limits,
  compressedSize: number,
): AsyncGenerator<ContainerEvent> {
  let produced = 0;
  let idle: NodeJS.Timeout | null = null;
  let stalled = false;
  const arm = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      stalled = true;
      kill();
    }, IDLE_MS);
  };
  async function* counted(): AsyncGenerator<Buffer> {
    arm();
    for await (const chunk of stdout) {
      arm();
      const buf = chunk as Buffer;
      produced += buf.length;
      if (produced > limits.maxExpandedBytes)
        throw new ToolLimit(
          coded('archive.limit.expanded-bytes', { limit: limits.maxExpandedBytes, produced }),
        );
      if (produced > RATIO_FLOOR_BYTES && produced > compressedSize * limits.maxRatio)
        throw new ToolLimit(
          coded('archive.limit.ratio', { ratio: limits.maxRatio, compressed: compressedSize, produced }),
        );
      yield buf;
    }
    if (stalled) throw new ToolLimit(coded('archive.tool-stalled', { seconds: IDLE_MS / 1000, produced }));
  }
  try {
    yield* tarStreamEntries(counted(), limits);
  } finally {
    if (idle) clearTimeout(idle);
  }
}

function toolFormat(name: string, magics: string[]): ContainerModule | UnreadModule {
  const score = (probe: { head: Buffer }) => (magics.some((m) => hasMagic(probe.head, m)) ? 100 : 0);
  const reason = coded('format.tool-missing', { format: name, tool: TOOL, package: PACKAGE });
  const container: ContainerModule = {
    name,
    kind: 'container',
    score,
    entries: (input, limits, spool) => toolEntries(name, input, limits, spool),
  };
  const unread: UnreadModule = { name, kind: 'unread', itemType: 'container', reason, score };
  // Asked at the first probe that matches, so start-up spawns nothing.
  return new Proxy(container, {
    get(target, key) {
      const module =
        key === 'score' || key === 'name' || key === 'maxScore' ? target : toolAvailable() ? target : unread;
      return module[key as keyof typeof module];
    },
  });
}

/** 7z: `7z` BC AF 27 1C. */
export const sevenZipFormat = toolFormat('7z', ['7z\xbc\xaf\x27\x1c']);
/** RAR 1.5–4 (`Rar!` 1A 07 00) and RAR 5 (`Rar!` 1A 07 01 00). */
export const rarFormat = toolFormat('rar', ['Rar!\x1a\x07\x00', 'Rar!\x1a\x07\x01\x00']);
