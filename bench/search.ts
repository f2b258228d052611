// Search benchmark: `npm run bench:search -- [--count 1000000] [--maildir 20000] [--runs 30] [--json]`
//
// 1. A synthetic case of --count messages, its rows written through the store's writer (no MIME to
//    parse: a pool of 20,000 generated messages, each written again under a new Message-ID, date and
//    reference number), cached under .cache/bench/search-c<count>-s<seed>. The index is built from the
//    change feed (updateSearchIndex, as ingest does) and timed; its size is read from dbstat.
// 2. A fixed query set (rare term, common term, phrase, identifier, field + term, date range), each run --runs
//    times for the top 50 ranked hits, then again with facets: p50 and p95.
// 3. On the --maildir message synthetic Maildir of bench:ingest (same cache), the same query set is
//    timed against `notmuch search` and `mu find` in the same run, and against crible as a library
//    call and as a `crible search` process (the peers are processes).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { searchCase, searchIndexBehind, updateSearchIndex } from '../src/core/search.ts';
import { formatBytes } from '../src/report/size.ts';
import {
  createMboxWriter,
  generateMessageList,
  generateMessages,
  type SynthMessage,
  writeMaildir,
} from '../src/sample/synth.ts';
import type { MailAddress, MessageFields, Store } from '../src/store/store.ts';

const repo = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    maildir: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    'skip-large': { type: 'boolean', default: false },
    'skip-peers': { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const maildirCount = Number(values.maildir);
const runs = Number(values.runs);
const seed = Number(values.seed);
const cacheRoot = join(repo, '.cache', 'bench');
const log = (s: string) => {
  if (!values.json) process.stderr.write(`${s}\n`);
};

const POOL = 20_000;
const START = Date.UTC(2016, 0, 4);
const SPAN = Date.UTC(2017, 11, 22) - START;

const addresses = (people: { name: string; address: string }[]): MailAddress[] =>
  people.map((p) => ({ name: p.name, address: p.address }));

function fieldsOf(m: SynthMessage, i: number): MessageFields {
  // Each copy gets its own id, instant and reference number (a rare identifier, like an invoice's).
  const date = new Date(START + Math.floor(((i * 7919) % count) * (SPAN / count))).toISOString();
  return {
    messageId: `<c${i}.${m.messageId}>`,
    dateRaw: date,
    date,
    subject: m.subject,
    from: addresses([m.from]),
    sender: [],
    to: addresses(m.to),
    cc: addresses(m.cc),
    bcc: [],
    replyTo: [],
    inReplyTo: m.inReplyTo ? `<c${i - 1}.${m.inReplyTo}>` : null,
    references: m.references.slice(-1).map((r) => `<c${i - 1}.${r}>`),
    headerRaw: '',
    text: `${m.text}\nRéf. DOS-${String(i).padStart(7, '0')}`,
    hasHtml: false,
    flags: [],
  };
}

const VERDICTS = ['unsigned', 'unsigned', 'unsigned', 'authentic', 'altered', 'key-unavailable', 'forgeable'];

async function largeCase(): Promise<{
  dir: string;
  buildSeconds: number;
  indexSeconds: number;
  cached: boolean;
}> {
  const dir = join(cacheRoot, `search-c${count}-s${seed}`);
  const metaFile = join(dir, 'meta.json');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.count === count && meta.generator === 1) {
      const indexSeconds = await indexIfBehind(join(dir, 'case'));
      if (indexSeconds !== null) {
        meta.indexSeconds = indexSeconds;
        writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
      }
      return { dir, ...meta, cached: true };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`building a case of ${count} messages in ${dir} …`);
  const t0 = performance.now();
  const pool = await generateMessageList({ seed, count: Math.min(POOL, count), attachmentFraction: 0 });
  const kase = openCase(join(dir, 'case'), { create: true });
  const store = kase.store;
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    await store.transaction((w) => {
      const source = w.openSource('/bench/dump', 'directory');
      for (let i = start; i < Math.min(count, start + batch); i++) {
        const m = pool[i % pool.length]!;
        const fields = fieldsOf(m, i);
        const sha256 = createHash('sha256').update(`${i}`).digest('hex');
        const path = `Maildir/cur/${i}`;
        const at = {
          sourceId: source.id,
          parentId: null,
          path,
          pathRaw: null,
          byteStart: null,
          byteEnd: null,
        };
        const { id } = w.putItem(
          { sha256, size: m.raw.length, type: 'message', format: 'eml', status: 'ok', reason: null },
          { ...at, filename: null, declaredType: null, transformations: [], flags: [] },
        );
        w.putMessage(id, fields);
        w.putAnalysis({
          itemId: id,
          analyser: 'dkim',
          version: 'bench',
          status: 'ok',
          summary: VERDICTS[i % VERDICTS.length]!,
          resultJson: '{}',
          inputs: [],
          findings: [],
        });
        w.markFileDone(source.id, path, m.raw.length, sha256);
      }
    });
    if ((start / batch) % 20 === 0)
      log(`  ${start + batch}/${count} rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const buildSeconds = (performance.now() - t0) / 1000;
  log(`  rows in ${buildSeconds.toFixed(0)} s; indexing …`);
  const indexSeconds = await timedIndex(store);
  await store.close();
  writeFileSync(
    metaFile,
    `${JSON.stringify({ count, generator: 1, buildSeconds, indexSeconds }, null, 2)}\n`,
  );
  return { dir, buildSeconds, indexSeconds, cached: false };
}

/**
 * A cached case's index brought up to date when it is behind its rows (a migration to a newer index
 * format empties it, and it is made again from the change feed): the seconds it took, or null.
 */
async function indexIfBehind(caseDir: string): Promise<number | null> {
  const kase = openCase(caseDir, { create: false });
  try {
    if (!(await searchIndexBehind(kase.store))) return null;
    log(`  the cached case's index is behind its rows (a newer index format): indexing again …`);
    return await timedIndex(kase.store);
  } finally {
    await kase.store.close();
  }
}

