// `crible report`: what an editor needs to decide what to publish, as data (report.json) that the HTML
// page and the CSV tables are written from. Everything is counted from the store; words are not made
// here but by the page, in the language asked for, from the same codes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analysers } from '../analysers/index.ts';
import { type Coded, coded, type Lang, type Params, render } from '../report/catalogue.ts';
import { toCsv } from '../report/csv.ts';
import { reportPage } from '../report/html/report-page.ts';
import { type Redaction, Redactor, redactDeep, redactionsCsv } from '../report/redact.ts';
import type { CaseStats, CustodyLine, FindingRecord, SourceRecord, Store } from '../store/store.ts';
import type { MessageVerification } from '../verify/types.ts';
import { type Completeness, completeness } from './case-stats.ts';
import { type ListRow, listRows, VERDICT_ORDER } from './item-list.ts';
import { type KeyHunt, keyHunt } from './key-hunt.ts';
import { searchAllIds } from './search.ts';
import { cribleVersion, readerVersions } from './version.ts';

export type VerdictCounts = Record<string, number>;

export interface MessageLine {
  id: number;
  date: string | null;
  from: string | null;
  subject: string | null;
  verdict: string;
  reasons: Coded[];
  /** Where it was found, for a person. */
  place: string;
}

export interface DocumentLine {
  id: number;
  name: string;
  format: string;
  findings: FindingRecord[];
  /** The highest severity among its findings. */
  severity: string;
}

export interface ReportData {
  crible: string;
  writtenAt: string;
  query: string | null;
  sources: SourceRecord[];
  stats: CaseStats;
  completeness: Completeness;
  custody: CustodyLine[];
  /** Items not read in full, with their reasons. */
  problems: { id: number; path: string; status: string; reason: Coded | null }[];
  messages: {
    total: number;
    verdicts: VerdictCounts;
    /** Messages whose signature could be checked (a verdict other than unsigned, key-unavailable, unverifiable). */
    checked: number;
    byMonth: { month: string | null; verdicts: VerdictCounts }[];
    /** By ISO week (the Monday it starts on), for the workbench's timeline. */
    byWeek: { week: string | null; verdicts: VerdictCounts }[];
    bySource: { source: string; mailbox: string; verdicts: VerdictCounts }[];
    byDomain: { domain: string; verdicts: VerdictCounts }[];
    keySources: { source: string; signatures: number }[];
  };
  keyHunt: KeyHunt;
  altered: MessageLine[];
  forgeable: MessageLine[];
  documents: {
    examined: number;
    flagged: DocumentLine[];
    byRule: { rule: string; severity: string; documents: number }[];
  };
  tools: { name: string; version: string }[];
  analysers: { id: string; version: string }[];
}

const NOT_CHECKED = new Set(['unsigned', 'key-unavailable', 'unverifiable']);
const SEVERITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2, info: 3 };

function tally(counts: VerdictCounts, verdict: string): void {
  counts[verdict] = (counts[verdict] ?? 0) + 1;
}

/** The mailbox a message was found in: its mbox or mail store, else its folder (a Maildir's, without cur/new). */
function mailboxOf(row: ListRow, containers: Map<number, string>): string {
  const container = row.parentId === null ? undefined : containers.get(row.parentId);
  if (container) return container;
  const folder = dirname(row.path).replace(/(^|\/)(cur|new|tmp)$/, '');
  return folder === '.' || folder === '' ? '' : folder;
}

