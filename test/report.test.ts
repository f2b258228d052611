// The case report an editor decides from: counts in report.json match what the case holds and what the
// sample was built to contain; report.html loads nothing from anywhere (checked in a real Chromium),
// prints to PDF, and in French has no English sentence left.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportData } from '../src/core/report.ts';
import { buildSampleDump, type SampleManifest } from '../src/sample/build.ts';
import { launchChromium, outputPath } from './helpers/browser.ts';
import { requireCorpus } from './helpers/corpus.ts';
import { crible, tempDir } from './helpers/mail.ts';

let root: string;
let manifest: SampleManifest;
let caseDir: string;
let report: ReportData;
const planted = requireCorpus('docs/tika__testPDF_twoAuthors.pdf', 'report: planted document');
const html: Record<string, string> = {};

beforeAll(async () => {
  root = tempDir();
  manifest = await buildSampleDump(root);
  caseDir = join(root, 'case');
  // A planted document: a PDF whose author was added by a later incremental update.
  if (planted) copyFileSync(planted, join(manifest.dumpDir, 'rapport-final.pdf'));
  const ingest = await crible([
    'ingest',
    manifest.dumpDir,
    '--case',
    caseDir,
    '--keys',
    manifest.keysFile,
    '--disclosed',
    manifest.disclosedFile,
  ]);
  expect(ingest.code).toBe(0);
  for (const lang of ['en', 'fr']) {
    const run = await crible(['report', '--case', caseDir, '--out', join(root, lang), '--lang', lang]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    html[lang] = readFileSync(join(root, lang, 'report.html'), 'utf8');
  }
  report = JSON.parse(readFileSync(join(root, 'en', 'report.json'), 'utf8'));
}, 180_000);

describe('report.json', () => {
  it('counts every message by verdict as the case does, and the sample’s cases land where they were built to', async () => {
    const stats = JSON.parse((await crible(['stats', '--case', caseDir, '--json'])).stdout);
    expect(report.messages.verdicts).toEqual(stats.verdicts);
    expect(report.messages.total).toBe(
      Object.values(stats.verdicts as Record<string, number>).reduce((a, b) => a + b),
    );
    for (const expected of ['altered', 'forgeable', 'unsigned', 'key-unavailable'] as const) {
      const built = manifest.cases.filter((c) => c.expectedVerdict.includes(expected)).length;
      expect(report.messages.verdicts[expected] ?? 0).toBeGreaterThanOrEqual(built);
    }
    expect(report.altered.map((m) => m.verdict)).toEqual(report.altered.map(() => 'altered'));
    expect(report.altered).toHaveLength(report.messages.verdicts.altered ?? 0);
    expect(report.forgeable).toHaveLength(report.messages.verdicts.forgeable ?? 0);
    // Each altered email says what failed.
    for (const m of report.altered) expect(m.reasons.length).toBeGreaterThan(0);
    // Per month and per mailbox add up to the total.
    const sum = (rows: { verdicts: Record<string, number> }[]) =>
      rows.reduce((n, r) => n + Object.values(r.verdicts).reduce((a, b) => a + b, 0), 0);
    expect(sum(report.messages.byMonth)).toBe(report.messages.total);
    expect(sum(report.messages.bySource)).toBe(report.messages.total);
    expect(report.messages.bySource.map((s) => s.mailbox)).toContain(manifest.mbox.path.split('/').pop());
    // The one key the sample leaves out is the key hunt's.
    expect(report.keyHunt.keys.map((k) => k.domain)).toHaveLength(1);
    expect(report.sources).toHaveLength(1);
    expect(report.sources[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.skipIf(!planted)(
    'lists the planted document with the rule that fired and its evidence, in both languages',
    () => {
      const flagged = report.documents.flagged.find((d) => d.name === 'rapport-final.pdf');
      expect(flagged).toBeDefined();
      expect(flagged!.severity).toBe('high');
      const revised = flagged!.findings.find((f) => f.code === 'forensics.pdf-revised')!;
      expect(revised.evidence).toHaveProperty('revisions');
      expect(report.documents.byRule.find((r) => r.rule === 'pdf-revised')).toMatchObject({
        severity: 'high',
        documents: 1,
      });
      expect(report.documents.examined).toBeGreaterThan(10);
      expect(html.en).toContain('rapport-final.pdf');
      expect(html.en).toMatch(/pdf-revised/);
      expect(html.fr).toMatch(/PDF a été modifié|mis à jour|révision/i);
    },
  );

  it('writes the tables as CSV, in the report’s language', () => {
    const altered = parse(readFileSync(join(root, 'en', 'altered.csv')), { bom: true }) as string[][];
    expect(altered[0]).toEqual(['Item', 'Date', 'From', 'Subject', 'What failed']);
    expect(altered).toHaveLength(report.altered.length + 1);
    const months = parse(readFileSync(join(root, 'fr', 'verdicts-by-month.csv')), {
      bom: true,
    }) as string[][];
    expect(months[0]!.slice(0, 2)).toEqual(['Mois', 'Total']);
  });
});

describe('report.html', () => {
  it('references nothing outside itself', () => {
    for (const page of Object.values(html)) {
      expect(page).not.toMatch(/\b(?:src|href)\s*=\s*(?!["']?#)/i);
      expect(page).not.toMatch(/url\(/i);
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toMatch(/@import/i);
    }
  });

  it('says in French what it says in English, with no English sentence left', () => {
    const text = visibleText(html.fr!);
    // Values from the dump (subjects, addresses, paths, key names) are the dump's own words: set aside.
    let words = text;
    const dumpValues = [
      ...report.altered.flatMap((m) => [m.subject, m.from, m.place]),
      ...report.forgeable.flatMap((m) => [m.subject, m.from, m.place]),
      ...report.sources.map((s) => s.path),
      ...report.custody.map((c) => c.path),
      ...report.messages.bySource.flatMap((s) => [s.source, s.mailbox]),
      ...report.messages.keySources.map((k) => k.source),
    ].filter((v): v is string => !!v);
    for (const value of dumpValues.sort((a, b) => b.length - a.length)) words = words.split(value).join(' ');
    // Commands are commands in every language.
    words = words.replace(/crible [a-z]+(?: [a-z]+)?(?: --[a-z]+)*/g, ' ');
    const english =
      /\b(the|and|which|with|was|were|not|could|signature is|has been|emails?|keys?|found|verdict by)\b/gi;
    expect(words.match(english) ?? []).toEqual([]);
    expect(text).toContain('Ce que montre cette affaire');
    expect(text).toContain('Ce qu’une signature ne prouve pas');
  });

  describe('in Chromium', () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    beforeAll(async () => {
      browser = await launchChromium('report.html');
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('loads no resource but itself, and prints to PDF', async (context) => {
      if (!browser) return context.skip();
      for (const lang of ['en', 'fr']) {
        const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        const file = `file://${join(root, lang, 'report.html')}`;
        await page.goto(file);
        expect(await page.locator('h1').textContent()).toBe(
          lang === 'en' ? 'What this case shows' : 'Ce que montre cette affaire',
        );
        expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(2);
        await page.screenshot({ path: outputPath(`report-${lang}.png`), fullPage: true });
        const pdf = await page.pdf({ path: outputPath(`report-${lang}.pdf`), format: 'A4' });
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        expect(requests).toEqual([file]);
        await page.close();
      }
    }, 60_000);
  });
});

/** The text a reader sees: tags, styles and the page's own markup dropped. */
function visibleText(page: string): string {
  return page
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<title>[\s\S]*?<\/title>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('crible report --redact and --query', () => {
  it('masks the dump’s addresses in every file and lists what it masked beside the folder', async () => {
    const out = join(root, 'redacted');
    const run = await crible(['report', '--case', caseDir, '--out', out, '--redact']);
    expect(run.code).toBe(0);
    for (const file of ['report.html', 'report.json', 'altered.csv']) {
      const text = readFileSync(join(out, file), 'utf8');
      expect(text).not.toMatch(/[a-z0-9._-]+@[a-z0-9-]+\.[a-z]{2,}/i);
      expect(text).toMatch(/\[email \d+\]/);
    }
    const list = parse(readFileSync(`${out}.redactions.csv`), { columns: true, bom: true }) as Record<
      string,
      string
    >[];
    expect(list.some((r) => r.kind === 'email' && r.value?.includes('@'))).toBe(true);
  });

  it('reports only what a search finds', async () => {
    const out = join(root, 'query');
    const run = await crible(['report', '--case', caseDir, '--out', out, '--query', 'verdict:altered']);
    expect(run.code).toBe(0);
    const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;
    expect(data.query).toBe('verdict:altered');
    expect(Object.keys(data.messages.verdicts)).toEqual(['altered']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('verdict:altered');
  });
});
