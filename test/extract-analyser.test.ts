// What the extract analyser keeps of a hostile document is bounded, and a cut value says it was cut.
import { describe, expect, it } from 'vitest';
import { bounded } from '../src/analysers/bounded.ts';
import { analyser } from '../src/analysers/extract.ts';

describe('the extract analyser', () => {
  it('stores no metadata value longer than 10,000 characters', async () => {
    const name = 'Рошка '.repeat(50_000);
    const html = Buffer.from(
      `<html><head><meta name="author" content="${name}"><title>t</title></head><body>x</body></html>`,
    );
    const analyse = analyser.start(await analyser.setup(null as never, {}));
    const out = await analyse({
      itemId: 1,
      bytes: html,
      type: 'document',
      format: 'html',
      transformations: [],
      flags: [],
    });
    expect(out.status).toBe('ok');
    const result = JSON.parse(out.resultJson) as {
      facts: { authors: string[] };
      fields: { value: string }[];
    };
    expect(result.facts.authors[0]!.startsWith('Рошка Рошка')).toBe(true);
    for (const value of [
      ...result.facts.authors,
      ...result.fields.map((f) => f.value),
      ...(out.text?.people ?? []),
    ])
      expect(value.length).toBeLessThanOrEqual(10_001);
  });

  it('cuts long strings and lists at any depth, visibly', () => {
    const value = {
      a: 'x'.repeat(20),
      list: Array.from({ length: 10 }, (_, i) => ({ n: i, s: 'y'.repeat(3) })),
    };
    expect(bounded(value, { chars: 5, items: 2 })).toEqual({
      a: 'xxxxx…',
      list: [
        { n: 0, s: 'yyy' },
        { n: 1, s: 'yyy' },
      ],
    });
  });
});
