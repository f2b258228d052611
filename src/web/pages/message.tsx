// A message: its headers, its body (text, or the sanitised HTML in a sealed frame), its attachments with
// their forensic status, and the verification panel: each signature, its key and where the key came from,
// flags, repairs, what failed, in words, with the verdict guide a click away.
import type { ItemDescription } from '../../core/describe.ts';
import type { MessageSource } from '../../core/graph.ts';
import type { AttachmentCopy, MessageText } from '../../core/message-view.ts';
import { formatBytes } from '../../report/size.ts';
import type { MailAddress } from '../../store/store.ts';
import type { MessageVerification } from '../../verify/types.ts';
import { t, words } from '../i18n.ts';
import { Triage } from '../triage.tsx';
import { Load, Verdict, when } from '../ui.tsx';
import { Findings, ForensicStatus, RawLink } from './item-parts.tsx';

type MessageView = ItemDescription & { text: MessageText | null; attachments: AttachmentCopy[] };

const people = (list: MailAddress[]) =>
  list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');

export function MessagePage({ id }: { id: number }) {
  return (
    <Load<MessageView> path={`/api/items/${id}`}>
      {(view) => {
        const m = view.message;
        if (!m) return <p>{t('web.not-found', { path: `/messages/${id}` })}</p>;
        const verification = view.analyses.find((a) => a.analyser === 'dkim')?.result as
          | MessageVerification
          | undefined;
        return (
          <article class="message">
            <h1>
              <Verdict verdict={verification?.verdict ?? null} /> {m.subject || t('web.message.no-subject')}
            </h1>
            <table class="headers">
              <tbody>
                <tr>
                  <th>{t('web.message.from')}</th>
                  <td>{people(m.from)}</td>
                </tr>
                <tr>
                  <th>{t('web.message.to')}</th>
                  <td>{people(m.to)}</td>
                </tr>
                {m.cc.length > 0 && (
                  <tr>
                    <th>{t('web.message.cc')}</th>
                    <td>{people(m.cc)}</td>
                  </tr>
                )}
                <tr>
                  <th>{t('web.message.date')}</th>
                  <td>
                    {m.dateRaw ?? '—'} <span class="muted">({when(m.date)} UTC)</span>
                  </td>
                </tr>
              </tbody>
            </table>
            <p class="actions">
              <RawLink id={id} />{' '}
              <a class="button" href={`/api/items/${id}/proof.zip`} download>
                {t('web.message.proof')}
              </a>{' '}
              <a href={`/messages/${id}/source`}>{t('web.message.source')}</a>{' '}
              <a href={`/threads/${id}`}>{t('web.message.thread')}</a>
            </p>
            {verification && <VerificationPanel v={verification} />}
            <Triage id={id} />
            <h2>{t('web.message.body')}</h2>
            {m.hasHtml && !m.text?.trim() ? (
              <>
                <p class="muted small">{t('web.message.html-note')}</p>
                <iframe
                  class="mail"
                  title={t('web.message.body')}
                  sandbox=""
                  src={`/api/items/${id}/body.html`}
                  referrerpolicy="no-referrer"
                />
              </>
            ) : (
              <pre class="body">{view.text?.text ?? ''}</pre>
            )}
            <h2>{t('web.message.attachments')}</h2>
            {view.attachments.length === 0 ? (
              <p class="muted">{t('web.message.no-attachments')}</p>
            ) : (
              <ul class="attachments">
                {view.attachments.map((a) => (
                  <li key={a.itemId}>
                    <a href={a.type === 'message' ? `/messages/${a.itemId}` : `/documents/${a.itemId}`}>
                      {a.filename ?? `#${a.itemId}`}
                    </a>{' '}
                    <span class="muted">
                      {a.declaredType ?? ''} · {formatBytes(a.size)}
                    </span>{' '}
                    {a.status !== 'ok' && <span class="error small">{t(`web.item.status.${a.status}`)}</span>}{' '}
                    {a.type !== 'message' && <ForensicStatus id={a.itemId} />}
                  </li>
                ))}
              </ul>
            )}
            <h2>{t('web.item.findings')}</h2>
            <Findings findings={view.findings} />
          </article>
        );
      }}
    </Load>
  );
}

function VerificationPanel({ v }: { v: MessageVerification }) {
  return (
    <section class="verification">
      <h2>
        {t('web.message.verification')} <Verdict verdict={v.verdict} />
      </h2>
      <ul class="reasons">
        {v.reasons.map((r, i) => (
          <li key={i}>{words(r)}</li>
        ))}
      </ul>
      {v.signatures.map((s) => (
        <div class={`signature result-${s.result}`} key={s.index}>
          <h3>
            {t('web.message.signature', { n: s.index + 1, domain: s.domain, selector: s.selector })} —{' '}
            <code>{s.result}</code>
          </h3>
          <p>{words(s.reason)}</p>
          <p class="muted">
            {s.key
              ? t('web.message.key', {
                  name: s.key.name,
                  source: s.key.source,
                  window: s.key.firstSeen
                    ? `${s.key.firstSeen.slice(0, 10)} – ${(s.key.lastSeen ?? '').slice(0, 10)}`
                    : null,
                })
              : t('web.message.no-key')}
          </p>
          {(s.flags.length > 0 || s.repairs.length > 0) && (
            <p class="flags">
              {[...s.flags, ...s.repairs.map((r) => `repair:${r}`)].map((f) => (
                <code key={f}>{f}</code>
              ))}
            </p>
          )}
        </div>
      ))}
      <p class="caveat">{words(v.caveat)}</p>
      <details>
        <summary>{t('web.message.guide')}</summary>
        <dl class="guide">
          {[
            'altered',
            'forgeable',
            'authentic',
            'authentic-with-caveats',
            'key-unavailable',
            'unverifiable',
            'unsigned',
          ].map((name) => (
            <>
              <dt key={`${name}-t`}>
                <Verdict verdict={name} />
              </dt>
              <dd key={`${name}-d`}>{t(`guide.verdict.${name}`)}</dd>
            </>
          ))}
        </dl>
      </details>
    </section>
  );
}

/** The message as stored, headers and all, shown as text (never as HTML): the first megabyte. */
export function MessageSourcePage({ id }: { id: number }) {
  return (
    <Load<MessageSource> path={`/api/items/${id}/source`}>
      {(source) => (
        <article class="source">
          <h1>{t('web.source.title', { id })}</h1>
          <p class="actions">
            <a href={`/messages/${id}`}>{t('web.source.back')}</a> <RawLink id={id} />
          </p>
          {source.shown < source.size && (
            <p class="muted">
              {t('web.source.cut', { shown: formatBytes(source.shown), size: formatBytes(source.size) })}
            </p>
          )}
          <pre class="body raw">{source.text}</pre>
        </article>
      )}
    </Load>
  );
}
