// report.html: one self-contained page (inline CSS and SVG, no script, no external asset: it opens
// offline and prints cleanly to PDF), in the language asked for. Every sentence comes from the message
// catalogue; every value from the dump is escaped.

import { VERDICT_ORDER } from '../../core/item-list.ts';
import type { DocumentLine, MessageLine, ReportData } from '../../core/report.ts';
import { type Coded, coded, type Lang, type Params, render } from '../catalogue.ts';
import { barChart, columnChart, VERDICT_COLOURS } from './charts.ts';
import { escapeHtml as e } from './escape.ts';

/** Rows of a long list shown in the page; the CSV beside it has them all. */
const MAX_ROWS = 200;
/** Verdicts stacked from the bottom: reassuring first, so the urgent ones sit on top where the eye lands. */
const STACK = [...VERDICT_ORDER].reverse();

export function reportPage(data: ReportData, lang: Lang): string {
  const t = (code: string, params?: Params) => render(coded(code, params), lang);
  const w = (code: string, params?: Params) => e(t(code, params));
  const verdictName = (v: string) => t(`verdict-name.${v}`);
  const badge = (v: string) =>
    `<span class="badge" style="background:${VERDICT_COLOURS[v] ?? '#999'};color:${v === 'unsigned' || v === 'authentic-with-caveats' ? '#1b1b1b' : '#fff'}">${e(verdictName(v))}</span>`;
  const reasons = (list: Coded[]) => list.map((r) => e(render(r, lang))).join('<br>');
  const when = (iso: string | null) =>
    iso ? `<span class="when">${e(iso.replace('T', ' ').slice(0, 16))}</span>` : '—';
  const size = (n: number | null) => (n === null ? '—' : e(bytes(n, lang)));
  const table = (head: string[], rows: string[][], numeric: number[] = []) =>
    rows.length === 0
      ? `<p class="none">${w('report.none')}</p>`
      : `<table><thead><tr>${head.map((h, i) => `<th${numeric.includes(i) ? ' class="n"' : ''}>${w(h)}</th>`).join('')}</tr></thead><tbody>${rows
          .map(
            (r) =>
              `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`,
          )
          .join('')}</tbody></table>`;
  const capped = <T>(list: T[]) => ({
    shown: list.slice(0, MAX_ROWS),
    more: Math.max(0, list.length - MAX_ROWS),
  });
  const more = (n: number) => (n ? `<p class="more">${w('report.more', { count: n })}</p>` : '');
  const m = data.messages;
  const v = (name: string) => m.verdicts[name] ?? 0;
  const flaggedHigh = data.documents.flagged.filter((d) => d.severity === 'high').length;

  const messageTable = (lines: MessageLine[]) => {
    const { shown, more: rest } = capped(lines);
    return (
      table(
        [
          'report.col.item',
          'report.col.date',
          'report.col.from',
          'report.col.subject',
          'report.col.what-failed',
        ],
        shown.map((l) => [
          String(l.id),
          when(l.date),
          e(l.from ?? '—'),
          e(l.subject ?? '—'),
          reasons(l.reasons),
        ]),
        [0],
      ) + more(rest)
    );
  };
  const evidence = (f: DocumentLine['findings'][number]) =>
    Object.entries(f.evidence)
      .map(([k, val]) => `<code>${e(k)}</code> ${e(typeof val === 'string' ? val : JSON.stringify(val))}`)
      .join('<br>');
  const documentRows = (docs: DocumentLine[]) =>
    docs.flatMap((d) =>
      d.findings.map((f, i) => [
        i === 0 ? `${e(d.name)} <span class="muted">#${d.id}</span>` : '',
        e(f.code.replace(/^forensics\./, '')),
        `<span class="sev sev-${e(f.severity)}">${w(`severity.${f.severity}`)}</span>`,
        e(render(coded(f.code, f.params as Params), lang)),
        evidence(f),
      ]),
    );

  const sections: [id: string, title: string, body: string][] = [];
  const problems = capped(data.problems);
  sections.push([
    'custody',
    t('report.section.custody'),
    `<p>${w('report.custody.intro')}</p>
     <p>${w('report.custody.items', {
       items: data.stats.items,
       occurrences: data.stats.occurrences,
       duplicates: data.stats.duplicates,
       failed: data.completeness.failed,
       limited: data.completeness.limited,
     })}${data.completeness.missing ? ` <strong>${w('report.custody.missing', { missing: data.completeness.missing })}</strong>` : ''}</p>
     ${table(
       ['report.col.path', 'report.col.kind', 'report.col.size', 'report.col.sha256', 'report.col.completed'],
       data.sources.map((s) => [
         e(s.path),
         w(`report.kind.${s.kind}`),
         size(s.size),
         `<code class="hash">${e(s.sha256 ?? '—')}</code>`,
         when(s.completedAt),
       ]),
       [2],
     )}
     <h3>${w('report.custody.problems')}</h3>
     ${
       data.problems.length === 0
         ? `<p>${w('report.custody.all-read')}</p>`
         : table(
             ['report.col.item', 'report.col.path', 'report.col.status', 'report.col.reason'],
             problems.shown.map((p) => [
               String(p.id),
               e(p.path),
               w(`report.status.${p.status}`),
               p.reason ? e(render(p.reason, lang)) : '—',
             ]),
             [0],
           ) + more(problems.more)
     }
     <h3>${w('report.custody.log')}</h3>
     ${table(
       ['report.col.path', 'report.col.sha256', 'report.col.count', 'report.col.version', 'report.col.date'],
       data.custody.map((c) => [
         e(c.path),
         `<code class="hash">${e(c.sha256)}</code>`,
         String(c.counts.found),
         e(c.crible),
         when(c.time),
       ]),
       [2],
     )}`,
  ]);

  const checkedPercent = m.total ? Math.round((100 * m.checked) / m.total) : 0;
  const hunt = capped(data.keyHunt.keys);
  const mailboxes = [...m.bySource]
    .sort((a, b) => total(b.verdicts) - total(a.verdicts))
    .slice(0, 20)
    .map((s) => ({ label: s.mailbox ? `${s.source} › ${s.mailbox}` : s.source, counts: s.verdicts }));
  sections.push([
    'authenticity',
    t('report.section.authenticity'),
    `<p>${w('report.authenticity.verifiable', {
      checked: m.checked,
      messages: m.total,
      percent: checkedPercent,
      unsigned: v('unsigned'),
      keyUnavailable: v('key-unavailable'),
      unverifiable: v('unverifiable'),
    })}</p>
     <h3>${w('report.authenticity.by-verdict')}</h3>
     ${table(
       ['report.col.verdict', 'report.col.count', 'report.authenticity.guide'],
       VERDICT_ORDER.filter((name) => v(name) > 0).map((name) => [
         badge(name),
         String(v(name)),
         w(`guide.verdict.${name}`),
       ]),
       [1],
     )}
     <h3>${w('report.authenticity.by-month')}</h3>
     ${columnChart(
       m.byMonth.map((b) => ({ label: b.month ?? t('report.chart.no-date'), counts: b.verdicts })),
       STACK,
       t('report.authenticity.by-month'),
       t('report.chart.emails'),
     )}
     ${legend()}
     <h3>${w('report.authenticity.by-source')}</h3>
     ${mailboxes.length ? barChart(mailboxes, STACK, t('report.authenticity.by-source')) : `<p class="none">${w('report.none')}</p>`}
     <h3>${w('report.authenticity.by-domain')}</h3>
     ${table(
       ['report.col.domain', 'report.col.total', ...VERDICT_ORDER.map((x) => `verdict-name.${x}`)],
       m.byDomain
         .slice(0, 40)
         .map((d) => [
           e(d.domain),
           String(total(d.verdicts)),
           ...VERDICT_ORDER.map((x) => String(d.verdicts[x] ?? '')),
         ]),
       [1, 2, 3, 4, 5, 6, 7, 8],
     )}
     <h3>${w('report.authenticity.key-sources')}</h3>
     ${table(
       ['report.col.keys-from', 'report.col.count'],
       m.keySources.map((k) => [e(k.source), String(k.signatures)]),
       [1],
     )}
     <h3>${w('report.authenticity.key-hunt')}</h3>
     ${
       data.keyHunt.keys.length === 0
         ? `<p>${w('report.authenticity.no-keys-missing')}</p>`
         : `<p>${w('report.authenticity.key-hunt-intro', { messages: data.keyHunt.messagesWaiting })}</p>${table(
             ['report.col.domain', 'report.col.key', 'report.col.messages', 'report.col.dates'],
             hunt.shown.map((k) => [
               e(k.domain),
               e(k.selector),
               String(k.unavailable),
               `${when(k.first)} – ${when(k.last)}`,
             ]),
             [2],
           )}${more(hunt.more)}`
     }`,
  ]);
  sections.push([
    'caveats',
    t('report.section.caveats'),
    `<ul class="caveats">${['content', 'readers', 'decoy', 'unsigned', 'documents']
      .map((c) => `<li>${w(`report.caveat.${c}`)}</li>`)
      .join('')}</ul>`,
  ]);
  sections.push(['altered', t('report.section.altered'), messageTable(data.altered)]);
  sections.push(['forgeable', t('report.section.forgeable'), messageTable(data.forgeable)]);
  const flagged = capped(data.documents.flagged);
  sections.push([
    'documents',
    t('report.section.documents'),
    `<p>${w('report.documents.intro', { documents: data.documents.examined, flagged: data.documents.flagged.length })}</p>
     <h3>${w('report.documents.by-rule')}</h3>
     ${table(
       ['report.col.rule', 'report.col.severity', 'report.col.count'],
       data.documents.byRule.map((r) => [
         e(r.rule),
         `<span class="sev sev-${e(r.severity)}">${w(`severity.${r.severity}`)}</span>`,
         String(r.documents),
       ]),
       [2],
     )}
     ${
       flagged.shown.length
         ? table(
             [
               'report.col.document',
               'report.col.rule',
               'report.col.severity',
               'report.col.finding',
               'report.col.evidence',
             ],
             documentRows(flagged.shown),
           ) + more(flagged.more)
         : ''
     }`,
  ]);
  sections.push([
    'method',
    t('report.section.method'),
    `${['ingest', 'dkim', 'documents', 'recheck'].map((x) => `<p>${w(`report.method.${x}`)}</p>`).join('')}
     <h3>${w('report.method.tools')}</h3>
     ${table(
       ['report.col.tool', 'report.col.version'],
       data.tools.map((x) => [e(x.name), e(x.version)]),
     )}
     <h3>${w('report.method.analysers')}</h3>
     ${table(
       ['report.col.analyser', 'report.col.version'],
       data.analysers.map((x) => [e(x.id), e(x.version)]),
     )}`,
  ]);

  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${w('report.title')}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${w('report.title')}</h1>
<p class="muted">${w('report.subtitle', { at: data.writtenAt.replace('T', ' ').slice(0, 16), crible: data.crible })}</p>
${data.query === null ? '' : `<p class="query">${w('report.query', { query: data.query })}</p>`}
<p class="summary">${w('report.summary', {
    messages: m.total,
    documents: data.documents.examined,
    sources: data.sources.length,
    authentic: v('authentic') + v('authentic-with-caveats'),
    withCaveats: v('authentic-with-caveats'),
    altered: v('altered'),
    forgeable: v('forgeable'),
    cannotCheck: v('unverifiable') + v('key-unavailable'),
    unsigned: v('unsigned'),
    flagged: flaggedHigh,
  })}</p>
<p class="caveat-box">${w('guide.pass-does-not-prove')}</p>
<nav><strong>${w('report.contents')}</strong><ol>${sections.map(([id, title]) => `<li><a href="#${id}">${e(title)}</a></li>`).join('')}</ol></nav>
</header>
${sections.map(([id, title, body]) => `<section id="${id}"><h2>${e(title)}</h2>${body}</section>`).join('\n')}
</body>
</html>
`;

  function legend(): string {
    return `<p class="legend">${VERDICT_ORDER.map((x) => `<span><i style="background:${VERDICT_COLOURS[x]}"></i>${e(verdictName(x))}</span>`).join('')}</p>`;
  }
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Sizes in the reader's language: KB/MB in English, Ko/Mo in French. */
function bytes(n: number, lang: Lang): string {
  const [b, k, mb, g] = lang === 'fr' ? ['octets', 'Ko', 'Mo', 'Go'] : ['bytes', 'KB', 'MB', 'GB'];
  const one = (x: number, unit: string) => `${x.toFixed(1).replace('.', lang === 'fr' ? ',' : '.')} ${unit}`;
  if (n >= 1024 ** 3) return one(n / 1024 ** 3, g);
  if (n >= 1024 ** 2) return one(n / 1024 ** 2, mb);
  if (n >= 1024) return one(n / 1024, k);
  return `${n} ${b}`;
}

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1b1b1b; max-width: 980px; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.9em; margin: 0 0 .2em; }
h2 { font-size: 1.35em; border-bottom: 2px solid #1b1b1b; padding-bottom: .2em; margin-top: 2.2em; }
h3 { font-size: 1.05em; margin-top: 1.6em; }
.muted { color: #666; }
.summary { font-size: 1.1em; }
.caveat-box { background: #fff8e1; border-left: 4px solid #f9a825; padding: .6em 1em; }
.query { background: #e3f2fd; padding: .4em .8em; }
nav ol { columns: 2; margin: .4em 0; }
nav a { color: #0d47a1; text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1em; font-size: .92em; }
th, td { text-align: left; vertical-align: top; padding: .3em .5em; border-bottom: 1px solid #e0e0e0; }
th { background: #f5f5f5; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font: .9em ui-monospace, "DejaVu Sans Mono", monospace; }
code.hash { word-break: break-all; font-size: .8em; }
.badge { display: inline-block; padding: .05em .5em; border-radius: .8em; font-size: .85em; white-space: nowrap; }
.sev { font-weight: 600; }
.sev-high { color: #c62828; } .sev-medium { color: #ef6c00; } .sev-low { color: #555; }
.none, .more { color: #666; font-style: italic; }
.when { white-space: nowrap; }
.legend span { margin-right: 1em; white-space: nowrap; font-size: .85em; }
.legend i { display: inline-block; width: .8em; height: .8em; margin-right: .3em; vertical-align: -.05em; }
svg { margin: .4em 0; }
svg .tick { font-size: 10px; fill: #555; }
svg .label { font-size: 11px; fill: #1b1b1b; }
ul.caveats li { margin: .4em 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  nav { display: none; }
  section { break-before: page; }
  h2, h3 { break-after: avoid; }
  tr, svg { break-inside: avoid; }
}
`;
