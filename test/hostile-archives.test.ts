// Damaged and hostile zips, built at test time: a forged end record that hides every member, a zip
// behind a program (a self-extractor), directory entries that point at the same or overlapping
// bytes (overlapping-entry bombs), and the expansion budget shared across nesting levels.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContainerEvent, ContainerInput, Entry, EntryProblem } from '../src/ingest/format.ts';
import { zipFormat } from '../src/ingest/formats/zip.ts';
import { defaultLimits, type Limits } from '../src/ingest/limits.ts';
import { identify, probeBuffer } from '../src/ingest/registry.ts';
import { render } from '../src/report/catalogue.ts';
import { zip } from './helpers/archives.ts';
import { collect as collectAll } from './helpers/containers.ts';
import { crible, message, tempDir } from './helpers/mail.ts';

/** Members and problems, without what a container says it holds (its `expected` counts). */
async function collect(events: AsyncIterable<ContainerEvent>) {
  const { events: all, error } = await collectAll(events);
  return { events: all.filter((e) => e.kind !== 'expected'), error };
}

const limits = (over: Partial<Limits> = {}): Limits => ({ ...defaultLimits, ...over });
const buf = (data: Buffer, name: string | null = null): ContainerInput => ({ kind: 'buffer', data, name });
/** Members and problems in order, without what the container says it holds (its `expected` count). */
const paths = (events: ContainerEvent[]) => members(events).map((e) => [e.kind, e.path]);
const members = (events: ContainerEvent[]) => events.filter((e) => e.kind !== 'expected');

/** A zip's parts: everything before the directory, the directory's records, the end record. */
function split(archive: Buffer) {
  const endAt = archive.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  const size = archive.readUInt32LE(endAt + 12);
  const offset = archive.readUInt32LE(endAt + 16);
  const records: Buffer[] = [];
  for (let at = offset; at < offset + size; ) {
    const length =
      46 + archive.readUInt16LE(at + 28) + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    records.push(archive.subarray(at, at + length));
    at += length;
  }
  return { data: archive.subarray(0, offset), records };
}

