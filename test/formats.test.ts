import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type {
  ContainerEvent,
  ContainerFormat,
  ContainerInput,
  Entry,
  EntryProblem,
  Spool,
  SpooledEntry,
} from '../src/ingest/format.ts';
import { type Bounds, RATIO_FLOOR_BYTES, readBounded } from '../src/ingest/formats/bounded.ts';
import { gzipFormat, SPOOL_FROM_BYTES } from '../src/ingest/formats/gzip.ts';
import {
  MBOX_CHUNK_BYTES,
  MBOX_RD_UNESCAPE,
  MBOX_UNESCAPE,
  mboxEntries,
  mboxFormat,
  unescapeMbox,
} from '../src/ingest/formats/mbox.ts';
import { tarFormat } from '../src/ingest/formats/tar.ts';
import { zipFormat } from '../src/ingest/formats/zip.ts';
import { defaultLimits, type Limits } from '../src/ingest/limits.ts';
import { identify, probeBuffer } from '../src/ingest/registry.ts';
import { type Coded, isKnownCode, render } from '../src/report/catalogue.ts';
import { collect as collectAll } from './helpers/containers.ts';

let dir: string;
let outside: string;
let outsideBefore: string[];

beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), 'crible-formats-'));
  dir = join(outside, 'work', 'inner');
  await mkdir(dir, { recursive: true });
  outsideBefore = await readdir(outside, { recursive: true });
});

afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
});

/** Members and problems, without what a container says it holds (its `expected` counts). */
async function collect(events: AsyncIterable<ContainerEvent>) {
  const { events: all, error } = await collectAll(events);
  return { events: all.filter((e) => e.kind !== 'expected'), error };
}

function limits(over: Partial<Limits> = {}): Limits {
  return { ...defaultLimits, ...over };
}

async function all(format: ContainerFormat, input: ContainerInput, l: Limits = limits(), spool?: Spool) {
  const { events, error } = await collect(format.entries(input, l, spool));
  if (error) throw error;
  return events;
}

const buf = (data: Buffer, name: string | null = null): ContainerInput => ({ kind: 'buffer', data, name });

async function fileInput(name: string, data: Buffer): Promise<ContainerInput> {
  const path = join(dir, name);
  await writeFile(path, data);
  return { kind: 'file', path, size: data.length, name };
}

function entries(events: ContainerEvent[]): Entry[] {
  return events.filter((e): e is Entry => e.kind === 'entry');
}
function problems(events: ContainerEvent[]): EntryProblem[] {
  return events.filter((e): e is EntryProblem => e.kind === 'problem');
}

/** The number in "stopped after N bytes", which is the reason's `produced` parameter. */
function stoppedAfter(reason: Coded): number {
  const text = render(reason);
  const m = /stopped after (\d+) bytes/.exec(text);
  if (!m) throw new Error(`no byte count in reason: ${text}`);
  expect(reason.params?.produced).toBe(Number(m[1]));
  return Number(m[1]);
}

/** The module the registry identifies bytes as (not claimed a message). */
function identified(bytes: Buffer, name: string) {
  return identify(probeBuffer(bytes, name, false)).module;
}

// ---------------------------------------------------------------- mbox

const ENV = (n: number) => `From sender${n}@example.org Mon Jan  1 00:0${n % 10}:00 2024`;

function message(n: number, body: string, nl = '\n'): Buffer {
  const lines = [
    `From: a${n}@example.org`,
    `Subject: message ${n}`,
    `Message-ID: <${n}@example.org>`,
    '',
    body,
  ];
  return Buffer.from(lines.join(nl) + nl, 'latin1');
}

/** An mbox as a writer builds it: envelope line, message, blank line. Returns the container and each message's range. */
function buildMbox(messages: Buffer[], nl = '\n', prefix = Buffer.alloc(0)) {
  const parts: Buffer[] = [prefix];
  const ranges: [number, number][] = [];
  let at = prefix.length;
  messages.forEach((m, i) => {
    const env = Buffer.from(ENV(i) + nl, 'latin1');
    parts.push(env, m, Buffer.from(nl, 'latin1'));
    at += env.length;
    ranges.push([at, at + m.length]);
    at += m.length + nl.length;
  });
  return { container: Buffer.concat(parts), ranges };
}

function expectMembers(
  container: Buffer,
  events: ContainerEvent[],
  messages: Buffer[],
  ranges: [number, number][],
) {
  const es = entries(events);
  expect(problems(events)).toEqual([]);
  expect(es.map((e) => e.path)).toEqual(messages.map((_, i) => String(i + 1)));
  es.forEach((e, i) => {
    expect(e.isMessage).toBe(true);
    expect([e.byteStart, e.byteEnd]).toEqual(ranges[i]);
    expect(e.bytes.equals(messages[i]!)).toBe(true);
    expect(container.subarray(e.byteStart!, e.byteEnd!).equals(e.bytes)).toBe(true);
  });
}

