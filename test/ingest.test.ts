import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { zip } from './helpers/archives.ts';
import { crible, cribleBin, mbox, message, tempDir } from './helpers/mail.ts';

interface MixedDump {
  dir: string;
  loose: Buffer[];
  mboxBytes: Buffer;
  mboxMessages: Buffer[];
  zipOnly: Buffer;
}

/** .eml files, an mbox, a Maildir and a zip that repeats two of the loose messages. */
async function mixedDump(): Promise<MixedDump> {
  const dir = join(tempDir(), 'dump');
  mkdirSync(join(dir, 'loose'), { recursive: true });
  const loose = [1, 2, 3, 4, 5].map((i) => message({ id: `loose${i}` }));
  for (const [i, bytes] of loose.entries()) writeFileSync(join(dir, 'loose', `m${i + 1}.eml`), bytes);
  const mboxMessages = [1, 2, 3, 4].map((i) =>
    message({
      id: `mbox${i}`,
      eol: '\n',
      body: i === 2 ? 'Intro\nFrom the field: all fine\n>From quoted\nBye' : undefined,
    }),
  );
  const mboxBytes = mbox(mboxMessages);
  writeFileSync(join(dir, 'archive.mbox'), mboxBytes);
  for (const part of ['cur', 'new', 'tmp']) mkdirSync(join(dir, 'Maildir', part), { recursive: true });
  for (const i of [1, 2, 3]) {
    writeFileSync(
      join(dir, 'Maildir', 'cur', `149370000${i}.M${i}P1.host:2,S`),
      message({ id: `maildir${i}`, eol: '\n' }),
    );
  }
  const zipOnly = message({ id: 'zip1' });
  writeFileSync(
    join(dir, 'bundle.zip'),
    await zip([
      ['a/m1.eml', loose[0]!],
      ['a/m2.eml', loose[1]!],
      ['z1.eml', zipOnly],
    ]),
  );
  return { dir, loose, mboxBytes, mboxMessages, zipOnly };
}

interface Row {
  id: number;
  type: string;
  source: string;
  path: string;
  sha256: string;
  status: string;
}

