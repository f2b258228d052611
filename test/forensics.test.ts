// The forensic rules one by one, on documents as the rules see them (built here), and their words.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyser, buildCaseView, parseCutoff } from '../src/analysers/forensics.ts';
import { rules } from '../src/analysers/rules/index.ts';
import type { Carrier, CaseView, DocumentUnderReview, Rule, RuleHit } from '../src/analysers/rules/rule.ts';
import { openCase } from '../src/core/case.ts';
import { parseExifDate, parseIsoDate, parsePdfDate } from '../src/extract/dates.ts';
import { emptyFacts } from '../src/extract/facts.ts';
import type { DocumentFacts, ImageFacts, PdfFacts, WrittenDate, XmpPacket } from '../src/extract/types.ts';
import { isKnownCode, render } from '../src/report/catalogue.ts';
import { messageFields, tempDir } from './helpers/mail.ts';

const rule = (id: string): Rule => {
  const found = rules.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};
const iso = (s: string): WrittenDate => parseIsoDate(s)!;

let nextId = 1;
function doc(
  facts: Partial<DocumentFacts> = {},
  more: Partial<DocumentUnderReview> = {},
): DocumentUnderReview {
  const itemId = nextId++;
  return {
    itemId,
    sha256: itemId.toString(16).padStart(64, '0'),
    format: 'docx',
    facts: { ...emptyFacts(), ...facts },
    names: [],
    carriers: [],
    loose: true,
    ...more,
  };
}
function carrier(date: string | null, verdict: string | null = 'authentic'): Carrier {
  return { itemId: nextId++, date, verdict, from: 'someone@example.org' };
}
function view(documents: DocumentUnderReview[], more: Partial<CaseView> = {}): CaseView {
  return { cutoff: null, roster: [], rosterScripts: [], documents, nearDuplicates: [], ...more };
}
function pdf(more: Partial<PdfFacts> = {}): PdfFacts {
  return {
    version: '1.4',
    pages: 1,
    revisions: [],
    linearized: false,
    xmp: [],
    layers: [],
    pieceInfo: [],
    imageOnlyPages: 0,
    encrypted: false,
    ...more,
  };
}
function packet(more: Partial<XmpPacket> = {}): XmpPacket {
  return {
    offset: 0,
    toolkit: null,
    creatorTool: null,
    producer: null,
    created: null,
    modified: null,
    metadataDate: null,
    creators: [],
    history: [],
    ...more,
  };
}
const noImage: ImageFacts = {
  make: null,
  model: null,
  serial: null,
  software: null,
  original: null,
  digitized: null,
  modified: null,
  gps: null,
  width: null,
  height: null,
  traces: [],
};
/** Runs a rule on a document alone in its view (or in the view given). */
function hits(id: string, d: DocumentUnderReview, v: CaseView = view([d])): RuleHit[] {
  return rule(id).check(d, v);
}
const severityOf = (id: string, h: RuleHit) => h.severity ?? rule(id).severity;

describe('modified-after-carrier', () => {
  it('fires high when the document was saved after the email carrying it, naming the field and the email', () => {
    const email = carrier('2017-05-04T10:00:00.000Z');
    const d = doc({ modified: iso('2017-05-04T22:10:00+03:00') }, { carriers: [email], loose: false });
    const [hit, ...rest] = hits('modified-after-carrier', d);
    expect(rest).toEqual([]);
    expect(severityOf('modified-after-carrier', hit!)).toBe('high');
    expect(hit!.params).toMatchObject({
      field: 'modified',
      written: '2017-05-04T22:10:00+03:00',
      zoned: true,
    });
    expect(hit!.params.carrier).toBe(email.itemId);
    expect(hit!.evidence.carrier).toEqual(email);
  });

  it('judges a date without a zone over every zone it can mean', () => {
    const email = carrier('2017-05-04T10:00:00.000Z');
    // 12:00 somewhere on Earth can be 22:00 UTC the day before: not after the email.
    expect(
      hits('modified-after-carrier', doc({ modified: iso('2017-05-04T12:00:00') }, { carriers: [email] })),
    ).toEqual([]);
    const [hit] = hits(
      'modified-after-carrier',
      doc({ modified: iso('2017-05-06T12:00:00') }, { carriers: [email] }),
    );
    expect(hit!.params).toMatchObject({ zoned: false, written: '2017-05-06T12:00:00' });
  });

  it('allows clocks a few minutes apart, and compares with the first email that carried the bytes', () => {
    const d = doc(
      { modified: iso('2017-05-04T10:05:00Z') },
      { carriers: [carrier('2017-05-04T10:00:00.000Z'), carrier('2017-05-01T10:00:00.000Z')] },
    );
    const [hit] = hits('modified-after-carrier', d);
    expect(hit!.params.carrierDate).toBe('2017-05-01T10:00:00.000Z');
    expect(
      hits(
        'modified-after-carrier',
        doc({ modified: iso('2017-05-04T10:05:00Z') }, { carriers: [carrier('2017-05-04T10:00:00.000Z')] }),
      ),
    ).toEqual([]);
  });

  it('is medium when only a camera’s clock says so', () => {
    const photo = doc(
      { image: { ...noImage, original: parseExifDate('2017-05-09 10:00:00') } },
      { carriers: [carrier('2017-05-04T10:00:00.000Z')] },
    );
    expect(hits('modified-after-carrier', photo)[0]).toMatchObject({
      severity: 'medium',
      params: { field: 'EXIF DateTimeOriginal', zoned: false },
    });
  });

  it('says nothing of a loose file or an undated email', () => {
    expect(hits('modified-after-carrier', doc({ modified: iso('2030-01-01T00:00:00Z') }))).toEqual([]);
    expect(
      hits(
        'modified-after-carrier',
        doc({ modified: iso('2030-01-01T00:00:00Z') }, { carriers: [carrier(null)] }),
      ),
    ).toEqual([]);
  });
});

