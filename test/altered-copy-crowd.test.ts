// An altered copy among many versions of itself: the authenticated original is listed among its near
// matches however many unvouched copies are closer, and that follows the verdicts. Found through the
// workflow a newsroom runs: ingest without keys, then `keys import` and `verify --case`, the near
// pairs found at ingest kept and the matches chosen again from them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { makeDocx } from '../src/sample/documents.ts';
import { dkimSignatureFor, generateDkimKeys, keyFileJson } from '../src/sample/synth.ts';
import { messageWithAttachment } from './helpers/attached.ts';
import { crible, tempDir } from './helpers/mail.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** Unvouched versions of the altered copy, each one word from it: more than the 10 matches a document lists. */
const VERSIONS = 12;
const PLACES = [
  'Lille',
  'Nantes',
  'Rennes',
  'Brest',
  'Nice',
  'Metz',
  'Caen',
  'Dijon',
  'Tours',
  'Reims',
  'Pau',
  'Laval',
];

const paragraphs = (amount: string, deposit: string, place: string) => [
  'Comité de campagne, réunion du 28 avril 2017 : compte rendu approuvé par le trésorier et le conseil.',
  'Le budget de la tournée en région a été revu après la réunion avec les fournisseurs de la campagne.',
  `Le montant total du contrat de prestation est de ${amount} euros, payable en trois échéances.`,
  `Un acompte de ${deposit} euros est versé à la signature, la suite au premier meeting à ${place}.`,
  'Le conseil demande un rapport mensuel des dépenses et des recettes, avec le solde du compte.',
  'Les factures sont adressées au trésorier, qui les transmet au mandataire financier chaque semaine.',
];

const docx = (amount: string, deposit: string, place: string) =>
  makeDocx({
    title: 'Contrat tournée',
    creator: 'Alice Martin',
    lastModifiedBy: 'Alice Martin',
    created: new Date('2017-04-28T09:00:00Z'),
    modified: new Date('2017-04-29T16:30:00Z'),
    paragraphs: paragraphs(amount, deposit, place),
  });

let dir: string;
let caseDir: string;
let original: number;
let altered: number;

async function alteredCopyOf(itemId: number) {
  const kase = openCase(caseDir, { create: false });
  try {
    return (await kase.store.findingsOf(itemId))
      .filter((f) => f.code === 'forensics.altered-copy')
      .map((f) => ({
        severity: f.severity,
        other: (f.evidence as { other: { itemId: number } }).other.itemId,
      }));
  } finally {
    await kase.store.close();
  }
}

beforeAll(async () => {
  dir = tempDir('crible-crowd-');
  const [key] = generateDkimKeys([{ domain: 'campagne.example', selector: 'ed2017', type: 'ed25519' }]);
  mkdirSync(join(dir, 'mail'));
  mkdirSync(join(dir, 'loose'));
  // The original, carried by a signed email; the altered copy has two figures changed.
  const content = messageWithAttachment(
    'contrat',
    'contrat.docx',
    DOCX,
    await docx('1 200 000', '300 000', 'Lyon'),
  );
  const signature = await dkimSignatureFor(content, key!, { signTime: new Date('2017-05-02T08:15:00Z') });
  writeFileSync(join(dir, 'mail', 'signed.eml'), Buffer.concat([Buffer.from(signature), content]));
  writeFileSync(join(dir, 'loose', 'contrat final.docx'), await docx('1 900 000', '700 000', 'Lyon'));
  for (const [i, place] of PLACES.slice(0, VERSIONS).entries())
    writeFileSync(join(dir, 'loose', `contrat v${i + 2}.docx`), await docx('1 900 000', '700 000', place));
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keyFileJson([key!])));
  caseDir = join(dir, 'case');
  const r = await crible(['ingest', join(dir, 'mail'), join(dir, 'loose'), '--case', caseDir]);
  expect(r.code, r.stderr).toBe(0);
  const kase = openCase(caseDir, { create: false });
  const items = await kase.store.listItems({ type: 'all' });
  const named = (name: string) => items.find((i) => i.first.path.endsWith(name))!.id;
  original = named('contrat.docx');
  altered = named('contrat final.docx');
  await kase.store.close();
});

describe('an altered copy among many versions of it', () => {
  it('without the key, nothing vouches for the original: the copy is only one version of a text (low)', async () => {
    const found = await alteredCopyOf(altered);
    expect(found).toHaveLength(10);
    expect(found.every((f) => f.severity === 'low')).toBe(true);
    // Its versions are one word away, the original four: the closest ten are versions.
    expect(found.map((f) => f.other)).not.toContain(original);
  });

  it('once the key is imported and the mail verified again, the authenticated original is listed first (high)', async () => {
    expect((await crible(['keys', 'import', join(dir, 'keys.json'), '--case', caseDir])).code).toBe(0);
    const r = await crible(['verify', '--case', caseDir]);
    expect(r.stdout).toMatch(
      /The forensic rules read the verdicts: they ran again on 14 document\(s\)\.\n {2}\d+ now have findings of another severity/,
    );
    expect(r.code, r.stderr).toBe(0);
    const found = await alteredCopyOf(altered);
    expect(found[0]).toEqual({ severity: 'high', other: original });
    expect(found).toHaveLength(10);
    expect(found.slice(1).every((f) => f.severity === 'low')).toBe(true);
    // The original is the reference: it does not fire.
    expect(await alteredCopyOf(original)).toEqual([]);
    // Verified again with no verdict changed, the rules have nothing new to read: they do not run.
    const again = await crible(['verify', '--case', caseDir, '--all']);
    expect(again.stdout).toContain('0 verdict(s) changed');
    expect(again.stdout).not.toContain('forensic rules');
  });
});
