// Who wrote to whom: counts and first/last dates per sender and recipient, for a case or a query.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crible, message, tempDir } from './helpers/mail.ts';

describe('crible correspondents', () => {
  it('counts messages per sender and recipient, with the first and last dates, as text, JSON and CSV', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    const alice = 'Alice Martin <alice@campagne.example>';
    writeFileSync(
      join(dump, '1.eml'),
      message({ id: '1', from: alice, body: 'budget', date: 'Tue, 02 May 2017 10:00:00 +0000' }),
    );
    writeFileSync(
      join(dump, '2.eml'),
      message({
        id: '2',
        from: alice,
        body: 'sondage',
        date: 'Fri, 05 May 2017 10:00:00 +0000',
        extraHeaders: ['Cc: Claire <claire@mairie.example>'],
      }),
    );
    writeFileSync(
      join(dump, '3.eml'),
      message({ id: '3', from: 'Bob Durand <bob@campagne.example>', to: alice, body: 'budget' }),
    );
    const caseDir = join(root, 'case');
    expect((await crible(['ingest', dump, '--case', caseDir])).code).toBe(0);
    const rows = JSON.parse((await crible(['correspondents', '--case', caseDir, '--json'])).stdout);
    expect(rows).toEqual([
      {
        from: 'alice@campagne.example',
        fromName: 'Alice Martin',
        to: 'bob@campagne.example',
        toName: 'Bob Durand',
        count: 2,
        first: '2017-05-02T10:00:00.000Z',
        last: '2017-05-05T10:00:00.000Z',
      },
      expect.objectContaining({ from: 'alice@campagne.example', to: 'claire@mairie.example', count: 1 }),
      expect.objectContaining({ from: 'bob@campagne.example', to: 'alice@campagne.example', count: 1 }),
    ]);
    const only = JSON.parse((await crible(['correspondents', 'budget', '--case', caseDir, '--json'])).stdout);
    expect(only.map((r: { from: string; count: number }) => [r.from, r.count])).toEqual([
      ['alice@campagne.example', 1],
      ['bob@campagne.example', 1],
    ]);
    const csv = (await crible(['correspondents', '--case', caseDir, '--csv'])).stdout.trim().split('\n');
    expect(csv[0]).toBe('from,fromName,to,toName,count,first,last');
    expect(csv[1]).toBe(
      'alice@campagne.example,Alice Martin,bob@campagne.example,Bob Durand,2,2017-05-02T10:00:00.000Z,2017-05-05T10:00:00.000Z',
    );
    const text = (await crible(['correspondents', '--case', caseDir])).stdout;
    expect(text).toMatch(/^messages {2}from/);
    expect(text).toContain('alice@campagne.example  bob@campagne.example    2017-05-02  2017-05-05');
    const bad = await crible(['correspondents', 'date:2017-99', '--case', caseDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a date');
  });
});
