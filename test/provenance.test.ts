// Provenance of documents, through a real ingest: a docx attached to an email whose DKIM signature
// passes is "authenticated by its carrier" (the body hash covers it); the same bytes found loose are
// the same item and inherit that; a loose copy with one figure changed is an altered copy of it.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyserById, analysers } from '../src/analysers/index.ts';
import { alteredCopy } from '../src/analysers/rules/altered-copy.ts';
import type { CaseView, DocumentUnderReview } from '../src/analysers/rules/rule.ts';
import { nearDuplicates } from '../src/analysers/similarity.ts';
import { type Case, openCase } from '../src/core/case.ts';
import { describeItem, type ItemDescription } from '../src/core/describe.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { emptyFacts } from '../src/extract/facts.ts';
import { render } from '../src/report/catalogue.ts';
import { makeDocx } from '../src/sample/documents.ts';
import { dkimSignatureFor, generateDkimKeys, keyFileJson } from '../src/sample/synth.ts';
import { messageWithAttachment } from './helpers/attached.ts';
import { tempDir } from './helpers/mail.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const SENT = 'Tue, 02 May 2017 10:15:00 +0200';

const paragraphs = (amount: string) => [
  'Comité de campagne — réunion du 28 avril 2017, compte rendu approuvé par le trésorier.',
  'Le budget de la tournée en région a été revu après la réunion avec les fournisseurs de la campagne.',
  `Le montant total du contrat de prestation est de ${amount} euros, payable en trois échéances.`,
  'La première échéance est due à la signature, la deuxième au premier meeting, la dernière en juin.',
  'Le conseil demande un rapport mensuel des dépenses et des recettes, avec le solde du compte.',
];

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let kase: Case;
/** What the test wrote in each document, by SHA-256 (until a docx extractor gives the text). */
const written = new Map<string, string>();
const shown: Record<'original' | 'altered' | 'other' | 'unsignedTail', ItemDescription> = {} as never;
let carrierId: number;

async function docx(amount: string, title = 'Contrat tournée'): Promise<Buffer> {
  const p = title === 'Contrat tournée' ? paragraphs(amount) : [`${title} : ${amount} euros.`];
  const bytes = await makeDocx({
    title,
    creator: 'Alice Martin',
    lastModifiedBy: 'Alice Martin',
    created: new Date('2017-04-28T09:00:00Z'),
    modified: new Date('2017-04-29T16:30:00Z'),
    paragraphs: p,
  });
  written.set(sha256(bytes), p.join('\n'));
  return bytes;
}

beforeAll(async () => {
  const dir = tempDir('crible-provenance-');
  const [key] = generateDkimKeys([{ domain: 'campagne.example', selector: 'ed2017', type: 'ed25519' }]);
  const original = await docx('1 200 000');
  const altered = await docx('1 900 000');
  const other = await docx('80 000', 'Devis imprimeur');
  mkdirSync(join(dir, 'mail'));
  mkdirSync(join(dir, 'loose'));
  const content = messageWithAttachment('contrat', 'contrat-tournee.docx', DOCX, original);
  const signature = await dkimSignatureFor(content, key!, { signTime: new Date('2017-05-02T08:15:00Z') });
  writeFileSync(join(dir, 'mail', 'signed.eml'), Buffer.concat([Buffer.from(signature), content]));
  writeFileSync(join(dir, 'mail', 'unsigned.eml'), messageWithAttachment('devis', 'devis.docx', DOCX, other));
  // Signed with l=: the signature covers the start of the body only, not the attachment after it.
  const tail = await docx('15 000', 'Note de frais');
  const partial = messageWithAttachment('frais', 'frais.docx', DOCX, tail);
  const partialSignature = await dkimSignatureFor(partial, key!, {
    signTime: new Date('2017-05-02T08:15:00Z'),
    maxBodyLength: 20,
  });
  writeFileSync(join(dir, 'mail', 'partial.eml'), Buffer.concat([Buffer.from(partialSignature), partial]));
  writeFileSync(join(dir, 'loose', 'copie contrat.docx'), original);
  writeFileSync(join(dir, 'loose', 'contrat final.docx'), altered);
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keyFileJson([key!])));
  kase = openCase(join(dir, 'case'), { create: true });
  await ingestIntoCase(kase, [join(dir, 'mail'), join(dir, 'loose')], {
    keyFiles: [join(dir, 'keys.json')],
    workers: 1,
  });
  const items = await kase.store.listItems({ type: 'all' });
  const idOf = (bytes: Buffer) => items.find((i) => i.sha256 === sha256(bytes))!.id;
  const describe = async (bytes: Buffer) =>
    (await describeItem(
      kase.store,
      idOf(bytes),
      analysers.map((a) => a.id),
    ))!;
  shown.original = await describe(original);
  shown.altered = await describe(altered);
  shown.other = await describe(other);
  shown.unsignedTail = await describe(tail);
  carrierId = items.find((i) => i.type === 'message' && i.first.path === 'signed.eml')!.id;
  return () => kase.store.close();
});