describe('after-cutoff', () => {
  const given = { at: '2017-05-05T00:00:00.000Z', source: 'given' as const };
  const late = { modified: iso('2017-05-06T09:00:00+02:00') };

  it('is high for a loose file dated after a cut-off that was given', () => {
    const d = doc(late);
    const [hit] = hits('after-cutoff', d, view([d], { cutoff: given }));
    expect(severityOf('after-cutoff', hit!)).toBe('high');
    expect(hit!.params).toMatchObject({ cutoff: given.at, source: 'given', loose: true, field: 'modified' });
  });

  it('is weaker against the latest authentic email, and for a file an email carries', () => {
    const d = doc(late);
    const [derived] = hits(
      'after-cutoff',
      d,
      view([d], { cutoff: { ...given, source: 'latest-authentic' } }),
    );
    expect(derived!.severity).toBe('medium');
    const attached = doc(late, { carriers: [carrier('2017-05-01T00:00:00.000Z')], loose: false });
    expect(hits('after-cutoff', attached, view([attached], { cutoff: given }))[0]!.severity).toBe('low');
  });

  it('says nothing without a cut-off or before it', () => {
    expect(hits('after-cutoff', doc(late))).toEqual([]);
    const d = doc({ modified: iso('2017-05-04T09:00:00+02:00') });
    expect(hits('after-cutoff', d, view([d], { cutoff: given }))).toEqual([]);
  });
});

describe('edit-burst', () => {
  const saved = (at: string, editor: string | null, application: string | null = null) =>
    doc({ modified: iso(at), lastModifiedBy: editor, application });

  it('is high for five different documents saved within three minutes by one editor', () => {
    const burst = [0, 40, 75, 130, 170].map((s) =>
      saved(new Date(Date.parse('2017-03-27T13:00:00Z') + s * 1000).toISOString(), 'Рошка Георгий Петрович'),
    );
    const other = saved('2017-03-27T13:01:00Z', 'Someone Else');
    const v = view([...burst, other]);
    for (const d of burst) {
      const [hit] = hits('edit-burst', d, v);
      expect(severityOf('edit-burst', hit!)).toBe('high');
      expect(hit!.params).toMatchObject({
        by: 'editor',
        documents: 5,
        minutes: 3,
        editor: 'Рошка Георгий Петрович',
      });
      expect((hit!.evidence.documents as { itemId: number }[]).map((m) => m.itemId)).toEqual(
        burst.map((d) => d.itemId),
      );
    }
    expect(hits('edit-burst', other, v)).toEqual([]);
  });

  it('needs three documents within the window', () => {
    const two = [saved('2017-03-27T13:00:00Z', 'A B'), saved('2017-03-27T13:01:00Z', 'A B')];
    expect(hits('edit-burst', two[0]!, view(two))).toEqual([]);
    const spread = ['13:00', '13:30', '14:00'].map((t) => saved(`2017-03-27T${t}:00Z`, 'A B'));
    expect(hits('edit-burst', spread[0]!, view(spread))).toEqual([]);
  });

  it('counts near copies of one text as one document', () => {
    const docs = ['13:00', '13:01', '13:02'].map((t) => saved(`2017-03-27T${t}:00Z`, 'A B'));
    const copy = { itemId: docs[1]!.itemId, of: docs[0]!.itemId, similarity: 0.98, diff: '−1 +2' };
    expect(hits('edit-burst', docs[0]!, view(docs, { nearDuplicates: [copy] }))).toEqual([]);
    expect(hits('edit-burst', docs[0]!, view(docs))).toHaveLength(1);
  });

  it('is medium when only the program and its language settings are shared', () => {
    const docs = ['13:00', '13:02', '13:04'].map((t, i) =>
      saved(`2017-03-27T${t}:00Z`, `Person ${i}`, 'Microsoft Excel'),
    );
    const [hit] = hits('edit-burst', docs[1]!, view(docs));
    expect(hit).toMatchObject({ severity: 'medium', params: { by: 'program', documents: 3 } });
  });

  it('compares dates without a zone by their wall clocks, and says so', () => {
    const docs = ['13:00', '13:01', '13:02'].map((t) => saved(`2017-03-27T${t}:00`, 'A B'));
    expect(hits('edit-burst', docs[0]!, view(docs))[0]!.params.zoned).toBe(false);
  });

  it('stays linear on a dump of thousands of files saved in one minute', () => {
    const docs = Array.from({ length: 5000 }, (_, i) =>
      saved(new Date(Date.parse('2017-03-27T13:00:00Z') + (i % 60) * 1000).toISOString(), 'A B'),
    );
    const v = view(docs);
    const [hit] = hits('edit-burst', docs[4999]!, v);
    expect(hit!.params.documents).toBe(5000);
    expect(hit!.evidence.documents).toHaveLength(50);
  });
});