/** The index brought up to date, in seconds. */
async function timedIndex(store: Store): Promise<number> {
  const t1 = performance.now();
  await updateSearchIndex(store, {
    onProgress: (done, total) => {
      if (done % 100_000 < 2000)
        log(`  indexed ${done}/${total} (${((performance.now() - t1) / 1000).toFixed(0)} s)`);
    },
  });
  return (performance.now() - t1) / 1000;
}

function indexBytes(caseDir: string): { index: number; database: number } {
  const db = new DatabaseSync(join(caseDir, 'case.db'), { readOnly: true });
  const row = db
    .prepare("SELECT sum(pgsize) AS n FROM dbstat WHERE name LIKE 'search_%' OR name LIKE 'threads%'")
    .get() as { n: number };
  db.close();
  return { index: Number(row.n), database: statSync(join(caseDir, 'case.db')).size };
}

interface QuerySet {
  name: string;
  crible: string;
  notmuch: string;
  mu: string;
}

/** The query set, with terms taken from the case's own vocabulary (rarest and commonest words). */
function querySet(caseDir: string): QuerySet[] {
  const db = new DatabaseSync(join(caseDir, 'case.db'));
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, 'search_text', 'row')");
  const common = db
    .prepare(
      "SELECT term FROM temp.vocab WHERE term GLOB '[a-z][a-z][a-z][a-z]*' ORDER BY doc DESC LIMIT 1 OFFSET 5",
    )
    .get() as { term: string };
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.columns USING fts5vocab(main, 'search_text', 'col')");
  const rare = db
    .prepare(
      "SELECT term FROM temp.columns WHERE col = 'body' AND term GLOB '[a-z][a-z][a-z][a-z][a-z]*' ORDER BY doc, term LIMIT 1",
    )
    .get() as { term: string };
  const subject = db
    .prepare('SELECT subject FROM messages WHERE subject IS NOT NULL ORDER BY item_id LIMIT 1')
    .get() as {
    subject: string;
  };
  const phrase = `"${subject.subject.split(/\s+/).slice(0, 2).join(' ')}"`;
  const sender = db
    .prepare(
      "SELECT address FROM participants WHERE role = 'from' GROUP BY address ORDER BY count(*) DESC LIMIT 1",
    )
    .get() as { address: string };
  db.close();
  // The rarest word of the bodies (the generator's vocabulary is small); a phrase: the first two words of a subject.
  return [
    { name: 'rare term', crible: rare.term, notmuch: rare.term, mu: rare.term },
    { name: 'common term', crible: common.term, notmuch: common.term, mu: common.term },
    { name: 'phrase', crible: phrase, notmuch: phrase, mu: phrase },
    { name: 'identifier', crible: 'dos-0004242', notmuch: 'DOS-0004242', mu: 'DOS-0004242' },
    {
      name: 'field + term',
      crible: `from:${sender.address} ${common.term}`,
      notmuch: `from:${sender.address} ${common.term}`,
      mu: `from:${sender.address} ${common.term}`,
    },
    {
      name: 'date range',
      crible: 'date:2017-03-01..2017-04-24',
      notmuch: 'date:2017-03-01..2017-04-24',
      mu: 'date:20170301..20170424',
    },
  ];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function timeIt(fn: () => unknown | Promise<unknown>, n = runs): Promise<{ p50: number; p95: number }> {
  await fn(); // warm
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function queryTimes(caseDir: string, queries: QuerySet[]) {
  const kase = openCase(caseDir, { create: false });
  const out = [];
  for (const q of queries) {
    const { total } = await searchCase(kase.store, q.crible, { limit: 50 });
    const top = await timeIt(() => searchCase(kase.store, q.crible, { limit: 50 }));
    const facets = await timeIt(() => searchCase(kase.store, q.crible, { limit: 50, facets: true }));
    out.push({ name: q.name, query: q.crible, total, top50: top, withFacets: facets });
    log(
      `  ${q.name.padEnd(13)} ${q.crible.padEnd(48)} ${String(total).padStart(8)} hits  top-50 p50 ${ms(top.p50)} p95 ${ms(top.p95)}  facets p50 ${ms(facets.p50)} p95 ${ms(facets.p95)}`,
    );
  }
  await kase.store.close();
  return out;
}

/** The Maildir of bench:ingest (same cache folder and layout, so either bench reuses the other's). */
async function maildir(n: number): Promise<string> {
  const dir = join(cacheRoot, `c${n}-s${seed}-sig0`);
  const metaFile = join(dir, 'meta.json');
  if (existsSync(metaFile) && JSON.parse(readFileSync(metaFile, 'utf8')).count === n)
    return join(dir, 'Maildir');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`generating ${n} messages into ${dir} …`);
  const t0 = performance.now();
  const mboxWriter = createMboxWriter(join(dir, 'dump.mbox'), { variant: 'mboxrd' });
  async function* tee(): AsyncGenerator<SynthMessage> {
    for await (const m of generateMessages({ seed, count: n, signing: null })) {
      mboxWriter.append(m);
      yield m;
    }
  }
  const md = await writeMaildir(join(dir, 'Maildir'), tee());
  const mb = mboxWriter.close();
  const generationSeconds = (performance.now() - t0) / 1000;
  const meta = {
    count: n,
    seed,
    signed: 0,
    maildirBytes: md.bytes,
    mboxBytes: mb.bytes,
    generationSeconds,
    generator: 1,
  };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return join(dir, 'Maildir');
}

