// A document: its findings with their evidence, where it comes from (the emails that carry it and vouch
// for it), the facts the rules compare, every metadata field as written, and its text.
import type { ItemDescription } from '../../core/describe.ts';
import { t, words } from '../i18n.ts';
import { Triage } from '../triage.tsx';
import { Load } from '../ui.tsx';
import { Findings, Provenance, RawLink } from './item-parts.tsx';

export function DocumentPage({ id }: { id: number }) {
  return (
    <Load<ItemDescription> path={`/api/items/${id}`}>
      {(d) => {
        const meta = d.metadata;
        const name = d.occurrences[0]?.filename ?? d.item.first.path;
        return (
          <article class="document">
            <h1>
              {name}{' '}
              <span class="muted small">
                {t('web.document.title', { id })} · {d.item.format}
              </span>
            </h1>
            <p class="actions">
              <RawLink id={id} />
            </p>
            <h2>{t('web.item.findings')}</h2>
            <Findings findings={d.findings} />
            <Triage id={id} />
            <h2>{t('web.item.provenance')}</h2>
            <Provenance description={d} />
            {meta && meta.problems.length > 0 && (
              <>
                <h2>{t('web.item.problems')}</h2>
                <ul>
                  {meta.problems.map((p, i) => (
                    <li key={i}>{words(p)}</li>
                  ))}
                </ul>
              </>
            )}
            {meta && (
              <>
                <h2>{t('web.item.metadata')}</h2>
                <table class="metadata">
                  <thead>
                    <tr>
                      <th>{t('web.col.group')}</th>
                      <th>{t('web.col.field')}</th>
                      <th>{t('web.col.value')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {meta.fields.map((f, i) => (
                      <tr key={i}>
                        <td class="muted">{f.group}</td>
                        <td>{f.name}</td>
                        <td>{f.value}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </article>
        );
      }}
    </Load>
  );
}
