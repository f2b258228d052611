// bzip2, xz, 7z and RAR: read as containers under the same limits as zip and gzip. The archives are
// made at test time: bzip2 and xz by their Debian tools, 7z by p7zip's `7z`, a RAR (no free tool
// writes one) by hand, stored. 7z and RAR are read through bsdtar (libarchive-tools). A test whose
// tool is missing is skipped with a message, and fails when CI is set.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ContainerInput, ContainerModule, Entry, EntryProblem } from '../src/ingest/format.ts';
import * as tools from '../src/ingest/formats/archive-tool.ts';
import { bzip2Format } from '../src/ingest/formats/bzip2.ts';
import { gzipFormat } from '../src/ingest/formats/gzip.ts';
import { xzFormat } from '../src/ingest/formats/xz.ts';
import { defaultLimits, type Limits } from '../src/ingest/limits.ts';
import { identify, probeBuffer } from '../src/ingest/registry.ts';
import { render } from '../src/report/catalogue.ts';
import { collect } from './helpers/containers.ts';
import { crible, mbox, message, tempDir } from './helpers/mail.ts';

// Containers here, where bsdtar is there (the tests that need it run only then).
const sevenZipFormat = tools.sevenZipFormat as ContainerModule;
const rarFormat = tools.rarFormat as ContainerModule;

/** Whether a tool runs here; when not, the test is skipped, or fails under CI. */
function tool(name: string, debianPackage: string): boolean {
  const there = spawnSync(name, ['--help'], { stdio: 'ignore' }).error === undefined;
  if (!there && process.env.CI)
    throw new Error(`${name} is missing: install the Debian package ${debianPackage}`);
  if (!there)
    console.warn(`[archives] ${name} is missing (Debian package ${debianPackage}): tests that need it skip`);
  return there;
}
const hasBzip2 = tool('bzip2', 'bzip2');
const hasXz = tool('xz', 'xz-utils');
const has7z = tool('7z', 'p7zip-full');
const hasBsdtar = tool('bsdtar', 'libarchive-tools');

const limits = (over: Partial<Limits> = {}): Limits => ({ ...defaultLimits, ...over });
const buf = (data: Buffer, name: string | null = null): ContainerInput => ({ kind: 'buffer', data, name });

const compress = (program: string, data: Buffer): Buffer => execFileSync(program, ['-c'], { input: data });
const letters = mbox([1, 2, 3].map((n) => message({ id: `m${n}`, subject: `letter ${n}` })));

describe.runIf(hasBzip2)('bzip2', () => {
  it('reads an .mbox.bz2 as its mbox, under its name without .bz2', async () => {
    const packed = compress('bzip2', letters);
    expect(identify(probeBuffer(packed, 'x.bin', false)).module.name).toBe('bzip2');
    const { events, error } = await collect(bzip2Format.entries(buf(packed, 'letters.mbox.bz2'), limits()));
    expect(error).toBeNull();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'entry', path: 'letters.mbox' });
    expect((events[0] as Entry).bytes.equals(letters)).toBe(true);
  });

  it('reads concatenated streams as one, and a .tbz2 as a tar', async () => {
    const two = Buffer.concat([
      compress('bzip2', Buffer.from('one ')),
      compress('bzip2', Buffer.from('two')),
    ]);
    const { events } = await collect(bzip2Format.entries(buf(two, 'x.tbz2'), limits()));
    expect(events[0]).toMatchObject({ kind: 'entry', path: 'x.tar' });
    expect((events[0] as Entry).bytes.toString()).toBe('one two');
  });

  it('fails a truncated or corrupt stream with a reason, keeping what came before', async () => {
    const big = Buffer.from(Array.from({ length: 400_000 }, (_, i) => `line ${i}\n`).join(''));
    const packed = compress('bzip2', big);
    const cut = packed.subarray(0, Math.floor(packed.length * 0.7));
    const { events, error } = await collect(bzip2Format.entries(buf(cut, 'cut.bz2'), limits()));
    expect(error).toBeNull();
    const problem = events[0] as EntryProblem;
    expect(problem).toMatchObject({ kind: 'problem', status: 'failed', reason: { code: 'bzip2.corrupt' } });
    expect(render(problem.reason)).toMatch(/corrupt bzip2 after \d+ decompressed bytes: .*truncated/);
    // the blocks before the cut were decoded and kept
    expect(problem.bytes!.length).toBeGreaterThan(0);
    expect(big.subarray(0, problem.bytes!.length).equals(problem.bytes!)).toBe(true);
  });

  it('stops a bzip2 bomb at the ratio limit', async () => {
    const packed = compress('bzip2', Buffer.alloc(64 * 1024 ** 2));
    const { events } = await collect(bzip2Format.entries(buf(packed, 'zeros.bz2'), limits()));
    expect(events[0]).toMatchObject({ status: 'limited', reason: { code: 'bzip2.limit.ratio' } });
  });
});