function peerTimes(mail: string, queries: QuerySet[]) {
  const base = join(cacheRoot, `search-peers-c${maildirCount}-s${seed}`);
  mkdirSync(base, { recursive: true });
  const caseDir = join(base, 'crible-case');
  const notmuchConfig = join(base, 'notmuch-config');
  const muHome = join(base, 'mu');
  const built: Record<string, number> = {};
  if (!existsSync(join(base, 'notmuch.done'))) {
    writeFileSync(
      notmuchConfig,
      `[database]\npath=${join(base, 'notmuch-db')}\nmail_root=${mail}\n[new]\ntags=\n[search]\nexclude_tags=\n`,
    );
    mkdirSync(join(base, 'notmuch-db'), { recursive: true });
    const t = performance.now();
    execFileSync('notmuch', ['--config', notmuchConfig, 'new', '--quiet'], { stdio: 'ignore' });
    built.notmuch = (performance.now() - t) / 1000;
    writeFileSync(join(base, 'notmuch.done'), '');
  }
  if (!existsSync(join(base, 'mu.done'))) {
    rmSync(muHome, { recursive: true, force: true });
    execFileSync('mu', ['init', '--muhome', muHome, '-m', mail], { stdio: 'ignore' });
    const t = performance.now();
    execFileSync('mu', ['index', '--muhome', muHome, '--quiet'], { stdio: 'ignore' });
    built.mu = (performance.now() - t) / 1000;
    writeFileSync(join(base, 'mu.done'), '');
  }
  return { caseDir, notmuchConfig, muHome, built, queries };
}