describe('unknown-author', () => {
  const roster = ['etienne jouvin', 'keith bennett', 'nick.burch@example.org'];

  it('knows names folded, in any order, and logins as addresses’ local parts', () => {
    const d = doc({ authors: ['Keith Bennett', 'Jouvin, Étienne'], lastModifiedBy: 'nick.burch' });
    expect(hits('unknown-author', d, view([d], { roster }))).toEqual([]);
    const byName = doc({ lastModifiedBy: 'Burch Nick' });
    expect(hits('unknown-author', byName, view([byName], { roster }))).toEqual([]);
  });

  it('is medium for a person outside the roster, low when an authentic email carries the document', () => {
    const d = doc({ authors: ['Keith Bennett'], lastModifiedBy: 'Рошка Георгий Петрович' });
    const [hit, ...rest] = hits('unknown-author', d, view([d], { roster }));
    expect(rest).toEqual([]);
    expect(severityOf('unknown-author', hit!)).toBe('medium');
    expect(hit!.params).toMatchObject({ field: 'lastModifiedBy', name: 'Рошка Георгий Петрович' });
    const carried = doc({ authors: ['EJ04325S'] }, { carriers: [carrier('2017-01-01T00:00:00Z')] });
    expect(hits('unknown-author', carried, view([carried], { roster }))[0]!.severity).toBe('low');
  });

  it('says nothing without a roster, or of placeholder names', () => {
    const d = doc({ authors: ['Anyone'] });
    expect(hits('unknown-author', d)).toEqual([]);
    const placeholder = doc({ authors: ['author'], lastModifiedBy: 'user name' });
    expect(hits('unknown-author', placeholder, view([placeholder], { roster }))).toEqual([]);
  });
});

describe('foreign-script', () => {
  it('is high for a Cyrillic last editor and medium for a Cyrillic author, against the roster’s Latin names', () => {
    const d = doc({ authors: ['Иван Петров'], lastModifiedBy: 'Рошка Георгий Петрович' });
    const found = hits('foreign-script', d, view([d], { rosterScripts: ['Latin'] }));
    expect(found.map((h) => [h.params.field, h.params.script, h.severity])).toEqual([
      ['author', 'Cyrillic', 'medium'],
      ['lastModifiedBy', 'Cyrillic', 'high'],
    ]);
    expect(found[0]!.params.baseline).toBe('roster');
  });

  it('without a roster, compares with the names the case’s documents give', () => {
    const docs = ['Keith Bennett', 'Nick Burch', 'Etienne Jouvin', 'Rajiv'].map((n) =>
      doc({ lastModifiedBy: n }),
    );
    const odd = doc({ lastModifiedBy: 'Рошка Георгий Петрович' });
    const v = view([...docs, odd]);
    expect(hits('foreign-script', odd, v)[0]!.params).toMatchObject({
      baseline: 'documents',
      expected: ['Latin'],
    });
    expect(hits('foreign-script', docs[0]!, v)).toEqual([]);
  });

  it('is low when an authentic email carries the document', () => {
    const d = doc({ lastModifiedBy: 'Рошка Георгий' }, { carriers: [carrier('2017-01-01T00:00:00Z')] });
    expect(hits('foreign-script', d, view([d], { rosterScripts: ['Latin'] }))[0]!.severity).toBe('low');
  });
});