describe.runIf(hasXz)('xz', () => {
  it('reads an .eml.xz and a .txz under their names', async () => {
    const packed = compress('xz', letters);
    expect(identify(probeBuffer(packed, 'x.bin', false)).module.name).toBe('xz');
    const { events } = await collect(xzFormat.entries(buf(packed, 'letters.mbox.xz'), limits()));
    expect(events[0]).toMatchObject({ kind: 'entry', path: 'letters.mbox' });
    expect((events[0] as Entry).bytes.equals(letters)).toBe(true);
    const tar = await collect(xzFormat.entries(buf(packed, 'a.txz'), limits()));
    expect(tar.events[0]).toMatchObject({ path: 'a.tar' });
  });

  it('fails a truncated stream with a reason, and stops a bomb at the ratio limit', async () => {
    const cut = compress('xz', letters);
    const { events } = await collect(
      xzFormat.entries(buf(cut.subarray(0, cut.length - 30), 'c.xz'), limits()),
    );
    expect(events[0]).toMatchObject({ status: 'failed', reason: { code: 'xz.corrupt' } });
    const bomb = compress('xz', Buffer.alloc(64 * 1024 ** 2));
    const limited = await collect(xzFormat.entries(buf(bomb, 'zeros.xz'), limits({ maxRatio: 200 })));
    expect(limited.events[0]).toMatchObject({ status: 'limited', reason: { code: 'xz.limit.ratio' } });
  });
});

describe.runIf(hasXz)('the default ratio limit', () => {
  it('does not flag ordinary data that compresses far: newsletters with xz, a blank image with gzip or xz', async () => {
    // HTML newsletters: one template, a few fields changed per message (measured 2,754:1 with xz).
    const styles = Array.from({ length: 300 }, (_, i) => `.c${i}{padding:${i % 9}px;font-family:Arial}`).join(
      '',
    );
    const rows = Array.from(
      { length: 120 },
      (_, i) => `<tr><td class="c${i}"><a href="https://news.example/t?l=${i}">Article ${i}</a></td></tr>`,
    ).join('');
    const newsletters = mbox(
      Array.from({ length: 400 }, (_, n) =>
        message({
          id: `n${n}`,
          body: `<html><head><style>${styles}</style></head><body><table>${rows}</table></body></html>`,
        }),
      ),
    );
    const blank = Buffer.concat([Buffer.from('BM'), Buffer.alloc(16 * 1024 ** 2)]);
    for (const [format, source, packed] of [
      [xzFormat, newsletters, compress('xz', newsletters)],
      [xzFormat, blank, compress('xz', blank)],
      [gzipFormat, blank, gzipSync(blank)],
    ] as const) {
      expect(source.length / packed.length).toBeGreaterThan(500);
      const { events } = await collect(format.entries(buf(packed, 'x'), defaultLimits));
      expect(events.map((e) => e.kind)).toEqual(['entry']);
    }
  });
});

/** A RAR 4 archive of stored files, as WinRAR writes one with -m0 (no free tool writes RAR). */
export function storedRar(files: [string, Buffer][]): Buffer {
  const block = (type: number, flags: number, body: Buffer): Buffer => {
    const head = Buffer.alloc(7);
    head.writeUInt8(type, 2);
    head.writeUInt16LE(flags, 3);
    head.writeUInt16LE(7 + body.length, 5);
    const whole = Buffer.concat([head, body]);
    whole.writeUInt16LE(crc32(whole.subarray(2)) & 0xffff, 0);
    return whole;
  };
  const parts = [Buffer.from('Rar!\x1a\x07\x00', 'latin1'), block(0x73, 0, Buffer.alloc(6))];
  for (const [name, data] of files) {
    const fields = Buffer.alloc(25);
    fields.writeUInt32LE(data.length, 0); // packed size
    fields.writeUInt32LE(data.length, 4); // unpacked size
    fields.writeUInt8(3, 8); // host OS: Unix
    fields.writeUInt32LE(crc32(data), 9);
    fields.writeUInt32LE(0x5a210000, 13); // DOS time
    fields.writeUInt8(20, 17); // version needed: 2.0
    fields.writeUInt8(0x30, 18); // method: store
    fields.writeUInt16LE(Buffer.byteLength(name), 19);
    fields.writeUInt32LE(0o100644 << 0, 21); // attributes
    parts.push(block(0x74, 0x8000, Buffer.concat([fields, Buffer.from(name)])), data);
  }
  parts.push(block(0x7b, 0x4000, Buffer.alloc(0)));
  return Buffer.concat(parts);
}

