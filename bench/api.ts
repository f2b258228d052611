// Workbench API benchmark: `npm run bench:api -- [--count 100000] [--mail 30000] [--duration 15] [--connections 1,4] [--json]`
//
// 1. The --count message case of bench:search (built by it when absent: .cache/bench/search-c<count>-s1),
//    copied afresh to .cache/bench/api-c<count>/case so that the ingest below always has new mail to write.
// 2. `crible serve` on that copy (its own process), loaded by autocannon with what the pages ask for: the
//    search page's two calls (a page of hits, and the facets of the same query; a query set from the case's
//    vocabulary) and the message page's (/api/items/<id>, ids spread over the case); each request's
//    latency recorded, p50/p95/p99 and
//    requests/s. The floor it is compared with: the same server handing out the app's static page.
// 3. The same again WHILE `crible ingest` writes --mail generated messages (with attachments) into the case
//    in a third process. The target is at most 100 ms p95 for search and message view under that load.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { generateMessages } from '../src/sample/synth.ts';
import { writeMaildir } from '../src/sample/writers.ts';

const repo = resolve(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'crible.js');
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    mail: { type: 'string', default: '30000' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '1,4' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${readFileSync(import.meta.filename, 'utf8').split('\nimport')[0]}\n`);
  process.exit(0);
}
const count = Number(values.count);
const mailCount = Number(values.mail);
const duration = Number(values.duration);
/** Each measure is taken with each of these many clients, each sending its next request on an answer. */
const connectionCounts = values.connections.split(',').map(Number);
const cacheRoot = join(repo, '.cache', 'bench');
const log = (s: string) => {
  if (!values.json) process.stderr.write(`${s}\n`);
};

/** bench:search's case of `count` messages (its cache), built by running it when absent. */
function searchCase(): string {
  const dir = join(cacheRoot, `search-c${count}-s1`);
  if (!existsSync(join(dir, 'meta.json'))) {
    log(`building bench:search's case of ${count} messages (once) …`);
    execFileSync(
      process.execPath,
      [join(repo, 'bench', 'search.ts'), '--count', String(count), '--skip-peers', '--runs', '1', '--json'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  return join(dir, 'case');
}

/** A Maildir of generated messages (with attachments) for the ingest that writes during the load. */
async function mailToIngest(): Promise<string> {
  const dir = join(cacheRoot, `api-mail-c${mailCount}`);
  if (existsSync(join(dir, 'done'))) return join(dir, 'Maildir');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`generating ${mailCount} messages to ingest into ${dir} …`);
  await writeMaildir(join(dir, 'Maildir'), generateMessages({ seed: 7, count: mailCount, signing: null }));
  writeFileSync(join(dir, 'done'), '');
  return join(dir, 'Maildir');
}

/** The search page's queries: words from the case's own vocabulary, a field, a verdict, a month. */
function searchQueries(caseDir: string): string[] {
  const db = new DatabaseSync(join(caseDir, 'case.db'), { readOnly: true });
  db.exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'search_text', 'row')");
  const words = db
    .prepare("SELECT term FROM temp.vocab WHERE term GLOB '[a-z][a-z][a-z][a-z]*' ORDER BY doc DESC LIMIT 40")
    .all()
    .map((r) => String(r.term));
  const sender = db
    .prepare(
      "SELECT address FROM participants WHERE role = 'from' GROUP BY address ORDER BY count(*) DESC LIMIT 1",
    )
    .get() as { address: string };
  db.close();
  const queries = [
    '',
    words[5]!,
    words[39]!,
    `${words[10]} ${words[20]}`,
    `"${words[3]} ${words[4]}"`,
    'dos-0042424',
    `from:${sender.address} ${words[12]}`,
    'verdict:altered',
    'date:2017-03',
    `${words[8]} date:2016-01..2016-06`,
  ];
  return queries;
}

const hitsPath = (q: string) => `/api/search?q=${encodeURIComponent(q)}&offset=0&limit=50`;
const facetsPath = (q: string) => `/api/search/facets?q=${encodeURIComponent(q)}`;

/** The message page's call for 200 messages spread over the case. */
function messagePaths(caseDir: string): string[] {
  const db = new DatabaseSync(join(caseDir, 'case.db'), { readOnly: true });
  const ids = db
    .prepare('SELECT item_id FROM messages WHERE item_id % ? = 0 ORDER BY item_id LIMIT 200')
    .all(Math.max(1, Math.floor(count / 200)))
    .map((r) => Number(r.item_id));
  db.close();
  return ids.map((id) => `/api/items/${id}`);
}

function itemCount(caseDir: string): number {
  const db = new DatabaseSync(join(caseDir, 'case.db'), { readOnly: true });
  const { n } = db.prepare('SELECT count(*) AS n FROM items').get() as { n: number };
  db.close();
  return n;
}

/** Each search of the set alone, so a slow one is named (the load above mixes them). */
async function searchByQuery(url: string, queries: string[]) {
  const median = async (path: string) => {
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t = performance.now();
      await (await fetch(`${url}${path}`)).arrayBuffer();
      times.push(performance.now() - t);
    }
    return percentile(
      times.sort((a, b) => a - b),
      50,
    );
  };
  const out = [];
  for (const query of queries) {
    const { total } = (await (await fetch(`${url}${hitsPath(query)}`)).json()) as { total: number };
    out.push({
      query,
      hits: total,
      p50: await median(hitsPath(query)),
      facetsP50: await median(facetsPath(query)),
    });
  }
  return out;
}