describe('foreign-locale', () => {
  const french = () =>
    doc(
      {
        compObjType: 'Feuille de calcul Microsoft Office Excel',
        codePage: 1252,
        sheetNames: ['Feuil1', 'Feuil2'],
      },
      { carriers: [carrier('2017-01-01T00:00:00Z')], loose: false },
    );

  it('does not flag a French organisation’s French Excel, and flags a Russian one high (two settings agree)', () => {
    const own = [french(), french()];
    const russian = doc({ compObjType: 'Лист Microsoft Excel', codePage: 1251, sheetNames: ['Лист1'] });
    const v = view([...own, russian]);
    expect(
      hits('foreign-locale', doc({ compObjType: 'Feuille de calcul Microsoft Office Excel' }), v),
    ).toEqual([]);
    const [hit] = hits('foreign-locale', russian, v);
    expect(hit!.severity).toBe('high');
    expect(hit!.params).toMatchObject({
      kinds: ['compobj', 'code-page', 'sheet-names'],
      locales: ['ru', 'cyrillic', 'ru'],
      baseline: 'authentic-documents',
    });
  });

  it('takes as usual what the authentic documents mostly show, not a partner’s file attached once', () => {
    const own = Array.from({ length: 12 }, french);
    const partner = doc({ sheetNames: ['Лист1'] }, { carriers: [carrier('2017-01-01T00:00:00Z')] });
    const planted = doc({ sheetNames: ['Лист1'] });
    const [hit] = hits('foreign-locale', planted, view([...own, partner, planted]));
    expect(hit!.params).toMatchObject({ locales: ['ru'], expected: ['fr'] });
  });

  it('is medium on one setting and low on declared languages alone', () => {
    const v = (d: DocumentUnderReview) =>
      view([
        doc(
          { languages: ['fr-FR'], sheetNames: ['Feuil1'] },
          { carriers: [carrier('2017-01-01T00:00:00Z')] },
        ),
        d,
      ]);
    const sheets = doc({ sheetNames: ['Tabelle1'] });
    expect(hits('foreign-locale', sheets, v(sheets))[0]).toMatchObject({
      severity: 'medium',
      params: { locales: ['de'] },
    });
    const lang = doc({ languages: ['en-US'] });
    expect(hits('foreign-locale', lang, v(lang))[0]).toMatchObject({
      severity: 'low',
      params: { kinds: ['language'] },
    });
  });

  it('without authentic documents, compares with most of the case’s documents, and needs more than one', () => {
    const docs = [1, 2, 3].map(() => doc({ codePage: 1252 }));
    const odd = doc({ codePage: 1251 });
    expect(hits('foreign-locale', odd, view([...docs, odd]))[0]).toMatchObject({
      severity: 'low',
      params: { baseline: 'case-documents' },
    });
    expect(hits('foreign-locale', odd, view([odd]))).toEqual([]);
  });
});

describe('app-anachronism', () => {
  it('is high for Office 2016’s AppVersion on a file saved years before, medium within the year before', () => {
    const [hit] = hits(
      'app-anachronism',
      doc({ appVersion: '16.0000', modified: iso('2010-11-12T16:21:00Z') }),
    );
    expect(hit).toMatchObject({
      severity: 'high',
      params: { where: 'AppVersion', value: '16.0000', field: 'modified', released: '2015-07-09' },
    });
    expect(
      hits('app-anachronism', doc({ appVersion: '16.0000', modified: iso('2015-03-01T00:00:00Z') }))[0]!
        .severity,
    ).toBe('medium');
  });

  it('is low when only the creation date is older (Save As keeps it), and silent when the dates fit', () => {
    const resaved = doc({
      appVersion: '12.0000',
      created: iso('2006-09-12T00:00:00Z'),
      modified: iso('2011-08-22T00:00:00Z'),
    });
    expect(hits('app-anachronism', resaved)[0]).toMatchObject({
      severity: 'low',
      params: { field: 'created' },
    });
    expect(
      hits('app-anachronism', doc({ appVersion: '12.0000', modified: iso('2010-11-12T16:21:00Z') })),
    ).toEqual([]);
  });

  it('dates the program an ODF file names as its generator', () => {
    const odt = doc({
      application: 'LibreOffice/7.3.7.2$Linux_X86_64 LibreOffice_project/30$Build-2',
      modified: iso('2016-05-01T10:00:00'),
    });
    expect(hits('app-anachronism', odt)[0]).toMatchObject({
      severity: 'high',
      params: { where: 'Application', release: 'LibreOffice/7.3', released: '2020-08-05' },
    });
  });

  it('dates a PDF’s producer and its XMP toolkit', () => {
    const quartz = doc({
      producer: 'macOS Version 13.2.1 (Build 22D68) Quartz PDFContext',
      modified: parsePdfDate("D:20200410104217-06'00'"),
      pdf: pdf({
        xmp: [
          packet({
            toolkit: 'Adobe XMP Core 4.2.1-c041 52.342996, 2008/05/07',
            created: iso('1998-08-29T13:53:15-01:00'),
          }),
        ],
      }),
    });
    const found = hits('app-anachronism', quartz);
    expect(found.map((h) => [h.params.where, h.severity])).toEqual([
      ['Producer', 'high'],
      ['XMP 1 toolkit', 'low'],
    ]);
    expect(found[0]!.params.release).toBe('macOS Version 13.2');
  });
});

