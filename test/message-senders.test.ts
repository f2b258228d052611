// Store.messageSenders: the date and From of the messages an analyser summed up with given values,
// page by page, each message whole on one page (its From addresses together, in their order).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { putMessageItem, tempDir } from './helpers/mail.ts';

describe('Store.messageSenders', () => {
  it('pages the senders of the messages with one of the summaries, by item id', async () => {
    const kase = openCase(join(tempDir('crible-senders-'), 'case'), { create: true });
    const verdicts = ['authentic', 'altered', 'authentic-with-caveats', 'authentic', 'unsigned', 'authentic'];
    await kase.store.transaction((w) => {
      const source = w.openSource('/senders', 'directory');
      for (const [i, verdict] of verdicts.entries()) {
        const id = putMessageItem(w, source.id, i, {
          date: i === 3 ? null : `2017-05-0${i + 1}T10:00:00.000Z`,
          // Message 2 has two authors, message 5 none.
          from:
            i === 5
              ? []
              : [
                  { name: `Person ${i}`, address: `p${i}@campagne.example` },
                  ...(i === 2 ? [{ name: 'Second', address: 'second@campagne.example' }] : []),
                ],
          to: [{ name: 'Bob', address: 'bob@campagne.example' }],
        });
        w.putAnalysis({
          itemId: id,
          analyser: 'dkim',
          version: 'test',
          status: 'ok',
          summary: verdict,
          resultJson: '{}',
          inputs: [],
          findings: [],
        });
      }
    });
    const summaries = ['authentic', 'authentic-with-caveats'];
    const pages = [];
    for (let afterId = 0; ; ) {
      const page = await kase.store.messageSenders({ analyser: 'dkim', summaries, afterId, limit: 2 });
      if (!page.length) break;
      pages.push(page);
      afterId = page[page.length - 1]!.itemId;
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    expect(pages.flat()).toEqual([
      {
        itemId: 1,
        date: '2017-05-01T10:00:00.000Z',
        from: [{ name: 'Person 0', address: 'p0@campagne.example' }],
      },
      {
        itemId: 3,
        date: '2017-05-03T10:00:00.000Z',
        from: [
          { name: 'Person 2', address: 'p2@campagne.example' },
          { name: 'Second', address: 'second@campagne.example' },
        ],
      },
      { itemId: 4, date: null, from: [{ name: 'Person 3', address: 'p3@campagne.example' }] },
      { itemId: 6, date: '2017-05-06T10:00:00.000Z', from: [] },
    ]);
    await kase.store.close();
  });
});
