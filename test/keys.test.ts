import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { ArchiveKeyResolver } from '../src/keys/archive-resolver.ts';
import { findDisclosure, parseDisclosedFile } from '../src/keys/disclosed.ts';
import { DnsKeyResolver } from '../src/keys/dns-resolver.ts';
import { readCsv } from '../src/keys/formats/csv.ts';
import { detectFormat, parseKeyFile } from '../src/keys/formats/index.ts';
import { MemoryKeyResolver } from '../src/keys/memory-resolver.ts';
import type { KeyRecord } from '../src/keys/types.ts';
import { type Coded, isKnownCode, render } from '../src/report/catalogue.ts';
import { crible, tempDir } from './helpers/mail.ts';

/** The problems as printed; every code must have words (an unknown code would print as itself). */
const words = (problems: Coded[]): string[] => {
  for (const p of problems) expect(isKnownCode(p.code), p.code).toBe(true);
  return problems.map((p) => render(p));
};

const P1 = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1';
const P2 = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKC';

/** An archived key record with no observation window. */
const record = (name: string, value: string, source: string): KeyRecord => ({
  name,
  value,
  source,
  firstSeen: null,
  lastSeen: null,
  fetchedAt: null,
});

describe('parseKeyFile: JSON map', () => {
  it('reads several records per name, split strings and DNS failure entries', () => {
    const text = JSON.stringify({
      'Sel1._domainkey.Example.com.': [`v=DKIM1; p=${P1}`, `v=DKIM1; p=${P2}`],
      'sel2._domainkey.example.com': [['v=DKIM1; ', `p=${P1}`]],
      'gone._domainkey.example.com': { error: 'ENOTFOUND' },
      'slow._domainkey.example.com': [{ error: 'ETIMEOUT' }],
      'broken._domainkey.example.com': [{ error: 'ESERVFAIL' }],
      'odd._domainkey.example.com': [42],
    });
    const out = parseKeyFile('keys.json', text);
    expect(out.records.map((r) => [r.name, r.value])).toEqual([
      ['sel1._domainkey.example.com', `v=DKIM1; p=${P1}`],
      ['sel1._domainkey.example.com', `v=DKIM1; p=${P2}`],
      ['sel2._domainkey.example.com', `v=DKIM1; p=${P1}`],
    ]);
    expect(out.records[0]!.source).toBe('keys.json (json-map)');
    expect(out.failures).toEqual([
      { name: 'gone._domainkey.example.com', failure: 'ENOTFOUND' },
      { name: 'slow._domainkey.example.com', failure: 'ETIMEOUT' },
      { name: 'broken._domainkey.example.com', failure: 'ESERVFAIL' },
    ]);
    expect(words(out.problems)).toEqual([
      'keys.json key "odd._domainkey.example.com" value 1: 42 is not a TXT value (a string, a list of strings or {"error": …}); skipped',
    ]);
  });
});

describe('parseKeyFile: zone file', () => {
  it('reads single-line, multi-string and parenthesised multi-line TXT records', () => {
    const text = [
      '$TTL 3600',
      '; a comment',
      `s1._domainkey.example.com. 3600 IN TXT "v=DKIM1; k=rsa; p=${P1}"`,
      `s2._domainkey.example.com. IN TXT "v=DKIM1; " "p=${P2}" ; trailing comment`,
      's3._domainkey.example.com. 300 IN TXT (',
      '    "v=DKIM1; k=rsa; "',
      `    "p=${P1}" )`,
      'example.com. 3600 IN MX 10 mx.example.com.',
      'www.example.com. 3600 IN A 192.0.2.1',
    ].join('\n');
    const out = parseKeyFile('example.zone', text);
    expect(out.records.map((r) => [r.name, r.value])).toEqual([
      ['s1._domainkey.example.com', `v=DKIM1; k=rsa; p=${P1}`],
      ['s2._domainkey.example.com', `v=DKIM1; p=${P2}`],
      ['s3._domainkey.example.com', `v=DKIM1; k=rsa; p=${P1}`],
    ]);
    expect(out.records[0]!.source).toBe('example.zone (zone)');
  });

  it('resolves relative names against $ORIGIN and keeps ";" inside quotes', () => {
    const text = ['$ORIGIN example.org.', `sel._domainkey IN TXT "v=DKIM1; p=${P1}"`].join('\n');
    const out = parseKeyFile('db.example', text);
    expect(out.records).toHaveLength(1);
    expect(out.records[0]).toMatchObject({ name: 'sel._domainkey.example.org', value: `v=DKIM1; p=${P1}` });
  });
});

