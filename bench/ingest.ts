// Ingest benchmark: `npm run bench:ingest -- --count 20000 [--mbox] [--signed 0.3] [--scale 10] [--runs 3] [--json]`
//
// Generates (or reuses from .cache/bench, keyed by count, seed and signed fraction) a synthetic
// Maildir of --count messages and an mbox of the same messages, then runs
// `node bin/crible.js ingest <input> --case <tmp> --json` as a child process for each, measuring
// wall time, messages/s, MB/s (input bytes / wall time) and the child's memory (VmRSS and VmHWM
// polled from /proc/<pid>/status every 50 ms); then the Maildir case's search index is emptied and built
// again alone, timed (its own cost). When `mu` is installed it also times
// `mu index` on the same Maildir. --scale N repeats the Maildir ingest on a dump N times larger
// to show whether memory stays flat. With --signed, dkimpy (python3-dkim) verifies 2,000 of the same
// messages in the same run, as the peer the verification targets are set against.
//
// With signed messages, each of --runs rounds also times, in the same round: the workflow users
// run (ingest without keys, `keys import`, `verify --case`), a floor (`cp -r` of the Maildir and
// `sha256sum` of every file) and dkimpy again; it prints the ratios the verification targets are
// stated in (ingest with keys vs mu index, the workflow vs dkimpy's verification alone, ingest over
// the floor), per round, with their median and spread; and the same ingest with --no-index, for what
// the search index adds to it (it is built beside the forensic rules, so less than its own cost).
// Three rounds by default: one round's ratios swing by half on these machines.

import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { table } from '../src/cli/output.ts';
import { openCase } from '../src/core/case.ts';
import { updateSearchIndex } from '../src/core/search.ts';
import {
  createMboxWriter,
  type DkimKey,
  generateDkimKeys,
  generateMessages,
  keyFileJson,
  type SynthMessage,
  writeMaildir,
} from '../src/sample/synth.ts';
import { dkimpyPython, dkimpyRate } from './dkimpy.ts';

const repo = resolve(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'crible.js');

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    mbox: { type: 'boolean', default: false },
    signed: { type: 'string', default: '0' },
    scale: { type: 'string' },
    json: { type: 'boolean', default: false },
    'cache-dir': { type: 'string' },
    'no-mu': { type: 'boolean', default: false },
    'keep-cases': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
  },
});

const count = Number(values.count);
const seed = Number(values.seed);
const signed = Number(values.signed);
const scale = values.scale ? Number(values.scale) : null;
const rounds = Number(values.runs);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--runs must be a positive integer');
if (!Number.isInteger(count) || count <= 0) throw new Error('--count must be a positive integer');
if (!(signed >= 0 && signed <= 1)) throw new Error('--signed must be a fraction between 0 and 1');
if (scale !== null && !(Number.isInteger(scale) && scale >= 2))
  throw new Error('--scale must be an integer ≥ 2');

const cacheRoot = resolve(values['cache-dir'] ?? join(repo, '.cache', 'bench'));
const log = (s: string) => {
  if (!values.json) process.stderr.write(s + '\n');
};

// ---------------------------------------------------------------------------------------------
// Generation (cached)

interface Dataset {
  dir: string;
  count: number;
  maildir: string;
  mbox: string | null;
  maildirBytes: number;
  mboxBytes: number | null;
  keysFile: string | null;
  generationSeconds: number;
  cached: boolean;
}

interface DatasetMeta {
  count: number;
  seed: number;
  signed: number;
  maildirBytes: number;
  mboxBytes: number;
  generationSeconds: number;
  generator: 1;
}

