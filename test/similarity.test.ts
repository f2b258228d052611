// Near-duplicate texts (MinHash + LSH, then aligned words): what the altered-copy rule is fed.
import { describe, expect, it } from 'vitest';
import { findNearPairsApart } from '../src/analysers/near-pairs-apart.ts';
import {
  alignedHunks,
  editDistance,
  findNearPairs,
  nearDuplicates,
  selectNearDuplicates,
} from '../src/analysers/similarity.ts';
import { createRng } from '../src/sample/prng.ts';

const VOCABULARY = (
  'le la les un une des de du et à au aux pour par sur dans avec sans contrat budget campagne réunion ' +
  'comité trésorier compte virement facture montant total euros Paris Lyon Marseille mandat élection ' +
  'candidat équipe presse sondage meeting délégation fournisseur prestation paiement échéance signature ' +
  'accord avenant conseil direction rapport annexe tableau prévision dépense recette solde banque'
).split(' ');

/** A text of `count` words from the vocabulary, the same for the same seed. */
function prose(seed: number, count: number): string {
  const rng = createRng(seed);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(rng.pick(VOCABULARY));
  return words.join(' ');
}

const contract = (amount: string) =>
  `${prose(1, 80)}. Le montant total du contrat est de ${amount} euros, payable à la signature. ${prose(2, 90)}.`;

describe('nearDuplicates', () => {
  it('finds a copy with one figure changed, both ways, with what changed', () => {
    const found = nearDuplicates([
      { itemId: 3, text: contract('1 200 000') },
      { itemId: 8, text: contract('1 900 000') },
      { itemId: 9, text: prose(3, 170) },
    ]);
    expect(found).toEqual([
      { itemId: 3, of: 8, similarity: expect.any(Number), diff: '−1 900 000 +1 200 000' },
      { itemId: 8, of: 3, similarity: expect.any(Number), diff: '−1 200 000 +1 900 000' },
    ]);
    expect(found[0]!.similarity).toBeGreaterThan(0.99);
    expect(found[0]!.similarity).toBeLessThan(1);
  });

  it('does not pair identical texts (accents and case aside), nor unrelated ones', () => {
    const text = contract('1 200 000');
    expect(
      nearDuplicates([
        { itemId: 1, text },
        { itemId: 2, text: text.toUpperCase() },
        { itemId: 3, text: text.normalize('NFD') },
        { itemId: 4, text: prose(10, 170) },
        { itemId: 5, text: prose(11, 170) },
      ]),
    ).toEqual([]);
  });

  it('pairs an altered text with every identical copy of the original', () => {
    const original = contract('1 200 000');
    const found = nearDuplicates([
      { itemId: 1, text: original },
      { itemId: 2, text: original },
      { itemId: 3, text: contract('1 900 000') },
    ]);
    expect(found.map((f) => [f.itemId, f.of])).toEqual([
      [1, 3],
      [2, 3],
      [3, 1],
      [3, 2],
    ]);
  });

  it('gives the same answer whatever the order of the documents, run after run', () => {
    const docs = Array.from({ length: 60 }, (_, i) => ({
      itemId: i + 1,
      text: i % 10 === 0 ? contract(`${i} 000`) : prose(100 + i, 150),
    }));
    const first = nearDuplicates(docs);
    expect(first.length).toBe(6 * 5);
    expect(nearDuplicates([...docs].reverse())).toEqual(first);
    expect(nearDuplicates(docs)).toEqual(first);
  });

  it('finds the planted copies among thousands of documents without comparing them all', () => {
    const docs = Array.from({ length: 3000 }, (_, i) => ({ itemId: i + 1, text: prose(1000 + i, 120) }));
    // Three copies of documents 10, 20, 30 with one word replaced, one word dropped, two words added.
    const edit = (id: number, change: (words: string[]) => void) => {
      const words = docs[id - 1]!.text.split(' ');
      change(words);
      return { itemId: 5000 + id, text: words.join(' ') };
    };
    docs.push(
      edit(10, (w) => w.splice(60, 1, 'Genève')),
      edit(20, (w) => w.splice(30, 1)),
      edit(30, (w) => w.splice(90, 0, 'compte', 'offshore')),
    );
    const found = nearDuplicates(docs);
    expect(found.map((f) => [f.itemId, f.of, f.diff])).toEqual([
      [10, 5010, expect.stringMatching(/^−Genève \+\S+$/)],
      [20, 5020, expect.stringMatching(/^\+\S+$/)],
      [30, 5030, '−compte offshore'],
      [5010, 10, expect.stringMatching(/^−\S+ \+Genève$/)],
      [5020, 20, expect.stringMatching(/^−\S+$/)],
      [5030, 30, '+compte offshore'],
    ]);
  });

  it('lists a preferred document first, however many closer ones there are, from the same pairs', () => {
    // The original (1), a copy with two words changed (2), and 12 versions of the copy a word away.
    const words = prose(5, 120).split(' ');
    const copy = words.map((w, i) => (i === 10 || i === 70 ? `${w}X` : w));
    const docs = [
      { itemId: 1, text: words.join(' ') },
      { itemId: 2, text: copy.join(' ') },
      ...Array.from({ length: 12 }, (_, k) => ({
        itemId: 3 + k,
        text: copy.map((w, i) => (i === 20 + 5 * k ? `${w}Y` : w)).join(' '),
      })),
    ];
    const found = findNearPairs(docs);
    const of = (preferred?: (id: number) => boolean) =>
      selectNearDuplicates(docs, found, {}, preferred)
        .filter((m) => m.itemId === 2)
        .map((m) => m.of);
    expect(of()).toHaveLength(10);
    expect(of()).not.toContain(1);
    expect(of((id) => id === 1)).toEqual([1, ...of().slice(0, 9)]);
  });

  it('leaves short texts alone, and keeps a long diff short', () => {
    expect(
      nearDuplicates([
        { itemId: 1, text: 'Page 1 sur 12' },
        { itemId: 2, text: 'Page 2 sur 12' },
      ]),
    ).toEqual([]);
    const base = prose(7, 400).split(' ');
    const changed = base.map((w, i) => (i % 40 === 20 ? `${w}X${i}` : w));
    const [found] = nearDuplicates(
      [
        { itemId: 1, text: base.join(' ') },
        { itemId: 2, text: changed.join(' ') },
      ],
      { maxDiffChars: 80 },
    );
    expect(found!.diff.length).toBeLessThanOrEqual(120);
    expect(found!.diff).toMatch(/… \(\d+ more changes\)$/);
  });
});

