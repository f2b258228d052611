// The near-duplicates of a case's texts are kept in the case with a digest of the texts compared: the
// rules run again on the same texts (verify --case, a new cut-off) without comparing every text
// again, and a changed set of texts is compared afresh.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseView } from '../src/analysers/forensics.ts';
import { type Case, openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { tempDir } from './helpers/mail.ts';

const SETTING = 'forensics.near-duplicates';
const TEXT =
  'Le comité de campagne a validé le budget des réunions publiques pour le mois de mai, ' +
  'avec un montant total de 12 400 euros réparti entre Paris, Lyon et Marseille.';

let root: string;
let kase: Case;

beforeAll(async () => {
  root = tempDir();
  mkdirSync(join(root, 'dump'));
  writeFileSync(join(root, 'dump', 'budget.txt'), TEXT);
  writeFileSync(join(root, 'dump', 'budget-v2.txt'), TEXT.replace('12 400', '19 400'));
  kase = openCase(join(root, 'case'), { create: true });
  await ingestIntoCase(kase, [join(root, 'dump')]);
});

afterAll(() => kase.store.close());

const pairs = async () =>
  (await buildCaseView(kase.store, {})).nearDuplicates.map((m) => [m.itemId, m.of, m.diff]);

describe('near-duplicates kept in the case', () => {
  it('are found once, kept, and reused while the texts are the same', async () => {
    const found = await pairs();
    expect(found).toHaveLength(2);
    expect(found[0]![2]).toBe('−12 400 +19 400');
    // What is kept is what is used: emptied under the same digest, the view has no pair.
    const kept = JSON.parse((await kase.store.setting(SETTING))!) as {
      key: string;
      found: { groups: number[][]; pairs: unknown[] };
    };
    expect(kept.found.pairs).toHaveLength(1);
    await kase.store.transaction((writer) =>
      writer.putSetting(SETTING, JSON.stringify({ key: kept.key, found: { ...kept.found, pairs: [] } })),
    );
    expect(await pairs()).toEqual([]);
  });

  it('are found again when a text is added', async () => {
    mkdirSync(join(root, 'more'));
    writeFileSync(join(root, 'more', 'budget-v3.txt'), TEXT.replace('Lyon', 'Lille'));
    await ingestIntoCase(kase, [join(root, 'more')]);
    const found = await pairs();
    expect(found.length).toBe(6);
    expect(found.map(([, , diff]) => diff)).toContain('−Lyon +Lille');
  });
});