async function dataset(n: number): Promise<Dataset> {
  const dir = join(cacheRoot, `c${n}-s${seed}-sig${signed}`);
  const metaFile = join(dir, 'meta.json');
  const maildir = join(dir, 'Maildir');
  const mbox = join(dir, 'dump.mbox');
  const keysFile = signed > 0 ? join(dir, 'keys.json') : null;
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as DatasetMeta;
    if (meta.generator === 1 && meta.count === n) {
      return {
        dir,
        count: n,
        maildir,
        mbox,
        maildirBytes: meta.maildirBytes,
        mboxBytes: meta.mboxBytes,
        keysFile,
        generationSeconds: meta.generationSeconds,
        cached: true,
      };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`generating ${n} messages into ${dir} …`);
  const t0 = performance.now();
  let keys: DkimKey[] = [];
  if (signed > 0) {
    keys = generateDkimKeys();
    writeFileSync(keysFile!, JSON.stringify(keyFileJson(keys), null, 2) + '\n');
  }
  const mboxWriter = createMboxWriter(mbox, { variant: 'mboxrd' });
  const source = generateMessages({
    seed,
    count: n,
    signing: signed > 0 ? { keys, fraction: signed } : null,
  });
  let done = 0;
  async function* tee(): AsyncGenerator<SynthMessage> {
    for await (const m of source) {
      mboxWriter.append(m);
      yield m;
      done++;
      if (done % 5000 === 0) log(`  ${done}/${n} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  const md = await writeMaildir(maildir, tee());
  const mb = mboxWriter.close();
  const generationSeconds = (performance.now() - t0) / 1000;
  const meta: DatasetMeta = {
    count: n,
    seed,
    signed,
    maildirBytes: md.bytes,
    mboxBytes: mb.bytes,
    generationSeconds,
    generator: 1,
  };
  writeFileSync(metaFile, JSON.stringify(meta, null, 2) + '\n');
  log(`  done in ${generationSeconds.toFixed(1)} s (${(n / generationSeconds).toFixed(0)} msg/s)`);
  return {
    dir,
    count: n,
    maildir,
    mbox,
    maildirBytes: md.bytes,
    mboxBytes: mb.bytes,
    keysFile,
    generationSeconds,
    cached: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Child process measurement

interface Measured {
  exitCode: number | null;
  signal: string | null;
  wallSeconds: number;
  /** Largest VmRSS seen while polling. */
  peakRssBytes: number | null;
  /** The last VmHWM read before the process exited (the kernel's own high-water mark). */
  vmHwmBytes: number | null;
  stdout: string;
  stderr: string;
}

function readStatus(pid: number): { rss: number; hwm: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(s);
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(s);
    if (!rss || !hwm) return null;
    return { rss: Number(rss[1]) * 1024, hwm: Number(hwm[1]) * 1024 };
  } catch {
    return null;
  }
}

function measure(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let peakRss: number | null = null;
    let hwm: number | null = null;
    const poll = () => {
      if (child.pid === undefined) return;
      const st = readStatus(child.pid);
      if (st) {
        peakRss = Math.max(peakRss ?? 0, st.rss);
        hwm = st.hwm;
      }
    };
    const timer = setInterval(poll, 50);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      err.push(c);
      // keep only the tail of a chatty stderr
      if (err.length > 200) err.splice(0, err.length - 200);
    });
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolvePromise({
        exitCode: code,
        signal,
        wallSeconds: (performance.now() - t0) / 1000,
        peakRssBytes: peakRss,
        vmHwmBytes: hwm,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

interface Run {
  name: string;
  tool: string;
  input: string;
  messages: number;
  inputBytes: number;
  status: 'ok' | 'failed' | 'not-available';
  note: string | null;
  command: string | null;
  exitCode: number | null;
  wallSeconds: number | null;
  messagesPerSecond: number | null;
  mbPerSecond: number | null;
  peakRssBytes: number | null;
  vmHwmBytes: number | null;
  /** The tool's own --json summary, when it printed one. */
  summary: unknown;
}

/** A run before it is measured: what it is, and nothing measured yet. */
function pendingRun(
  what: Pick<Run, 'name' | 'tool' | 'input' | 'messages' | 'inputBytes' | 'status' | 'note' | 'command'>,
): Run {
  return {
    ...what,
    exitCode: null,
    wallSeconds: null,
    messagesPerSecond: null,
    mbPerSecond: null,
    peakRssBytes: null,
    vmHwmBytes: null,
    summary: null,
  };
}

function cribleIngestAvailable(): { ok: boolean; note: string | null } {
  try {
    const help = execFileSync(process.execPath, [bin, 'ingest', '--help'], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (!/--case/.test(help)) return { ok: false, note: 'crible ingest not available (no --case option)' };
    return { ok: true, note: null };
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? '');
    const reason = stderr
      .split('\n')
      .find((l) => /Error|error:/.test(l))
      ?.trim();
    return { ok: false, note: `crible ingest not available${reason ? ` (${reason.slice(0, 160)})` : ''}` };
  }
}

const ingestStatus = cribleIngestAvailable();
const caseRoot = mkdtempSync(join(tmpdir(), 'crible-bench-case-'));

async function runIngest(
  name: string,
  input: string,
  messages: number,
  inputBytes: number,
  keysFile: string | null,
  extraArgs: string[] = [],
) {
  const base = pendingRun({
    name,
    tool: 'crible ingest',
    input,
    messages,
    inputBytes,
    status: 'not-available',
    note: ingestStatus.note,
    command: null,
  });
  if (!ingestStatus.ok) return base;
  const caseDir = join(caseRoot, name.replace(/[^\w.-]+/g, '_'));
  rmSync(caseDir, { recursive: true, force: true });
  const args = [bin, 'ingest', input, '--case', caseDir, '--json'];
  if (keysFile) args.push('--keys', keysFile);
  args.push(...extraArgs);
  log(`running: node ${args.map((a) => (a === bin ? 'bin/crible.js' : a)).join(' ')}`);
  const m = await measure(process.execPath, args);
  let summary: unknown = null;
  try {
    summary = JSON.parse(m.stdout);
  } catch {
    summary = null;
  }
  // 0 = everything read; 3 = finished with failed/limited items (still a complete run)
  const ok = m.exitCode === 0 || m.exitCode === 3;
  const counted = (summary as { messages?: unknown } | null)?.messages;
  const mismatch =
    typeof counted === 'number' && counted !== messages
      ? `crible counted ${counted} messages, expected ${messages}`
      : null;
  // Cases are removed together at the end: on this disk (mounted with `discard`) a large deletion slows
  // file creation for a while, which would penalise the next run.
  return {
    ...base,
    status: ok ? 'ok' : 'failed',
    note: ok
      ? [m.exitCode === 3 ? 'exit 3: finished with failed or limited items' : null, mismatch]
          .filter(Boolean)
          .join('; ') || null
      : `exit ${m.exitCode ?? m.signal}: ${m.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    command: `node bin/crible.js ${args.slice(1).join(' ')}`,
    exitCode: m.exitCode,
    wallSeconds: m.wallSeconds,
    messagesPerSecond: messages / m.wallSeconds,
    mbPerSecond: inputBytes / 1e6 / m.wallSeconds,
    peakRssBytes: m.peakRssBytes,
    vmHwmBytes: m.vmHwmBytes,
    summary,
  } satisfies Run;
}

/**
 * The search index's own cost: the index of the ingested case emptied, then built again from the
 * change feed as a run of `crible analyse` builds it (updateSearchIndex, folding and stemming in its
 * worker), timed.
 */
async function indexAlone(caseDir: string) {
  const db = new DatabaseSync(join(caseDir, 'case.db'));
  db.exec(`INSERT INTO search_text (search_text) VALUES ('delete-all');
    INSERT INTO search_substring (search_substring) VALUES ('delete-all');
    DELETE FROM threads; UPDATE search_progress SET value = 0;`);
  db.close();
  const kase = openCase(caseDir, { create: false });
  try {
    const started = performance.now();
    const run = await updateSearchIndex(kase.store);
    const seconds = (performance.now() - started) / 1000;
    return { items: run.indexed, seconds };
  } finally {
    await kase.store.close();
  }
}

function which(cmd: string): string | null {
  try {
    return execFileSync('which', [cmd], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

interface MuInfo {
  path: string | null;
  version: string | null;
  commands: string[];
}

async function runMu(ds: Dataset): Promise<{ info: MuInfo; run: Run | null }> {
  const path = which('mu');
  const info: MuInfo = { path, version: null, commands: [] };
  if (!path || values['no-mu']) return { info, run: null };
  try {
    info.version = execFileSync(path, ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    info.version = null;
  }
  const muhome = mkdtempSync(join(tmpdir(), 'crible-bench-mu-'));
  const initArgs = ['init', '--muhome', muhome, '--maildir', ds.maildir, '--quiet'];
  const indexArgs = ['index', '--muhome', muhome, '--quiet'];
  info.commands = [`mu ${initArgs.join(' ')}`, `mu ${indexArgs.join(' ')}`];
  const run = pendingRun({
    name: 'Maildir',
    tool: `mu index ${/\d+\.\d+(\.\d+)?/.exec(info.version ?? '')?.[0] ?? ''}`.trim(),
    input: ds.maildir,
    messages: ds.count,
    inputBytes: ds.maildirBytes,
    status: 'failed',
    note: null,
    command: info.commands.join(' && '),
  });
  try {
    execFileSync(path, initArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    rmSync(muhome, { recursive: true, force: true });
    return { info, run: { ...run, note: `mu init failed: ${(e as Error).message.split('\n')[0]}` } };
  }
  log(`running: mu ${indexArgs.join(' ')}`);
  const m = await measure(path, indexArgs);
  let indexed: number | null = null;
  try {
    // `mu find` with a catch-all date range lists one line per indexed message
    const out = execFileSync(path, ['find', '--muhome', muhome, '--fields', 'i', 'date:1970..2100'], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    indexed = out.split('\n').filter((l) => l.trim()).length;
  } catch {
    indexed = null;
  }
  rmSync(muhome, { recursive: true, force: true });
  return {
    info,
    run: {
      ...run,
      status: m.exitCode === 0 ? 'ok' : 'failed',
      note:
        m.exitCode === 0
          ? indexed !== null && indexed !== ds.count
            ? `mu find lists ${indexed} messages`
            : null
          : `exit ${m.exitCode ?? m.signal}: ${m.stderr.trim().split('\n').slice(-2).join(' | ')}`,
      exitCode: m.exitCode,
      wallSeconds: m.wallSeconds,
      messagesPerSecond: ds.count / m.wallSeconds,
      mbPerSecond: ds.maildirBytes / 1e6 / m.wallSeconds,
      peakRssBytes: m.peakRssBytes,
      vmHwmBytes: m.vmHwmBytes,
      summary: indexed !== null ? { indexed } : null,
    },
  };
}

/** dkimpy's verification alone on the first messages of the signed Maildir, as a peer in the same run. */
/** A message's header (all of it when no blank line ends it). */
function headOf(message: Buffer): string {
  const end = message.indexOf('\r\n\r\n');
  return message.subarray(0, end < 0 ? message.length : end + 2).toString('latin1');
}

function runDkimpy(ds: Dataset): {
  python: string | null;
  sample: number;
  messagesPerSecond: number | null;
  note: string | null;
} {
  const python = dkimpyPython();
  if (!python)
    return { python, sample: 0, messagesPerSecond: null, note: 'not installed (apt install python3-dkim)' };
  const cur = join(ds.maildir, 'cur');
  // Signed messages only: dkimpy's rate is of verifications (an unsigned message fails at once).
  const messages = readdirSync(cur)
    .sort()
    .map((name) => readFileSync(join(cur, name)))
    .filter((m) => /^dkim-signature:/im.test(headOf(m)))
    .slice(0, 2000);
  const keys = JSON.parse(readFileSync(ds.keysFile!, 'utf8')) as Record<string, string[]>;
  log(`running: dkimpy dkim.verify on ${messages.length} messages`);
  return {
    python,
    sample: messages.length,
    messagesPerSecond: dkimpyRate(python, messages, keys, 10),
    note: null,
  };
}

/** Wall time of a command, or null when it failed (the failure is logged). */
async function timed(what: string, cmd: string, args: string[]): Promise<number | null> {
  log(`running: ${what}`);
  const m = await measure(cmd, args);
  if (m.exitCode === 0 || m.exitCode === 3) return m.wallSeconds;
  log(
    `  ${what} failed (exit ${m.exitCode ?? m.signal}): ${m.stderr.trim().split('\n').slice(-2).join(' | ')}`,
  );
  return null;
}

/** The workflow users run: ingest without keys, then import the keys, then re-verify the case. */
async function runWorkflow(data: Dataset, round: number) {
  const caseDir = join(caseRoot, `workflow-${round}`);
  const cli = (args: string[]) => [bin, ...args, '--case', caseDir];
  const ingest = await timed(
    'ingest without keys',
    process.execPath,
    cli(['ingest', data.maildir, '--json']),
  );
  const keys = await timed('keys import', process.execPath, cli(['keys', 'import', data.keysFile!]));
  const verify = await timed('verify --case', process.execPath, cli(['verify', '--json']));
  const total = ingest !== null && keys !== null && verify !== null ? ingest + keys + verify : null;
  return { ingest, keys, verify, total };
}

/** The floor: copying the Maildir and hashing every file, what any tool that keeps the originals pays. */
function runFloor(data: Dataset, round: number): Promise<number | null> {
  const target = join(caseRoot, `floor-${round}`);
  const script = 'cp -r "$1" "$2" && find "$2" -type f -print0 | xargs -0 sha256sum > /dev/null';
  return timed('cp -r + sha256sum (floor)', 'sh', ['-c', script, 'sh', data.maildir, target]);
}

interface Round {
  ingestWithKeys: number | null;
  muIndex: number | null;
  workflow: Awaited<ReturnType<typeof runWorkflow>>;
  floor: number | null;
  dkimpyPerSecond: number | null;
  /** mu index time / ingest-with-keys time (target ≥ 4). */
  versusMu: number | null;
  /** dkimpy's time to verify the signed messages / the workflow's time (target ≥ 3). */
  workflowVersusDkimpy: number | null;
  /** ingest-with-keys time / floor time (should fall toward 2). */
  overFloor: number | null;
  /** The same ingest with `--no-index` (the search index left for later). */
  ingestNoIndex: number | null;
  /** What the index adds: (ingest - ingest --no-index) / ingest --no-index (target ≤ 0.25). */
  indexShare: number | null;
}

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;

/** One round of the measurements the ratios come from, one after the other on a quiet machine. */
async function ratioRound(
  data: Dataset,
  round: number,
  first: { ingest: Run; mu: Run | null } | null,
): Promise<Round> {
  const ingestRun =
    first?.ingest ??
    (await runIngest(`Maildir (round ${round})`, data.maildir, data.count, data.maildirBytes, data.keysFile));
  const noIndexRun = await runIngest(
    `Maildir --no-index (round ${round})`,
    data.maildir,
    data.count,
    data.maildirBytes,
    data.keysFile,
    ['--no-index'],
  );
  const muRun = first ? first.mu : (await runMu(data)).run;
  const workflow = await runWorkflow(data, round);
  const floor = await runFloor(data, round);
  const dkimpy = runDkimpy(data);
  const ingestWithKeys = ingestRun.status === 'ok' ? ingestRun.wallSeconds : null;
  const muIndex = muRun?.status === 'ok' ? muRun.wallSeconds : null;
  const ingestNoIndex = noIndexRun.status === 'ok' ? noIndexRun.wallSeconds : null;
  const dkimpySeconds = dkimpy.messagesPerSecond ? signedMessages(data) / dkimpy.messagesPerSecond : null;
  return {
    ingestWithKeys,
    muIndex,
    workflow,
    floor,
    dkimpyPerSecond: dkimpy.messagesPerSecond,
    versusMu: ratio(muIndex, ingestWithKeys),
    workflowVersusDkimpy: ratio(dkimpySeconds, workflow.total),
    overFloor: ratio(ingestWithKeys, floor),
    ingestNoIndex,
    indexShare: ingestWithKeys === null || ingestNoIndex === null ? null : ingestWithKeys / ingestNoIndex - 1,
  };
}

const signedCounts = new Map<string, number>();

/** How many messages of the Maildir carry a DKIM-Signature (what dkimpy would have to verify). */
function signedMessages(data: Dataset): number {
  const known = signedCounts.get(data.maildir);
  if (known !== undefined) return known;
  let n = 0;
  for (const sub of ['cur', 'new'])
    for (const name of existsSync(join(data.maildir, sub)) ? readdirSync(join(data.maildir, sub)) : []) {
      if (
        /^dkim-signature:/im.test(headOf(readFileSync(join(data.maildir, sub, name)).subarray(0, 64 * 1024)))
      )
        n++;
    }
  signedCounts.set(data.maildir, n);
  return n;
}

/** Median, smallest and largest of the values measured. */
function spread(values: (number | null)[]): { median: number; min: number; max: number } | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return { median: v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2, min: v[0]!, max: v.at(-1)! };
}

// ---------------------------------------------------------------------------------------------

const ds = await dataset(count);
const runs: Run[] = [];
try {
  runs.push(await runIngest('Maildir', ds.maildir, ds.count, ds.maildirBytes, ds.keysFile));
  const maildirRun = runs.at(-1)!;
  const searchIndex = maildirRun.status === 'ok' ? await indexAlone(join(caseRoot, 'Maildir')) : null;
  if (values.mbox && ds.mbox)
    runs.push(await runIngest('mbox', ds.mbox, ds.count, ds.mboxBytes ?? 0, ds.keysFile));
  const mu = await runMu(ds);
  let big: Dataset | null = null;
  if (scale) {
    big = await dataset(count * scale);
    runs.push(await runIngest(`Maildir ×${scale}`, big.maildir, big.count, big.maildirBytes, big.keysFile));
    if (values.mbox && big.mbox) {
      runs.push(await runIngest(`mbox ×${scale}`, big.mbox, big.count, big.mboxBytes ?? 0, big.keysFile));
    }
  }
  if (mu.run) runs.push(mu.run);
  const dkimpy = ds.keysFile ? runDkimpy(ds) : null;
  const ratioRounds: Round[] = [];
  if (ds.keysFile) {
    for (let round = 1; round <= rounds; round++)
      ratioRounds.push(await ratioRound(ds, round, round === 1 ? { ingest: maildirRun, mu: mu.run } : null));
  }
  const ratios = ratioRounds.length
    ? {
        rounds: ratioRounds,
        versusMu: spread(ratioRounds.map((r) => r.versusMu)),
        workflowVersusDkimpy: spread(ratioRounds.map((r) => r.workflowVersusDkimpy)),
        overFloor: spread(ratioRounds.map((r) => r.overFloor)),
        indexShare: spread(ratioRounds.map((r) => r.indexShare)),
      }
    : null;

  const mb = (b: number | null) => (b === null ? '—' : (b / 1e6).toFixed(1));
  const mib = (b: number | null) => (b === null ? '—' : (b / 1048576).toFixed(0));
  const num = (v: number | null, d = 1) => (v === null ? '—' : v.toFixed(d));
  const memory = (() => {
    const a = runs.find((r) => r.name === 'Maildir' && r.tool === 'crible ingest');
    const b = runs.find((r) => r.name === `Maildir ×${scale}`);
    if (!a?.vmHwmBytes || !b?.vmHwmBytes) return null;
    return {
      baseVmHwmBytes: a.vmHwmBytes,
      scaledVmHwmBytes: b.vmHwmBytes,
      ratio: b.vmHwmBytes / a.vmHwmBytes,
    };
  })();

  const report = {
    count,
    seed,
    signedFraction: signed,
    scale,
    cpus: cpus().length,
    node: process.version,
    generation: {
      cacheDir: ds.dir,
      cached: ds.cached,
      seconds: ds.generationSeconds,
      messagesPerSecond: ds.count / ds.generationSeconds,
      scaled: big ? { cacheDir: big.dir, cached: big.cached, seconds: big.generationSeconds } : null,
    },
    inputs: {
      maildir: { path: ds.maildir, bytes: ds.maildirBytes },
      mbox: { path: ds.mbox, bytes: ds.mboxBytes },
      keysFile: ds.keysFile,
    },
    crible: { available: ingestStatus.ok, note: ingestStatus.note },
    mu: mu.info,
    dkimpy,
    memory,
    searchIndex,
    runs,
    ratios,
  };

  if (values.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    const rows = runs.map((r) => [
      r.name,
      r.tool,
      String(r.messages),
      mb(r.inputBytes),
      r.status === 'ok' ? num(r.wallSeconds, 2) : r.status,
      r.status === 'ok' ? num(r.messagesPerSecond, 0) : '—',
      r.status === 'ok' ? num(r.mbPerSecond, 1) : '—',
      mib(r.peakRssBytes),
      mib(r.vmHwmBytes),
    ]);
    const head = ['input', 'tool', 'messages', 'MB', 'wall s', 'msg/s', 'MB/s', 'peak RSS MiB', 'VmHWM MiB'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    const out = [
      `crible ingest bench — ${count} messages, seed ${seed}, ${Math.round(signed * 100)}% DKIM-signed, ${cpus().length} CPUs, Node ${process.version}`,
      `generation: ${ds.cached ? 'cached' : `${ds.generationSeconds.toFixed(1)} s`} (${ds.dir})`,
      '',
      line(head),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
    ];
    for (const r of runs) if (r.note) out.push(`  ${r.name} / ${r.tool}: ${r.note}`);
    if (searchIndex)
      out.push(
        `search index of the Maildir's ${searchIndex.items} items, built again alone: ${searchIndex.seconds.toFixed(2)} s (its own cost; in an ingest it is built beside the forensic rules: what it adds is in the ratios below)`,
      );
    if (values['no-mu']) out.push('mu: skipped (--no-mu)');
    else if (mu.info.path) out.push(`mu: ${mu.info.version ?? '?'}\n  ${mu.info.commands.join('\n  ')}`);
    else out.push('mu: not installed (Debian package maildir-utils)');
    if (dkimpy) {
      const ours = runs.find((r) => r.name === 'Maildir' && r.tool === 'crible ingest')?.messagesPerSecond;
      out.push(
        dkimpy.messagesPerSecond === null
          ? `dkimpy: ${dkimpy.note}`
          : `dkimpy dkim.verify alone, on ${dkimpy.sample} of these messages: ${num(dkimpy.messagesPerSecond, 0)} msg/s (${dkimpy.python})` +
              (ours
                ? `\n  crible ingest of the Maildir (read, store, parse, verify, record) = ${(ours / dkimpy.messagesPerSecond).toFixed(2)}× dkimpy's verification alone`
                : ''),
      );
    }
    if (ratios) {
      const f = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}×`);
      const pct = (v: number | null) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)}%`);
      const s = (x: ReturnType<typeof spread>) =>
        x ? `median ${x.median.toFixed(2)}× (${x.min.toFixed(2)}–${x.max.toFixed(2)})` : '—';
      out.push(
        '',
        `ratios, ${ratioRounds.length} round(s), each measured in the same round:`,
        ...table([
          [
            'round',
            'ingest+keys s',
            'mu index s',
            'workflow s (ingest / import / verify)',
            'floor s',
            'dkimpy msg/s',
            'vs mu',
            'workflow vs dkimpy',
            'over floor',
            'no index s',
            'index adds',
          ],
          ...ratioRounds.map((r, i) => [
            String(i + 1),
            num(r.ingestWithKeys, 2),
            num(r.muIndex, 2),
            `${num(r.workflow.total, 2)} (${num(r.workflow.ingest, 2)} / ${num(r.workflow.keys, 2)} / ${num(r.workflow.verify, 2)})`,
            num(r.floor, 2),
            num(r.dkimpyPerSecond, 0),
            f(r.versusMu),
            f(r.workflowVersusDkimpy),
            f(r.overFloor),
            num(r.ingestNoIndex, 2),
            pct(r.indexShare),
          ]),
        ]).map((l) => `  ${l}`),
        `  ingest with keys vs mu index (faster by; target ≥ 4×): ${s(ratios.versusMu)}`,
        `  ingest without keys + keys import + verify --case vs dkimpy verifying the signed messages (target ≥ 3×): ${s(ratios.workflowVersusDkimpy)}`,
        `  ingest with keys over the floor, cp -r + sha256sum (toward 2×): ${s(ratios.overFloor)}`,
        `  what the search index adds to the ingest with keys, against the same ingest with --no-index (target ≤ 25%): ${
          ratios.indexShare
            ? `median ${pct(ratios.indexShare.median)} (${pct(ratios.indexShare.min)} – ${pct(ratios.indexShare.max)})`
            : '—'
        }`,
        `  dkimpy's time is its rate on ${dkimpy?.sample ?? 0} of the messages, over the ${signedMessages(ds)} signed messages of the Maildir`,
      );
    }
    if (memory) {
      out.push(
        `memory: VmHWM ${mib(memory.baseVmHwmBytes)} MiB at ${count} messages vs ${mib(memory.scaledVmHwmBytes)} MiB at ${count * scale!} (×${memory.ratio.toFixed(2)})`,
      );
    }
    process.stdout.write(out.join('\n') + '\n');
  }
} finally {
  if (!values['keep-cases']) rmSync(caseRoot, { recursive: true, force: true });
}