describe('findNearPairsApart', () => {
  it('finds on its own thread what findNearPairs finds, and says why when it cannot', async () => {
    const docs = Array.from({ length: 60 }, (_, i) => ({
      itemId: i + 1,
      text: i % 3 === 0 ? contract(`${1000 + i} 000`) : prose(100 + i, 150),
    }));
    const apart = await findNearPairsApart(docs);
    expect(apart.pairs.length).toBeGreaterThan(100);
    expect(apart).toEqual(findNearPairs(docs));
    await expect(findNearPairsApart(null as never)).rejects.toThrow(/not iterable/);
  });
});

describe('alignedHunks', () => {
  it('aligns words with the fewest edits, and gives up past the bound', () => {
    expect(alignedHunks(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e'], 10)).toEqual([
      { aFrom: 1, aTo: 2, bFrom: 1, bTo: 2 },
      { aFrom: 4, aTo: 4, bFrom: 4, bTo: 5 },
    ]);
    expect(alignedHunks(['a', 'b'], ['a', 'b'], 10)).toEqual([]);
    const many = Array.from({ length: 50 }, (_, i) => `w${i}`);
    expect(alignedHunks(many, [...many].reverse(), 10)).toBeNull();
  });
});

describe('editDistance', () => {
  it('counts the words the alignment changes, on edited sequences, and gives up where it does', () => {
    const rng = createRng(7);
    const edits = (h: { aFrom: number; aTo: number; bFrom: number; bTo: number }[]) =>
      h.reduce((sum, x) => sum + (x.aTo - x.aFrom) + (x.bTo - x.bFrom), 0);
    for (let round = 0; round < 300; round++) {
      const a = Int32Array.from({ length: rng.int(61) }, () => rng.int(8));
      // Some words dropped, some replaced, some added.
      const b = Int32Array.from(
        [...a].flatMap((w) => (rng.chance(0.1) ? [] : rng.chance(0.1) ? [rng.int(8), w] : [w])),
      ).map((w) => (rng.chance(0.1) ? rng.int(8) : w));
      const max = rng.int(41);
      const hunks = alignedHunks(a, b, max);
      expect(editDistance(a, b, max)).toBe(hunks === null ? null : edits(hunks));
    }
  });
});