describe('parseKeyFile: CSV and JSON rows', () => {
  it('reads CSV rows with a header row, quoted values and observation dates', () => {
    const text = [
      'domain,selector,value,first_seen,last_seen',
      `example.com,s2019,"v=DKIM1; k=rsa; p=${P1}",2019-01-02,2021-05-06T12:00:00Z`,
      `example.com,s2021,"v=DKIM1; p=${P2}",1609459200,`,
      ',missing,,,',
    ].join('\r\n');
    const out = parseKeyFile('archive.csv', text);
    expect(out.records).toEqual([
      {
        name: 's2019._domainkey.example.com',
        value: `v=DKIM1; k=rsa; p=${P1}`,
        source: 'archive.csv (csv)',
        firstSeen: '2019-01-02T00:00:00.000Z',
        lastSeen: '2021-05-06T12:00:00.000Z',
        fetchedAt: null,
      },
      {
        name: 's2021._domainkey.example.com',
        value: `v=DKIM1; p=${P2}`,
        source: 'archive.csv (csv)',
        firstSeen: '2021-01-01T00:00:00.000Z',
        lastSeen: null,
        fetchedAt: null,
      },
    ]);
    expect(words(out.problems)).toEqual(['archive.csv line 4: no domain or value; the row was skipped']);
  });

  it('parses RFC 4180 quoting, and knows the line each record starts on', () => {
    expect(readCsv('x.csv', 'a,"b,c","d ""e"""\n\n"multi\r\nline",2,3\r\nz')).toEqual({
      rows: [
        { line: 1, fields: ['a', 'b,c', 'd "e"'] },
        { line: 3, fields: ['multi\r\nline', '2', '3'] },
        { line: 5, fields: ['z'] },
      ],
      problems: [],
    });
  });

  it('reads JSON rows as an array and as JSON Lines', () => {
    const rows = [
      {
        domain: 'example.com',
        selector: 's1',
        value: `p=${P1}`,
        first_seen: '2020-01-01',
        last_seen: '2020-12-31',
      },
      { domain: 'example.net', selector: 's2', value: `p=${P2}`, firstSeen: '2022-02-02' },
    ];
    const arr = parseKeyFile('rows.json', JSON.stringify(rows));
    expect(arr.records.map((r) => [r.name, r.firstSeen, r.lastSeen])).toEqual([
      ['s1._domainkey.example.com', '2020-01-01T00:00:00.000Z', '2020-12-31T00:00:00.000Z'],
      ['s2._domainkey.example.net', '2022-02-02T00:00:00.000Z', null],
    ]);
    expect(arr.records[0]!.source).toBe('rows.json (json-rows)');
    const lines = parseKeyFile('rows.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'));
    expect(lines.records.map((r) => r.name)).toEqual([
      's1._domainkey.example.com',
      's2._domainkey.example.net',
    ]);
  });

  it('detects the format from content first, then the extension', () => {
    expect(detectFormat('x.txt', '{"a._domainkey.b": []}')).toBe('json-map');
    expect(detectFormat('x.txt', '[]')).toBe('json-rows');
    expect(detectFormat('x.txt', 'domain,selector,value\n')).toBe('csv');
    expect(detectFormat('x.csv', 'selector,domain,value\n')).toBe('csv');
    expect(detectFormat('x.zone', 'a._domainkey.b. IN TXT "p="')).toBe('zone');
  });
});