describe('mbox', () => {
  it('splits an mboxo with exact byte ranges and records >From escapes', async () => {
    const msgs = [
      message(1, 'Hello.\n\nFrom here on, a body line that is no envelope.\n'),
      message(2, 'Quoted:\n>From the archive, escaped by the writer.\n'),
      message(3, 'Last one.'),
    ];
    const { container, ranges } = buildMbox(msgs);
    const events = await all(mboxFormat, buf(container));
    expectMembers(container, events, msgs, ranges);
    const es = entries(events);
    expect(es[0]!.transformations).toEqual([]);
    expect(es[1]!.transformations).toEqual([MBOX_UNESCAPE]);
    expect(unescapeMbox(es[1]!.bytes, MBOX_UNESCAPE).toString('latin1')).toContain(
      '\nFrom the archive, escaped by the writer.\n',
    );
    expect(unescapeMbox(es[1]!.bytes, MBOX_UNESCAPE).length).toBe(es[1]!.bytes.length - 1);
  });

  it('recognises mboxrd by its >>From lines and unescapes one level', async () => {
    const body = '>>From nested quote\n>From single\nFrom: not at line start >From\n>>>From deep\n';
    const msgs = [message(1, 'plain'), message(2, body)];
    const { container, ranges } = buildMbox(msgs);
    const events = await all(mboxFormat, buf(container));
    expectMembers(container, events, msgs, ranges);
    const m2 = entries(events)[1]!;
    expect(m2.transformations).toEqual([MBOX_RD_UNESCAPE]);
    const readable = unescapeMbox(m2.bytes, MBOX_RD_UNESCAPE).toString('latin1');
    expect(readable).toContain(
      '\n>From nested quote\nFrom single\nFrom: not at line start >From\n>>From deep\n',
    );
    // The stored bytes are untouched.
    expect(m2.bytes.equals(msgs[1]!)).toBe(true);
    expect(() => unescapeMbox(m2.bytes, 'rot13')).toThrow(/unknown mbox transformation/);
  });

  it('splits on an envelope line without a blank line only when headers follow', async () => {
    const m1 = Buffer.from('Subject: one\n\nbody\n');
    const fake = 'From john Mon Jan  1 10:00:00 2024 said hello\nand more text\n';
    const m2 = Buffer.from('Subject: two\n\nbody two\n');
    const container = Buffer.from(`${ENV(1)}\n${m1}${fake}${ENV(2)}\n${m2}`);
    const es = entries(await all(mboxFormat, buf(container)));
    expect(es.map((e) => e.bytes.toString())).toEqual([m1.toString() + fake, m2.toString()]);
    for (const e of es) expect(container.subarray(e.byteStart!, e.byteEnd!).equals(e.bytes)).toBe(true);
  });

  it('handles CRLF mboxes', async () => {
    const msgs = [
      message(1, 'one\r\n>From escaped', '\r\n'),
      message(2, 'two', '\r\n'),
      message(3, '', '\r\n'),
    ];
    const { container, ranges } = buildMbox(msgs, '\r\n');
    const events = await all(mboxFormat, buf(container));
    expectMembers(container, events, msgs, ranges);
    expect(entries(events)[0]!.transformations).toEqual([MBOX_UNESCAPE]);
    expect(entries(events)[0]!.bytes.subarray(-2).toString()).toBe('\r\n');
  });

  it('ignores a BOM and blank lines before the first From line', async () => {
    const msgs = [message(1, 'x')];
    const { container, ranges } = buildMbox(msgs, '\n', Buffer.from('\ufeff\n\r\n', 'utf8'));
    expectMembers(container, await all(mboxFormat, buf(container)), msgs, ranges);
  });

  it('streams a file larger than the chunk size, members spanning chunk boundaries', async () => {
    const msgs: Buffer[] = [];
    for (let i = 0; i < 40; i++) msgs.push(message(i, `${'line of text\n'.repeat(i * 997)}>From ${i}\nend`));
    msgs.push(message(99, 'x'.repeat(1_500_000))); // one long line over a chunk boundary
    msgs.push(message(100, 'after the long one'));
    const { container, ranges } = buildMbox(msgs);
    expect(container.length).toBeGreaterThan(3 * MBOX_CHUNK_BYTES);
    const input = await fileInput('big.mbox', container);
    expectMembers(container, await all(mboxFormat, input), msgs, ranges);
    // Tiny chunks cut envelope lines, CRLFs and escapes everywhere.
    const crlfMsgs = msgs
      .slice(0, 8)
      .map((m) => Buffer.from(m.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'));
    const crlf = buildMbox(crlfMsgs, '\r\n');
    for (const chunk of [1, 7, 64, 1001]) {
      const { events, error } = await collect(mboxEntries(buf(crlf.container), limits(), chunk));
      expect(error).toBeNull();
      expectMembers(crlf.container, events, crlfMsgs, crlf.ranges);
    }
  });

  it('turns a member over maxEntryBytes into a limited problem with its byte range', async () => {
    const msgs = [message(1, 'small'), message(2, 'y'.repeat(5000)), message(3, 'small again')];
    const { container, ranges } = buildMbox(msgs);
    const input = await fileInput('limited.mbox', container);
    const { events, error } = await collect(mboxEntries(input, limits({ maxEntryBytes: 2000 }), 256));
    expect(error).toBeNull();
    expect(events.map((e) => e.kind)).toEqual(['entry', 'problem', 'entry']);
    const p = events[1] as EntryProblem;
    expect(p).toMatchObject({
      path: '2',
      status: 'limited',
      bytes: null,
      byteStart: ranges[1]![0],
      byteEnd: ranges[1]![1],
      isMessage: true,
    });
    expect(p.reason).toEqual({
      code: 'mbox.message-too-large',
      params: { size: ranges[1]![1] - ranges[1]![0], limit: 2000 },
    });
    expect(render(p.reason)).toBe(
      `message of ${ranges[1]![1] - ranges[1]![0]} bytes is larger than maxEntryBytes (2000); kept as a byte range, not read`,
    );
    expect((events[2] as Entry).bytes.equals(msgs[2]!)).toBe(true);
  });

  it('keeps leading garbage as a non-message entry and a message cut short at the end', async () => {
    const garbage = Buffer.from('\x00\x01binary junk\nmore junk\n');
    const m1 = message(1, 'complete');
    const cut = Buffer.from('From: cut@example.org\nSubject: cut\n\nthis message stops mid-li');
    const container = Buffer.concat([
      garbage,
      Buffer.from(`${ENV(1)}\n`),
      m1,
      Buffer.from(`\n${ENV(2)}\n`),
      cut,
    ]);
    const events = await all(mboxFormat, buf(container));
    expect(problems(events)).toEqual([]);
    const [pre, e1, e2] = entries(events);
    expect(pre).toMatchObject({ path: 'preamble', isMessage: false, byteStart: 0, byteEnd: garbage.length });
    expect(pre!.bytes.equals(garbage)).toBe(true);
    expect(e1!.bytes.equals(m1)).toBe(true);
    expect(e2!.bytes.equals(cut)).toBe(true);
    expect(e2!.byteEnd).toBe(container.length);
  });
});

// ---------------------------------------------------------------- zip

async function makeZip(files: { name: string; data: Buffer; compress?: boolean }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(f.data, f.name, { compress: f.compress ?? true, mtime: new Date(0) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Rewrites every occurrence of `from` (same length) in the archive, e.g. to plant names yazl refuses. */
function patchAll(zip: Buffer, from: string, to: string): Buffer {
  const a = Buffer.from(from, 'latin1');
  const b = Buffer.from(to, 'latin1');
  expect(a.length).toBe(b.length);
  const out = Buffer.from(zip);
  let at = out.indexOf(a);
  expect(at).toBeGreaterThanOrEqual(0);
  while (at >= 0) {
    b.copy(out, at);
    at = out.indexOf(a, at + 1);
  }
  return out;
}

/** Offsets of the central directory headers. */
function centralHeaders(zip: Buffer): number[] {
  const out: number[] = [];
  const sig = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = zip.indexOf(sig); at >= 0; at = zip.indexOf(sig, at + 1)) out.push(at);
  return out;
}

describe('zip', () => {
  it('reads stored and deflated entries, from a buffer and from a file', async () => {
    const files = [
      { name: 'a.eml', data: Buffer.from('Subject: a\n\nstored\n'), compress: false },
      { name: 'dir/b.eml', data: Buffer.from(`Subject: b\n\n${'deflated '.repeat(1000)}\n`) },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ];
    const zip = await makeZip(files);
    for (const input of [buf(zip), await fileInput('several.zip', zip)]) {
      const events = await all(zipFormat, input);
      expect(problems(events)).toEqual([]);
      const es = entries(events);
      expect(es.map((e) => e.path)).toEqual(files.map((f) => f.name));
      es.forEach((e, i) => {
        expect(e.bytes.equals(files[i]!.data)).toBe(true);
        expect(e.isMessage).toBe(false);
      });
    }
  });

  it('keeps hostile names verbatim as text and writes nothing to disk', async () => {
    const names: [string, string][] = [
      ['aaaaaaaaaaaaaa', '../../evil.eml'],
      ['bbbbbbbbbbb', '/etc/passwd'],
      ['cccccccccc', '..\\win.eml'],
      ['ddddddd', 'n\0l.eml'],
      ['eeeeeeee', 'C:/x.eml'],
    ];
    let zip = await makeZip(names.map(([p], i) => ({ name: p, data: Buffer.from(`content ${i}`) })));
    for (const [p, evil] of names) zip = patchAll(zip, p, evil);
    const input = await fileInput('evil.zip', zip);
    const events = await all(zipFormat, input);
    expect(problems(events)).toEqual([]);
    expect(entries(events).map((e) => e.path)).toEqual(names.map(([, evil]) => evil));
    expect(entries(events).map((e) => e.bytes.toString())).toEqual(names.map((_, i) => `content ${i}`));
    expect(await readdir(outside, { recursive: true })).toEqual(
      expect.arrayContaining([...outsideBefore, join('work', 'inner', 'evil.zip')]),
    );
    await expect(stat(join(dir, '../../evil.eml'))).rejects.toThrow();
    await expect(stat(join(dir, '..', 'win.eml'))).rejects.toThrow();
  });

  it('refuses a ratio bomb by its header without inflating it', async () => {
    const zeros = Buffer.alloc(50 * 1024 * 1024);
    const zip = await makeZip([
      { name: 'ok.eml', data: Buffer.from('Subject: ok\n\nfine\n') },
      { name: 'bomb.bin', data: zeros },
    ]);
    expect(zip.length).toBeLessThan(200 * 1024);
    const events = await all(zipFormat, buf(zip), limits({ maxRatio: 200 }));
    expect(events.map((e) => e.kind)).toEqual(['entry', 'problem']);
    const p = events[1] as EntryProblem;
    expect(p).toMatchObject({ path: 'bomb.bin', status: 'limited', bytes: null });
    expect(p.reason.code).toBe('zip.declared-ratio');
    expect(render(p.reason)).toMatch(/maxRatio.*not read/);
  });

  it('stops inflating an entry whose header lies about its size', async () => {
    const zeros = Buffer.alloc(50 * 1024 * 1024);
    const zip = Buffer.from(await makeZip([{ name: 'bomb.bin', data: zeros }]));
    // Declare 2 MiB in the central directory: passes every check made on headers.
    const declared = 2 * 1024 * 1024;
    const cd = centralHeaders(zip)[0]!;
    zip.writeUInt32LE(declared, cd + 24);
    const events = await all(zipFormat, buf(zip));
    expect(events).toHaveLength(1);
    const p = events[0] as EntryProblem;
    expect(p.kind).toBe('problem');
    expect(p.bytes).toBeNull();
    expect(render(p.reason)).toMatch(/more than the 2097152 bytes its header declares/);
    expect(stoppedAfter(p.reason)).toBeLessThanOrEqual(declared + 64 * 1024);
  });

  it('stops when the archive expands past maxExpandedBytes', async () => {
    const data = Buffer.alloc(600_000, 'a');
    const zip = await makeZip([
      { name: 'one', data },
      { name: 'two', data },
      { name: 'three', data: Buffer.from('small') },
    ]);
    const events = await all(zipFormat, buf(zip), limits({ maxExpandedBytes: 1_000_000 }));
    expect(events.map((e) => [e.kind, e.path])).toEqual([
      ['entry', 'one'],
      ['problem', 'two'],
      ['entry', 'three'],
    ]);
    expect((events[1] as EntryProblem).status).toBe('limited');
    expect((events[1] as EntryProblem).reason).toEqual({
      code: 'zip.would-expand',
      params: { limit: 1_000_000, size: 600_000 },
    });
    expect(render((events[1] as EntryProblem).reason)).toMatch(/maxExpandedBytes/);
  });

  it('lists at most maxEntries entries', async () => {
    const zip = await makeZip([1, 2, 3, 4, 5].map((i) => ({ name: `m${i}.eml`, data: Buffer.from(`${i}`) })));
    const events = await all(zipFormat, buf(zip), limits({ maxEntries: 3 }));
    expect(events.map((e) => e.path)).toEqual(['m1.eml', 'm2.eml', 'm3.eml', '']);
    const p = events[3] as EntryProblem;
    expect(p.status).toBe('limited');
    expect(p.reason).toEqual({ code: 'zip.too-many-entries', params: { count: 5, limit: 3 } });
    expect(render(p.reason)).toMatch(/lists 5 entries, more than maxEntries \(3\)/);
  });

  it('throws a clear error for a truncated or corrupt zip', async () => {
    const zip = await makeZip([
      { name: 'a.eml', data: Buffer.from('a'.repeat(5000)) },
      { name: 'b.eml', data: Buffer.from('b'.repeat(5000)) },
    ]);
    const truncated = zip.subarray(0, Math.floor(zip.length / 2));
    const random = Buffer.concat([
      Buffer.from('PK\x03\x04', 'latin1'),
      Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256)),
    ]);
    for (const bad of [truncated, random]) {
      expect(identified(bad, 'x.zip')).toBe(zipFormat);
      const { events, error } = await collect(zipFormat.entries(buf(bad), limits()));
      expect(error?.message).toMatch(/^unreadable zip \(truncated or corrupt\): .*member\(s\) recovered/);
      if (bad === random) expect(entries(events)).toEqual([]);
    }
  });

  it('recovers the members of a zip cut short from their local headers', async () => {
    const archive = new yazl.ZipFile();
    const a = Buffer.from('Subject: a\n\nstored\n');
    const b = Buffer.from(`Subject: b\n\n${'deflated '.repeat(1000)}\n`);
    const c = Buffer.from(`Subject: c\n\n${'streamed, sizes after the data '.repeat(3000)}\n`);
    const d = Buffer.from(`Subject: d\n\n${'cut '.repeat(5000)}${'x'.repeat(2000)}\n`);
    archive.addBuffer(a, 'a.eml', { compress: false, mtime: new Date(0) });
    archive.addBuffer(b, 'dir/b.eml', { mtime: new Date(0) });
    archive.addReadStream(Readable.from([c]), 'c.eml', { mtime: new Date(0) }); // sizes in a data descriptor
    archive.addBuffer(d, 'd.eml', { mtime: new Date(0) });
    archive.end();
    const chunks: Buffer[] = [];
    for await (const chunk of archive.outputStream) chunks.push(chunk as Buffer);
    const whole = Buffer.concat(chunks);
    const dAt = whole.indexOf(Buffer.from('d.eml'));
    const cut = whole.subarray(0, dAt + 40); // inside d's data: no central directory
    for (const input of [buf(cut), await fileInput('cut.zip', cut)]) {
      const { events, error } = await collect(zipFormat.entries(input, limits()));
      expect(entries(events).map((e) => [e.path, e.bytes.toString()])).toEqual([
        ['a.eml', a.toString()],
        ['dir/b.eml', b.toString()],
        ['c.eml', c.toString()],
      ]);
      expect(events.at(-1)).toMatchObject({ kind: 'problem', path: 'd.eml', status: 'failed' });
      expect((events.at(-1) as EntryProblem).reason).toEqual({ code: 'zip.local.cut-short' });
      expect(render((events.at(-1) as EntryProblem).reason)).toMatch(/cut short/);
      expect(error?.message).toMatch(
        /3 member\(s\) recovered from their local headers, up to byte \d+ \(the data ends inside a member\)/,
      );
    }
    // A damaged member is reported and the walk goes on to the next one.
    const damaged = Buffer.from(cut);
    const bData = damaged.indexOf(Buffer.from('dir/b.eml')) + 9;
    for (let i = 5; i < 15; i++) damaged[bData + i] = (damaged[bData + i] ?? 0) ^ 0x55;
    const { events } = await collect(zipFormat.entries(buf(damaged), limits()));
    expect(events.map((e) => [e.kind, e.path])).toContainEqual(['entry', 'a.eml']);
    expect(events.find((e) => e.path === 'dir/b.eml')?.kind).toBe('problem');
    expect(entries(events).map((e) => e.path)).toEqual(['a.eml', 'c.eml']);
    // The limits hold: a member over maxEntryBytes is not inflated past it.
    const limited = await collect(zipFormat.entries(buf(cut), limits({ maxEntryBytes: 5000 })));
    expect(limited.events.find((e) => e.path === 'dir/b.eml')).toMatchObject({
      kind: 'problem',
      status: 'limited',
    });
  });

  it('reports a corrupt entry and keeps reading the others', async () => {
    const files = ['a', 'b', 'c'].map((n) => ({
      name: `${n}.eml`,
      data: Buffer.from(`${n} ${'text '.repeat(2000)}`),
    }));
    const zip = Buffer.from(await makeZip(files));
    // Flip bytes in the middle of b's deflated data.
    const bStart = zip.indexOf(Buffer.from('b.eml')) + 5;
    for (let i = 10; i < 30; i++) zip[bStart + i] = (zip[bStart + i] ?? 0) ^ 0xff;
    const events = await all(zipFormat, buf(zip));
    expect(events.map((e) => [e.kind, e.path])).toEqual([
      ['entry', 'a.eml'],
      ['problem', 'b.eml'],
      ['entry', 'c.eml'],
    ]);
    expect((events[1] as EntryProblem).status).toBe('failed');
    expect(render((events[1] as EntryProblem).reason)).toMatch(/unreadable|CRC-32|declares/);
    expect((events[2] as Entry).bytes.equals(files[2]!.data)).toBe(true);
  });

  it('skips directories and reports unsupported compression methods', async () => {
    const z = new yazl.ZipFile();
    z.addEmptyDirectory('folder/', { mtime: new Date(0) });
    z.addBuffer(Buffer.from('x'.repeat(3000)), 'folder/packed.eml', { mtime: new Date(0) });
    z.addBuffer(Buffer.from('kept'), 'folder/kept.eml', { mtime: new Date(0) });
    z.end();
    const chunks: Buffer[] = [];
    for await (const c of z.outputStream) chunks.push(c as Buffer);
    const zip = Buffer.concat(chunks);
    const cd = centralHeaders(zip)[1]!;
    expect(zip.readUInt16LE(cd + 10)).toBe(8);
    zip.writeUInt16LE(12, cd + 10); // claim bzip2
    const events = await all(zipFormat, buf(zip));
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'problem',
        path: 'folder/packed.eml',
        status: 'failed',
        reason: { code: 'zip.unsupported-method', params: { method: 12 } },
      }),
      expect.objectContaining({ kind: 'entry', path: 'folder/kept.eml', bytes: Buffer.from('kept') }),
    ]);
    expect(render((events[0] as EntryProblem).reason)).toBe('unsupported compression method 12 (bzip2)');
  });

  it('reports encrypted entries as failed', async () => {
    const zip = Buffer.from(
      await makeZip([
        { name: 'secret.eml', data: Buffer.from('hidden') },
        { name: 'open.eml', data: Buffer.from('open') },
      ]),
    );
    const cd = centralHeaders(zip)[0]!;
    zip.writeUInt16LE(zip.readUInt16LE(cd + 8) | 1, cd + 8);
    zip.writeUInt16LE(zip.readUInt16LE(6) | 1, 6);
    const events = await all(zipFormat, buf(zip));
    expect(events[0]).toMatchObject({
      kind: 'problem',
      path: 'secret.eml',
      status: 'failed',
      reason: { code: 'zip.encrypted' },
    });
    expect(render((events[0] as EntryProblem).reason)).toBe('encrypted entry');
    expect(events[1]).toMatchObject({ kind: 'entry', path: 'open.eml' });
  });
});

