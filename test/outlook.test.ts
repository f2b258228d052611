// Outlook PST/OST through its container module and the real pipeline: the corpus store
// (tika__testPST_variousBodyTypes.pst) gives every message under its folder path, rebuilt and so
// `unverifiable` when signed, with the counts the store and readpst give; damaged stores generated at
// test time yield what they can and say what they could not.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import type { ContainerEvent, Entry, EntryProblem, ExpectedCount } from '../src/ingest/format.ts';
import { pstFormat } from '../src/ingest/formats/pst.ts';
import { defaultLimits } from '../src/ingest/limits.ts';
import { identify, probeBuffer } from '../src/ingest/registry.ts';
import { isKnownCode, render } from '../src/report/catalogue.ts';
import { collect } from './helpers/containers.ts';
import { requireCorpus } from './helpers/corpus.ts';
import { tempDir } from './helpers/mail.ts';

const pst = requireCorpus('docs/tika__testPST_variousBodyTypes.pst', 'outlook');
const FOLDER = 'Top of Outlook data file/Inbox/tmp';

async function pstEvents(data: Buffer) {
  return collect(pstFormat.entries({ kind: 'buffer', data, name: 'store.pst' }, defaultLimits));
}

const entriesOf = (events: ContainerEvent[]) => events.filter((e): e is Entry => e.kind === 'entry');
const problemsOf = (events: ContainerEvent[]) =>
  events.filter((e): e is EntryProblem => e.kind === 'problem');
const expectedOf = (events: ContainerEvent[]) =>
  events.filter((e): e is ExpectedCount => e.kind === 'expected');

/** Messages readpst finds in the store: one `From ` line per message in the mbox files it writes. */
function readpstCount(store: string): number | null {
  if (!existsSync('/usr/bin/readpst')) return null;
  const out = tempDir('crible-readpst-');
  execFileSync('/usr/bin/readpst', ['-q', '-r', '-o', out, store]);
  let count = 0;
  for (const name of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    const path = join(out, name);
    if (!statSync(path).isFile()) continue;
    count += readFileSync(path, 'latin1')
      .split('\n')
      .filter((line) => line.startsWith('From ')).length;
  }
  return count;
}