interface Measure {
  endpoint: string;
  connections: number;
  load: 'quiet' | 'ingesting';
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  failed: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

async function load(
  url: string,
  endpoint: string,
  paths: string[],
  state: Measure['load'],
  connections: number,
): Promise<Measure> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(
      { url, connections, duration, requests: paths.map((path) => ({ method: 'GET', path })) },
      (err, finished) => (err ? fail(err) : done(finished)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  const measure = {
    endpoint,
    connections,
    load: state,
    requests: latencies.length,
    perSecond: latencies.length / duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    failed: result.non2xx + result.errors + result.timeouts,
  };
  log(
    `  ${state.padEnd(9)} ${endpoint.padEnd(15)} ×${connections} ${measure.perSecond.toFixed(0).padStart(6)} req/s  p50 ${measure.p50.toFixed(1)} ms  p95 ${measure.p95.toFixed(1)} ms  p99 ${measure.p99.toFixed(1)} ms${measure.failed ? `  ${measure.failed} failed` : ''}`,
  );
  return measure;
}

interface Child {
  output: () => string;
  running: () => boolean;
  stop: () => void;
}

/** Starts a crible command as a child process; ready once `ready` matches its output (or after `ready` ms). */
function start(args: string[], ready: RegExp | number): Promise<Child & { match: RegExpMatchArray | null }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  const handle = (match: RegExpMatchArray | null) => ({
    match,
    output: () => seen,
    running: () => !exited,
    stop: () => {
      if (!exited) child.kill('SIGTERM');
    },
  });
  let seen = '';
  return new Promise((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = typeof ready === 'number' ? null : seen.match(ready);
      if (match) done(handle(match));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    child.on('exit', (code) => {
      exited = true;
      fail(new Error(`crible ${args[0]} exited (${code}) before it was ready:\n${seen}`));
    });
    if (typeof ready === 'number') setTimeout(() => (exited ? undefined : done(handle(null))), ready);
  });
}

async function main() {
  const source = searchCase();
  const mail = await mailToIngest();
  const work = join(cacheRoot, `api-c${count}`);
  log(`copying the ${count}-message case to ${work} …`);
  rmSync(work, { recursive: true, force: true });
  cpSync(source, join(work, 'case'), { recursive: true });
  const caseDir = join(work, 'case');
  const queries = searchQueries(caseDir);
  const endpoints: [string, string[]][] = [
    ['search hits', queries.map(hitsPath)],
    ['search facets', queries.map(facetsPath)],
    ['message view', messagePaths(caseDir)],
    ['static page', ['/']],
  ];
  const server = await start(
    ['serve', '--case', caseDir, '--port', '0'],
    /Crible workbench: (http:\/\/[^\s/]+)\//,
  );
  const url = server.match![1]!;
  const measures: Measure[] = [];
  let written = 0;
  let byQuery: { query: string; hits: number; p50: number; facetsP50: number }[] = [];
  try {
    log(`server at ${url}; ${connectionCounts.join(' and ')} connections, ${duration} s per measure`);
    // Once through every path first: the search workers open the case and build their columns.
    for (const [, paths] of endpoints)
      for (const path of paths) await (await fetch(`${url}${path}`)).arrayBuffer();
    for (const [name, paths] of endpoints)
      for (const n of connectionCounts) measures.push(await load(url, name, paths, 'quiet', n));
    byQuery = await searchByQuery(url, queries);
    log(`ingesting ${mailCount} messages into the case meanwhile …`);
    const before = itemCount(caseDir);
    // Given a few seconds to list the Maildir and start writing before the load starts.
    const ingest = await start(['ingest', '--case', caseDir, '--batch', '100', mail], 5000);
    try {
      for (const [name, paths] of endpoints)
        for (const n of connectionCounts) measures.push(await load(url, name, paths, 'ingesting', n));
      if (!ingest.running())
        log(
          `  the ingest ended before the last measure did: give more --mail (its output: ${ingest.output().trim().split('\n').slice(-3).join(' / ')})`,
        );
    } finally {
      ingest.stop();
    }
    written = itemCount(caseDir) - before;
    log(`  the ingest recorded ${written} items (messages and their attachments) meanwhile`);
  } finally {
    server.stop();
  }
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ count, mailCount, duration, connections: connectionCounts, writtenDuringLoad: written, measures, byQuery }, null, 2)}\n`,
    );
    return;
  }
  const rows = measures.map((m) => [
    m.endpoint,
    m.load,
    String(m.connections),
    m.perSecond.toFixed(0),
    m.p50.toFixed(1),
    m.p95.toFixed(1),
    m.p99.toFixed(1),
    m.endpoint === 'static page' ? 'floor' : m.p95 <= 100 ? 'yes' : 'NO',
    String(m.failed),
  ]);
  const head = [
    'endpoint',
    'load',
    'clients',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    '≤100 ms p95',
    'failed',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(
    `Workbench API on a ${count}-message case, ${duration} s each with ${connectionCounts.join(' and ')} clients; "ingesting": crible ingest writing into the same case (${written} items recorded meanwhile)\n\n${[line(head), ...rows.map(line)].join('\n')}\n\nsearch, one query at a time (quiet, median of 5): hits, facets\n${byQuery
      .map(
        (b) =>
          `  ${b.p50.toFixed(1).padStart(8)} ms ${b.facetsP50.toFixed(1).padStart(8)} ms  ${String(b.hits).padStart(7)} hits  ${b.query || '(everything)'}`,
      )
      .join('\n')}\n`,
  );
}

await main();