// ---------------------------------------------------------------- tar

type TarItem = {
  name: string;
  data?: Buffer;
  type?: 'file' | 'symlink' | 'link' | 'directory' | 'character-device';
  linkname?: string;
};

async function makeTar(items: TarItem[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const it of items) {
    const header = { name: it.name, type: it.type ?? 'file', linkname: it.linkname, mtime: new Date(0) };
    await new Promise<void>((resolve, reject) => {
      pack.entry(header, it.data ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

describe('tar', () => {
  const items: TarItem[] = [
    { name: 'mail/', type: 'directory' },
    { name: 'mail/one.eml', data: Buffer.from('Subject: one\n\nbody one\n') },
    { name: 'mail/link', type: 'symlink', linkname: '../../etc/passwd' },
    { name: 'mail/hard', type: 'link', linkname: 'mail/one.eml' },
    { name: 'dev/tty', type: 'character-device' },
    { name: '../evil.eml', data: Buffer.from('Subject: evil\n\n'.padEnd(1500, 'e')) },
  ];

  it('reads regular files with byte ranges, refuses links, keeps ../ names as text', async () => {
    const archive = await makeTar(items);
    expect(identified(archive, 'x.bin')).toBe(tarFormat);
    const events = await all(tarFormat, await fileInput('a.tar', archive));
    expect(events.map((e) => [e.kind, e.path])).toEqual([
      ['entry', 'mail/one.eml'],
      ['problem', 'mail/link'],
      ['problem', 'mail/hard'],
      ['problem', 'dev/tty'],
      ['entry', '../evil.eml'],
    ]);
    expect(events[1]).toMatchObject({
      status: 'failed',
      reason: { code: 'tar.symlink-not-followed', params: { target: '../../etc/passwd' } },
    });
    expect(events[2]).toMatchObject({
      status: 'failed',
      reason: { code: 'tar.hardlink-not-followed', params: { target: 'mail/one.eml' } },
    });
    expect(events[3]).toMatchObject({
      status: 'failed',
      reason: { code: 'tar.special-not-extracted', params: { type: 'character-device' } },
    });
    expect(problems(events).map((p) => render(p.reason))).toEqual([
      'symbolic link to ../../etc/passwd not followed',
      'hard link to mail/one.eml not followed',
      'character device not extracted',
    ]);
    for (const [i, e] of entries(events).entries()) {
      const want = [items[1]!.data!, items[5]!.data!][i]!;
      expect(e.bytes.equals(want)).toBe(true);
      expect(archive.subarray(e.byteStart!, e.byteEnd!).equals(want)).toBe(true);
    }
    await expect(stat(join(dir, '..', 'evil.eml'))).rejects.toThrow();
  });

  /** The members of `items` before ../evil.eml, as events. */
  const BEFORE_EVIL = [
    ['entry', 'mail/one.eml'],
    ['problem', 'mail/link'],
    ['problem', 'mail/hard'],
    ['problem', 'dev/tty'],
  ];

  it('keeps what was read from a truncated tar and reports the cut member', async () => {
    const archive = await makeTar(items);
    const evilData = archive.indexOf(Buffer.from('Subject: evil'));
    const cut = archive.subarray(0, evilData + 700);
    const { events, error } = await collect(tarFormat.entries(buf(cut), limits()));
    expect(error).toBeNull();
    expect(events.map((e) => [e.kind, e.path])).toEqual([...BEFORE_EVIL, ['problem', '../evil.eml']]);
    const p = events[4] as EntryProblem;
    expect(p.status).toBe('failed');
    expect(p.reason).toMatchObject({ code: 'tar.truncated', params: { have: 700, size: 1500 } });
    expect(render(p.reason)).toMatch(/truncated.*700 of 1500 bytes/);
    expect(p.bytes?.equals(items[5]!.data!.subarray(0, 700))).toBe(true);
  });

  it('throws after the members read when the archive breaks inside a header', async () => {
    const archive = await makeTar(items);
    const evilHeader = archive.indexOf(Buffer.from('../evil.eml'));
    const { events, error } = await collect(
      tarFormat.entries(buf(archive.subarray(0, evilHeader + 300)), limits()),
    );
    expect(events.map((e) => e.path)).toEqual(['mail/one.eml', 'mail/link', 'mail/hard', 'dev/tty']);
    expect(error?.message).toMatch(/^tar unreadable after 4 members: the data ends inside a header/);
  });

  it('walks past a damaged header to the next valid one and says what was skipped', async () => {
    const after = { name: 'after.eml', data: Buffer.from('Subject: after\n\nstill here\n') };
    const archive = await makeTar([...items, after]);
    const evilHeader = archive.indexOf(Buffer.from('../evil.eml'));
    const garbage = Buffer.from(archive);
    garbage.fill(0x41, evilHeader, evilHeader + 100);
    const { events, error } = await collect(tarFormat.entries(buf(garbage), limits()));
    expect(error).toBeNull();
    expect(events.map((e) => [e.kind, e.path])).toEqual([
      ...BEFORE_EVIL,
      ['problem', ''],
      ['entry', 'after.eml'],
    ]);
    // the damaged header and the 1,500 bytes of data it described (three blocks)
    expect(events[4]).toMatchObject({
      status: 'failed',
      reason: { code: 'tar.damaged-header', params: { at: evilHeader, skipped: 512 * 4 } },
      byteStart: evilHeader,
      byteEnd: evilHeader + 512 * 4,
    });
    expect(render((events[4] as EntryProblem).reason)).toMatch(
      /damaged tar header at byte \d+: 2048 bytes skipped/,
    );
    expect((events[5] as Entry).bytes.equals(after.data)).toBe(true);
  });

  it('skips a huge pax record without holding it, and reads the members after it', async () => {
    const pax = (records: string) => {
      const header = Buffer.alloc(512);
      header.write('PaxHeader/x', 0, 'latin1');
      header.write('0000644\0', 100, 'latin1');
      header.write(`${records.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
      header.write('x', 156, 'latin1');
      header.write('ustar\x0000', 257, 'latin1');
      header.fill(0x20, 148, 156);
      let sum = 0;
      for (const b of header) sum += b;
      header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
      const body = Buffer.alloc(Math.ceil(records.length / 512) * 512);
      body.write(records, 'latin1');
      return Buffer.concat([header, body]);
    };
    const huge = `${'x'.repeat(2 * 1024 ** 2)}`;
    const rest = await makeTar([{ name: 'plain.eml', data: Buffer.from('Subject: p\n\n') }]);
    const archive = Buffer.concat([pax(huge), rest]);
    const { events, error } = await collect(tarFormat.entries(buf(archive), limits()));
    expect(error).toBeNull();
    expect(events.map((e) => [e.kind, e.path])).toEqual([
      ['problem', ''],
      ['entry', 'plain.eml'],
    ]);
    expect(events[0]).toMatchObject({
      reason: { code: 'tar.meta-too-large', params: { size: huge.length, limit: 1024 ** 2 } },
    });
  });

  it('applies maxEntries and maxEntryBytes', async () => {
    const archive = await makeTar([
      { name: 'a', data: Buffer.from('aa') },
      { name: 'big', data: Buffer.alloc(5000, 'b') },
      { name: 'c', data: Buffer.from('cc') },
      { name: 'd', data: Buffer.from('dd') },
    ]);
    const events = await all(tarFormat, buf(archive), limits({ maxEntries: 3, maxEntryBytes: 1000 }));
    expect(events.map((e) => [e.kind, e.path])).toEqual([
      ['entry', 'a'],
      ['problem', 'big'],
      ['entry', 'c'],
      ['problem', ''],
    ]);
    expect(events[1]).toMatchObject({ status: 'limited', bytes: null });
    expect(events[3]).toMatchObject({ status: 'limited' });
  });
});

// ---------------------------------------------------------------- gzip

/** A gzip member with an FNAME field, built by hand (zlib does not write one). */
function gzipWithName(data: Buffer, name: string): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0, 0x03]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, Buffer.from(`${name}\0`, 'latin1'), deflateRawSync(data), trailer]);
}

describe('gzip', () => {
  it('turns a .tgz into one entry identified as tar', async () => {
    const archive = await makeTar(items4());
    const input = await fileInput('mail.tgz', gzipSync(archive));
    expect(identified(gzipSync(archive), 'mail.tgz')).toBe(gzipFormat);
    const events = await all(gzipFormat, input);
    expect(events).toHaveLength(1);
    const e = events[0] as Entry;
    expect(e).toMatchObject({ kind: 'entry', path: 'mail.tar', isMessage: false });
    expect(e.bytes.equals(archive)).toBe(true);
    expect(identified(e.bytes, e.path)).toBe(tarFormat);
  });

  it('names the entry from the gzip header when it has one', async () => {
    const data = Buffer.from(`${ENV(1)}\nSubject: x\n\nbody\n`);
    const gz = gzipWithName(data, 'inner.mbox');
    const [e] = await all(gzipFormat, await fileInput('whatever.gz', gz));
    expect(e).toMatchObject({ kind: 'entry', path: 'inner.mbox' });
    expect((e as Entry).bytes.equals(data)).toBe(true);
    const [fromBuffer] = await all(gzipFormat, buf(gzipSync(data)));
    expect(fromBuffer).toMatchObject({ kind: 'entry', path: '' });
    const [named] = await all(gzipFormat, buf(gzipSync(data), 'attic/letters.mbox.gz'));
    expect(named).toMatchObject({ kind: 'entry', path: 'letters.mbox' });
  });

  it('spools a large gzip to a file of the case instead of memory, and keeps what came before a cut', async () => {
    // Random bytes, base64: barely compressible, so the .gz on disk is over the spooling size.
    const data = Buffer.from(randomBytes(1_200_000).toString('base64'));
    const gz = gzipSync(data);
    expect(gz.length).toBeGreaterThan(SPOOL_FROM_BYTES);
    let n = 0;
    const spool = () => join(dir, `spool-${n++}`);
    const [whole] = await all(gzipFormat, await fileInput('big.mbox.gz', gz), limits(), spool);
    expect(whole).toMatchObject({ kind: 'spooled', path: 'big.mbox', size: data.length });
    expect((await readFile((whole as SpooledEntry).file)).equals(data)).toBe(true);

    const cut = await collect(
      gzipFormat.entries(await fileInput('cut.mbox.gz', gz.subarray(0, 1_100_000)), limits(), spool),
    );
    expect(cut.events).toHaveLength(1);
    const partial = await readFile((cut.events[0] as SpooledEntry).file);
    expect(partial.length).toBeGreaterThan(1_000_000);
    expect(data.subarray(0, partial.length).equals(partial)).toBe(true);
    expect(cut.error?.message).toMatch(
      /^corrupt gzip after \d+ decompressed bytes \(what came before was read\)/,
    );

    // Limits still apply, and a limited member leaves no file behind.
    const limited = await all(
      gzipFormat,
      await fileInput('capped.gz', gz),
      limits({ maxExpandedBytes: 500_000 }),
      spool,
    );
    expect(limited).toMatchObject([{ kind: 'problem', status: 'limited' }]);
    expect(existsSync(join(dir, `spool-${n - 1}`))).toBe(false);
    // Small files, and gzip data held in memory, are inflated in memory as before.
    expect((await all(gzipFormat, buf(gz, 'x.gz'), limits(), spool))[0]).toMatchObject({ kind: 'entry' });
  });

  it('stops a gzip bomb at the ratio limit without inflating it', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const events = await all(gzipFormat, await fileInput('bomb.gz', bomb), limits({ maxRatio: 200 }));
    expect(events).toHaveLength(1);
    const p = events[0] as EntryProblem;
    expect(p).toMatchObject({ kind: 'problem', path: 'bomb', status: 'limited', bytes: null });
    expect(p.reason.code).toBe('gzip.limit.ratio');
    expect(render(p.reason)).toMatch(/^gzip: compression ratio over maxRatio \(\d+\): \d+ compressed bytes/);
    const inflated = stoppedAfter(p.reason);
    expect(inflated).toBeLessThanOrEqual(bomb.length * 200 + 128 * 1024);
    expect(inflated).toBeLessThan((50 * 1024 * 1024) / 4);
    // And at maxEntryBytes when the ratio is allowed.
    const [q] = await all(gzipFormat, buf(bomb), limits({ maxRatio: 1e9, maxEntryBytes: 3_000_000 }));
    expect(q).toMatchObject({ kind: 'problem', status: 'limited', bytes: null });
    expect((q as EntryProblem).reason).toMatchObject({
      code: 'gzip.limit.entry-bytes',
      params: { limit: 3_000_000 },
    });
    expect(stoppedAfter((q as EntryProblem).reason)).toBeLessThanOrEqual(3_000_000 + 128 * 1024);
  });

  it('reports a corrupt or truncated gzip as failed with the zlib message', async () => {
    const good = gzipSync(Buffer.from('Subject: x\n\n'.padEnd(100_000, 'x')));
    const corrupt = Buffer.concat([good.subarray(0, 10), Buffer.alloc(200, 0xff)]);
    const [p] = await all(gzipFormat, buf(corrupt));
    expect(p).toMatchObject({ kind: 'problem', status: 'failed' });
    expect((p as EntryProblem).reason).toMatchObject({ code: 'gzip.corrupt', params: { produced: 0 } });
    expect(render((p as EntryProblem).reason)).toMatch(/^corrupt gzip after 0 decompressed bytes: invalid/);
    const [t] = await all(gzipFormat, buf(good.subarray(0, good.length - 20)));
    expect(t).toMatchObject({ kind: 'problem', status: 'failed' });
    expect(render((t as EntryProblem).reason)).toMatch(/unexpected end of file/);
    // The bytes decompressed before the damage are kept.
    const kept = (t as EntryProblem).bytes;
    expect(kept?.length).toBeGreaterThan(50_000);
    expect(kept?.equals(Buffer.from('Subject: x\n\n'.padEnd(100_000, 'x')).subarray(0, kept.length))).toBe(
      true,
    );
    // Concatenated members are one stream.
    const [two] = await all(gzipFormat, buf(Buffer.concat([gzipSync('one '), gzipSync('two')])));
    expect((two as Entry).bytes.toString()).toBe('one two');
  });
});

function items4(): TarItem[] {
  return [
    { name: 'a.eml', data: Buffer.from('Subject: a\n\n') },
    { name: 'b.eml', data: Buffer.from('Subject: b\n\n') },
  ];
}

// ---------------------------------------------------------------- identification
// What sniffContainer recognised before the registry, the registry recognises as the same container;
// what it did not, the registry does not take for a container either.

describe('containers through the registry', () => {
  it('identifies by content, using names only as a hint', async () => {
    const zip = await makeZip([{ name: 'a', data: Buffer.from('a') }]);
    const emptyZip = await makeZip([]);
    const archive = await makeTar(items4());
    const v7 = Buffer.from(archive.subarray(0, 1024));
    v7.fill(0, 257, 265); // no ustar magic
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : v7[i]!;
    v7.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const notContainer = (bytes: Buffer, name: string) =>
      expect(identified(bytes, name).kind).not.toBe('container');

    expect(identified(zip, 'a.bin')).toBe(zipFormat);
    expect(identified(emptyZip, 'a.bin')).toBe(zipFormat);
    expect(identified(gzipSync(Buffer.from('x')), 'a.zip')).toBe(gzipFormat);
    expect(identified(archive, 'a.eml')).toBe(tarFormat);
    expect(identified(v7, 'old.tar')).toBe(tarFormat);
    notContainer(v7, 'old.bin');
    const badSum = Buffer.from(v7);
    badSum[0] = 0x5a;
    notContainer(badSum, 'old.tar');
    expect(identified(Buffer.from(`\ufeff\r\n${ENV(1)}\r\nSubject: x\r\n`), 'x')).toBe(mboxFormat);
    expect(identified(Buffer.from('From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n'), 'x')).toBe(mboxFormat);
    expect(identified(Buffer.from('From - Mon Jan 01 00:00:00 2001\n'), 'x')).toBe(mboxFormat);
    notContainer(Buffer.from('From someone\nSubject: x\n'), 'x.eml');
    expect(identified(Buffer.from('From someone\nSubject: x\n'), 'x.mbox')).toBe(mboxFormat);
    notContainer(Buffer.from('From: a@example.org\nSubject: x\n'), 'x.mbox');
    notContainer(Buffer.from('Received: from x\n'), 'x.tar');
    notContainer(Buffer.alloc(0), 'x.zip');
  });
});

// ---------------------------------------------------------------- problem codes

describe('problem codes', () => {
  it('says which limit stopped a bounded read, as a code with the numbers', async () => {
    const chunks = (n: number, size: number) =>
      Readable.from(Array.from({ length: n }, () => Buffer.alloc(size)));
    const bounds: Bounds = {
      maxEntryBytes: Number.POSITIVE_INFINITY,
      remainingExpanded: Number.POSITIVE_INFINITY,
      maxRatio: 100,
      compressedSize: null,
      declaredSize: null,
    };
    const entry = await readBounded(chunks(3, 1000), { ...bounds, maxEntryBytes: 1500 });
    expect(entry.limit).toEqual({
      limit: 'maxEntryBytes',
      reason: { code: 'limit.entry-bytes', params: { limit: 1500, produced: 2000 } },
    });
    expect(render(entry.limit!.reason)).toBe(
      'entry expands to more than maxEntryBytes (1500); stopped after 2000 bytes',
    );
    const expanded = await readBounded(chunks(3, 1000), { ...bounds, remainingExpanded: 2500 });
    expect(expanded.limit).toEqual({
      limit: 'maxExpandedBytes',
      reason: { code: 'limit.expanded-bytes', params: { produced: 3000 } },
    });
    expect(render(expanded.limit!.reason)).toBe(
      'archive expands to more than maxExpandedBytes; stopped after 3000 bytes of this entry',
    );
    const size = RATIO_FLOOR_BYTES / 4;
    const ratio = await readBounded(chunks(8, size), { ...bounds, compressedSize: 1000 });
    const produced = RATIO_FLOOR_BYTES + size;
    expect(ratio.limit).toEqual({
      limit: 'maxRatio',
      reason: { code: 'limit.ratio', params: { ratio: 100, compressed: 1000, produced } },
    });
    expect(render(ratio.limit!.reason)).toBe(
      `compression ratio over maxRatio (100): 1000 compressed bytes expanded to more than ${produced}; stopped after ${produced} bytes (possible decompression bomb)`,
    );
  });

  it('has words for every code the container formats emit', () => {
    const folder = join(import.meta.dirname, '..', 'src', 'ingest', 'formats');
    const codes = new Set<string>();
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(folder, file), 'utf8');
      for (const m of source.matchAll(/coded\(\s*'([^']+)'/g)) codes.add(m[1]!);
      for (const m of source.matchAll(/'((?:mbox|tar|zip|gzip|limit)\.[a-z.-]+)'/g)) codes.add(m[1]!);
    }
    for (const limit of ['limit.entry-bytes', 'limit.expanded-bytes', 'limit.ratio']) {
      codes.add(`gzip.${limit}`);
    }
    expect(codes.size).toBeGreaterThan(30);
    for (const code of codes) expect(isKnownCode(code), code).toBe(true);
  });
});