describe.skipIf(!pst)('Outlook PST (corpus)', () => {
  const store = pst as string;

  it('is identified as a PST container', () => {
    const data = readFileSync(store);
    expect(identify(probeBuffer(data, 'x.bin', false)).module.name).toBe('pst');
  });

  it("yields every message under its folder path, rebuilt, with the store's own counts and readpst's", async () => {
    const { events, error } = await pstEvents(readFileSync(store));
    expect(error).toBeNull();
    const messages = entriesOf(events);
    expect(messages.map((m) => m.path)).toEqual([1, 2, 3, 4].map((n) => `${FOLDER}/${n}.eml`));
    for (const m of messages) expect(m.flags).toEqual(['rebuilt-from:pst']);
    expect(problemsOf(events)).toEqual([]);
    const expected = Object.fromEntries(expectedOf(events).map((e) => [e.path, e.count]));
    expect(expected).toMatchObject({ '': 4, [FOLDER]: 4, 'Top of Outlook data file/Inbox': 0 });
    const reference = readpstCount(store);
    if (reference === null)
      console.warn('[outlook] /usr/bin/readpst absent (Debian pst-utils): comparison skipped');
    else expect(messages.length).toBe(reference);

    // Transport headers first; the HTML, plain and RTF bodies as parts.
    const [first, , third] = messages.map((m) => m.bytes.toString('latin1'));
    expect(first).toMatch(/^Received: from mwhpr09mb1391/);
    expect(first).toContain('Subject: original email');
    expect(first).toContain('Content-Type: text/html; charset=utf-8');
    expect(first).not.toMatch(/boundary-LibPST|Content-Type: multipart\/alternative;\s+boundary="_000_/);
    expect(third).toContain('Content-Type: application/rtf');
    const rtf = /filename="body.rtf"\r\n\r\n([A-Za-z0-9+/=\r\n]+)/.exec(third ?? '')?.[1] ?? '';
    expect(Buffer.from(rtf, 'base64').toString('latin1')).toMatch(/^\{\\rtf1/);
  });

  it('ingests into a case: items by folder path, participants, the rebuilt flag on every message', async () => {
    const root = tempDir();
    const kase = openCase(join(root, 'case'), { create: true });
    try {
      await ingestIntoCase(kase, [store]);
      const s = kase.store;
      const [container] = await s.listItems({ type: 'container' });
      expect(container).toMatchObject({ format: 'pst', status: 'ok' });
      const messages = await s.listItems({ type: 'message' });
      expect(messages).toHaveLength(4);
      for (const m of messages) {
        expect(m.first.path).toMatch(new RegExp(`^${FOLDER}/\\d\\.eml$`));
        expect(m.first.flags).toContain('rebuilt-from:pst');
        expect(m.status).toBe('ok');
        const participants = await s.participantsOf(m.id);
        expect(participants).toContainEqual(
          expect.objectContaining({ role: 'to', address: 'tallison@mitre.org' }),
        );
        // No DKIM signature in these internal Exchange messages: nothing to call unverifiable.
        const dkim = await s.getAnalysis(m.id, 'dkim');
        expect(dkim?.summary).toBe('unsigned');
      }
      const subjects = await Promise.all(messages.map(async (m) => (await s.getMessage(m.id))?.subject));
      expect(subjects.sort()).toEqual([
        'FW: original email',
        'FW: original email',
        'FW: original email',
        'original email',
      ]);
      // The RTF body of the third message is a child item of it.
      const rtfs = (await s.listItems({ type: 'all' })).filter((i) => i.first.filename === 'body.rtf');
      expect(rtfs).toHaveLength(1);
    } finally {
      await kase.store.close();
    }
  });

  it('a truncated store yields what it can and says what it could not, with coded reasons', async () => {
    const data = readFileSync(store);
    for (const keep of [0.25, 0.5, 0.75, 0.9]) {
      const cut = data.subarray(0, Math.floor(data.length * keep));
      const { events, error } = await pstEvents(Buffer.from(cut));
      for (const p of problemsOf(events)) {
        expect(isKnownCode(p.reason.code), p.reason.code).toBe(true);
        expect(render(p.reason)).not.toMatch(/undefined/);
      }
      // Every message the store lists is either yielded or reported.
      const listed = expectedOf(events).find((e) => e.path === FOLDER)?.count ?? 0;
      const accounted = events.filter((e) => e.kind !== 'expected' && e.path.startsWith(`${FOLDER}/`)).length;
      expect(accounted).toBeGreaterThanOrEqual(listed);
      if (error) expect(error).toBeInstanceOf(Error);
    }
  });

  it('a store whose B-tree points at itself stops with a reason instead of looping', async () => {
    const data = Buffer.from(readFileSync(store));
    // Unicode PST: the node B-tree's root page offset is at 224 (BREF ib). Point the first
    // branch entry of that page back at the page itself, a cycle.
    const root = Number(data.readBigUInt64LE(224));
    const level = data[root + 491] ?? 0;
    const file = join(tempDir(), 'cyclic.pst');
    if (level > 0) data.writeBigUInt64LE(BigInt(root), root + 16);
    writeFileSync(file, data);
    const { events, error } = await collect(
      pstFormat.entries({ kind: 'file', path: file, size: data.length, name: 'cyclic.pst' }, defaultLimits),
    );
    // The store's first lookup goes round the cycle: the container itself is unreadable, said so.
    expect(level).toBeGreaterThan(0);
    expect(events.filter((e) => e.kind === 'entry')).toEqual([]);
    expect(error?.message).toBe('pst guard: lookup');
  });
});
