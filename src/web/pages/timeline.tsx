// A query's messages over time: a bar per month (per day when they are few), each a link to the search
// narrowed to its period.
import type { Timeline } from '../../core/graph.ts';
import { t } from '../i18n.ts';
import { Load } from '../ui.tsx';
import { QueryForm } from './correspondents.tsx';

export function TimelinePage({ q }: { q: string }) {
  return (
    <section class="timeline">
      <h1>{t('web.timeline.title')}</h1>
      <QueryForm q={q} base="/timeline" />
      <Load<Timeline> path={`/api/timeline?q=${encodeURIComponent(q)}`}>
        {(timeline) => <Bars q={q} timeline={timeline} />}
      </Load>
    </section>
  );
}

function Bars({ q, timeline }: { q: string; timeline: Timeline }) {
  if (timeline.bars.length === 0) return <p class="muted">{t('web.timeline.none')}</p>;
  const max = Math.max(...timeline.bars.map((b) => b.count));
  // A label under every bar would overlap: about a dozen, evenly spaced.
  const every = Math.max(1, Math.ceil(timeline.bars.length / 12));
  return (
    <>
      <h2>{t(timeline.unit === 'day' ? 'web.timeline.by-day' : 'web.timeline.by-month')}</h2>
      <p class="muted small">{t('web.timeline.intro')}</p>
      <div class="bars">
        {timeline.bars.map((bar, i) => (
          <a
            key={bar.period}
            class="bar"
            data-period={bar.period}
            href={`/search?q=${encodeURIComponent(`${q} date:${bar.period}`.trim())}`}
            title={t('web.timeline.bar', { period: bar.period, count: bar.count })}
          >
            <span class={bar.count > 0 && timeline.bars.length <= 40 ? 'n shown' : 'n'}>{bar.count}</span>
            <span
              class="fill"
              style={{ height: bar.count ? `${Math.max(2, (100 * bar.count) / max)}%` : 0 }}
            />
            <span class="label">{i % every === 0 ? bar.period : ''}</span>
          </a>
        ))}
      </div>
    </>
  );
}