/** A zip of `data` with the directory `records` and an end record (with `comment`). */
function assemble(data: Buffer, records: Buffer[], comment: Buffer = Buffer.alloc(0)): Buffer {
  const directory = Buffer.concat(records);
  const end = Buffer.alloc(22);
  end.write('PK\x05\x06', 0, 'latin1');
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(data.length, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([data, directory, end, comment]);
}

/** A directory record naming another member, pointing at `offset`. */
function renamed(record: Buffer, name: string, offset?: number): Buffer {
  const copy = Buffer.from(record);
  const nameLength = copy.readUInt16LE(28);
  expect(Buffer.byteLength(name)).toBe(nameLength);
  copy.write(name, 46, 'latin1');
  if (offset !== undefined) copy.writeUInt32LE(offset, 42);
  return copy;
}

const three = () =>
  zip([
    ['m1.eml', message({ id: 'h1' })],
    ['m2.eml', message({ id: 'h2' })],
    ['m3.eml', message({ id: 'h3' })],
  ]);

describe('hostile zips', () => {
  it('reads the members that a forged end record in the comment hides', async () => {
    const { data, records } = split(await three());
    // The real end record's comment holds a second one, for an empty archive: readers that take
    // the last end record see no member at all.
    const forged = assemble(data, records, assemble(Buffer.alloc(0), []));
    const { events, error } = await collect(zipFormat.entries(buf(forged), limits()));
    expect(error).toBeNull();
    expect(paths(events)).toEqual([
      ['entry', 'm1.eml'],
      ['entry', 'm2.eml'],
      ['entry', 'm3.eml'],
    ]);
    expect((events[0] as Entry).flags).toEqual(['zip-member-not-in-directory']);
    expect((events[1] as Entry).bytes.equals(message({ id: 'h2' }))).toBe(true);
  });

  it('reads the members a directory leaves out, flagged as not listed', async () => {
    const { data, records } = split(await three());
    const partial = assemble(data, [records[0]!]);
    const { events } = await collect(zipFormat.entries(buf(partial), limits()));
    expect(paths(events)).toEqual([
      ['entry', 'm1.eml'],
      ['entry', 'm2.eml'],
      ['entry', 'm3.eml'],
    ]);
    expect((events[0] as Entry).flags ?? []).toEqual([]);
    expect((events[2] as Entry).flags).toEqual(['zip-member-not-in-directory']);
  });

  it('finds a zip behind a program (a self-extractor) and reads it', async () => {
    const program = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(5000, 0x90)]);
    const sfx = Buffer.concat([program, await three()]);
    expect(identify(probeBuffer(sfx, 'setup.exe', false)).module.name).toBe('zip');
    const { events, error } = await collect(zipFormat.entries(buf(sfx, 'setup.exe'), limits()));
    expect(error).toBeNull();
    expect(paths(events)).toEqual([
      ['entry', 'm1.eml'],
      ['entry', 'm2.eml'],
      ['entry', 'm3.eml'],
    ]);
    expect(events.every((e) => ((e as Entry).flags ?? []).length === 0)).toBe(true);
    // A program that only looks like one is not a zip.
    expect(identify(probeBuffer(program, 'setup.exe', false)).module.name).not.toBe('zip');
  });

  it('charges entries that name the same bytes once against the expansion budget', async () => {
    const big = Buffer.from(
      Array.from({ length: 40_000 }, (_, i) => `line ${i} of a long letter\n`).join(''),
    ).subarray(0, 1024 ** 2);
    const { data, records } = split(await zip([['x00.txt', big]]));
    const copies = Array.from({ length: 50 }, (_, i) =>
      renamed(records[0]!, `x${String(i).padStart(2, '0')}.txt`),
    );
    const bomb = assemble(data, copies);
    const { events } = await collect(
      zipFormat.entries(buf(bomb), limits({ maxExpandedBytes: 2 * 1024 ** 2 })),
    );
    expect(events).toHaveLength(50);
    expect(events.every((e) => e.kind === 'entry' && e.bytes.equals(big))).toBe(true);
  });

  it('refuses an entry whose bytes overlap another entry’s, without inflating it', async () => {
    const { data, records } = split(await three());
    const inside = renamed(records[1]!, 'm9.eml', 10); // points into m1.eml's bytes
    const { events } = await collect(zipFormat.entries(buf(assemble(data, [...records, inside])), limits()));
    expect(paths(events)).toEqual([
      ['entry', 'm1.eml'],
      ['entry', 'm2.eml'],
      ['entry', 'm3.eml'],
      ['problem', 'm9.eml'],
    ]);
    const problem = events[3]!;
    expect(problem).toMatchObject({
      status: 'limited',
      reason: { code: 'zip.overlapping-entry', params: { with: 'm1.eml' } },
    });
    expect(render((problem as EntryProblem).reason)).toMatch(/overlap those of m1\.eml/);
  });
});

describe('completeness accounting', () => {
  it('names a container that holds fewer members than it says, in stats and the ingest summary', async () => {
    const { data, records } = split(await three());
    // The end record says five entries; the directory holds three records.
    const short = assemble(data, records);
    const end = short.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
    short.writeUInt16LE(5, end + 8);
    short.writeUInt16LE(5, end + 10);
    const root = tempDir('crible-complete-');
    const dump = join(root, 'dump');
    mkdirSync(dump);
    writeFileSync(join(dump, 'short.zip'), short);
    writeFileSync(join(dump, 'whole.zip'), await three());
    const caseDir = join(root, 'case');
    const ingest = await crible(['ingest', dump, '--case', caseDir], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(ingest.code).toBe(3);
    const lines = ingest.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(
      /^NOT EVERYTHING WAS READ: 2 member\(s\) that containers list were never found; 1 item\(s\) could not be read/,
    );
    expect(ingest.stdout).toMatch(/short\.zip \(zip, failed\) +5 +3 +3 +0 +0 +2/);
    expect(ingest.stdout).toMatch(/whole\.zip \(zip\) +3 +3 +3 +0 +0 *\n/);
    const stats = JSON.parse((await crible(['stats', '--case', caseDir, '--json'])).stdout);
    expect(stats.completeness).toMatchObject({ missing: 2, failed: 1 });
    expect(stats.completeness.containers).toEqual([
      expect.objectContaining({
        path: 'short.zip',
        format: 'zip',
        expected: 5,
        ok: 3,
        failed: 0,
        limited: 0,
      }),
      expect.objectContaining({ path: 'whole.zip', expected: 3, ok: 3 }),
    ]);
    const text = await crible(['stats', '--case', caseDir], { env: { ...process.env, FORCE_COLOR: '1' } });
    expect(text.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^\x1b\[31m\x1b\[1mNOT EVERYTHING WAS READ: 2 member/,
    );
  });
});
