// The key hunt: which keys the case's messages need that its archive lacks.
import type { KeyHunt } from '../../core/key-hunt.ts';
import { t } from '../i18n.ts';
import { Load, when } from '../ui.tsx';

export function KeysPage() {
  return (
    <Load<KeyHunt> path="/api/keys/missing">
      {(hunt) => (
        <section class="keys">
          <h1>{t('web.keys.title')}</h1>
          {hunt.keys.length === 0 ? (
            <p>{t('web.keys.none')}</p>
          ) : (
            <>
              <p>{t('web.keys.intro', { count: hunt.messagesWaiting })}</p>
              <table>
                <thead>
                  <tr>
                    <th>{t('web.col.domain')}</th>
                    <th>{t('web.col.selector')}</th>
                    <th class="n">{t('web.col.emails')}</th>
                    <th>{t('web.col.first')}</th>
                    <th>{t('web.col.last')}</th>
                  </tr>
                </thead>
                <tbody>
                  {hunt.keys.map((k) => (
                    <tr key={k.name}>
                      <td>{k.domain}</td>
                      <td>{k.selector}</td>
                      <td class="n">{k.unavailable}</td>
                      <td>{when(k.first)}</td>
                      <td>{when(k.last)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      )}
    </Load>
  );
}
