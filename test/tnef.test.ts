// TNEF (winmail.dat): the attachments as members with their names and exact bytes, the message
// rebuilt and flagged rebuilt-from:tnef, lying lengths, cut-short streams and bad checksums said
// and read past. On the corpus file and on streams written here, attribute by attribute.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import type { ContainerEvent } from '../src/ingest/format.ts';
import { tnefFormat } from '../src/ingest/formats/tnef.ts';
import { defaultLimits } from '../src/ingest/limits.ts';
import { identify, probeBuffer } from '../src/ingest/registry.ts';
import { isKnownCode, render } from '../src/report/catalogue.ts';
import { sha256Hex } from '../src/store/blobs.ts';
import type { ItemRecord } from '../src/store/store.ts';
import { messageWithAttachment } from './helpers/attached.ts';
import { requireCorpus } from './helpers/corpus.ts';
import { tempDir } from './helpers/mail.ts';

// ---------------------------------------------------------------- a TNEF writer ([MS-OXTNEF])

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const pad4 = (b: Buffer) => Buffer.concat([b, Buffer.alloc(((b.length + 3) & ~3) - b.length)]);
const checksum = (b: Buffer) => b.reduce((sum, byte) => (sum + byte) & 0xffff, 0);

function attribute(level: 1 | 2, id: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([level]), u32(id), u32(data.length), data, u16(checksum(data))]);
}

type Property = ['unicode' | 'binary' | 'long' | 'systime', number, string | Buffer | number | Date];
/** A MAPI property list: a count, then each property's type, id and value. */
function properties(list: Property[]): Buffer {
  const parts: Buffer[] = [u32(list.length)];
  for (const [kind, id, value] of list) {
    if (kind === 'long') parts.push(u16(0x0003), u16(id), u32(value as number));
    else if (kind === 'systime') {
      const ticks = BigInt((value as Date).getTime() + 11_644_473_600_000) * 10_000n;
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(ticks);
      parts.push(u16(0x0040), u16(id), b);
    } else {
      const data = kind === 'unicode' ? Buffer.from(`${value as string}\0`, 'utf16le') : (value as Buffer);
      parts.push(u16(kind === 'unicode' ? 0x001f : 0x0102), u16(id), u32(1), u32(data.length), pad4(data));
    }
  }
  return Buffer.concat(parts);
}

const text = (s: string) => Buffer.from(`${s}\0`, 'latin1');

interface TnefAttachment {
  title: string;
  longName?: string;
  data: Buffer;
}

/** The attributes of a message with its properties, recipients and attachments, as Outlook writes them. */
function tnefAttributes(attachments: TnefAttachment[]): Buffer[] {
  const message = [
    attribute(1, 0x00089006, u32(0x00010000)), // attTnefVersion
    attribute(1, 0x00069007, Buffer.concat([u32(1252), u32(0)])), // attOemCodepage
    attribute(1, 0x00078008, text('IPM.Microsoft Mail.Note')), // attMessageClass
    attribute(1, 0x00018004, text('Budget 2024')), // attSubject
    attribute(
      1,
      0x00069003, // attMsgProps
      properties([
        ['unicode', 0x0037, 'Budget 2024 — révisé'],
        ['unicode', 0x1000, 'Voici le budget révisé.\r\nClaire'],
        ['unicode', 0x0c1a, 'Claire Dubois'],
        ['unicode', 0x5d01, 'claire@mairie.example'],
        ['systime', 0x0039, new Date('2024-03-05T09:30:00Z')],
      ]),
    ),
    attribute(
      1,
      0x00069004, // attRecipTable: one row
      Buffer.concat([
        u32(1),
        properties([
          ['long', 0x0c15, 1],
          ['unicode', 0x3001, 'Marc Petit'],
          ['unicode', 0x39fe, 'marc@mairie.example'],
        ]),
      ]),
    ),
  ];
  const files = attachments.flatMap((a) => [
    attribute(2, 0x00069002, Buffer.alloc(14)), // attAttachRendData
    attribute(2, 0x00018010, text(a.title)), // attAttachTitle
    attribute(2, 0x0006800f, a.data), // attAttachData
    ...(a.longName ? [attribute(2, 0x00069005, properties([['unicode', 0x3707, a.longName]]))] : []),
  ]);
  return [...message, ...files];
}

