// The core every capability builds on: names as bytes, placement facts per occurrence, participants,
// units of work with revisions, analysers plugged in from outside the pipeline, the change feed,
// filters in the store, and the upgrade of a case written by the previous schema.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { Analyser } from '../src/analysers/analyser.ts';
import { type AnalysisProgress, analyseCase } from '../src/core/analyse-case.ts';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { coded } from '../src/report/catalogue.ts';
import { sha256Hex } from '../src/store/blobs.ts';
import { migrations } from '../src/store/sqlite/migrations.ts';
import { zip } from './helpers/archives.ts';
import { crible, message, placement, tempDir } from './helpers/mail.ts';

const bytesPath = (...parts: (string | Buffer)[]) =>
  Buffer.concat(
    parts.flatMap((p, i) => [...(i ? [Buffer.from('/')] : []), Buffer.isBuffer(p) ? p : Buffer.from(p)]),
  );

describe('names are bytes', () => {
  it('gives each file whose name is not UTF-8 its own item with its bytes, flagged, and a re-run adds nothing', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    // café.eml and cafè.eml written by a Latin-1 system: e9 and e8 are not UTF-8.
    const names = [Buffer.from('caf\xe9.eml', 'latin1'), Buffer.from('caf\xe8.eml', 'latin1')];
    const contents = [message({ id: 'latin1-e9' }), message({ id: 'latin1-e8' })];
    for (const [i, name] of names.entries()) writeFileSync(bytesPath(dump, name), contents[i]!);
    const caseDir = join(root, 'case');
    const first = await crible(['ingest', dump, '--case', caseDir, '--json']);
    expect(first.code).toBe(0);
    const rows = JSON.parse((await crible(['list', '--case', caseDir, '--json'])).stdout);
    expect(rows.map((r: { path: string }) => r.path).sort()).toEqual(['caf\\xe8.eml', 'caf\\xe9.eml']);
    expect(rows.every((r: { status: string }) => r.status === 'ok')).toBe(true);
    for (const row of rows) {
      const shown = JSON.parse((await crible(['show', String(row.id), '--case', caseDir, '--json'])).stdout);
      const raw = Buffer.from(shown.occurrences[0].pathRaw.data);
      const index = names.findIndex((n) => n.equals(raw));
      expect(index).not.toBe(-1);
      expect(shown.item.sha256).toBe(sha256Hex(contents[index]!));
      expect(shown.occurrences[0].flags).toContain('name-not-utf8');
    }
    const again = JSON.parse((await crible(['ingest', dump, '--case', caseDir, '--json'])).stdout);
    expect(again.added).toBe(0);
    expect(again.perSource[0].filesAlreadyDone).toBe(2);
  });
});

