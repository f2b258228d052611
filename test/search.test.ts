// Search over a small case built here: every query feature (French and English stems, phrases,
// exclusion, OR, parentheses, prefixes, substrings, each field), errors with their position, facets,
// date sort, the index following new ingests, the CLI's faces, and field queries checked against a
// generated case's ground truth.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Case, openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { batchSearch, planSearch, QueryError, searchCase } from '../src/core/search.ts';
import { render } from '../src/report/catalogue.ts';
import { generateMessageList, writeMaildir } from '../src/sample/synth.ts';
import { crible, message, tempDir } from './helpers/mail.ts';

const CAMPAGNE = 'campagne.example';
const alice = `Alice Martin <alice@${CAMPAGNE}>`;
const bob = `Bob Durand <bob@${CAMPAGNE}>`;
const claire = 'Claire Petit <claire@mairie.example.fr>';
const david = 'David Leroy <david@presse.example>';

/** A message with one PDF attachment. */
function withAttachment(id: string, filename: string): Buffer {
  const pdf = Buffer.from(
    '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  );
  const lines = [
    `From: ${alice}`,
    `To: ${david}`,
    'Subject: Budget 2017',
    'Date: Tue, 15 Nov 2016 09:00:00 +0100',
    `Message-ID: <${id}@${CAMPAGNE}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Voici le budget prévisionnel.',
    '--b1',
    `Content-Type: application/pdf; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    pdf.toString('base64'),
    '--b1--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

let kase: Case;
let dump: string;
/** Item id of each message, by its Message-ID's local part. */
const ids: Record<string, number> = {};

beforeAll(async () => {
  const root = tempDir();
  dump = join(root, 'dump');
  mkdirSync(join(dump, 'archive'), { recursive: true });
  const files: [string, Buffer][] = [
    [
      'a1.eml',
      message({
        id: 'a1',
        from: alice,
        to: bob,
        extraHeaders: [`Cc: ${claire}`],
        subject: 'Les élections municipales',
        date: 'Thu, 02 Mar 2017 10:00:00 +0100',
        body: 'Le trésorier a envoyé les factures du mois.\nIBAN FR76 3000 6000 0112 3456 7890 189.',
      }),
    ],
    [
      'b1.eml',
      message({
        id: 'b1',
        from: bob,
        to: alice,
        subject: 'Re: Les élections municipales',
        date: 'Fri, 03 Mar 2017 11:00:00 +0100',
        extraHeaders: [`In-Reply-To: <a1@${CAMPAGNE}>`, `References: <a1@${CAMPAGNE}>`],
        body: 'The election budget is ready. One facture is missing.',
      }),
    ],
    [
      'c1.eml',
      message({
        id: 'c1',
        from: david,
        to: alice,
        subject: 'Interview request',
        date: 'Mon, 24 Apr 2017 23:30:00 +0000',
        body: 'Could we meet about the campaign financing? Regards',
      }),
    ],
    ['d1.eml', withAttachment('d1', 'budget-campagne-2017.pdf')],
    [
      'e1.eml',
      message({
        id: 'e1',
        from: `Eve <eve@${CAMPAGNE}>`,
        to: bob,
        subject: 'Trésorerie',
        date: 'Tue, 25 Apr 2017 08:00:00 +0000',
        body: 'Le tresorier demande un virement.',
      }),
    ],
    [
      'archive/f1.eml',
      message({
        id: 'f1',
        from: bob,
        to: claire,
        subject: 'Réunion',
        date: 'Wed, 10 May 2017 09:00:00 +0200',
        body: 'Réunion demain à la mairie.',
      }),
    ],
  ];
  for (const [name, bytes] of files) writeFileSync(join(dump, name), bytes);
  kase = openCase(join(root, 'case'), { create: true });
  await ingestIntoCase(kase, [dump], { workers: 1 });
  for (const item of await kase.store.listItems({ type: 'message' })) {
    const m = await kase.store.getMessage(item.id);
    ids[m!.messageId!.replace(/^<|@.*$/g, '')] = item.id;
  }
});

afterAll(async () => {
  await kase.store.close();
});

/** The Message-ID names of a query's hits (other items by their type), sorted. */
async function found(query: string): Promise<string[]> {
  const result = await searchCase(kase.store, query, { limit: 100 });
  expect(result.total).toBe(result.hits.length);
  const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
  return result.hits.map((h) => names[h.id] ?? h.type).sort();
}

function queryError(query: string): { code: string; position: number } {
  // Planning is synchronous: an invalid query fails before the store is asked anything.
  try {
    planSearch(query);
  } catch (err) {
    if (err instanceof QueryError) return { code: err.code, position: Number(err.params.position) };
    throw err;
  }
  throw new Error(`no error for ${query}`);
}

describe('words, French and English', () => {
  it('matches a word by its French and English stems, accents folded', async () => {
    expect(await found('élections')).toEqual(['a1', 'b1']);
    expect(await found('election')).toEqual(['a1', 'b1']);
    expect(await found('facture')).toEqual(['a1', 'b1']);
    expect(await found('factures')).toEqual(['a1', 'b1']);
    expect(await found('tresorier')).toEqual(['a1', 'e1']);
    expect(await found('TRÉSORIER')).toEqual(['a1', 'e1']);
    expect(await found('campaign')).toEqual(['c1']);
  });

  it('finds names, addresses and words with digits', async () => {
    expect(await found('claire')).toEqual(['a1', 'f1']);
    expect(await found('fr76')).toEqual(['a1']);
  });

  it('quoted words are exact: in this order, accents folded, not stemmed', async () => {
    expect(await found('"trésorier a envoyé"')).toEqual(['a1']);
    expect(await found('"tresorier a envoye"')).toEqual(['a1']);
    expect(await found('"factures du mois"')).toEqual(['a1']);
    expect(await found('"facture du mois"')).toEqual([]);
    expect(await found('"factures"')).toEqual(['a1']);
  });

  it('combines terms with AND, OR, exclusion and parentheses', async () => {
    expect(await found('election budget')).toEqual(['b1']);
    expect(await found('election AND budget')).toEqual(['b1']);
    expect(await found('election -budget')).toEqual(['a1']);
    expect(await found('election NOT budget')).toEqual(['a1']);
    expect(await found('facture OR interview')).toEqual(['a1', 'b1', 'c1']);
    expect(await found('(interview OR réunion) alice')).toEqual(['c1']);
    expect(await found('(interview OR réunion) -alice')).toEqual(['f1']);
    // The attachment is named budget-campagne-2017.pdf: excluded too.
    expect(await found('-budget -election -facture')).toEqual(['c1', 'e1', 'f1']);
  });

  it('prefixes and substrings', async () => {
    expect(await found('tréso*')).toEqual(['a1', 'e1']);
    expect(await found('*3456 789*')).toEqual(['a1']);
    expect(await found('*0112345*')).toEqual([]);
    expect(await found('*lectio*')).toEqual(['a1', 'b1']);
  });
});

describe('fields', () => {
  it('subject, body, file names', async () => {
    expect(await found('subject:budget')).toEqual(['d1']);
    expect(await found('body:budget')).toEqual(['b1', 'd1']);
    expect(await found('subject:"élections municipales"')).toEqual(['a1', 'b1']);
    expect(await found('filename:campagne-2017')).toEqual(['d1', 'pdf']);
    expect(await found('filename:"budget campagne"')).toEqual(['d1', 'pdf']);
    expect(await found('filename:zzz')).toEqual([]);
  });

  it('people: an address, a domain with its subdomains, or a name, in their role', async () => {
    expect(await found(`from:alice@${CAMPAGNE}`)).toEqual(['a1', 'd1']);
    expect(await found('from:alice')).toEqual(['a1', 'd1']);
    expect(await found('from:"alice martin"')).toEqual(['a1', 'd1']);
    expect(await found(`from:${CAMPAGNE}`)).toEqual(['a1', 'b1', 'd1', 'e1', 'f1']);
    expect(await found('to:david@presse.example')).toEqual(['d1']);
    expect(await found('cc:claire')).toEqual(['a1']);
    expect(await found('to:claire')).toEqual(['f1']);
    expect(await found('participant:claire@mairie.example.fr')).toEqual(['a1', 'f1']);
    expect(await found('domain:mairie.example.fr')).toEqual(['a1', 'f1']);
    expect(await found('domain:example.fr')).toEqual(['a1', 'f1']);
    expect(await found('domain:presse.example')).toEqual(['c1', 'd1']);
  });

  it('dates: a year, a month, a day, ranges with both ends included whole, open ranges', async () => {
    expect(await found('date:2017')).toEqual(['a1', 'b1', 'c1', 'e1', 'f1']);
    expect(await found('date:2017-03')).toEqual(['a1', 'b1']);
    expect(await found('date:2017-03-03')).toEqual(['b1']);
    expect(await found('date:2017-03-01..2017-04-24')).toEqual(['a1', 'b1', 'c1']);
    expect(await found('date:2017-04-25..')).toEqual(['e1', 'f1']);
    expect(await found('date:..2016')).toEqual(['d1']);
    expect(await found('date:2017 tresorier')).toEqual(['a1', 'e1']);
  });

  it('type, attachments, verdicts, flags, mailboxes and threads', async () => {
    expect(await found('type:email')).toEqual(['a1', 'b1', 'c1', 'd1', 'e1', 'f1']);
    expect(await found('type:pdf')).toEqual(['pdf']);
    expect(await found('type:attachment')).toEqual(['pdf']);
    expect(await found('has:attachment')).toEqual(['d1']);
    expect(await found('verdict:unsigned budget')).toEqual(['b1', 'd1']);
    expect(await found('verdict:authentic')).toEqual([]);
    expect(await found('mailbox:archive')).toEqual(['f1']);
    expect(await found(`mailbox:${dump}/archive/`)).toEqual(['f1']);
    const thread = await kase.store.search.threadOf(ids.b1!);
    expect(await found(`thread:${thread}`)).toEqual(['a1', 'b1']);
    const flagged = await kase.store.getMessage(ids.a1!);
    if (flagged!.flags.length) {
      const name = flagged!.flags[0]!.split(':')[0]!;
      expect(await found(`flag:${name}`)).toContain('a1');
    }
  });
});

describe('invalid queries', () => {
  it('say what is wrong and at which character', () => {
    const cases: [string, string, number][] = [
      ['budget (facture', 'search.query.unclosed-parenthesis', 8],
      ['budget)', 'search.query.unopened-parenthesis', 7],
      ['say "hello', 'search.query.unclosed-quote', 5],
      ['a foo:bar', 'search.query.unknown-field', 3],
      ['date:2017-02-30', 'search.query.bad-date', 1],
      ['x date:2017-05..2017-04', 'search.query.empty-date-range', 3],
      ['subject:', 'search.query.empty-field', 1],
      ['budget OR', 'search.query.operator-without-term', 8],
      ['budget NOT', 'search.query.nothing-to-exclude', 8],
      ['*ab*', 'search.query.substring-too-short', 1],
      ['bu*dget', 'search.query.bad-wildcard', 1],
      ['has:pdf', 'search.query.unknown-has', 1],
      ['verdict:genuine', 'search.query.unknown-verdict', 1],
      ['()', 'search.query.empty-parentheses', 1],
      ['!!!', 'search.query.no-words', 1],
    ];
    for (const [query, code, position] of cases) {
      expect({ query, ...queryError(query) }).toEqual({ query, code, position });
    }
    // Words for every code, with the position.
    const err = (() => {
      try {
        planSearch('budget (facture');
      } catch (e) {
        return e as QueryError;
      }
    })()!;
    expect(render(err)).toBe('the parenthesis at character 8 is never closed');
  });

  it('a time or a link is a word, not a field', async () => {
    expect(await found('10:30')).toEqual([]);
  });
});

describe('results', () => {
  it('ranks, pages and sorts by date', async () => {
    const all = await searchCase(kase.store, 'date:2017', { sort: 'date' });
    expect(all.hits.map((h) => h.id)).toEqual([ids.f1, ids.e1, ids.c1, ids.b1, ids.a1]);
    const page = await searchCase(kase.store, 'date:2017', { sort: 'date', limit: 2, offset: 2 });
    expect(page.total).toBe(5);
    expect(page.hits.map((h) => h.id)).toEqual([ids.c1, ids.b1]);
    // bm25: the message that says it twice (subject and body) before the one that says it once.
    const ranked = await searchCase(kase.store, 'budget');
    expect(ranked.hits[0]!.id).toBe(ids.d1);
  });

  it('gives each hit its subject, sender, date, verdict and a snippet with the matches marked', async () => {
    const { hits } = await searchCase(kase.store, 'factures');
    const a1 = hits.find((h) => h.id === ids.a1)!;
    expect(a1).toMatchObject({
      type: 'email',
      subject: 'Les élections municipales',
      from: `alice@${CAMPAGNE}`,
      verdict: 'unsigned',
    });
    expect(a1.date).toBe('2017-03-02T09:00:00.000Z');
    expect(a1.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['factures']);
  });

  it('counts facets over every hit', async () => {
    const { facets } = await searchCase(kase.store, 'date:2017', { facets: true, limit: 1 });
    expect(facets!.verdict).toEqual([{ value: 'unsigned', count: 5 }]);
    expect(facets!.year).toEqual([{ value: '2017', count: 5 }]);
    expect(facets!.month).toEqual([
      { value: '2017-03', count: 2 },
      { value: '2017-04', count: 2 },
      { value: '2017-05', count: 1 },
    ]);
    expect(facets!.domain).toEqual([
      { value: CAMPAGNE, count: 4 },
      { value: 'presse.example', count: 1 },
    ]);
    expect(facets!.participant.slice(0, 2)).toEqual([
      { value: `bob@${CAMPAGNE}`, count: 4 },
      { value: `alice@${CAMPAGNE}`, count: 3 },
    ]);
    expect(facets!.type).toEqual([{ value: 'email', count: 5 }]);
    const withPdf = await searchCase(kase.store, 'budget', { facets: true });
    expect(withPdf.facets!.type).toEqual([
      { value: 'email', count: 2 },
      { value: 'pdf', count: 1 },
    ]);
  });

  it('runs a batch: totals and top ids per line, an error kept on its line', async () => {
    const lines = await batchSearch(kase.store, 'facture\n\n# a comment\n"budget\nclaire\n', { top: 1 });
    expect(lines.map((l) => [l.line, l.total, l.ids.length, l.error?.code ?? null])).toEqual([
      [1, 2, 1, null],
      [4, null, 0, 'search.query.unclosed-quote'],
      [5, 2, 1, null],
    ]);
  });
});

describe('the index follows the case', () => {
  it('indexes what a later ingest adds, and a re-run changes nothing', async () => {
    const more = join(tempDir(), 'more');
    mkdirSync(more);
    writeFileSync(
      join(more, 'g1.eml'),
      message({ id: 'g1', subject: 'Sondage', body: 'Les sondages sont bons.' }),
    );
    expect(await found('sondage')).toEqual([]);
    await ingestIntoCase(kase, [more], { workers: 1 });
    expect((await searchCase(kase.store, 'sondage')).total).toBe(1);
    const progress = await kase.store.search.progress();
    await ingestIntoCase(kase, [more], { workers: 1 });
    expect((await searchCase(kase.store, 'sondage')).total).toBe(1);
    expect((await kase.store.search.progress()).cursor).toBe(0);
    expect((await kase.store.search.progress()).revision).toBeGreaterThanOrEqual(progress.revision);
  });
});

describe('crible search', () => {
  it('prints --json in the documented shape, with snippets as escaped HTML', async () => {
    const out = await crible([
      'search',
      'factures',
      '--case',
      kase.dir,
      '--json',
      '--facets',
      '--limit',
      '1',
    ]);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(Object.keys(json)).toEqual(['total', 'hits', 'facets']);
    expect(json.total).toBe(2);
    expect(Object.keys(json.hits[0])).toEqual([
      'id',
      'type',
      'subject',
      'from',
      'date',
      'verdict',
      'snippet',
    ]);
    expect(json.hits.length).toBe(1);
    expect(Object.keys(json.facets)).toEqual([
      'verdict',
      'domain',
      'participant',
      'year',
      'month',
      'type',
      'flag',
      'finding',
    ]);
    const all = JSON.parse((await crible(['search', 'factures', '--case', kase.dir, '--json'])).stdout);
    const a1 = all.hits.find((h: { id: number }) => h.id === ids.a1);
    expect(a1.snippet).toContain('<mark>factures</mark>');
  });

  it('prints hits for a person, and exits 2 on an invalid query naming the character', async () => {
    const out = await crible(['search', 'date:2017-03', 'facture', '--case', kase.dir]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('2 hits for date:2017-03 facture');
    expect(out.stdout).toContain('Les élections municipales');
    expect(out.stdout).not.toContain('\x1b[');
    const bad = await crible(['search', 'budget (facture', '--case', kase.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the parenthesis at character 8 is never closed');
    const help = await crible(['search', '--help']);
    expect(help.stdout).toContain('date:2017-03-01..2017-04-24');
    expect(help.stdout).toContain('exclude a term');
  });

  it('runs --batch as CSV and JSON', async () => {
    const file = join(tempDir(), 'names.txt');
    writeFileSync(file, 'claire\ndavid@presse.example\n"oops\n');
    const csv = await crible(['search', '--batch', file, '--case', kase.dir, '--csv']);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('line,query,total,top_ids,error');
    expect(rows[1]).toBe(
      `1,claire,2,${[ids.a1, ids.f1].sort((a, b) => b! - a!).join(' ')},`.replace(/,$/, ','),
    );
    expect(rows[3]).toContain('never closed');
    const json = JSON.parse((await crible(['search', '--batch', file, '--case', kase.dir, '--json'])).stdout);
    expect(json.map((l: { total: number | null }) => l.total)).toEqual([2, 2, null]);
  });
});

describe('fields against a generated case', () => {
  it('from:, to:, domain: and date: count what the generator wrote', async () => {
    const root = tempDir();
    const messages = await generateMessageList({ seed: 7, count: 150 });
    await writeMaildir(join(root, 'Maildir'), messages);
    const generated = openCase(join(root, 'case'), { create: true });
    try {
      await ingestIntoCase(generated, [join(root, 'Maildir')], { workers: 1 });
      const total = async (q: string) => (await searchCase(generated.store, q, { limit: 1 })).total;
      const senders = [...new Set(messages.map((m) => m.from.address.toLowerCase()))].slice(0, 4);
      for (const address of senders)
        expect(await total(`from:${address}`)).toBe(
          messages.filter((m) => m.from.address.toLowerCase() === address).length,
        );
      const recipient = messages[0]!.to[0]!.address.toLowerCase();
      expect(await total(`to:${recipient}`)).toBe(
        messages.filter((m) => m.to.some((p) => p.address.toLowerCase() === recipient)).length,
      );
      const domain = recipient.split('@')[1]!;
      expect(await total(`domain:${domain}`)).toBe(
        messages.filter((m) =>
          [m.from, ...m.to, ...m.cc].some((p) => p.address.toLowerCase().endsWith(`@${domain}`)),
        ).length,
      );
      const month = messages[10]!.date.toISOString().slice(0, 7);
      expect(await total(`date:${month}`)).toBe(
        messages.filter((m) => m.date.toISOString().startsWith(month)).length,
      );
      expect(await total('has:attachment')).toBe(messages.filter((m) => m.attachments.length > 0).length);
      // A field beside words keeps the words' relevance order: the filtered hits, in the order they
      // rank in among every hit of the words (each scored once, in the pass that filters them).
      const ranked = async (q: string) =>
        (await searchCase(generated.store, q, { limit: 1000 })).hits.map((h) => h.id);
      const word = messages[3]!.subject.split(/\s+/).find((w) => /^\p{L}{5,}$/u.test(w))!;
      const inMonth = new Set(await ranked(`date:${month}`));
      const byWord = await ranked(word);
      const filtered = await ranked(`${word} date:${month}`);
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered).toEqual(byWord.filter((id) => inMonth.has(id)));
      const named = messages.find((m) => m.attachments.length)!.attachments[0]!.filename;
      expect(await total(`filename:"${named}"`)).toBeGreaterThan(0);
      // Every reply the generator wrote is in the JWZ thread of the message it answers.
      const itemOf = new Map<string, number>();
      for (const item of await generated.store.listItems({ type: 'message' }))
        itemOf.set((await generated.store.getMessage(item.id))!.messageId!.replace(/^<|>$/g, ''), item.id);
      const replies = messages.filter((m) => m.inReplyTo !== null && itemOf.has(m.inReplyTo));
      expect(replies.length).toBeGreaterThan(20);
      for (const m of replies) {
        const thread = await generated.store.search.threadOf(itemOf.get(m.messageId)!);
        expect(thread).not.toBeNull();
        expect(thread).toBe(await generated.store.search.threadOf(itemOf.get(m.inReplyTo!)!));
        expect(await total(`thread:${thread} from:${m.from.address.toLowerCase()}`)).toBeGreaterThan(0);
      }
    } finally {
      await generated.store.close();
    }
  });
});