describe('font-anachronism', () => {
  it('is high for Calibri in a file saved two years before its release, medium in the year before', () => {
    const [hit] = hits(
      'font-anachronism',
      doc({ fonts: ['ABCDEF+Calibri-Bold'], modified: iso('2005-01-01T00:00:00Z') }),
    );
    expect(hit).toMatchObject({
      severity: 'high',
      params: { value: 'ABCDEF+Calibri-Bold', release: 'Calibri', released: '2007-01-30' },
    });
    expect(
      hits('font-anachronism', doc({ fonts: ['Calibri'], modified: iso('2006-06-01T00:00:00Z') }))[0]!
        .severity,
    ).toBe('medium');
    expect(
      hits('font-anachronism', doc({ fonts: ['Calibri'], modified: iso('2008-06-01T00:00:00Z') })),
    ).toEqual([]);
  });

  it('reads the longest name the table knows', () => {
    const [hit] = hits(
      'font-anachronism',
      doc({ fonts: ['SegoeUIEmoji'], modified: iso('2010-01-01T00:00:00Z') }),
    );
    expect(hit!.params.release).toBe('Segoe UI Emoji');
    expect(
      hits('font-anachronism', doc({ fonts: ['Times New Roman'], modified: iso('1990-01-01T00:00:00Z') })),
    ).toEqual([]);
  });
});

describe('pdf-revised', () => {
  const rev = (changed: string[], info: Record<string, string>, end: number) => ({
    end,
    info,
    changed,
    objects: 3,
  });

  it('is high when a later revision changes the author, with both authors', () => {
    const d = doc({
      pdf: pdf({
        revisions: [
          rev([], { Author: 'Bertrand Delacrétaz' }, 1000),
          rev(['Info/Author', 'Info/ModDate'], { Author: 'Рошка Георгий Петрович' }, 1400),
        ],
      }),
    });
    const [hit] = hits('pdf-revised', d);
    expect(hit).toMatchObject({
      severity: 'high',
      params: {
        updates: 1,
        telling: ['Info/Author'],
        firstAuthor: 'Bertrand Delacrétaz',
        lastAuthor: 'Рошка Георгий Петрович',
      },
    });
    expect(render({ code: 'forensics.pdf-revised', params: hit!.params })).toContain(
      '“Рошка Георгий Петрович” now',
    );
  });

  it('is medium for updates that change nothing telling, silent on one revision', () => {
    const d = doc({
      pdf: pdf({ revisions: [rev([], {}, 10), rev(['Info/ModDate', 'annotations'], {}, 20)] }),
    });
    expect(hits('pdf-revised', d)[0]!.severity).toBe('medium');
    expect(hits('pdf-revised', doc({ pdf: pdf({ revisions: [rev([], {}, 10)] }) }))).toEqual([]);
  });
});

describe('producer-mismatch', () => {
  it('is medium when the XMP toolkit’s family differs from the producer’s', () => {
    const d = doc({
      producer: 'macOS Version 13.2.1 (Build 22D68) Quartz PDFContext',
      pdf: pdf({ xmp: [packet({ toolkit: 'Adobe XMP Core 9.0-c000 79.da4a7e5ef, 2022/11/27-09:35:03' })] }),
    });
    const [hit] = hits('producer-mismatch', d);
    expect(severityOf('producer-mismatch', hit!)).toBe('medium');
    expect(hit!.params).toMatchObject({ kind: 'toolkit', where: 'toolkit', packet: 1 });
  });

  it('is high for an image editor’s object made seconds before the last save of an older document', () => {
    const d = doc({
      producer: 'macOS Version 13.2.1 (Build 22D68) Quartz PDFContext',
      created: iso('2023-03-27T16:37:01Z'),
      modified: iso('2023-04-10T10:42:17-06:00'),
      pdf: pdf({
        xmp: [
          packet({
            history: [
              {
                action: 'created',
                when: iso('2023-04-10T10:41:59-06:00'),
                softwareAgent: 'Adobe Photoshop 24.3 (Macintosh)',
                changed: null,
              },
            ],
          }),
        ],
      }),
    });
    const [hit] = hits('producer-mismatch', d);
    expect(hit).toMatchObject({
      severity: 'high',
      params: { kind: 'image-editor', inserted: true, value: 'Adobe Photoshop 24.3 (Macintosh)' },
    });
  });

  it('names each program once, however many packets name it', () => {
    const toolkit = 'Adobe XMP Core 9.0-c000 79.cca54b0, 2022/11/26-09:29:55';
    const d = doc({
      producer: 'macOS Version 13.2.1 (Build 22D68) Quartz PDFContext',
      pdf: pdf({ xmp: [packet({ toolkit }), packet({ toolkit }), packet({ toolkit })] }),
    });
    const found = hits('producer-mismatch', d);
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence.packets).toEqual([1, 2, 3]);
  });

  it('says nothing of a PDF an image editor made itself', () => {
    const d = doc({
      application: 'Adobe Photoshop 7.0',
      producer: 'Adobe Photoshop for Macintosh',
      pdf: pdf({ xmp: [packet({ creatorTool: 'Adobe Photoshop 7.0', toolkit: 'XMP toolkit 2.8.2-33' })] }),
    });
    expect(hits('producer-mismatch', d)).toEqual([]);
  });
});