describe('formats by score', () => {
  it('reads a dump of Office and OpenDocument files as documents, never as containers of XML parts', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    const types =
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
    const ooxml = (folder: string, main: string) =>
      zip([
        ['[Content_Types].xml', Buffer.from(types)],
        ['_rels/.rels', Buffer.from('<Relationships/>')],
        ['docProps/core.xml', Buffer.from('<cp:coreProperties/>')],
        [`${folder}/${main}`, Buffer.from('<main/>')],
        [`${folder}/styles.xml`, Buffer.from('<styles/>')],
      ]);
    writeFileSync(join(dump, 'rapport.docx'), await ooxml('word', 'document.xml'));
    writeFileSync(join(dump, 'comptes.xlsx'), await ooxml('xl', 'workbook.xml'));
    writeFileSync(join(dump, 'meeting.pptx'), await ooxml('ppt', 'presentation.xml'));
    // ODF: the mimetype member first and stored, as the standard requires.
    writeFileSync(
      join(dump, 'note.odt'),
      await zip(
        [
          ['mimetype', Buffer.from('application/vnd.oasis.opendocument.text')],
          ['content.xml', Buffer.from('<office:document-content/>')],
          ['meta.xml', Buffer.from('<office:document-meta/>')],
        ],
        false,
      ),
    );
    const caseDir = join(root, 'case');
    const run = await crible(['ingest', dump, '--case', caseDir, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ items: 4, containers: 0, documents: 4 });
    const rows = JSON.parse((await crible(['list', '--case', caseDir, '--json'])).stdout);
    expect(Object.fromEntries(rows.map((r: { path: string; format: string }) => [r.path, r.format]))).toEqual(
      {
        'comptes.xlsx': 'xlsx',
        'meeting.pptx': 'pptx',
        'note.odt': 'odt',
        'rapport.docx': 'docx',
      },
    );
  });

  it('recognises formats it cannot read yet (zstd): limited, with the reason, and counted; an OLM archive is read, a damaged store is failed', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    const olm = await zip([
      ['Categories.xml', Buffer.from('<categories/>')],
      [
        'Accounts/alice@example.org/com.microsoft.__Messages/Inbox/message_00000.xml',
        Buffer.from('<emails/>'),
      ],
    ]);
    writeFileSync(join(dump, 'archive.olm'), olm);
    writeFileSync(
      join(dump, 'mails.mbox.zst'),
      Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(100, 7)]),
    );
    writeFileSync(
      join(dump, 'boite.pst'),
      Buffer.concat([Buffer.from('!BDN\x01\x02\x03\x04SM\x17\x00', 'latin1'), Buffer.alloc(600)]),
    );
    writeFileSync(join(dump, 'ok.eml'), message({ id: 'beside-the-stores' }));
    const caseDir = join(root, 'case');
    const run = await crible(['ingest', dump, '--case', caseDir]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('not read yet by this version of Crible');
    const rows = JSON.parse((await crible(['list', '--case', caseDir, '--json'])).stdout);
    const byPath = Object.fromEntries(rows.map((r: { path: string }) => [r.path, r]));
    // An OLM archive is a container now; its one message file holds no message, and says so.
    expect(byPath['archive.olm']).toMatchObject({ type: 'container', format: 'olm', status: 'ok' });
    expect(byPath['mails.mbox.zst']).toMatchObject({ type: 'container', format: 'zstd', status: 'limited' });
    expect(byPath['boite.pst']).toMatchObject({ type: 'container', format: 'pst', status: 'failed' });
    expect(byPath['ok.eml']).toMatchObject({ type: 'message', status: 'ok' });
    const stats = JSON.parse((await crible(['stats', '--case', caseDir, '--json'])).stdout);
    expect(stats.byStatus.limited).toBe(1);
  });

  it('reads mail behind a UTF-8 BOM or blank lines, and an mbox with a line of preamble', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    writeFileSync(
      join(dump, 'bom.txt'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), message({ id: 'bom' })]),
    );
    writeFileSync(
      join(dump, 'blank.txt'),
      Buffer.concat([Buffer.from('\r\n\r\n'), message({ id: 'blank' })]),
    );
    const envelope = 'From alice@campagne.example Tue May  2 10:15:00 2017\n';
    writeFileSync(
      join(dump, 'export.txt'),
      `Exported by MailTool 2.1\n${envelope}${message({ id: 'm1', eol: '\n' })}\n${envelope}${message({ id: 'm2', eol: '\n' })}`,
    );
    const caseDir = join(root, 'case');
    await crible(['ingest', dump, '--case', caseDir]);
    const rows = JSON.parse(
      (await crible(['list', '--case', caseDir, '--type', 'message', '--json'])).stdout,
    );
    const ids = [];
    for (const row of rows) {
      const shown = JSON.parse((await crible(['show', String(row.id), '--case', caseDir, '--json'])).stdout);
      ids.push(shown.message?.messageId);
    }
    expect(ids.sort()).toEqual([
      '<blank@campagne.example>',
      '<bom@campagne.example>',
      '<m1@campagne.example>',
      '<m2@campagne.example>',
    ]);
  });
});

