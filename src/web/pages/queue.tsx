// The queue: items someone tagged, documents with a high finding, emails whose verdict is altered or
// forgeable — newest first, a page at a time — each with why it is there.
import type { Queue } from '../../core/triage.ts';
import { t } from '../i18n.ts';
import { TagChip } from '../triage.tsx';
import { Load, Severity, Verdict, when } from '../ui.tsx';

const PAGE = 50;

export function QueuePage({ offset }: { offset: number }) {
  return (
    <section class="queue" data-testid="queue-page">
      <h1>{t('web.queue.title')}</h1>
      <p class="muted">{t('web.queue.intro')}</p>
      <Load<Queue> path={`/api/queue?offset=${offset}&limit=${PAGE}`}>
        {(queue) =>
          queue.total === 0 ? (
            <p data-testid="queue-empty">{t('web.queue.empty')}</p>
          ) : (
            <>
              <p class="muted small">{t('web.queue.count', { count: queue.total })}</p>
              <table class="results" style={{ width: '100%' }}>
                <tbody>
                  {queue.rows.map((row) => (
                    <tr key={row.id} data-testid="queue-row" data-id={row.id}>
                      <td>
                        <Verdict verdict={row.verdict} />
                      </td>
                      <td class="muted small">{row.type}</td>
                      <td>
                        <a href={row.type === 'email' ? `/messages/${row.id}` : `/documents/${row.id}`}>
                          {row.subject || t('web.message.no-subject')}
                        </a>
                        {row.from && <span class="muted small"> — {row.from}</span>}
                      </td>
                      <td class="muted small" style={{ whiteSpace: 'nowrap' }}>
                        {when(row.date)}
                      </td>
                      <td>
                        {row.tags.map((tag) => (
                          <TagChip key={tag} tag={tag} />
                        ))}
                        {row.high.map((rule) => (
                          <span key={rule} style={{ marginRight: '0.5em', whiteSpace: 'nowrap' }}>
                            <Severity severity="high" /> {rule}
                          </span>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p class="pager">
                {offset > 0 && (
                  <a href={`/queue?offset=${Math.max(0, offset - PAGE)}`}>{t('web.search.previous')}</a>
                )}{' '}
                {offset + PAGE < queue.total && (
                  <a href={`/queue?offset=${offset + PAGE}`}>{t('web.search.next')}</a>
                )}
              </p>
            </>
          )
        }
      </Load>
    </section>
  );
}
