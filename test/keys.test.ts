import { describe, expect, it } from 'vitest';
import { ArchiveKeyResolver } from '../src/keys/archive-resolver.ts';
import { findDisclosure, parseDisclosedFile } from '../src/keys/disclosed.ts';
import { DnsKeyResolver } from '../src/keys/dns-resolver.ts';
import { parseCsvRows } from '../src/keys/formats/csv.ts';
import { detectFormat, parseKeyFile } from '../src/keys/formats/index.ts';
import { MemoryKeyResolver } from '../src/keys/memory-resolver.ts';
import type { KeyRecord } from '../src/keys/types.ts';

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
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatch(/odd\._domainkey/);
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
    expect(out.problems).toEqual(['row 4: needs domain, selector and value']);
  });

  it('parses RFC 4180 quoting', () => {
    expect(parseCsvRows('a,"b,c","d ""e"""\n1,2,3')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', '2', '3'],
    ]);
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
    expect(json.problems).toEqual([
      'row 3: "disclosed" must be the publication date (YYYY-MM-DD or ISO 8601)',
      'row 4: domain and selector are required',
      'row 5: not an object',
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
    expect(csv.problems).toEqual([
      'row 3: "disclosed" must be the publication date (YYYY-MM-DD or ISO 8601)',
    ]);
    expect(parseDisclosedFile('bad.csv', 'domain,selector\nexample.com,old\n').problems).toEqual([
      'header row must name domain, selector, disclosed and source',
    ]);
    expect(parseDisclosedFile('bad.json', '[{').problems[0]).toMatch(/^not valid JSON/);
  });
});
