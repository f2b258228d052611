// What the index takes from a text (search/fold.ts): the words as written, their stems in French and
// English, and the identifiers (words with a digit) that substring searches look into.
import { describe, expect, it } from 'vitest';
import { textTerms } from '../src/search/fold.ts';

describe('textTerms', () => {
  it('keeps the text lower-cased, and each stem once', () => {
    const terms = textTerms('Les Élections et l’élection. Œuvre');
    expect(terms.exact).toBe('les élections et l’élection. oeuvre');
    expect(terms.stems.split(' ')).toContain('elect');
    expect(new Set(terms.stems.split(' ')).size).toBe(terms.stems.split(' ').length);
  });

  it('gives an IBAN its groups in order, so a part across two groups is found', () => {
    expect(textTerms('IBAN FR76 3000 6000 0112 3456 7890 189.').identifiers).toBe(
      'fr76 3000 6000 0112 3456 7890 189',
    );
  });

  it('splits a table row into its fields: a row is not one identifier', () => {
    const row = '2017-01-13;location salle;fourn-697;7070,60;20,0;cheque\n(réf. A-12) [n°7] <x9>';
    expect(textTerms(row).identifiers.split(' ')).toEqual([
      '2017-01-13',
      'fourn-697',
      '7070,60',
      '20,0',
      'a-12',
      'n°7',
      'x9',
    ]);
  });
});