describe('layered-scan', () => {
  it('is high for a "scan" (an image-only page) with layers, or named a scan with Illustrator data', () => {
    const [hit] = hits(
      'layered-scan',
      doc({ pdf: pdf({ layers: ['Text', 'Letterhead'], imageOnlyPages: 1 }) }),
    );
    expect(hit).toMatchObject({ params: { layers: 2, imageOnlyPages: 1 } });
    expect(severityOf('layered-scan', hit!)).toBe('high');
    const named = doc({ pdf: pdf({ pieceInfo: ['Illustrator'] }) }, { names: ['scan_0001.pdf'] });
    expect(hits('layered-scan', named)[0]!.params).toMatchObject({
      pieceInfo: ['Illustrator'],
      scanWords: true,
    });
  });

  it('does not take a PDF its own image program exported for a scan', () => {
    const photoshop = doc({
      application: 'Adobe Photoshop 7.0',
      producer: 'Adobe Photoshop for Macintosh',
      pdf: pdf({ pieceInfo: ['AdobePhotoshop'], imageOnlyPages: 1 }),
    });
    expect(hits('layered-scan', photoshop)).toEqual([]);
  });

  it('says nothing of layers in a document that is no scan, or of a flat scan', () => {
    expect(hits('layered-scan', doc({ pdf: pdf({ layers: ['Roads'] }) }, { names: ['map.pdf'] }))).toEqual(
      [],
    );
    expect(hits('layered-scan', doc({ pdf: pdf({ imageOnlyPages: 3 }) }))).toEqual([]);
  });
});

describe('loose-only and name-collision', () => {
  it('marks a loose file low only in a case whose emails carry documents', () => {
    const loose = doc({}, { names: ['offshore.pdf'] });
    expect(hits('loose-only', loose)).toEqual([]);
    const attached = doc({}, { carriers: [carrier('2017-01-01T00:00:00Z')], loose: false });
    const [hit] = hits('loose-only', loose, view([loose, attached]));
    expect(hit).toMatchObject({ params: { name: 'offshore.pdf' } });
    expect(severityOf('loose-only', hit!)).toBe('low');
    expect(hits('loose-only', attached, view([loose, attached]))).toEqual([]);
    // An object embedded in a loose document has no name of its own: its document is the one judged.
    const embedded = doc({}, { names: [] });
    expect(hits('loose-only', embedded, view([loose, attached, embedded]))).toEqual([]);
  });

  it('is medium on a file sharing its name with an authentically carried one, never on the carried one', () => {
    const genuine = doc(
      {},
      { names: ['Contrat.docx'], carriers: [carrier('2017-01-01T00:00:00Z')], loose: false },
    );
    const planted = doc({}, { names: ['contrat.docx'] });
    const v = view([genuine, planted]);
    expect(hits('name-collision', planted, v)[0]).toMatchObject({
      severity: 'medium',
      params: { name: 'contrat.docx', others: 1, authenticated: 1 },
    });
    expect(hits('name-collision', genuine, v)).toEqual([]);
  });

  it('is low between unauthenticated versions, and ignores the names mail programs make up', () => {
    const a = doc({}, { names: ['budget.xlsx'] });
    const b = doc({}, { names: ['budget.xlsx'] });
    expect(hits('name-collision', a, view([a, b]))[0]!.severity).toBe('low');
    const c = doc({}, { names: ['image001.png'] });
    const e = doc({}, { names: ['image001.png'] });
    expect(hits('name-collision', c, view([c, e]))).toEqual([]);
  });
});