describe('placement facts belong to the place', () => {
  it('shows each copy of an attachment with the name its own email gave it', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    const pdf = Buffer.from('%PDF-1.4\n% the same bytes twice\n%%EOF\n').toString('base64');
    const carrier = (id: string, filename: string) =>
      Buffer.from(
        [
          'From: Alice <alice@campagne.example>',
          'To: Bob <bob@campagne.example>, Carol <CAROL@Other.example>',
          `Subject: ${id}`,
          'Date: Tue, 02 May 2017 10:15:00 +0200',
          `Message-ID: <${id}@campagne.example>`,
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          '--b',
          'Content-Type: text/plain',
          '',
          'see attached',
          '--b',
          `Content-Type: application/pdf; name="${filename}"`,
          `Content-Disposition: attachment; filename="${filename}"`,
          'Content-Transfer-Encoding: base64',
          '',
          pdf,
          '--b--',
          '',
        ].join('\r\n'),
      );
    writeFileSync(join(dump, 'a.eml'), carrier('a', 'budget-v1.pdf'));
    writeFileSync(join(dump, 'b.eml'), carrier('b', 'comptes-offshore.pdf'));
    const caseDir = join(root, 'case');
    expect((await crible(['ingest', dump, '--case', caseDir])).code).toBe(0);
    const attachments = JSON.parse(
      (await crible(['list', '--case', caseDir, '--type', 'attachment', '--json'])).stdout,
    );
    expect(attachments).toHaveLength(1);
    const shown = JSON.parse(
      (await crible(['show', String(attachments[0].id), '--case', caseDir, '--json'])).stdout,
    );
    expect(shown.occurrences.map((o: { filename: string }) => o.filename)).toEqual([
      'budget-v1.pdf',
      'comptes-offshore.pdf',
    ]);
    expect(
      shown.occurrences.every((o: { declaredType: string }) => o.declaredType === 'application/pdf'),
    ).toBe(true);
    // Each copy says where its bytes lie in its carrier: the range holds the base64 body.
    for (const o of shown.occurrences) {
      expect(o.flags).toContain('encoded-range:base64');
      const carrierBytes = Buffer.from(
        (await crible(['raw', String(o.parentId), '--case', caseDir])).stdout,
        'latin1',
      );
      const decoded = Buffer.from(carrierBytes.subarray(o.byteStart, o.byteEnd).toString('latin1'), 'base64');
      expect(sha256Hex(decoded)).toBe(shown.item.sha256);
    }
    const text = (await crible(['show', String(attachments[0].id), '--case', caseDir])).stdout;
    expect(text).toContain('budget-v1.pdf: ');
    expect(text).toContain('comptes-offshore.pdf: ');

    // Participants are rows: normalised address and domain, by role.
    const kase = openCase(caseDir, { create: false });
    try {
      const [messageItem] = await kase.store.listItems({ type: 'message', limit: 1 });
      expect(await kase.store.participantsOf(messageItem!.id)).toEqual([
        { role: 'from', name: 'Alice', address: 'alice@campagne.example', domain: 'campagne.example' },
        { role: 'to', name: 'Bob', address: 'bob@campagne.example', domain: 'campagne.example' },
        { role: 'to', name: 'Carol', address: 'carol@other.example', domain: 'other.example' },
      ]);
    } finally {
      await kase.store.close();
    }
  });
});

describe('analysers plug in without touching the pipeline', () => {
  const toy = (version: string, runs: number[]): Analyser<{ word: string }> => ({
    id: 'toy-secret',
    version,
    types: ['document'],
    async setup() {
      return { word: 'SECRET' };
    },
    start(setup) {
      return async (input) => {
        runs.push(input.bytes.length);
        const found = input.bytes.includes(setup.word);
        return {
          status: 'ok',
          summary: found ? 'secret' : 'clean',
          resultJson: JSON.stringify({ found }),
          inputs: [],
          findings: found
            ? [
                {
                  code: 'toy.secret',
                  severity: 'high',
                  params: { word: setup.word },
                  evidence: { size: input.bytes.length },
                },
              ]
            : [],
          // A text for the search index only where the word is: the index reads that item again.
          ...(found ? { text: { source: 'document' as const, text: 'the secret plan, as read' } } : {}),
        };
      };
    },
  });

  it('runs a toy analyser, stores its findings, re-runs it only on a version bump, and feeds the change feed', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    writeFileSync(join(dump, 'note.txt'), 'a SECRET plan\n');
    writeFileSync(join(dump, 'other.txt'), 'nothing to see\n');
    writeFileSync(join(dump, 'm.eml'), message({ id: 'toy' }));
    const kase = openCase(join(root, 'case'), { create: true });
    try {
      // How far the steps after the files got, each told at its start and at its end.
      const ingestSteps: AnalysisProgress[] = [];
      await ingestIntoCase(kase, [dump], { onAnalysisProgress: (p) => ingestSteps.push(p) });
      for (const step of ['extract', 'forensics', 'index'])
        expect(ingestSteps.filter((p) => p.step === step).map((p) => p.done === p.total)).toEqual(
          step === 'index' ? expect.arrayContaining([true]) : [false, true],
        );
      const store = kase.store;
      const before = await store.revision();
      const runs: number[] = [];
      const steps: AnalysisProgress[] = [];
      const [first] = await analyseCase(store, {
        analysers: [toy('1', runs)],
        onProgress: (p) => steps.push(p),
      });
      expect(first).toMatchObject({ analyser: 'toy-secret', checked: 2, failed: 0 });
      expect(steps).toEqual([
        { step: 'toy-secret', done: 0, total: 2 },
        { step: 'toy-secret', done: 2, total: 2 },
        { step: 'index', done: 1, total: 1 },
      ]);
      expect(runs).toHaveLength(2);
      expect(await store.findingCounts()).toMatchObject({ 'toy.secret': 1 });
      const [flagged] = await store.listItems({ findings: ['toy.secret'] });
      expect((await store.findingsOf(flagged!.id))[0]).toMatchObject({
        analyser: 'toy-secret',
        code: 'toy.secret',
        severity: 'high',
        params: { word: 'SECRET' },
      });
      expect(await store.countItems({ summaries: { analyser: 'toy-secret', values: ['clean'] } })).toBe(1);
      // What the index reads again since the revision before the run: the document given a text; the
      // other analysed document changed, but not its text. Both moved in the change feed of the facets.
      expect((await store.textChangesSince(before)).map((c) => c.itemId)).toEqual([flagged!.id]);
      expect((await store.listItems({ type: 'document' })).every((i) => i.revision > before)).toBe(true);

      // Same version: nothing to do. A new version: everything it reads again.
      expect((await analyseCase(store, { analysers: [toy('1', runs)] }))[0]!.checked).toBe(0);
      expect((await analyseCase(store, { analysers: [toy('2', runs)] }))[0]!.checked).toBe(2);
      expect(runs).toHaveLength(4);
      expect((await store.getAnalysis(flagged!.id, 'toy-secret'))?.version).toBe('2');
    } finally {
      await kase.store.close();
    }
  });

  it('records an analyser that throws as a failed analysis of that item, and goes on', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    writeFileSync(join(dump, 'a.txt'), 'one\n');
    writeFileSync(join(dump, 'b.txt'), 'two\n');
    const kase = openCase(join(root, 'case'), { create: true });
    try {
      await ingestIntoCase(kase, [dump]);
      const broken: Analyser = {
        id: 'broken',
        version: '1',
        types: ['document'],
        async setup() {
          return null;
        },
        start() {
          return async (input) => {
            if (input.bytes.includes('one')) throw new Error('cannot read this one');
            return { status: 'ok', summary: null, resultJson: '{}', inputs: [], findings: [] };
          };
        },
      };
      const [run] = await analyseCase(kase.store, { analysers: [broken] });
      expect(run).toMatchObject({ checked: 2, failed: 1 });
      const [a] = await kase.store.listItems({ type: 'document', limit: 1 });
      expect(await kase.store.getAnalysis(a!.id, 'broken')).toMatchObject({
        status: 'failed',
        result: { error: 'cannot read this one' },
      });
    } finally {
      await kase.store.close();
    }
  });
});