function tnef(attributes: Buffer[]): Buffer {
  return Buffer.concat([u32(0x223e9f78), u16(0x0001), ...attributes]);
}

const pdf = Buffer.from('%PDF-1.4\n% rapport annuel\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const notes = Buffer.from('Notes de la réunion du 5 mars.\n'.repeat(20));
const ATTACHMENTS: TnefAttachment[] = [
  { title: 'RAPPOR~1.PDF', longName: 'rapport annuel 2023.pdf', data: pdf },
  { title: 'notes.txt', data: notes },
];

async function events(bytes: Buffer, name = 'winmail.dat'): Promise<ContainerEvent[]> {
  const out: ContainerEvent[] = [];
  for await (const event of tnefFormat.entries({ kind: 'buffer', data: bytes, name }, defaultLimits))
    out.push(event);
  return out;
}

const summary = (list: ContainerEvent[]) =>
  list.map((e) =>
    e.kind === 'entry'
      ? { entry: e.path, sha: sha256Hex(e.bytes), flags: e.flags ?? [] }
      : e.kind === 'problem'
        ? { problem: e.path, status: e.status, code: e.reason.code, size: e.bytes?.length ?? 0 }
        : { other: e.kind },
  );

// ---------------------------------------------------------------- the reader

describe('TNEF read as a container', () => {
  it('is identified by its signature, whatever its name', () => {
    const stream = tnef(tnefAttributes(ATTACHMENTS));
    expect(identify(probeBuffer(stream, 'winmail.dat', false)).module.name).toBe('tnef');
    expect(identify(probeBuffer(stream, 'attachment.bin', false)).module.name).toBe('tnef');
    expect(
      identify(probeBuffer(Buffer.from('not tnef at all\n'), 'winmail.dat', false)).module.name,
    ).not.toBe('tnef');
  });

  it('yields each attachment with its long name and exact bytes, and the message rebuilt', async () => {
    const list = await events(tnef(tnefAttributes(ATTACHMENTS)));
    expect(summary(list)).toEqual([
      { entry: 'winmail.eml', sha: expect.any(String), flags: ['rebuilt-from:tnef'] },
      { entry: 'rapport annuel 2023.pdf', sha: sha256Hex(pdf), flags: [] },
      { entry: 'notes.txt', sha: sha256Hex(notes), flags: [] },
    ]);
    const rebuilt = (list[0] as { bytes: Buffer }).bytes.toString('utf8');
    expect(rebuilt).toContain('From: "Claire Dubois" <claire@mairie.example>');
    expect(rebuilt).toContain('To: "Marc Petit" <marc@mairie.example>');
    expect(rebuilt).toContain('Subject: =?UTF-8?B?');
    expect(rebuilt).toContain('Date: Tue, 5 Mar 2024 09:30:00 +0000');
    expect(rebuilt).toContain(Buffer.from('Voici le budget révisé.\r\nClaire').toString('base64'));
    // The attachment's bytes keep their place in the stream.
    const [, first] = list;
    const stream = tnef(tnefAttributes(ATTACHMENTS));
    const { byteStart, byteEnd } = first as { byteStart: number; byteEnd: number };
    expect(stream.subarray(byteStart, byteEnd).equals(pdf)).toBe(true);
  });

  it('flags a checksum that does not match and keeps the bytes as they are', async () => {
    const attributes = tnefAttributes(ATTACHMENTS);
    const stream = tnef(attributes);
    const at = stream.indexOf(notes) + 3;
    stream[at] = stream[at]! ^ 0x20;
    const list = await events(stream);
    expect(summary(list).at(-1)).toEqual({
      entry: 'notes.txt',
      sha: sha256Hex(stream.subarray(at - 3, at - 3 + notes.length)),
      flags: ['tnef-checksum-mismatch'],
    });
  });

  it('a length that runs past the end is a problem for its attachment; the rest is read', async () => {
    const attributes = tnefAttributes(ATTACHMENTS);
    // The first attachment's title (attributes[7]) claims far more bytes than the stream holds.
    const lying = Buffer.from(attributes[7]!);
    lying.writeUInt32LE(1_000_000, 5);
    attributes[7] = lying;
    const list = await events(tnef(attributes));
    expect(summary(list)).toEqual([
      { entry: 'winmail.eml', sha: expect.any(String), flags: ['rebuilt-from:tnef'] },
      // Its data came after the lying title, found again, and kept with the problem.
      { problem: 'rapport annuel 2023.pdf', status: 'failed', code: 'tnef.length-exceeds', size: pdf.length },
      { entry: 'notes.txt', sha: sha256Hex(notes), flags: [] },
    ]);
    const problem = list[1] as { reason: { params: Record<string, unknown> } };
    expect(problem.reason.params).toMatchObject({ length: 1_000_000 });
  });

  it('a length that lies within the stream is found out by the attribute after it', async () => {
    const attributes = tnefAttributes(ATTACHMENTS);
    const lying = Buffer.from(attributes[7]!);
    lying.writeUInt32LE(lying.readUInt32LE(5) - 4, 5); // four bytes short: the next header is off
    attributes[7] = lying;
    const list = await events(tnef(attributes));
    expect(summary(list).map((e) => ('entry' in e ? e.entry : `${e.problem}: ${e.code}`))).toEqual([
      'winmail.eml',
      'rapport annuel 2023.pdf: tnef.length-wrong',
      'notes.txt',
    ]);
  });

  it('a stream cut short keeps what it holds: the last attachment failed with its first bytes', async () => {
    const stream = tnef(tnefAttributes(ATTACHMENTS));
    const cut = stream.subarray(0, stream.indexOf(notes) + 100);
    const list = await events(cut);
    expect(summary(list)).toEqual([
      { entry: 'winmail.eml', sha: expect.any(String), flags: ['rebuilt-from:tnef'] },
      { entry: 'rapport annuel 2023.pdf', sha: sha256Hex(pdf), flags: [] },
      { problem: 'notes.txt', status: 'failed', code: 'tnef.length-exceeds', size: 100 },
    ]);
  });

  it('bytes that are no attribute are kept as a damaged member, and reading goes on after them', async () => {
    const attributes = tnefAttributes(ATTACHMENTS);
    const junk = Buffer.from('\x02garbage between attributes\x01\x02');
    const at = attributes.length - 3; // before the second attachment
    const stream = tnef([...attributes.slice(0, at), junk, ...attributes.slice(at)]);
    const list = await events(stream);
    const start = stream.indexOf(junk);
    expect(summary(list)).toEqual([
      { entry: 'winmail.eml', sha: expect.any(String), flags: ['rebuilt-from:tnef'] },
      { entry: 'rapport annuel 2023.pdf', sha: sha256Hex(pdf), flags: [] },
      { entry: 'notes.txt', sha: sha256Hex(notes), flags: [] },
      { problem: `damaged-at-${start}.bin`, status: 'failed', code: 'tnef.damaged', size: junk.length },
    ]);
  });

  it('a stream made of fake headers ends, every byte kept', async () => {
    // Every position looks like the start of an attribute claiming the rest of the stream.
    const fake = Buffer.concat(
      Array.from({ length: 20_000 }, () => Buffer.from([2, 0x0f, 0x80, 0x06, 0x00, 0xf0, 0xff, 0x00, 0x00])),
    );
    const list = await events(tnef([fake]));
    const kept = list.reduce((sum, e) => sum + (e.kind === 'problem' ? (e.bytes?.length ?? 0) : 0), 0);
    expect(kept).toBe(fake.length);
  });

  it('has words for every code it emits', () => {
    for (const code of [
      'tnef.length-exceeds',
      'tnef.length-wrong',
      'tnef.damaged',
      'tnef.attachment-no-data',
      'tnef.too-many-attachments',
      'tnef.message-attributes',
    ]) {
      expect(isKnownCode(code)).toBe(true);
      expect(
        render({
          code,
          params: { at: 1, length: 2, available: 1, skipped: 3, count: 2, limit: 1, what: 'checksum' },
        }),
      ).not.toMatch(/undefined/);
    }
  });
});

// ---------------------------------------------------------------- in a case

async function ingestPaths(paths: string[]): Promise<ItemRecord[]> {
  const kase = openCase(join(tempDir(), 'case'), { create: true });
  try {
    await ingestIntoCase(kase, paths, { workers: 1 });
    return await kase.store.listItems({});
  } finally {
    await kase.store.close();
  }
}

describe('TNEF in a case', () => {
  it('finds winmail.dat attached to an email and reads what it holds', async () => {
    const stream = tnef(tnefAttributes(ATTACHMENTS));
    const dump = join(tempDir(), 'dump');
    mkdirSync(dump);
    writeFileSync(
      join(dump, 'mail.eml'),
      messageWithAttachment('with-tnef', 'winmail.dat', 'application/ms-tnef', stream),
    );
    const items = await ingestPaths([dump]);
    const container = items.find((item) => item.format === 'tnef')!;
    expect(container).toMatchObject({ type: 'container', status: 'ok' });
    expect(items.find((item) => item.id === container.first.parentId)?.first.path).toBe('mail.eml');
    const children = items.filter((item) => item.first.parentId === container.id);
    expect(children.map((item) => [item.first.path, item.type, item.status])).toEqual([
      ['winmail.eml', 'message', 'ok'],
      ['rapport annuel 2023.pdf', 'document', 'ok'],
      ['notes.txt', 'document', 'ok'],
    ]);
    expect(children[0]!.first.flags).toContain('rebuilt-from:tnef');
    expect(children[1]!.sha256).toBe(sha256Hex(pdf));
  });

  const corpusFile = requireCorpus('docs/exiftool__TNEF.tnef', 'tnef');
  it.skipIf(!corpusFile)(
    'reads the corpus TNEF: its message rebuilt, its RTF body as the tnef program gives it',
    async () => {
      const items = await ingestPaths([corpusFile!]);
      const container = items.find((item) => item.format === 'tnef')!;
      expect(container).toMatchObject({ type: 'container', status: 'ok' });
      const [message] = items.filter((item) => item.first.parentId === container.id);
      expect(message).toMatchObject({ type: 'message', status: 'ok' });
      expect(message!.first.path).toBe('exiftool__TNEF.eml');
      // The message properties' checksum does not hold in this file (the tnef program says so too).
      expect(message!.first.flags).toEqual(['rebuilt-from:tnef', 'tnef-checksum-mismatch']);
      const rtf = items.find(
        (item) => item.first.parentId === message!.id && item.first.filename === 'body.rtf',
      );
      expect(rtf?.size).toBe(171);
      let tool = true;
      try {
        execFileSync('tnef', ['--version'], { stdio: 'ignore' });
      } catch {
        tool = false;
        console.warn('[tnef] the tnef program (Debian package tnef) is missing: RTF body not cross-checked');
      }
      if (tool) {
        const out = join(tempDir(), 'tnef-out');
        mkdirSync(out);
        execFileSync('tnef', ['-C', out, '--ignore-checksum', '--save-body', corpusFile!], {
          stdio: 'ignore',
        });
        expect(rtf?.sha256).toBe(sha256Hex(readFileSync(join(out, 'message.rtf'))));
      }
    },
  );
});
