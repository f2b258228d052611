// Conversations by JWZ: References and In-Reply-To first, missing parents, subjects within a time
// window, hostile chains; and `crible thread`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseSubject, threadMessages } from '../src/search/jwz.ts';
import type { ThreadingInput } from '../src/store/search.ts';
import { crible, message, tempDir } from './helpers/mail.ts';

const msg = (itemId: number, fields: Partial<ThreadingInput> = {}): ThreadingInput => ({
  itemId,
  messageId: `m${itemId}@x`,
  inReplyTo: null,
  references: [],
  subject: `Subject ${itemId}`,
  date: '2017-03-01T10:00:00.000Z',
  ...fields,
});

const threadsOf = (inputs: ThreadingInput[]) => {
  const links = threadMessages(inputs);
  const groups = new Map<number, number[]>();
  for (const l of links) groups.set(l.threadId, [...(groups.get(l.threadId) ?? []), l.itemId]);
  return { links, groups: [...groups.values()].map((g) => g.sort((a, b) => a - b)) };
};

describe('JWZ threading', () => {
  it('links replies by References and In-Reply-To, whatever order the messages come in', () => {
    const inputs = [
      msg(3, { references: ['<m1@x>', '<m2@x>'], inReplyTo: '<m2@x>' }),
      msg(1),
      msg(2, { inReplyTo: '<m1@x>' }),
      msg(4),
    ];
    const { links, groups } = threadsOf(inputs);
    expect(groups).toEqual([[1, 2, 3], [4]]);
    expect(links.find((l) => l.itemId === 3)).toEqual({ itemId: 3, threadId: 1, parentItemId: 2, depth: 2 });
    expect(threadsOf([...inputs].reverse()).links).toEqual(links);
  });

  it('keeps replies to a message that is not in the dump together', () => {
    const { links, groups } = threadsOf([
      msg(5, { references: ['<lost@x>'], subject: 'Re: a' }),
      msg(6, { references: ['<lost@x>'], subject: 'Re: b' }),
    ]);
    expect(groups).toEqual([[5, 6]]);
    expect(links.map((l) => l.parentItemId)).toEqual([null, null]);
  });

  it('joins by normalised subject within the window, not beyond it', () => {
    const { groups, links } = threadsOf([
      msg(1, { subject: 'Budget de campagne', date: '2017-03-01T10:00:00Z' }),
      msg(2, { subject: 'RE : TR: Budget de campagne', date: '2017-03-05T10:00:00Z' }),
      msg(3, { subject: 'Re: budget de CAMPAGNE', date: '2017-09-01T10:00:00Z' }),
    ]);
    expect(groups).toEqual([[1, 2], [3]]);
    expect(links.find((l) => l.itemId === 2)!.parentItemId).toBe(1);
    expect(normaliseSubject('[liste] Re: Fwd: Élections')).toEqual({ base: 'elections', reply: true });
  });

  it('survives loops, duplicate Message-IDs, missing ids and a very long chain', () => {
    const loop = threadsOf([
      msg(1, { references: ['<m2@x>'] }),
      msg(2, { references: ['<m1@x>'] }),
      msg(3, { messageId: 'm1@x' }),
      msg(4, { messageId: null, subject: null }),
    ]);
    expect(loop.links.map((l) => l.itemId)).toEqual([1, 2, 3, 4]);
    const chain = Array.from({ length: 20_000 }, (_, i) =>
      msg(i + 1, { references: i ? [`<m${i}@x>`] : [], subject: 'long' }),
    );
    const deep = threadMessages(chain);
    expect(new Set(deep.map((l) => l.threadId))).toEqual(new Set([1]));
    // Past 10,000 levels a reply starts a tree of its own, still in the thread by its subject.
    expect(Math.max(...deep.map((l) => l.depth))).toBeLessThanOrEqual(10_001);
  });
});

describe('crible thread', () => {
  it('shows a conversation by thread id or by the id of one of its messages', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    writeFileSync(join(dump, 'a.eml'), message({ id: 'a', subject: 'Budget' }));
    writeFileSync(
      join(dump, 'b.eml'),
      message({
        id: 'b',
        subject: 'Re: Budget',
        date: 'Wed, 03 May 2017 10:15:00 +0200',
        extraHeaders: ['In-Reply-To: <a@campagne.example>'],
      }),
    );
    writeFileSync(join(dump, 'c.eml'), message({ id: 'c', subject: 'Autre chose' }));
    const caseDir = join(root, 'case');
    expect((await crible(['ingest', dump, '--case', caseDir])).code).toBe(0);
    const json = JSON.parse((await crible(['thread', '2', '--case', caseDir, '--json'])).stdout);
    expect(json.messages.map((m: { subject: string; depth: number }) => [m.subject, m.depth])).toEqual([
      ['Budget', 0],
      ['Re: Budget', 1],
    ]);
    const text = await crible(['thread', String(json.threadId), '--case', caseDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2 message(s)');
    expect(text.stdout).toMatch(/\n {2}#2 {2}2017-05-03 08:15/);
    const missing = await crible(['thread', '99', '--case', caseDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no thread 99');
  });
});