describe('provenance of documents', () => {
  it('an attachment of an authentic email is authenticated by its carrier, named with its verdict and date', () => {
    const { origin } = shown.original;
    expect(origin?.authenticated).toBe(true);
    expect(origin?.carriers).toEqual([
      expect.objectContaining({
        itemId: carrierId,
        verdict: 'authentic',
        dateRaw: SENT,
        date: '2017-05-02T08:15:00.000Z',
        filename: 'contrat-tournee.docx',
        vouches: true,
      }),
    ]);
    expect(render(origin!.summary[0]!)).toMatch(/^Authenticated by its carrier: an authentic email carried/);
  });

  it('the same bytes found loose are the same item, and inherit it: said so', () => {
    const { origin, occurrences } = shown.original;
    expect(occurrences.map((o) => o.path)).toEqual(['part/1/contrat-tournee.docx', 'copie contrat.docx']);
    expect(origin?.loose.map((chain) => chain[0]!.path)).toEqual(['copie contrat.docx']);
    expect(origin?.summary.map((s) => s.code)).toEqual(['provenance.authenticated', 'provenance.inherited']);
    expect(render(origin!.summary[1]!)).toContain('same SHA-256');
  });

  it('a copy found loose only, or carried by an unsigned email, has nothing vouching for it', () => {
    expect(shown.altered.origin).toMatchObject({ authenticated: false, carriers: [] });
    expect(shown.altered.origin?.summary.map((s) => s.code)).toEqual(['provenance.loose-only']);
    expect(shown.other.origin).toMatchObject({
      authenticated: false,
      carriers: [{ verdict: 'unsigned', vouches: false, filename: 'devis.docx' }],
    });
    expect(render(shown.other.origin!.summary[0]!)).toContain('no signature vouches for it');
  });

  it('an authentic email whose signature stops before the attachment (l=) does not vouch for it', () => {
    const [carrier] = shown.unsignedTail.origin!.carriers;
    expect(shown.unsignedTail.origin?.authenticated).toBe(false);
    expect(carrier).toMatchObject({ verdict: expect.stringMatching(/^authentic/), vouches: false });
    expect(carrier!.why.code).toBe('provenance.carrier.unsigned-tail');
    expect(render(carrier!.why)).toContain('may be in the unsigned part');
  });

  it('a loose copy with one figure changed is an altered copy of the authenticated one, with the diff', async () => {
    const view = await caseView([shown.original, shown.altered, shown.other]);
    const [hit, ...more] = alteredCopy.check(view.documents[1]!, view);
    expect(more).toEqual([]);
    expect(hit).toMatchObject({
      params: {
        other: shown.original.item.id,
        diff: '−1 200 000 +1 900 000',
        authenticated: true,
        carrier: carrierId,
        carrierVerdict: 'authentic',
      },
      evidence: { other: { itemId: shown.original.item.id }, diff: '−1 200 000 +1 900 000' },
    });
    expect(hit!.severity).toBeUndefined();
    expect(alteredCopy.severity).toBe('high');
    expect(render({ code: 'forensics.altered-copy', params: hit!.params })).toMatch(
      /^Nearly the same text as an authenticated document, but not identical\. Its words are 9\d\.\d% those of item \d+, which authentic email \d+ carries/,
    );
    // The authenticated original is the reference: it does not fire.
    expect(alteredCopy.check(view.documents[0]!, view)).toEqual([]);
  });

  it.runIf(analyserById('forensics') !== undefined)(
    'is a stored finding once the forensics analyser runs',
    async () => {
      const findings = (await kase.store.findingsOf(shown.altered.item.id)).filter((f) =>
        f.code.endsWith('altered-copy'),
      );
      expect(findings).toEqual([
        expect.objectContaining({
          severity: 'high',
          evidence: expect.objectContaining({ diff: '−1 200 000 +1 900 000' }),
        }),
      ]);
    },
  );
});

/** The view the forensics analyser builds, from what the case says (its carriers, the documents' text). */
async function caseView(descriptions: ItemDescription[]): Promise<CaseView> {
  const documents: DocumentUnderReview[] = descriptions.map((d) => ({
    itemId: d.item.id,
    sha256: d.item.sha256!,
    format: d.item.format,
    facts: d.metadata?.facts ?? emptyFacts(),
    names: d.occurrences.map((o) => o.filename ?? o.path),
    carriers: d.origin!.carriers.map((c) => ({
      itemId: c.itemId,
      date: c.date,
      verdict: c.verdict,
      from: c.from,
    })),
    loose: d.origin!.loose.length > 0,
  }));
  const texts = [];
  for (const d of descriptions)
    texts.push({
      itemId: d.item.id,
      text: (await kase.store.getText(d.item.id))?.text ?? written.get(d.item.sha256!)!,
    });
  return {
    cutoff: null,
    roster: [],
    rosterScripts: [],
    documents,
    nearDuplicates: nearDuplicates(texts),
  };
}