function processTime(cmd: string, args: string[]): { p50: number; p95: number } {
  const times: number[] = [];
  spawnSync(cmd, args, { stdio: 'ignore' });
  for (let i = 0; i < Math.max(5, Math.floor(runs / 3)); i++) {
    const t = performance.now();
    spawnSync(cmd, args, { stdio: 'ignore' });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const report: Record<string, unknown> = {
  machine: { cores: (await import('node:os')).cpus().length, load: (await import('node:os')).loadavg() },
};

if (!values['skip-large']) {
  const large = await largeCase();
  const caseDir = join(large.dir, 'case');
  const size = indexBytes(caseDir);
  log(
    `large case: ${count} messages; rows ${large.buildSeconds.toFixed(0)} s, index build ${large.indexSeconds.toFixed(0)} s (${(count / large.indexSeconds).toFixed(0)} msg/s)${large.cached ? ' (cached)' : ''}; index ${formatBytes(size.index)} of a ${formatBytes(size.database)} case.db`,
  );
  const queries = querySet(caseDir);
  report.large = { count, ...large, ...size, queries: await queryTimes(caseDir, queries) };
}

if (!values['skip-peers']) {
  const mail = await maildir(maildirCount);
  const peers = peerTimes(mail, []);
  if (!existsSync(join(peers.caseDir, 'case.db'))) {
    log(`ingesting the ${maildirCount}-message Maildir into crible …`);
    const kase = openCase(peers.caseDir, { create: true });
    await ingestIntoCase(kase, [mail]);
    await kase.store.close();
  } else await indexIfBehind(peers.caseDir);
  // The Maildir's messages carry no reference number.
  const queries = querySet(peers.caseDir).filter((q) => q.name !== 'identifier');
  log(
    `\n${maildirCount}-message Maildir: crible (library call; crible search process), notmuch search, mu find — top 50`,
  );
  const rows = [];
  for (const q of queries) {
    const kase = openCase(peers.caseDir, { create: false });
    const { total } = await searchCase(kase.store, q.crible, { limit: 50 });
    const library = await timeIt(() => searchCase(kase.store, q.crible, { limit: 50 }));
    await kase.store.close();
    const cli = processTime(process.execPath, [
      join(repo, 'bin', 'crible.js'),
      'search',
      q.crible,
      '--case',
      peers.caseDir,
      '--limit',
      '50',
      '--json',
    ]);
    const notmuch = processTime('notmuch', [
      '--config',
      peers.notmuchConfig,
      'search',
      '--output=messages',
      '--limit=50',
      q.notmuch,
    ]);
    const notmuchCount = Number(
      execFileSync('notmuch', ['--config', peers.notmuchConfig, 'count', q.notmuch]).toString().trim(),
    );
    const mu = processTime('mu', ['find', '--muhome', peers.muHome, '--maxnum=50', '--fields', 'i', q.mu]);
    const muCount = spawnSync('mu', ['find', '--muhome', peers.muHome, '--fields', 'i', q.mu])
      .stdout.toString()
      .split('\n')
      .filter(Boolean).length;
    rows.push({ name: q.name, query: q.crible, total, notmuchCount, muCount, library, cli, notmuch, mu });
    log(
      `  ${q.name.padEnd(13)} hits crible ${total} notmuch ${notmuchCount} mu ${muCount}: crible ${ms(library.p50)} (process ${ms(cli.p50)}), notmuch ${ms(notmuch.p50)}, mu ${ms(mu.p50)}  [p50]`,
    );
  }
  report.maildir = { count: maildirCount, built: peers.built, queries: rows };
}

if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