describe('resolvers', () => {
  it('MemoryKeyResolver looks names up case-insensitively and returns failures', async () => {
    const r = new MemoryKeyResolver(
      [
        record('S._domainkey.Example.com', 'p=1', 'a'),
        record('s._domainkey.example.com', 'p=2', 'b'),
        record('s._domainkey.example.com', 'p=2', 'b'),
      ],
      [{ name: 'x._domainkey.example.com', failure: 'ETIMEOUT' }],
    );
    const hit = await r.lookup('s._domainkey.EXAMPLE.com.');
    expect(hit.records.map((x) => x.value)).toEqual(['p=1', 'p=2']);
    expect(hit.failure).toBeNull();
    expect(await r.lookup('x._domainkey.example.com')).toEqual({ records: [], failure: 'ETIMEOUT' });
    expect(await r.lookup('none._domainkey.example.com')).toEqual({ records: [], failure: null });
  });

  it('DnsKeyResolver joins TXT strings, stamps records with the fetch time and maps failures', async () => {
    const now = () => new Date('2026-01-02T03:04:05Z');
    const ok = new DnsKeyResolver(async () => [['v=DKIM1; ', 'p=abc'], ['v=DKIM1; p=def']], now);
    const res = await ok.lookup('s._domainkey.example.com');
    expect(res.records).toEqual([
      {
        name: 's._domainkey.example.com',
        value: 'v=DKIM1; p=abc',
        source: 'dns',
        firstSeen: null,
        lastSeen: null,
        fetchedAt: '2026-01-02T03:04:05.000Z',
      },
      {
        name: 's._domainkey.example.com',
        value: 'v=DKIM1; p=def',
        source: 'dns',
        firstSeen: null,
        lastSeen: null,
        fetchedAt: '2026-01-02T03:04:05.000Z',
      },
    ]);
    const fail = (code: string) =>
      new DnsKeyResolver(async () => {
        throw Object.assign(new Error(code), { code });
      }, now);
    expect((await fail('ENOTFOUND').lookup('a')).failure).toBe('ENOTFOUND');
    expect((await fail('ENODATA').lookup('a')).failure).toBe('ENOTFOUND');
    expect((await fail('ETIMEOUT').lookup('a')).failure).toBe('ETIMEOUT');
    expect((await fail('ESERVFAIL').lookup('a')).failure).toBe('ESERVFAIL');
  });

  it('ArchiveKeyResolver adds what live DNS publishes to the archive, asking once per name', async () => {
    let asked = 0;
    const dns = new DnsKeyResolver(async () => {
      asked++;
      return [['p=new']];
    });
    const old = record('s._domainkey.example.com', 'p=old', 'file');
    const resolver = new ArchiveKeyResolver([old], [], dns);
    const res = await resolver.lookup('s._domainkey.example.com');
    expect(res.records.map((r) => [r.value, r.source])).toEqual([
      ['p=old', 'file'],
      ['p=new', 'dns'],
    ]);
    await resolver.lookup('S._domainkey.example.com');
    expect(asked).toBe(1);
    expect(resolver.takeFetched().records.map((r) => r.value)).toEqual(['p=new']);
    expect(resolver.takeFetched().records).toEqual([]);
    const offline = new ArchiveKeyResolver([old], [], null);
    expect((await offline.lookup('s._domainkey.example.com')).records).toHaveLength(1);
  });

  it('findDisclosure matches domain and selector, and the key when given', () => {
    const list = [
      { domain: 'Example.com', selector: 'old', disclosed: '2020-01-01', source: 'blog' },
      { domain: 'example.com', selector: 'k', disclosed: '2021-01-01', source: 'x', publicKey: 'AAAA' },
    ];
    expect(findDisclosure(list, 'example.com', 'OLD', 'p=ZZZ')?.source).toBe('blog');
    expect(findDisclosure(list, 'example.com', 'k', 'v=DKIM1; p=AAAA')?.source).toBe('x');
    expect(findDisclosure(list, 'example.com', 'k', 'v=DKIM1; p=BBBB')).toBeNull();
    expect(findDisclosure(list, 'other.com', 'old', null)).toBeNull();
    expect(findDisclosure(undefined, 'example.com', 'old', null)).toBeNull();
  });

  it('reads disclosed-key lists as JSON or CSV, and says which rows it cannot read', () => {
    const json = parseDisclosedFile(
      'list.json',
      JSON.stringify([
        {
          domain: 'Example.COM.',
          selector: 'Old',
          disclosed: '2020-01-01',
          source: 'https://example.com/post',
        },
        { domain: 'example.com', selector: 'k', disclosed: '2021-06-30T12:00:00Z', p: 'AA AA' },
        { domain: 'example.com', selector: 'x', disclosed: 'last spring', source: 's' },
        { selector: 'y', disclosed: '2021-01-01' },
        'not an object',
      ]),
    );
    expect(json.keys).toEqual([
      {
        domain: 'example.com',
        selector: 'old',
        disclosed: '2020-01-01',
        source: 'https://example.com/post',
        publicKey: null,
      },
      {
        domain: 'example.com',
        selector: 'k',
        disclosed: '2021-06-30T12:00:00Z',
        source: 'list.json',
        publicKey: 'AAAA',
      },
    ]);
    expect(words(json.problems)).toEqual([
      'list.json entry 3: "disclosed" must be the publication date (YYYY-MM-DD or ISO 8601), not "last spring"; the row was skipped',
      'list.json entry 4: no domain; the row was skipped',
      'list.json entry 5: not an object; skipped',
    ]);

    const csv = parseDisclosedFile(
      'list.csv',
      '\uFEFFSelector,Domain,Source,Disclosed,p\r\nold,example.com,"blog, 2020",2020-01-01,\r\nk,example.com,x,2020-13-45,AAAA\r\n',
    );
    expect(csv.keys).toEqual([
      {
        domain: 'example.com',
        selector: 'old',
        disclosed: '2020-01-01',
        source: 'blog, 2020',
        publicKey: null,
      },
    ]);
    expect(words(csv.problems)).toEqual([
      'list.csv line 3: "disclosed" must be the publication date (YYYY-MM-DD or ISO 8601), not "2020-13-45"; the row was skipped',
    ]);
    expect(words(parseDisclosedFile('bad.csv', 'domain,selector\nexample.com,old\n').problems)).toEqual([
      'bad.csv line 1: the header row must name domain, selector, disclosed and source (no disclosed or source); nothing else was read',
    ]);
    expect(words(parseDisclosedFile('bad.json', '[{').problems)).toEqual([
      "bad.json line 1: not valid JSON (Expected property name or '}'); nothing in the file was read",
    ]);
  });
});