describe.runIf(hasBsdtar)('7z and RAR through bsdtar', () => {
  const work = tempDir('crible-archives-');
  const spool = (() => {
    let n = 0;
    const dir = join(work, 'spool');
    mkdirSync(dir);
    return () => join(dir, `s${n++}`);
  })();

  it.runIf(has7z)('reads a 7z from disk and from memory, names as recorded, links refused', async () => {
    const src = join(work, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.eml'), message({ id: 'a' }));
    writeFileSync(join(src, 'sub', 'b.mbox'), letters);
    execFileSync('ln', ['-s', '../../etc/passwd', join(src, 'sub', 'link')]);
    const archive = join(work, 'x.7z');
    execFileSync('7z', ['a', '-bd', '-y', '-snl', archive, 'a.eml', 'sub'], { cwd: src, stdio: 'ignore' });
    const bytes = execFileSync('cat', [archive]);
    expect(identify(probeBuffer(bytes, 'x.bin', false)).module.name).toBe('7z');
    const fromDisk = await collect(
      sevenZipFormat.entries(
        { kind: 'file', path: archive, size: bytes.length, name: 'x.7z' },
        limits(),
        spool,
      ),
    );
    const fromMemory = await collect(sevenZipFormat.entries(buf(bytes, 'x.7z'), limits(), spool));
    for (const { events, error } of [fromDisk, fromMemory]) {
      expect(error).toBeNull();
      expect(events.map((e) => [e.kind, e.path])).toEqual([
        ['entry', 'a.eml'],
        ['entry', 'sub/b.mbox'],
        ['problem', 'sub/link'],
      ]);
      expect((events[1] as Entry).bytes.equals(letters)).toBe(true);
      expect(events[2]).toMatchObject({ reason: { code: 'tar.symlink-not-followed' } });
    }
    expect(readdirSync(join(work, 'spool'))).toEqual([]);
  });

  it.runIf(has7z)(
    'stops a 7z bomb at the ratio limit and fails a damaged 7z with the tool’s words',
    async () => {
      const src = join(work, 'bomb');
      mkdirSync(src);
      writeFileSync(join(src, 'zeros.bin'), Buffer.alloc(64 * 1024 ** 2));
      writeFileSync(join(src, 'z.eml'), message({ id: 'z' }));
      const archive = join(work, 'bomb.7z');
      execFileSync('7z', ['a', '-bd', '-y', archive, 'z.eml', 'zeros.bin'], { cwd: src, stdio: 'ignore' });
      const bytes = execFileSync('cat', [archive]);
      const { events } = await collect(
        sevenZipFormat.entries(buf(bytes, 'bomb.7z'), limits({ maxRatio: 200 }), spool),
      );
      expect(events.at(-1)).toMatchObject({
        kind: 'problem',
        status: 'limited',
        reason: { code: 'archive.limit.ratio' },
      });
      const damaged = Buffer.from(bytes);
      damaged.fill(0x55, 40, 120);
      const broken = await collect(sevenZipFormat.entries(buf(damaged, 'bad.7z'), limits(), spool));
      expect(broken.error?.message).toMatch(/bsdtar could not read the 7z archive: /);
    },
  );

  it('reads a RAR', async () => {
    const rar = storedRar([
      ['one.eml', message({ id: 'r1' })],
      ['dir/two.eml', message({ id: 'r2' })],
    ]);
    expect(identify(probeBuffer(rar, 'x.bin', false)).module.name).toBe('rar');
    const { events, error } = await collect(rarFormat.entries(buf(rar, 'x.rar'), limits(), spool));
    expect(error).toBeNull();
    expect(events.map((e) => [e.kind, e.path])).toEqual([
      ['entry', 'one.eml'],
      ['entry', 'dir/two.eml'],
    ]);
    expect((events[0] as Entry).bytes.equals(message({ id: 'r1' }))).toBe(true);
  });

  it('stores a 7z or RAR limited, naming the Debian package, when bsdtar is missing', async () => {
    const dump = join(work, 'dump-missing');
    mkdirSync(dump);
    writeFileSync(join(dump, 'x.rar'), storedRar([['one.eml', message({ id: 'r1' })]]));
    const caseDir = join(work, 'case-missing');
    const run = await crible(['ingest', dump, '--case', caseDir, '--json'], {
      env: { ...process.env, CRIBLE_BSDTAR: 'no-such-bsdtar' },
    });
    expect(run.code).toBe(3);
    const list = JSON.parse((await crible(['list', '--case', caseDir, '--json'])).stdout) as {
      path: string;
      status: string;
      reason: { text: string } | null;
    }[];
    const item = list.find((r) => r.path === 'x.rar');
    expect(item).toMatchObject({ status: 'limited' });
    expect(item!.reason!.text).toMatch(
      /no-such-bsdtar program is missing \(install the Debian package libarchive-tools\)/,
    );
  });
});