export async function buildReport(store: Store, options: { query?: string } = {}): Promise<ReportData> {
  const only = options.query === undefined ? null : await searchAllIds(store, options.query);
  const inScope = (id: number) => only === null || only.has(id);
  const rows = (await listRows(store, { type: 'message' })).filter((r) => inScope(r.id));
  const containers = new Map<number, string>();
  for (const c of await store.containerCounts()) containers.set(c.itemId, c.path);

  const verdicts: VerdictCounts = {};
  const months = new Map<string | null, VerdictCounts>();
  const weeks = new Map<string | null, VerdictCounts>();
  const mailboxes = new Map<string, { source: string; mailbox: string; verdicts: VerdictCounts }>();
  const altered: MessageLine[] = [];
  const forgeable: MessageLine[] = [];
  for (const row of rows) {
    const verdict = row.verdict ?? 'unsigned';
    tally(verdicts, verdict);
    const month = row.date ? row.date.slice(0, 7) : null;
    if (!months.has(month)) months.set(month, {});
    tally(months.get(month)!, verdict);
    const week = row.date ? mondayOf(row.date) : null;
    if (!weeks.has(week)) weeks.set(week, {});
    tally(weeks.get(week)!, verdict);
    const source = row.source ?? '';
    const mailbox = mailboxOf(row, containers);
    const key = `${source}\0${mailbox}`;
    if (!mailboxes.has(key)) mailboxes.set(key, { source, mailbox, verdicts: {} });
    tally(mailboxes.get(key)!.verdicts, verdict);
    const line = {
      id: row.id,
      date: row.date,
      from: row.from[0]?.address ?? null,
      subject: row.subject,
      verdict,
      reasons: row.reasons,
      place: row.place,
    };
    if (verdict === 'altered') altered.push(line);
    if (verdict === 'forgeable') forgeable.push(line);
  }

  // Signing domains and key sources, from each verification (a message counts once per domain).
  const domains = new Map<string, VerdictCounts>();
  const keySources = new Map<string, number>();
  for (let after = 0; ; ) {
    const page = await store.analysisResults('dkim', after, 2000);
    if (page.length === 0) break;
    after = page.at(-1)!.itemId;
    for (const analysis of page) {
      if (!inScope(analysis.itemId)) continue;
      const v = analysis.result as Partial<MessageVerification>;
      const verdict = analysis.summary ?? 'unsigned';
      for (const domain of new Set((v.signatures ?? []).map((s) => s.domain.toLowerCase()))) {
        if (!domains.has(domain)) domains.set(domain, {});
        tally(domains.get(domain)!, verdict);
      }
      for (const s of v.signatures ?? [])
        if (s.key) keySources.set(s.key.source, (keySources.get(s.key.source) ?? 0) + 1);
    }
  }

  const documents = await documentSection(store, inScope);
  const stats = await store.stats();
  const problems = (await store.listItems({ type: 'all', status: ['failed', 'limited'] })).map((item) => ({
    id: item.id,
    path: item.first.path,
    status: item.status,
    reason: item.reason,
  }));
  const checked = rows.filter((r) => !NOT_CHECKED.has(r.verdict ?? 'unsigned')).length;
  return {
    crible: cribleVersion,
    writtenAt: new Date().toISOString(),
    query: options.query ?? null,
    sources: await store.listSources(),
    stats,
    completeness: await completeness(store),
    custody: store.custody.read(),
    problems,
    messages: {
      total: rows.length,
      verdicts,
      checked,
      byMonth: [...months]
        .sort(([a], [b]) => (a ?? '9999').localeCompare(b ?? '9999'))
        .map(([month, counts]) => ({ month, verdicts: counts })),
      byWeek: [...weeks]
        .sort(([a], [b]) => (a ?? '9999').localeCompare(b ?? '9999'))
        .map(([week, counts]) => ({ week, verdicts: counts })),
      bySource: [...mailboxes.values()].sort(
        (a, b) => a.source.localeCompare(b.source) || a.mailbox.localeCompare(b.mailbox),
      ),
      byDomain: [...domains]
        .map(([domain, counts]) => ({ domain, verdicts: counts }))
        .sort((a, b) => total(b.verdicts) - total(a.verdicts) || a.domain.localeCompare(b.domain)),
      keySources: [...keySources]
        .map(([source, signatures]) => ({ source, signatures }))
        .sort((a, b) => b.signatures - a.signatures),
    },
    keyHunt: await keyHunt(store),
    altered,
    forgeable,
    documents,
    tools: [
      { name: 'Crible', version: cribleVersion },
      { name: 'Node.js', version: process.versions.node },
      { name: 'SQLite', version: process.versions.sqlite ?? '' },
      ...Object.entries(readerVersions).map(([name, version]) => ({ name, version })),
    ],
    analysers: analysers.map((a) => ({ id: a.id, version: a.version })),
  };
}

/** The Monday (UTC) of the week an instant falls in, as YYYY-MM-DD. */
function mondayOf(iso: string): string {
  const d = new Date(iso);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

function total(counts: VerdictCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Documents examined, those with forensic findings (strongest first), and findings per rule. */
async function documentSection(
  store: Store,
  inScope: (id: number) => boolean,
): Promise<ReportData['documents']> {
  let examined = 0;
  for (let after = 0; ; ) {
    const page = await store.analysisResults('extract', after, 5000);
    if (page.length === 0) break;
    after = page.at(-1)!.itemId;
    examined += page.filter((a) => a.status === 'ok' && inScope(a.itemId)).length;
  }
  const codes = Object.keys(await store.findingCounts()).filter((c) => c.startsWith('forensics.'));
  const flagged: DocumentLine[] = [];
  const byRule = new Map<string, { severity: string; documents: number }>();
  if (codes.length)
    for (const item of await store.listItems({ type: 'all', findings: codes })) {
      if (!inScope(item.id)) continue;
      const findings = (await store.findingsOf(item.id)).filter((f) => f.code.startsWith('forensics.'));
      findings.sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9));
      for (const f of findings) {
        const rule = f.code.slice('forensics.'.length);
        const entry = byRule.get(rule) ?? { severity: f.severity, documents: 0 };
        entry.documents++;
        if ((SEVERITY_RANK[f.severity] ?? 9) < (SEVERITY_RANK[entry.severity] ?? 9))
          entry.severity = f.severity;
        byRule.set(rule, entry);
      }
      flagged.push({
        id: item.id,
        name: item.first.filename ?? item.first.path,
        format: item.format,
        findings,
        severity: findings[0]?.severity ?? 'info',
      });
    }
  flagged.sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || a.id - b.id);
  return {
    examined,
    flagged,
    byRule: [...byRule]
      .map(([rule, e]) => ({ rule, ...e }))
      .sort(
        (a, b) =>
          (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || b.documents - a.documents,
      ),
  };
}