describe('hostile facts', () => {
  it('reads bounded parts of huge values and long lists, and keeps evidence short', () => {
    const huge = `${'Рошка '.repeat(200_000)}`;
    const d = doc({
      lastModifiedBy: huge,
      fonts: Array.from({ length: 100_000 }, () => 'Calibri'),
      compObjType: `Лист Microsoft Excel ${'x'.repeat(1_000_000)}`,
      sheetNames: Array.from({ length: 100_000 }, (_, i) => `Лист${i}`),
      languages: Array.from({ length: 100_000 }, (_, i) => `x${i}`),
      modified: iso('2005-01-01T00:00:00Z'),
      producer: 'macOS Version 13.2.1 (Build 22D68) Quartz PDFContext',
      pdf: pdf({
        xmp: Array.from({ length: 20_000 }, () => packet({ toolkit: 'Adobe XMP Core 9.0-c000' })),
        revisions: Array.from({ length: 10_000 }, (_, i) => ({
          end: i,
          info: {},
          changed: ['Info/Author'],
          objects: 1,
        })),
      }),
    });
    const v = view([d, doc({ sheetNames: ['Feuil1'] }, { carriers: [carrier('2017-01-01T00:00:00Z')] })], {
      rosterScripts: ['Latin'],
    });
    const found = rules.flatMap((r) => r.check(d, v).map((h) => [r.id, h] as const));
    const of = (id: string) => found.filter(([r]) => r === id).map(([, h]) => h);
    expect(of('font-anachronism')).toHaveLength(1);
    expect(of('producer-mismatch')).toHaveLength(1);
    expect((of('producer-mismatch')[0]!.evidence.packets as number[]).length).toBe(1000);
    expect((of('pdf-revised')[0]!.evidence.revisions as unknown[]).length).toBe(20);
    expect(of('foreign-script')[0]!.params.script).toBe('Cyrillic');
    expect(JSON.stringify(of('foreign-locale')[0]!.params).length).toBeLessThan(40_000);
  });
});

describe('the cut-off as given', () => {
  it('reads an instant, a day as its end (UTC, as --cutoff says), and a time without a zone as the latest it can mean', () => {
    expect(parseCutoff('2017-05-05T12:00:00+02:00')).toBe('2017-05-05T10:00:00.000Z');
    expect(parseCutoff('2017-05-05')).toBe('2017-05-05T23:59:59.999Z');
    expect(parseCutoff('2017-05-05T12:00:00')).toBe('2017-05-06T00:00:00.000Z');
    expect(parseCutoff('yesterday')).toBeNull();
  });
});