describe('lines that cannot be read are reported with their line', () => {
  const names = (out: { records: KeyRecord[] }) => out.records.map((r) => [r.name, r.value]);

  it('CSV: an unterminated quote is reported where it opened, and the rows it swallowed are read again', () => {
    const text = [
      'domain,selector,value',
      `a.example,s1,"v=DKIM1; p=${P1}"`,
      `b.example,s2,"v=DKIM1; p=${P2}`,
      `c.example,s3,v=DKIM1; p=${P1}`,
      '',
      `d.example,s4,v=DKIM1; p=${P2}`,
    ].join('\n');
    const out = parseKeyFile('keys.csv', text);
    expect(names(out)).toEqual([
      ['s1._domainkey.a.example', `v=DKIM1; p=${P1}`],
      ['s3._domainkey.c.example', `v=DKIM1; p=${P1}`],
      ['s4._domainkey.d.example', `v=DKIM1; p=${P2}`],
    ]);
    expect(out.problems).toEqual([
      { code: 'keys.csv.unterminated-quote', params: { file: 'keys.csv', line: 3, resumedAt: 4 } },
    ]);
    expect(words(out.problems)).toEqual([
      'keys.csv line 3: unterminated quote; the line was skipped and the rows after it were read again from line 4',
    ]);
  });

  it('CSV: an open quote closed lines later by the next quoted value is found too (CRLF lines)', () => {
    const text = [
      'domain,selector,value',
      `a.example,s1,"v=DKIM1; p=${P1}`,
      `b.example,s2,"v=DKIM1; p=${P2}"`,
      `c.example,s3,"v=DKIM1; p=${P1}"`,
    ].join('\r\n');
    const out = parseKeyFile('k.csv', text);
    expect(names(out).map(([n]) => n)).toEqual(['s2._domainkey.b.example', 's3._domainkey.c.example']);
    expect(out.records.every((r) => !/[\r\n]/.test(r.value))).toBe(true);
    expect(words(out.problems)).toEqual([
      'k.csv line 2: unterminated quote; the line was skipped and the rows after it were read again from line 3',
    ]);
  });

  it('CSV: stray quotes, values cut by a comma, a quote open to the end, an unreadable header', () => {
    const text = [
      'domain,selector,value',
      'a.example,s1,v="x"',
      'b.example,s2,"p=1"x',
      'c.example,s3,v=DKIM1, p=2',
      'd.example,s4,p=3',
      'e.example,s5,"p=4',
    ].join('\n');
    const out = parseKeyFile('x.csv', text);
    expect(names(out)).toEqual([['s4._domainkey.d.example', 'p=3']]);
    expect(words(out.problems)).toEqual([
      'x.csv line 2: a quote inside an unquoted value, or text after a closing quote; the line was skipped and the rows after it were read again from line 3',
      'x.csv line 3: a quote inside an unquoted value, or text after a closing quote; the line was skipped and the rows after it were read again from line 4',
      'x.csv line 4: 4 values where the header names 3 (an unquoted comma?); the row was skipped',
      'x.csv line 6: unterminated quote; the line was skipped',
    ]);
    const dated = parseKeyFile('d.csv', 'domain,selector,value,first_seen\nd.example,s4,p=3,yesterday\n');
    expect(dated.records).toMatchObject([{ name: 's4._domainkey.d.example', firstSeen: null }]);
    expect(words(dated.problems)).toEqual([
      'd.csv line 2: first_seen "yesterday" is not a date (ISO 8601 or Unix seconds); the record was kept without it',
    ]);
    expect(words(parseKeyFile('h.csv', 'domain,"selector,value\na,b,c\n').problems)).toEqual([
      'h.csv line 1: unterminated quote; it is the header row, so nothing in the file was read',
    ]);
  });

  it('zone file: TTLs in BIND units are read; a record line not understood is reported', () => {
    const text = [
      '$TTL 1h',
      '$ORIGIN example.com.',
      `s1._domainkey 1h IN TXT "p=${P1}"`,
      `s2._domainkey 30m TXT "p=${P1}"`,
      `s3._domainkey IN 2d TXT "p=${P1}"`,
      `s4._domainkey 1W IN TXT "p=${P1}"`,
      `s5._domainkey 1h30m IN TXT "p=${P1}"`,
      `s6._domainkey 1x IN TXT "p=${P1}"`,
      `s7._domainkey IN TXT "p=${P1}`,
      `s8._domainkey IN`,
      '$INCLUDE other.zone',
      '$TTL soon',
      'www 3600 IN A 192.0.2.1',
    ].join('\n');
    const out = parseKeyFile('db.example', text);
    expect(out.records.map((r) => r.name)).toEqual([
      's1._domainkey.example.com',
      's2._domainkey.example.com',
      's3._domainkey.example.com',
      's4._domainkey.example.com',
      's5._domainkey.example.com',
    ]);
    expect(words(out.problems)).toEqual([
      'db.example line 8: "1x" is not a TTL, a class or a record type; the record was skipped',
      'db.example line 9: unterminated quote; the record was skipped',
      'db.example line 10: no record type; the record was skipped',
      'db.example line 11: $INCLUDE is not followed here; the records it names were not read',
      'db.example line 12: "soon" is not a TTL',
    ]);
  });

  it('zone file: a "(" never closed does not swallow the records after it', () => {
    const text = [
      `s1._domainkey.example.com. IN TXT ( "v=DKIM1; " "p=${P1}"`,
      `s2._domainkey.example.com. IN TXT "v=DKIM1; " "p=${P2}"`,
      `s3._domainkey.example.com. IN TXT "p=${P1}"`,
    ].join('\n');
    const out = parseKeyFile('k.zone', text);
    expect(names(out)).toEqual([
      ['s2._domainkey.example.com', `v=DKIM1; p=${P2}`],
      ['s3._domainkey.example.com', `p=${P1}`],
    ]);
    expect(words(out.problems)).toEqual([
      'k.zone line 1: "(" never closed; the record was skipped and the lines after it were read again from line 2',
    ]);
    const stray = parseKeyFile(
      's.zone',
      `s1._domainkey.example.com. IN TXT "p=${P1}" )\ns2._domainkey.example.com. IN TXT "p=${P2}"`,
    );
    expect(names(stray)).toEqual([['s2._domainkey.example.com', `p=${P2}`]]);
    expect(words(stray.problems)).toEqual(['s.zone line 1: ")" without "("; the record was skipped']);
  });

  it('JSON: rows by entry, JSON Lines by line, a broken document by the line it breaks on', () => {
    const rows = parseKeyFile(
      'rows.json',
      JSON.stringify([{ domain: 'a.example', selector: 's', value: `p=${P1}` }, { domain: 'b.example' }, 7]),
    );
    expect(rows.records).toHaveLength(1);
    expect(words(rows.problems)).toEqual([
      'rows.json entry 2: no selector or value; the row was skipped',
      'rows.json entry 3: not an object; skipped',
    ]);
    const lines = parseKeyFile(
      'rows.jsonl',
      ['{"domain":"a.example","selector":"s","value":"p=1"}', '{"domain":', '', '[1]'].join('\n'),
    );
    expect(lines.records).toHaveLength(1);
    expect(words(lines.problems)).toEqual([
      'rows.jsonl line 2: not JSON; the line was skipped',
      'rows.jsonl line 4: not an object; skipped',
    ]);
    const broken = parseKeyFile(
      'map.json',
      '{\n  "s._domainkey.a.example": ["p=1"]\n  "t._domainkey.a.example": []\n}\n',
    );
    expect(broken.records).toEqual([]);
    expect(words(broken.problems)).toEqual([
      "map.json line 3: not valid JSON (Expected ',' or '}' after property value); nothing in the file was read",
    ]);
    const map = parseKeyFile('map.json', JSON.stringify({ 's._domainkey.a.example': { error: 'LOST' } }));
    expect(words(map.problems)).toEqual([
      'map.json key "s._domainkey.a.example": unknown DNS failure "LOST" (ENOTFOUND, NXDOMAIN, ENODATA, ETIMEOUT or ESERVFAIL); skipped',
    ]);
  });

  it('disclosed-key CSV: an unterminated quote is reported by line and the next rows are still read', () => {
    const out = parseDisclosedFile(
      'disclosed.csv',
      [
        'domain,selector,disclosed,source',
        'a.example,old,2020-01-01,"https://a.example/post',
        'b.example,old,2021-01-01,https://b.example/post',
      ].join('\n'),
    );
    expect(out.keys.map((k) => k.domain)).toEqual(['b.example']);
    expect(words(out.problems)).toEqual([
      'disclosed.csv line 2: unterminated quote; the line was skipped and the rows after it were read again from line 3',
    ]);
  });
});