/** One CSV table of the report: its file name and rows (the header first), in the report's language. */
export interface ReportTable {
  file: string;
  rows: (string | number | null)[][];
}

export function reportTables(data: ReportData, lang: Lang): ReportTable[] {
  const t = (code: string) => render(coded(code), lang);
  const verdictColumns = VERDICT_ORDER.map((v) => t(`verdict-name.${v}`));
  const byVerdict = (counts: VerdictCounts) => VERDICT_ORDER.map((v) => counts[v] ?? 0);
  const messages = (lines: MessageLine[]) => [
    [
      'report.col.item',
      'report.col.date',
      'report.col.from',
      'report.col.subject',
      'report.col.what-failed',
    ].map(t),
    ...lines.map((l) => [l.id, l.date, l.from, l.subject, l.reasons.map((r) => render(r, lang)).join(' ')]),
  ];
  return [
    {
      file: 'sources.csv',
      rows: [
        [
          'report.col.path',
          'report.col.kind',
          'report.col.size',
          'report.col.sha256',
          'report.col.completed',
        ].map(t),
        ...data.sources.map((s) => [s.path, t(`report.kind.${s.kind}`), s.size, s.sha256, s.completedAt]),
      ],
    },
    {
      file: 'items-not-read.csv',
      rows: [
        ['report.col.item', 'report.col.path', 'report.col.status', 'report.col.reason'].map(t),
        ...data.problems.map((p) => [
          p.id,
          p.path,
          t(`report.status.${p.status}`),
          p.reason ? render(p.reason, lang) : null,
        ]),
      ],
    },
    {
      file: 'verdicts-by-month.csv',
      rows: [
        [t('report.col.month'), t('report.col.total'), ...verdictColumns],
        ...data.messages.byMonth.map((b) => [b.month, total(b.verdicts), ...byVerdict(b.verdicts)]),
      ],
    },
    {
      file: 'verdicts-by-source.csv',
      rows: [
        [t('report.col.source'), 'mailbox', t('report.col.total'), ...verdictColumns],
        ...data.messages.bySource.map((s) => [
          s.source,
          s.mailbox,
          total(s.verdicts),
          ...byVerdict(s.verdicts),
        ]),
      ],
    },
    {
      file: 'verdicts-by-domain.csv',
      rows: [
        [t('report.col.domain'), t('report.col.total'), ...verdictColumns],
        ...data.messages.byDomain.map((d) => [d.domain, total(d.verdicts), ...byVerdict(d.verdicts)]),
      ],
    },
    { file: 'altered.csv', rows: messages(data.altered) },
    { file: 'forgeable.csv', rows: messages(data.forgeable) },
    {
      file: 'documents-flagged.csv',
      rows: [
        [
          'report.col.item',
          'report.col.document',
          'report.col.rule',
          'report.col.severity',
          'report.col.finding',
          'report.col.evidence',
        ].map(t),
        ...data.documents.flagged.flatMap((d) =>
          d.findings.map((f) => [
            d.id,
            d.name,
            f.code.replace(/^forensics\./, ''),
            t(`severity.${f.severity}`),
            render(coded(f.code, f.params as Params), lang),
            JSON.stringify(f.evidence),
          ]),
        ),
      ],
    },
    {
      file: 'keys-missing.csv',
      rows: [
        ['report.col.domain', 'report.col.key', 'report.col.messages', 'report.col.dates'].map(t),
        ...data.keyHunt.keys.map((k) => [
          k.domain,
          k.selector,
          k.unavailable,
          `${k.first ?? ''} ${k.last ?? ''}`.trim(),
        ]),
      ],
    },
  ];
}

export interface WrittenReport {
  dir: string;
  files: string[];
  data: ReportData;
}

/** Writes report.html, report.json and the CSV tables into `outDir` (created when missing). */
export async function writeReport(
  store: Store,
  outDir: string,
  options: { query?: string; lang?: Lang; redact?: { allow: string[] } } = {},
): Promise<WrittenReport & { redactions: Redaction[] }> {
  const lang = options.lang ?? 'en';
  const built = await buildReport(store, options.query === undefined ? {} : { query: options.query });
  // For publication: every value of the dump in every file is masked, the same value by the same mask.
  const redactor = options.redact ? new Redactor(options.redact.allow) : null;
  const data = redactor ? redactDeep(built, redactor) : built;
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(outDir, name), text);
    files.push(name);
  };
  put('report.html', reportPage(data, lang));
  put('report.json', `${JSON.stringify(data, null, 2)}\n`);
  for (const table of reportTables(data, lang))
    put(table.file, toCsv(table.rows, { bom: true, record_delimiter: '\r\n' }));
  const redactions = redactor?.redactions() ?? [];
  // What each mask replaced, for the newsroom: beside the report, not in it.
  if (redactions.length)
    writeFileSync(`${outDir.replace(/\/+$/, '')}.redactions.csv`, redactionsCsv(redactions));
  return { dir: outDir, files, data, redactions };
}