describe('units of work', () => {
  it('gives two writers of the same content one item (insert-or-get), and rolls a failed unit back whole', async () => {
    const dir = join(tempDir(), 'case');
    const a = openCase(dir, { create: true });
    const b = openCase(dir, { create: false });
    try {
      const sourceId = await a.store.transaction((w) => w.openSource('/dump', 'directory').id);
      const place = (path: string) => placement(sourceId, path, { filename: path });
      const item = {
        sha256: 'a'.repeat(64),
        size: 1,
        type: 'document' as const,
        format: 'text',
        status: 'ok' as const,
        reason: null,
      };
      const fromA = await a.store.transaction((w) => w.putItem(item, place('x.txt')));
      const fromB = await b.store.transaction((w) => w.putItem(item, place('copy/x.txt')));
      expect(fromA.isNew).toBe(true);
      expect(fromB).toEqual({ id: fromA.id, isNew: false });
      expect((await a.store.occurrencesOf(fromA.id)).map((o) => o.path)).toEqual(['x.txt', 'copy/x.txt']);

      const revision = await a.store.revision();
      await expect(
        a.store.transaction((w) => {
          w.putItem({ ...item, sha256: 'b'.repeat(64) }, place('y.txt'));
          throw new Error('disk full');
        }),
      ).rejects.toThrow('disk full');
      expect(await a.store.countItems({})).toBe(1);
      expect(await a.store.revision()).toBe(revision);
      // A writer cannot be used once its unit of work is over.
      let kept: import('../src/store/store.ts').StoreWriter | null = null;
      await a.store.transaction((w) => {
        kept = w;
      });
      expect(() => kept!.setItemStatus(fromA.id, 'failed', coded('item.too-deep', { limit: 1 }))).toThrow(
        /unit of work/,
      );
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });
});

describe('a case written by the previous schema', () => {
  it('opens, migrates in place, and lists the same items, verdicts and counts', async () => {
    const root = tempDir();
    const caseDir = join(root, 'case');
    mkdirSync(join(caseDir, 'blobs'), { recursive: true });
    const body = message({ id: 'old', from: 'Alice Martin <Alice@Campagne.example>' });
    const sha = sha256Hex(body);
    mkdirSync(join(caseDir, 'blobs', sha.slice(0, 2)));
    writeFileSync(join(caseDir, 'blobs', sha.slice(0, 2), sha), body);
    // What schema 3 (the previous main) wrote: its three migrations, and rows as its writer made them.
    const db = new DatabaseSync(join(caseDir, 'case.db'));
    for (const step of migrations.slice(0, 3)) db.exec(step as string);
    db.exec('PRAGMA user_version = 3');
    db.exec(`
      INSERT INTO sources (id, path, kind, size, sha256, started_at, completed_at)
        VALUES (1, '/dump', 'directory', 100, '${'c'.repeat(64)}', '2026-11-01T00:00:00Z', '2026-11-01T00:00:01Z');
      INSERT INTO items (id, sha256, size, type, detected, declared_type, filename, status, reason, transformations,
          source_id, parent_id, path, byte_start, byte_end)
        VALUES (1, '${sha}', ${body.length}, 'message', 'eml', NULL, 'old.eml', 'ok', NULL, '[]', 1, NULL, 'old.eml', NULL, NULL),
               (2, NULL, 0, 'document', 'unknown', NULL, 'link', 'failed', 'symbolic link not followed', '[]', 1, NULL, 'link', NULL, NULL);
      INSERT INTO occurrences (item_id, source_id, parent_id, path, byte_start, byte_end)
        VALUES (1, 1, NULL, 'old.eml', NULL, NULL), (1, 1, NULL, 'copy/old.eml', NULL, NULL), (2, 1, NULL, 'link', NULL, NULL);
      INSERT INTO messages (item_id, message_id, date_raw, date, subject, from_addr, sender_addr, to_addr, cc_addr,
          bcc_addr, reply_to_addr, in_reply_to, refs, header_raw, text_body, has_html, flags)
        VALUES (1, '<old@campagne.example>', 'Tue, 02 May 2017 10:15:00 +0200', '2017-05-02T08:15:00.000Z', 'Message old',
          '[{"name":"Alice Martin","address":"Alice@Campagne.example"}]', '[]',
          '[{"name":"Bob Durand","address":"bob@campagne.example"}]', '[]', '[]', '[]', NULL, '[]', 'From: …', 'Bonjour', 0, '[]');
      INSERT INTO verifications (item_id, verdict, judged_at, report, verified_at)
        VALUES (1, 'key-unavailable', '2017-05-02T08:15:00.000Z',
          '{"verdict":"key-unavailable","reasons":["No key was found for the signature."],"signatures":[],"arc":{"result":"none","reason":null,"hops":[]},"caveat":"A passing signature proves only that the signing domain sent these signed headers and this body."}',
          '2026-11-01T00:00:01Z');
      INSERT INTO signatures (item_id, idx, key_name, result) VALUES (1, 0, 's1._domainkey.campagne.example', 'no-key');
    `);
    db.close();
    writeFileSync(join(caseDir, 'custody.jsonl'), '');

    const listed = JSON.parse((await crible(['list', '--case', caseDir, '--json'])).stdout);
    expect(listed).toMatchObject([
      { id: 1, type: 'message', path: 'old.eml', status: 'ok', verdict: 'key-unavailable' },
      {
        id: 2,
        type: 'document',
        path: 'link',
        status: 'failed',
        reason: { code: 'legacy.text', text: 'symbolic link not followed' },
      },
    ]);
    const stats = JSON.parse((await crible(['stats', '--case', caseDir, '--json'])).stdout);
    expect(stats).toMatchObject({
      items: 2,
      occurrences: 3,
      duplicates: 1,
      byStatus: { ok: 1, failed: 1 },
      verdicts: { 'key-unavailable': 1 },
      signatures: {},
    });
    const shown = JSON.parse((await crible(['show', '1', '--case', caseDir, '--json'])).stdout);
    expect(shown.message.from).toEqual([{ name: 'Alice Martin', address: 'alice@campagne.example' }]);
    expect(shown.occurrences.map((o: { filename: string }) => o.filename)).toEqual(['old.eml', 'old.eml']);
    const text = (await crible(['show', '1', '--case', caseDir])).stdout;
    expect(text).toContain('No key was found for the signature.');
    const migrated = new DatabaseSync(join(caseDir, 'case.db'), { readOnly: true });
    expect(
      Number((migrated.prepare('PRAGMA user_version').get() as { user_version: number }).user_version),
    ).toBe(migrations.length);
    migrated.close();
    // The old verification is an older version of the dkim analyser: analyse re-verifies it.
    const analysed = JSON.parse((await crible(['analyse', '--case', caseDir, '--json'])).stdout);
    expect(analysed[0]).toMatchObject({ analyser: 'dkim', checked: 1 });
    expect(readFileSync(join(caseDir, 'custody.jsonl'), 'utf8')).toBe('');
  });
});