describe('ingest of a mixed dump', () => {
  let dump: MixedDump;
  let caseDir: string;
  let first: Record<string, unknown>;

  beforeAll(async () => {
    dump = await mixedDump();
    caseDir = join(tempDir(), 'case');
    const result = await crible(['ingest', dump.dir, '--case', caseDir, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    first = JSON.parse(result.stdout);
  });

  it('yields one item per distinct message and counts the duplicates', () => {
    expect(first).toMatchObject({
      sources: 1,
      messages: 13,
      containers: 2,
      failed: 0,
      limited: 0,
      duplicates: 2,
      added: 15,
    });
  });

  it('records the provenance of mbox members down to their byte range', async () => {
    const rows: Row[] = JSON.parse(
      (await crible(['list', '--case', caseDir, '--type', 'message', '--json'])).stdout,
    );
    const shown = JSON.parse(
      (await crible(['show', String(rows[0]!.id), '--case', caseDir, '--json'])).stdout,
    );
    expect(shown.provenance.at(-1)).toMatchObject({ type: 'source:directory', path: dump.dir });

    const mboxItems = [];
    for (const row of rows) {
      const d = JSON.parse((await crible(['show', String(row.id), '--case', caseDir, '--json'])).stdout);
      if (d.provenance[1]?.path === 'archive.mbox') mboxItems.push(d);
    }
    expect(mboxItems).toHaveLength(4);
    for (const d of mboxItems) {
      const { byteStart, byteEnd } = d.item.first;
      const raw = (await rawBytes(caseDir, d.item.id)).toString('latin1');
      expect(raw).toBe(dump.mboxBytes.subarray(byteStart, byteEnd).toString('latin1'));
    }
    const escaped = mboxItems.find((d) => d.message.messageId === '<mbox2@campagne.example>');
    expect(escaped.item.first.transformations.length).toBe(1);
    // Stored bytes keep the escaping; the parsed text is un-escaped.
    expect((await rawBytes(caseDir, escaped.item.id)).toString()).toContain('\n>From the field');
    expect(escaped.message.text).toContain('\nFrom the field');
    expect(escaped.message.text).toContain('\n>From quoted');
  });

  it('keeps the exact original bytes and every place a copy was found', async () => {
    const rows: Row[] = JSON.parse((await crible(['list', '--case', caseDir, '--json'])).stdout);
    // The zip sorts before loose/, so the copy inside it is the first placement.
    const first = rows.find((r) => r.path === 'a/m1.eml')!;
    expect((await rawBytes(caseDir, first.id)).equals(dump.loose[0]!)).toBe(true);
    const shown = JSON.parse((await crible(['show', String(first.id), '--case', caseDir, '--json'])).stdout);
    expect(shown.occurrences.map((o: { path: string }) => o.path).sort()).toEqual([
      'a/m1.eml',
      join('loose', 'm1.eml'),
    ]);
    const inZip = shown.occurrences.find((o: { path: string }) => o.path === 'a/m1.eml');
    expect(inZip.chain.map((s: { path: string }) => s.path)).toEqual(['a/m1.eml', 'bundle.zip', dump.dir]);

    const maildir = rows.filter((r) => r.path.startsWith(join('Maildir', 'cur')));
    expect(maildir).toHaveLength(3);
    expect(maildir.every((r) => r.type === 'message' && r.status === 'ok')).toBe(true);
  });

  it('adds nothing on a second run and writes no second custody line', async () => {
    const again = await crible(['ingest', dump.dir, '--case', caseDir, '--json']);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary.added).toBe(0);
    expect(summary.items).toBe(first.items);
    expect(summary.duplicates).toBe(first.duplicates);
    const custody = readFileSync(join(caseDir, 'custody.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(custody).toHaveLength(1);
    expect(custody[0]).toMatchObject({
      path: dump.dir,
      kind: 'directory',
      counts: { found: 17, ok: 17, failed: 0, limited: 0, duplicates: 2 },
    });
    expect(custody[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(custody[0].crible).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers usage errors with exit code 2 and stats in JSON', async () => {
    expect((await crible(['show', 'abc', '--case', caseDir])).code).toBe(2);
    expect((await crible(['list', '--case', join(caseDir, 'nope')])).code).toBe(2);
    expect((await crible(['ingest', '/no/such/path', '--case', caseDir])).code).toBe(2);
    const stats = JSON.parse((await crible(['stats', '--case', caseDir, '--json'])).stdout);
    expect(stats).toMatchObject({ items: 15, byType: { message: 13, container: 2 }, duplicates: 2 });
  });
});

function rawBytes(caseDir: string, id: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cribleBin, 'raw', String(id), '--case', caseDir]);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`raw exited ${code}`)),
    );
  });
}

/** Leaf files a case has recorded as done. */
function countFiles(caseDir: string): number {
  // Not read-only: after a kill, the first reader may have to recover the WAL.
  const db = new DatabaseSync(join(caseDir, 'case.db'), { timeout: 5000 });
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM source_files').get() as { n: number }).n);
  } catch {
    return 0; // the schema is still being created
  } finally {
    db.close();
  }
}

/** Everything a run leaves in a case except wall-clock times. */
function caseState(caseDir: string): unknown {
  const db = new DatabaseSync(join(caseDir, 'case.db'), { readOnly: true });
  const all = (sql: string) => db.prepare(sql).all();
  const state = {
    sources: all('SELECT id, path, kind, size, sha256 FROM sources ORDER BY id'),
    sourceFiles: all('SELECT * FROM source_files ORDER BY source_id, path'),
    // Revisions count units of work, which kills change; everything else must be the same.
    items: all(
      'SELECT id, sha256, place_key, size, type, format, status, reason_code, reason_params FROM items ORDER BY id',
    ),
    occurrences: all(
      `SELECT id, item_id, source_id, parent_id, path, path_raw, byte_start, byte_end, filename, declared_type,
         transformations, flags FROM occurrences ORDER BY id`,
    ),
    messages: all('SELECT * FROM messages ORDER BY item_id'),
    participants: all('SELECT * FROM participants ORDER BY item_id, role, position'),
    // every message analysed exactly once, whatever the kills (analysed_at is a clock reading)
    analyses: all(
      'SELECT item_id, analyser, version, status, summary, result FROM analyses ORDER BY item_id, analyser',
    ),
    inputs: all('SELECT * FROM analysis_inputs ORDER BY item_id, analyser, input'),
    findings: all('SELECT item_id, analyser, code, severity, params, evidence FROM findings ORDER BY id'),
    blobs: listBlobs(join(caseDir, 'blobs')),
    custody: readFileSync(join(caseDir, 'custody.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => ({ ...JSON.parse(line), time: null })),
  };
  db.close();
  return state;
}

function listBlobs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length))
    .sort();
}

