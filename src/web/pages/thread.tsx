// A conversation in reply order, each message with its verdict.
import type { ThreadView } from '../../core/threads.ts';
import { t } from '../i18n.ts';
import { Load, Verdict, when } from '../ui.tsx';

export function ThreadPage({ id }: { id: number }) {
  return (
    <Load<ThreadView> path={`/api/threads/${id}`}>
      {(thread) => (
        <section class="thread">
          <h1>{t('web.thread.title')}</h1>
          <ol>
            {thread.messages.map((m) => (
              <li key={m.itemId} style={{ marginLeft: `${Math.min(m.depth, 12) * 1.5}em` }}>
                <Verdict verdict={m.verdict} />{' '}
                <a href={`/messages/${m.itemId}`}>{m.subject || t('web.message.no-subject')}</a>{' '}
                <span class="muted">
                  {m.from} · {when(m.date)}
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}
    </Load>
  );
}
