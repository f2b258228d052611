// The case at a glance: emails per verdict and per week, document findings, who writes to whom,
// what could not be read.
import type { ReportData } from '../../core/report.ts';
import type { CorrespondentRow } from '../../store/search.ts';
import { t } from '../i18n.ts';
import { Load, Severity, VERDICT_COLOURS, Verdict } from '../ui.tsx';

const ORDER = [
  'altered',
  'forgeable',
  'unverifiable',
  'key-unavailable',
  'unsigned',
  'authentic-with-caveats',
  'authentic',
];

type Overview = ReportData & { correspondents: CorrespondentRow[] };

export function Dashboard() {
  return (
    <Load<Overview> path="/api/case">
      {(data) => {
        const m = data.messages;
        const high = data.documents.flagged.filter((d) => d.severity === 'high').length;
        const { failed, limited, missing } = data.completeness;
        return (
          <section class="dashboard">
            <h1>{t('web.dashboard.title')}</h1>
            <p class="headline">
              <span>{t('web.dashboard.emails', { count: m.total })}</span>
              <span>{t('web.dashboard.documents', { count: data.documents.examined })}</span>
              <span class={high ? 'alert' : ''}>
                {t('web.dashboard.flagged', { count: data.documents.flagged.length })}
              </span>
            </p>
            <div class="grid">
              <div class="card">
                <h2>{t('web.dashboard.by-verdict')}</h2>
                <table>
                  <tbody>
                    {ORDER.filter((v) => m.verdicts[v]).map((v) => (
                      <tr key={v}>
                        <td>
                          <a href={`/search?q=${encodeURIComponent(`verdict:${v}`)}`}>
                            <Verdict verdict={v} />
                          </a>
                        </td>
                        <td class="n">{m.verdicts[v]}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div class="card">
                <h2>{t('web.dashboard.findings')}</h2>
                <table>
                  <tbody>
                    {data.documents.byRule.map((r) => (
                      <tr key={r.rule}>
                        <td>
                          <a href={`/search?q=${encodeURIComponent(`finding:${findingCode(r.rule)}`)}`}>
                            {r.rule}
                          </a>
                        </td>
                        <td>
                          <Severity severity={r.severity} />
                        </td>
                        <td class="n">{r.documents}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
            <div class="card wide">
              <h2>{t('web.dashboard.by-week')}</h2>
              <Weeks weeks={m.byWeek} />
            </div>
            <div class="grid">
              <div class="card">
                <h2>
                  {t('web.dashboard.correspondents')}{' '}
                  <a class="small" href="/correspondents">
                    {t('web.dashboard.see-graph')}
                  </a>
                </h2>
                <table>
                  <tbody>
                    {data.correspondents.map((c) => (
                      <tr key={`${c.from} ${c.to}`}>
                        <td>
                          <a href={`/search?q=${encodeURIComponent(`from:${c.from} to:${c.to}`)}`}>
                            {c.from} → {c.to}
                          </a>
                        </td>
                        <td class="n">{c.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div class="card">
                <h2>{t('web.dashboard.domains')}</h2>
                <table>
                  <tbody>
                    {m.byDomain.slice(0, 10).map((d) => (
                      <tr key={d.domain}>
                        <td>
                          <a href={`/search?q=${encodeURIComponent(`domain:${d.domain}`)}`}>{d.domain}</a>
                        </td>
                        <td class="n">{Object.values(d.verdicts).reduce((a, b) => a + b, 0)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
            <div class="card wide">
              <h2>{t('web.dashboard.completeness')}</h2>
              <p>
                {failed + limited + missing === 0
                  ? t('web.dashboard.all-read')
                  : t('web.dashboard.not-read', { failed, limited, missing })}
              </p>
            </div>
          </section>
        );
      }}
    </Load>
  );
}

/** The code search knows a finding by: a forensic rule's id is its code without the `forensics.` prefix. */
function findingCode(rule: string): string {
  return rule.includes('.') ? rule : `forensics.${rule}`;
}

/** The Sunday of the week that starts on `monday` (YYYY-MM-DD): a search's date range includes both ends. */
function weekEnd(monday: string): string {
  const end = new Date(`${monday}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 6);
  return Number.isNaN(end.getTime()) ? monday : end.toISOString().slice(0, 10);
}

/** Emails per week as stacked bars (an SVG drawn here from numbers only); a bar's part searches its emails. */
function Weeks({ weeks }: { weeks: ReportData['messages']['byWeek'] }) {
  const dated = weeks.filter((w) => w.week !== null);
  const max = Math.max(1, ...dated.map((w) => Object.values(w.verdicts).reduce((a, b) => a + b, 0)));
  const width = 900;
  const height = 160;
  const step = width / Math.max(1, dated.length);
  const bar = Math.max(1, Math.min(24, step - 1));
  const present = ORDER.filter((v) => dated.some((w) => w.verdicts[v]));
  return (
    <>
      <svg
        // Room on the right for the last date's label.
        viewBox={`0 0 ${width + 60} ${height + 16}`}
        width="100%"
        role="img"
        aria-label={t('web.dashboard.by-week')}
      >
        {dated.map((w, i) => {
          let y = height;
          return (
            <g key={w.week}>
              {[...ORDER].reverse().map((v) => {
                const n = w.verdicts[v] ?? 0;
                if (!n) return null;
                const h = (n / max) * (height - 4);
                y -= h;
                return (
                  <a
                    key={v}
                    href={`/search?q=${encodeURIComponent(`date:${w.week}..${weekEnd(w.week!)} verdict:${v}`)}`}
                  >
                    <rect x={i * step} y={y} width={bar} height={h} fill={VERDICT_COLOURS[v]}>
                      <title>{`${w.week}: ${n} ${t(`verdict-name.${v}`)}`}</title>
                    </rect>
                  </a>
                );
              })}
              {i % Math.ceil(dated.length / 10) === 0 && (
                <text x={i * step} y={height + 12} class="tick">
                  {w.week}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <p class="legend">
        {present.map((v) => (
          <Verdict key={v} verdict={v} />
        ))}
      </p>
    </>
  );
}