describe('a file gone between listing and reading', () => {
  it('is recorded as unreadable, with the reason, and the run goes on', async () => {
    const dir = join(tempDir(), 'dump');
    mkdirSync(dir);
    for (let i = 0; i < 120; i++)
      writeFileSync(join(dir, `m${String(i).padStart(3, '0')}.eml`), message({ id: `g${i}` }));
    const kase = openCase(join(dir, '..', 'case'), { create: true });
    let removed = false;
    try {
      const summary = await ingestIntoCase(kase, [dir], {
        // After the first file: one far ahead disappears, as in a dump still being copied or moved.
        onProgress: () => {
          if (removed) return;
          rmSync(join(dir, 'm100.eml'));
          removed = true;
        },
      });
      expect(removed).toBe(true);
      expect(summary.perSource[0]!.counts).toMatchObject({ found: 120, ok: 119, failed: 1 });
      const gone = (await kase.store.listItems({ type: 'all' })).find(
        (item) => item.first.path === 'm100.eml',
      );
      expect(gone).toMatchObject({
        status: 'failed',
        reason: { code: 'item.unreadable', params: { error: 'ENOENT' } },
      });
    } finally {
      await kase.store.close();
    }
  });
});

describe('a run killed with SIGKILL', () => {
  it('resumes to exactly the state of an uninterrupted run', async () => {
    const dir = join(tempDir(), 'dump');
    for (const part of ['cur', 'new', 'tmp']) mkdirSync(join(dir, 'Maildir', part), { recursive: true });
    for (let i = 0; i < 1200; i++) {
      const body = `Paragraphe ${i}.\n${'Le budget de la campagne est en discussion. '.repeat(40)}`;
      writeFileSync(
        join(dir, 'Maildir', 'cur', `1493${String(i).padStart(6, '0')}.M${i}P1.host:2,S`),
        message({ id: `k${i}`, eol: '\n', body }),
      );
    }
    const mboxMessages = Array.from({ length: 400 }, (_, i) =>
      message({ id: `b${i}`, body: `From here on, item ${i}\n${'Réunion demain. '.repeat(60)}` }),
    );
    writeFileSync(join(dir, 'big.mbox'), mbox(mboxMessages));
    writeFileSync(
      join(dir, 'set.zip'),
      await zip(mboxMessages.slice(0, 150).map((m, i) => [`z/${i}.eml`, m] as [string, Buffer])),
    );

    const clean = join(tempDir(), 'clean');
    const cleanRun = await crible(['ingest', dir, '--case', clean, '--batch', '40']);
    expect(cleanRun.code).toBe(0);

    const killed = join(tempDir(), 'killed');
    const total = countFiles(clean);
    // Each run is killed once it has committed more work than the runs before it left (so every
    // kill lands mid-run, whatever the machine's speed), until the files are nearly all done.
    const progress: number[] = [];
    let interrupted = 0;
    while (interrupted < 8) {
      const before = progress.at(-1) ?? 0;
      if (before >= total - 40) break;
      const child = spawn(process.execPath, [cribleBin, 'ingest', dir, '--case', killed, '--batch', '40'], {
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const target = before + 1 + Math.floor(Math.random() * 120);
      while (child.exitCode === null && (!existsSync(join(killed, 'case.db')) || countFiles(killed) < target))
        await sleep(100);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        interrupted++;
      }
      await exited;
      progress.push(countFiles(killed));
    }
    expect(interrupted).toBeGreaterThan(2);
    // Progress between kills: each killed run kept what it had committed and added to it.
    const midRun = progress.filter((n) => n > 0 && n < total);
    expect(new Set(midRun).size).toBeGreaterThan(2);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    const final = await crible(['ingest', dir, '--case', killed, '--batch', '40']);
    expect(final.code).toBe(0);
    expect(caseState(killed)).toEqual(caseState(clean));
  });
});