describe('crible keys import / import-disclosed', () => {
  /** A new empty case, and a file written beside it. */
  const setup = async () => {
    const root = tempDir();
    const caseDir = join(root, 'case');
    await openCase(caseDir, { create: true }).store.close();
    const write = (name: string, text: string) => {
      const path = join(root, name);
      writeFileSync(path, text);
      return path;
    };
    return { caseDir, write };
  };

  it('exits 3 when a line was skipped, naming the file and the line, and imports the other rows', async () => {
    const { caseDir, write } = await setup();
    const file = write(
      'keys.csv',
      ['domain,selector,value', `a.example,s1,"v=DKIM1; p=${P1}`, `b.example,s2,v=DKIM1; p=${P2}`].join('\n'),
    );
    const result = await crible(['keys', 'import', file, '--case', caseDir]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`${file}: 1 record(s), 0 DNS failure(s), 1 new`);
    expect(result.stdout).toContain(
      `  not read: ${file} line 2: unterminated quote; the line was skipped and the rows after it were read again from line 3`,
    );
    expect(result.stderr).toBe('');
    const listed = JSON.parse((await crible(['keys', 'list', '--case', caseDir, '--json'])).stdout);
    expect(listed.records.map((r: KeyRecord) => r.name)).toEqual(['s2._domainkey.b.example']);
    const json = await crible(['keys', 'import', file, '--case', caseDir, '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)[0].problems).toEqual([
      {
        code: 'keys.csv.unterminated-quote',
        params: { file, line: 2, resumedAt: 3 },
        text: `${file} line 2: unterminated quote; the line was skipped and the rows after it were read again from line 3`,
      },
    ]);
  });

  it('exits 0 when every line was read, and 3 with "no key found" when the file held none', async () => {
    const { caseDir, write } = await setup();
    const good = write('good.zone', `s1._domainkey.example.com. 1h IN TXT "v=DKIM1; p=${P1}"\n`);
    expect((await crible(['keys', 'import', good, '--case', caseDir])).code).toBe(0);

    const header = write('header.csv', 'domain,selector\nexample.com,s1\n');
    const noKey = await crible(['keys', 'import', header, '--case', caseDir]);
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toBe(
      `crible: no key found in ${header}: line 1: the header row must name domain, selector and value (no value); nothing else was read\n`,
    );
    const empty = write('empty.zone', 'www.example.com. 3600 IN A 192.0.2.1\n');
    const nothing = await crible(['keys', 'import', empty, '--case', caseDir, '--json']);
    expect(nothing.code).toBe(3);
    expect(nothing.stderr).toBe(
      `crible: no key found in ${empty}: nothing in it is a key record or a recorded DNS failure\n`,
    );
  });

  it('import-disclosed: exits 3 on a skipped line and on a list with no key; exit 2 stays for usage errors', async () => {
    const { caseDir, write } = await setup();
    const list = write(
      'disclosed.csv',
      'domain,selector,disclosed,source\nexample.com,old,2020-01-01,blog\nexample.com,k,someday,blog\n',
    );
    const partial = await crible(['keys', 'import-disclosed', list, '--case', caseDir]);
    expect(partial.code).toBe(3);
    expect(partial.stdout).toContain(`${list}: 1 disclosed key(s), 1 new`);
    expect(partial.stdout).toContain(
      `  not read: ${list} line 3: "disclosed" must be the publication date (YYYY-MM-DD or ISO 8601), not "someday"; the row was skipped`,
    );
    const broken = write('broken.json', '[\n{"domain": "example.com",\n}]');
    const none = await crible(['keys', 'import-disclosed', broken, '--case', caseDir]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^crible: no disclosed key found in .*broken\.json: line 3: not valid JSON/);

    const usage = await crible([
      'keys',
      'import-disclosed',
      list,
      join(caseDir, 'nope.csv'),
      '--case',
      caseDir,
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/cannot read file: no such file: .*nope\.csv/);
    expect((await crible(['keys', 'import', list])).code).toBe(2);
  });
});
