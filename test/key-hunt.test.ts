// The key hunt (`crible keys missing`): the keys a case's messages need and its archive lacks,
// found from what the verifications read, with counts, dates and what DNS says today.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { keyHunt } from '../src/core/key-hunt.ts';
import { MemoryKeyResolver } from '../src/keys/memory-resolver.ts';
import { type DkimKey, dkimSignatureFor, generateDkimKeys, keyFileJson } from '../src/sample/synth.ts';
import { crible, message, tempDir } from './helpers/mail.ts';

let dir: string;
let caseDir: string;
let keys: DkimKey[];

async function signed(id: string, key: DkimKey, date: string): Promise<Buffer> {
  const content = message({ id, date, from: `Alice <alice@${key.domain}>` });
  const signature = await dkimSignatureFor(content, key, { signTime: new Date(date) });
  return Buffer.concat([Buffer.from(signature), content]);
}

beforeAll(async () => {
  dir = tempDir('crible-keyhunt-');
  keys = generateDkimKeys([
    { domain: 'given.example', selector: 'sel1', type: 'rsa', bits: 1024 },
    { domain: 'lost.example', selector: '20160101', type: 'rsa', bits: 1024 },
    { domain: 'gone.example', selector: 'old', type: 'rsa', bits: 1024 },
  ]);
  const [given, lost, gone] = keys as [DkimKey, DkimKey, DkimKey];
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  writeFileSync(join(mail, 'a.eml'), await signed('a', given, 'Tue, 02 May 2017 10:15:00 +0200'));
  writeFileSync(join(mail, 'b.eml'), await signed('b', lost, 'Tue, 02 May 2017 10:15:00 +0200'));
  writeFileSync(join(mail, 'c.eml'), await signed('c', lost, 'Fri, 05 May 2017 18:00:00 +0200'));
  writeFileSync(join(mail, 'd.eml'), await signed('d', gone, 'Wed, 03 May 2017 09:00:00 +0200'));
  writeFileSync(join(mail, 'e.eml'), message({ id: 'e' }));
  writeFileSync(join(dir, 'given.json'), JSON.stringify(keyFileJson([given])));
  caseDir = join(dir, 'case');
  const r = await crible(['ingest', mail, '--case', caseDir, '--keys', join(dir, 'given.json')]);
  expect(r.code, r.stderr).toBe(0);
});

describe('crible keys missing', () => {
  it('lists every key with no record, most messages first, with counts and dates', async () => {
    const r = await crible(['keys', 'missing', '--case', caseDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const hunt = JSON.parse(r.stdout);
    expect(hunt.messagesWaiting).toBe(3);
    expect(hunt.keys.map((k: { name: string }) => k.name)).toEqual([
      '20160101._domainkey.lost.example',
      'old._domainkey.gone.example',
    ]);
    expect(hunt.keys[0]).toMatchObject({
      domain: 'lost.example',
      selector: '20160101',
      messages: 2,
      unavailable: 2,
      first: '2017-05-02T08:15:00.000Z',
      last: '2017-05-05T16:00:00.000Z',
      dns: { status: 'not-asked' },
    });
  });

  it('says what to do in words, and gives the CSV columns of an import', async () => {
    const r = await crible(['keys', 'missing', '--case', caseDir]);
    expect(r.stdout).toContain('2 signing keys are missing from the archive; 3 messages cannot be checked');
    expect(r.stdout).toMatch(/lost\.example\s+20160101\s+2\s+2\s+2017-05-02 … 2017-05-05\s+not asked/);
    expect(r.stdout).toContain('domain,selector,value,first_seen,last_seen,source');
    expect(r.stdout).toContain(`crible keys import keys.csv --case ${caseDir}`);
    const csv = await crible(['keys', 'missing', '--case', caseDir, '--csv']);
    expect(csv.stdout.split('\n')[0]).toBe(
      'domain,selector,messages,key_unavailable,first_message,last_message,dns,dns_failure,archive_failures',
    );
    expect(csv.stdout.split('\n')[1]).toMatch(/^lost\.example,20160101,2,2,2017-05-02T08:15:00.000Z,/);
  });

  it('with DNS asked, says which keys are still published and which are gone', async () => {
    const [, lost] = keys as [DkimKey, DkimKey];
    const kase = openCase(caseDir, { create: false });
    try {
      const dns = new MemoryKeyResolver([
        {
          name: '20160101._domainkey.lost.example',
          value: lost.record,
          source: 'dns',
          firstSeen: null,
          lastSeen: null,
          fetchedAt: null,
        },
      ]);
      const hunt = await keyHunt(kase.store, { dns: true, resolver: dns });
      expect(hunt.keys.map((k) => k.dns)).toEqual([
        { status: 'published', records: 1 },
        { status: 'absent', failure: 'ENOTFOUND' },
      ]);
    } finally {
      await kase.store.close();
    }
  });

  it('a key imported later leaves the list; re-verified messages no longer wait', async () => {
    const [, lost] = keys as [DkimKey, DkimKey];
    writeFileSync(join(dir, 'found.json'), JSON.stringify(keyFileJson([lost])));
    expect((await crible(['keys', 'import', join(dir, 'found.json'), '--case', caseDir])).code).toBe(0);
    expect((await crible(['verify', '--case', caseDir])).code).toBe(0);
    const hunt = JSON.parse((await crible(['keys', 'missing', '--case', caseDir, '--json'])).stdout);
    expect(hunt.keys.map((k: { name: string }) => k.name)).toEqual(['old._domainkey.gone.example']);
    expect(hunt.messagesWaiting).toBe(1);
  });
});
