// Small pieces every page uses: a verdict badge, a loading/error wrapper, a table of rows.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api.ts';
import { t } from './i18n.ts';

export const VERDICT_COLOURS: Record<string, string> = {
  altered: '#c62828',
  forgeable: '#ef6c00',
  unverifiable: '#8e24aa',
  'key-unavailable': '#78909c',
  unsigned: '#cfd8dc',
  'authentic-with-caveats': '#9ccc65',
  authentic: '#2e7d32',
};

export function Verdict({ verdict }: { verdict: string | null }) {
  if (!verdict) return null;
  const dark = verdict === 'unsigned' || verdict === 'authentic-with-caveats';
  return (
    <span
      class="badge"
      data-verdict={verdict}
      style={{ background: VERDICT_COLOURS[verdict] ?? '#999', color: dark ? '#1b1b1b' : '#fff' }}
    >
      {t(`verdict-name.${verdict}`)}
    </span>
  );
}

export function Severity({ severity }: { severity: string }) {
  return <span class={`sev sev-${severity}`}>{t(`severity.${severity}`)}</span>;
}

/** Loads `path` and renders `children(data)`; says so while loading and when it fails. */
export function Load<T>({ path, children }: { path: string; children: (data: T) => ComponentChildren }) {
  const [state, set] = useState<{ path: string; data?: T; error?: string } | null>(null);
  useEffect(() => {
    let live = true;
    getJson<T>(path).then(
      (data) => live && set({ path, data }),
      (err: Error) => live && set({ path, error: err.message }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  if (!state || state.path !== path) return <p class="muted">{t('web.loading')}</p>;
  if (state.error !== undefined) return <p class="error">{t('web.error', { error: state.error })}</p>;
  return <>{children(state.data as T)}</>;
}

export function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').slice(0, 16) : '—';
}