describe('the words', () => {
  it('every rule has words, and every firing above reads without a hole', () => {
    for (const r of rules) expect(isKnownCode(`forensics.${r.id}`), r.id).toBe(true);
    expect(isKnownCode('forensics.rule-failed')).toBe(true);
    const email = carrier('2017-05-04T10:00:00.000Z');
    const samples: [string, DocumentUnderReview, CaseView?][] = [
      ['modified-after-carrier', doc({ modified: iso('2017-05-06T12:00:00') }, { carriers: [email] })],
      ['app-anachronism', doc({ appVersion: '16.0000', modified: iso('2010-11-12T16:21:00Z') })],
      ['font-anachronism', doc({ fonts: ['Calibri'], created: iso('2005-01-01T00:00:00Z') })],
      ['layered-scan', doc({ pdf: pdf({ layers: ['Text'], imageOnlyPages: 1 }) })],
    ];
    for (const [id, d, v] of samples) {
      const [hit] = hits(id, d, v);
      const text = render({ code: `forensics.${id}`, params: hit!.params });
      expect(text, id).not.toMatch(/undefined|NaN|\[object/);
      expect(text.length, id).toBeGreaterThan(60);
    }
  });
});

describe('the forensics analyser', () => {
  const input = (itemId: number) => ({
    itemId,
    bytes: Buffer.alloc(0),
    type: 'document' as const,
    format: 'docx',
    transformations: [],
    flags: [],
    message: null,
  });
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  it('checks the document it is given with every rule, by its item id: summary the highest severity', async () => {
    const bytes = Buffer.from('planted');
    const d = doc({ lastModifiedBy: 'Рошка Георгий Петрович' }, { sha256: sha(bytes) });
    const out = await analyser.start(view([d], { rosterScripts: ['Latin'] }))(input(d.itemId));
    expect(out.status).toBe('ok');
    expect(out.summary).toBe('high');
    expect(out.findings.map((f) => [f.code, f.severity])).toEqual([['forensics.foreign-script', 'high']]);
    expect(JSON.parse(out.resultJson)).toEqual({ rules: rules.map((r) => r.id), cutoff: null });
  });

  it('a rule that fails on odd facts is said, and the other rules still report', async () => {
    const bytes = Buffer.from('odd');
    // Facts stored by a broken or older extractor: a list that is not one.
    const d = doc({ lastModifiedBy: 'Рошка Георгий', fonts: 'Calibri' as never }, { sha256: sha(bytes) });
    const out = await analyser.start(view([d], { rosterScripts: ['Latin'] }))(input(d.itemId));
    expect(out.findings.map((f) => f.code)).toEqual(['forensics.foreign-script', 'forensics.rule-failed']);
    expect(out.findings[1]).toMatchObject({ severity: 'info', params: { rule: 'font-anachronism' } });
    expect(JSON.parse(out.resultJson).failed).toEqual(['font-anachronism']);
  });

  it('keeps what it stores of hostile values short', async () => {
    const bytes = Buffer.from('huge');
    const d = doc({ lastModifiedBy: 'Рошка '.repeat(200_000) }, { sha256: sha(bytes) });
    const out = await analyser.start(view([d], { rosterScripts: ['Latin'] }))(input(d.itemId));
    const name = String(out.findings[0]!.params.name);
    expect(name.length).toBe(1001);
    expect(name.endsWith('…')).toBe(true);
  });

  it('skips, saying why, a document that has no extraction', async () => {
    const out = await analyser.start(view([]))(input(987_654));
    expect(out).toMatchObject({ status: 'skipped', summary: null, findings: [] });
  });
});

describe('the case view, from a real store', () => {
  it('walks up through an email inside an email: both carry the document, which is not loose', async () => {
    const kase = openCase(join(tempDir('crible-view-'), 'case'), { create: true });
    try {
      const ids = await kase.store.transaction((w) => {
        const source = w.openSource('/dump', 'directory');
        const at = (parentId: number | null, path: string, filename: string | null) => ({
          sourceId: source.id,
          parentId,
          path,
          pathRaw: null,
          byteStart: null,
          byteEnd: null,
          filename,
          declaredType: null,
          transformations: [],
          flags: [],
        });
        const put = (
          n: number,
          type: 'message' | 'attachment',
          format: string,
          place: ReturnType<typeof at>,
        ) =>
          w.putItem(
            { sha256: String(n).repeat(64), size: 1, type, format, status: 'ok', reason: null },
            place,
          ).id;
        const outer = put(1, 'message', 'eml', at(null, 'outer.eml', 'outer.eml'));
        const inner = put(2, 'message', 'msg', at(outer, 'attachments/0', 'forwarded.msg'));
        const docx = put(3, 'attachment', 'docx', at(inner, 'attachments/0', 'contrat.docx'));
        const message = (date: string, address: string) =>
          messageFields({ date, from: [{ name: 'Alice Martin', address }] });
        w.putMessage(outer, message('2017-05-02T08:00:00.000Z', 'alice@campagne.example'));
        w.putMessage(inner, message('2017-04-30T08:00:00.000Z', 'bob@ailleurs.example'));
        const analysis = (itemId: number, analyserId: string, summary: string, result: unknown) =>
          w.putAnalysis({
            itemId,
            analyser: analyserId,
            version: '1',
            status: 'ok',
            summary,
            resultJson: JSON.stringify(result),
            inputs: [],
            findings: [],
          });
        analysis(outer, 'dkim', 'authentic', {});
        analysis(inner, 'dkim', 'unsigned', {});
        analysis(docx, 'extract', 'ooxml', { facts: { lastModifiedBy: 'Alice Martin' } });
        return { outer, inner, docx };
      });
      const v = await buildCaseView(kase.store, {});
      expect(v.documents).toHaveLength(1);
      expect(v.documents[0]).toMatchObject({
        itemId: ids.docx,
        names: ['contrat.docx'],
        loose: false,
        facts: { ...emptyFacts(), lastModifiedBy: 'Alice Martin' },
      });
      expect(v.documents[0]!.carriers.map((c) => [c.itemId, c.verdict])).toEqual([
        [ids.outer, 'authentic'],
        [ids.inner, 'unsigned'],
      ]);
      expect(v.roster).toEqual(['alice martin', 'alice@campagne.example']);
      expect(v.cutoff).toEqual({ at: '2017-05-02T08:00:00.000Z', source: 'latest-authentic' });
    } finally {
      await kase.store.close();
    }
  });
});

describe('the process time zone', () => {
  it('changes nothing the rules find (Node applies a new TZ at once)', () => {
    const email = carrier('2017-05-04T10:00:00.000Z');
    const docs = [
      doc({ modified: iso('2017-05-06T12:00:00') }, { carriers: [email] }),
      doc({
        modified: iso('2017-05-04T22:10:00+03:00'),
        appVersion: '16.0000',
        created: iso('2008-01-01T00:00:00'),
      }),
      ...['13:00', '13:01', '13:02'].map((t) =>
        doc({ modified: iso(`2017-03-27T${t}:00`), lastModifiedBy: 'A B' }),
      ),
    ];
    const v = view(docs, { cutoff: { at: '2017-05-01T00:00:00.000Z', source: 'given' } });
    const run = (tz: string) => {
      process.env.TZ = tz;
      return JSON.stringify(docs.map((d) => rules.map((r) => r.check(d, view(v.documents, v)))));
    };
    const before = process.env.TZ;
    try {
      const kiritimati = run('Pacific/Kiritimati');
      expect(new Date('2017-01-01T00:00:00Z').getTimezoneOffset()).toBe(-840);
      expect(run('America/Adak')).toBe(kiritimati);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
