// Outlook .msg through its container module and the real pipeline: the corpus messages come out
// rebuilt (flag rebuilt-from:msg), the signed one `unverifiable` for that reason, attachments as
// child items; a damaged compound file generated at test time stops with a reason, not a loop.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { msgFormat } from '../src/ingest/formats/msg.ts';
import { defaultLimits } from '../src/ingest/limits.ts';
import { collect } from './helpers/containers.ts';
import { requireCorpus } from './helpers/corpus.ts';
import { tempDir } from './helpers/mail.ts';

const docs = requireCorpus('docs', 'msg');

describe.skipIf(!docs)('Outlook MSG (corpus)', () => {
  const file = (name: string) => join(docs as string, name);

  it('rebuilds the message with its transport headers and attachments, flagged rebuilt-from:msg', async () => {
    const data = readFileSync(file('tika__testMSG_att_doc.msg'));
    const { events, error } = await collect(
      msgFormat.entries({ kind: 'buffer', data, name: 'a/b.msg' }, defaultLimits),
    );
    expect(error).toBeNull();
    expect(events).toHaveLength(1);
    const [entry] = events;
    expect(entry).toMatchObject({
      kind: 'entry',
      path: 'b.eml',
      isMessage: true,
      flags: ['rebuilt-from:msg'],
    });
    const text = entry?.kind === 'entry' ? entry.bytes.toString('latin1') : '';
    expect(text).toContain('Subject: =?UTF-8?B?dGVzdCBwacOoY2Ugam9pbnRlIDE=?=');
    expect(text).toContain('filename="test-unicode.doc"');
    expect(text).toContain('filename="pj1.txt"');
  });

  it('ingests into a case: the signed message unverifiable as rebuilt, attachments as child items', async () => {
    const root = tempDir();
    const kase = openCase(join(root, 'case'), { create: true });
    try {
      await ingestIntoCase(kase, [file('tika__testMSG.msg'), file('tika__testMSG_att_doc.msg')]);
      const s = kase.store;
      const containers = await s.listItems({ type: 'container' });
      expect(containers.map((c) => c.format).sort()).toEqual(['msg', 'msg']);
      const messages = await s.listItems({ type: 'message' });
      expect(messages).toHaveLength(2);
      const bySubject = new Map<string, (typeof messages)[number]>();
      for (const m of messages) bySubject.set((await s.getMessage(m.id))?.subject ?? '', m);
      expect([...bySubject.keys()].sort()).toEqual(['MIME registry use cases', 'test pièce jointe 1']);
      const signed = bySubject.get('MIME registry use cases');
      expect(signed?.first.flags).toContain('rebuilt-from:msg');
      const dkim = await s.getAnalysis(signed!.id, 'dkim');
      expect(dkim?.summary).toBe('unverifiable');
      expect(JSON.stringify(dkim?.result)).toContain('verdict.rebuilt');
      const participants = await s.participantsOf(signed!.id);
      expect(participants).toContainEqual(
        expect.objectContaining({ role: 'from', address: 'jukka.zitting@gmail.com' }),
      );

      const withAttachments = bySubject.get('test pièce jointe 1');
      const children = await s.childrenOf(withAttachments!.id);
      expect(children.map((c) => c.first.filename).sort()).toEqual(
        expect.arrayContaining(['pj1.txt', 'test-unicode.doc']),
      );
    } finally {
      await kase.store.close();
    }
  });

  it('a compound file whose sector chain loops stops with a reason instead of looping', async () => {
    const data = Buffer.from(readFileSync(file('tika__testMSG.msg')));
    // The first FAT sector (header DIFAT[0]) lists every sector's successor: make each its own.
    const sectorSize = 1 << data.readUInt16LE(30);
    const fat = 512 + data.readUInt32LE(76) * sectorSize;
    for (let i = 0; i < sectorSize / 4; i++) data.writeUInt32LE(i, fat + i * 4);
    const { events, error } = await collect(
      msgFormat.entries({ kind: 'buffer', data, name: 'loop.msg' }, defaultLimits),
    );
    expect(events).toEqual([]);
    expect(error?.message).toMatch(/^msg guard: (chain|tree)$/);
  });
});
