// What message and document pages both show: findings with their evidence, where the item comes from,
// the download of its exact bytes.
import type { FindingView, ItemDescription } from '../../core/describe.ts';
import { t, words } from '../i18n.ts';
import { Severity, Verdict, when } from '../ui.tsx';

export function Findings({ findings }: { findings: FindingView[] }) {
  if (findings.length === 0) return <p class="muted">{t('web.item.no-findings')}</p>;
  return (
    <ul class="findings">
      {findings.map((f, i) => (
        <li key={i} data-rule={f.rule}>
          <Severity severity={f.severity} /> <strong>{f.rule}</strong> — {f.explanation}
          <dl class="evidence">
            {Object.entries(f.evidence).map(([k, v]) => (
              <>
                <dt key={`${k}-k`}>{k}</dt>
                <dd key={`${k}-v`}>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
              </>
            ))}
          </dl>
        </li>
      ))}
    </ul>
  );
}

export function Provenance({ description }: { description: ItemDescription }) {
  const origin = description.origin;
  return (
    <div class="provenance">
      {origin?.summary.map((s, i) => (
        <p key={i} class={origin.authenticated ? 'vouched' : ''}>
          {words(s)}
        </p>
      ))}
      {origin?.carriers.map((c) => (
        <p key={c.itemId} class="carrier">
          <Verdict verdict={c.verdict} />{' '}
          <a href={`/messages/${c.itemId}`}>{c.subject ?? t('web.message.no-subject')}</a>{' '}
          <span class="muted">
            {c.from} · {when(c.date)} {c.filename ? `· ${c.filename}` : ''}
          </span>
        </p>
      ))}
      <ol class="chain muted">
        {description.provenance.map((step, i) => (
          <li key={i}>{step.place}</li>
        ))}
      </ol>
    </div>
  );
}

export function RawLink({ id }: { id: number }) {
  return (
    <a class="button" href={`/api/items/${id}/raw`} download>
      {t('web.item.raw')}
    </a>
  );
}
