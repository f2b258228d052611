// Who is logged in (and the CSRF token every write sends), the login gate, and the triage panel of an
// item: its tags as chips and its notes, with the inputs to add them hidden from viewers.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { NoteRecord } from '../store/store.ts';
import { ApiError, getJson } from './api.ts';
import { t } from './i18n.ts';
import { LoginPage } from './pages/login.tsx';
import { when } from './ui.tsx';

export interface Who {
  loginRequired: boolean;
  user: { name: string; role: 'admin' | 'reviewer' | 'viewer' } | null;
  csrfToken: string | null;
}

let current: Who | null = null;
const listeners = new Set<(who: Who | null) => void>();

function publish(who: Who | null): void {
  current = who;
  for (const l of listeners) l(who);
}

export async function refreshSession(): Promise<Who> {
  const who = await getJson<Who>('/api/session');
  publish(who);
  return who;
}

export function useSession(): Who | null {
  const [who, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return who;
}

export const canWrite = (who: Who | null) => who?.user !== null && who?.user?.role !== 'viewer';

/**
 * A write to the API, with the session's CSRF token; a refusal is thrown with its words. A token out
 * of date (a loopback workbench restarted: its token is the process's) is fetched again, once.
 */
export async function send<T>(
  method: 'POST' | 'DELETE',
  path: string,
  body: unknown,
  retried = false,
): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'X-CSRF-Token': current?.csrfToken ?? '',
    },
    body: JSON.stringify(body),
  });
  const answer = (await res.json().catch(() => ({}))) as { error?: string; code?: string };
  if (res.status === 403 && answer.code === 'web.access.csrf' && !retried) {
    await refreshSession();
    return send<T>(method, path, body, true);
  }
  // The session ended (a logout elsewhere, its user removed): the gate shows the login page again.
  if (res.status === 401) void refreshSession();
  if (!res.ok) throw new ApiError(res.status, answer.error ?? `${res.status} ${res.statusText}`);
  return answer as T;
}

/** The app once the session is known: the login page first when this workbench asks for one. */
export function SessionGate({ children }: { children: ComponentChildren }) {
  const who = useSession();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    refreshSession().catch((err: Error) => setError(err.message));
  }, []);
  if (error) return <p class="error">{t('web.error', { error })}</p>;
  if (!who) return <p class="muted">{t('web.loading')}</p>;
  if (who.loginRequired && !who.user) return <LoginPage onLogin={publish} />;
  return <>{children}</>;
}

/** Who is logged in and the way out, in the header (nothing on a loopback workbench). */
export function SessionBadge() {
  const who = useSession();
  if (!who?.loginRequired || !who.user) return null;
  return (
    <span class="session">
      <span class="muted small" data-testid="session-user">
        {t('web.session.as', { name: who.user.name, value: t(`web.role.${who.user.role}`) })}
      </span>{' '}
      <button
        type="button"
        data-testid="logout"
        onClick={() => send<Who>('DELETE', '/api/session', {}).then(publish, () => refreshSession())}
      >
        {t('web.session.logout')}
      </button>
    </span>
  );
}

/** The search's result set as a CSV download. */
export function ExportCsvLink({ q }: { q: string }) {
  return (
    <p class="actions small">
      <a href={`/api/search.csv?q=${encodeURIComponent(q)}`} download data-testid="export-csv">
        {t('web.search.export-csv')}
      </a>
    </p>
  );
}

/** A tag as a chip (with its remove button when given one). */
export function TagChip({ tag, children }: { tag: string; children?: ComponentChildren }) {
  return (
    <span
      class="badge"
      style={{ background: '#e3e8ee', color: '#1b1b1b', marginRight: '0.4em' }}
      data-testid="tag-chip"
      data-tag={tag}
    >
      {tag}
      {children}
    </span>
  );
}

const ROW = { display: 'flex', flexWrap: 'wrap', gap: '0.5em', alignItems: 'center' } as const;
const CHIP_REMOVE = { border: 'none', background: 'none', cursor: 'pointer', padding: '0 0 0 0.3em' };

/** An item's tags and notes; reviewers and admins add and remove them. */
export function Triage({ id }: { id: number }) {
  const who = useSession();
  const writer = canWrite(who);
  const [tags, setTags] = useState<string[] | null>(null);
  const [notes, setNotes] = useState<NoteRecord[]>([]);
  const [tagDraft, setTagDraft] = useState('');
  const [noteDraft, setNoteDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setTags(null);
    Promise.all([
      getJson<{ tags: string[] }>(`/api/items/${id}/tags`),
      getJson<{ notes: NoteRecord[] }>(`/api/items/${id}/notes`),
    ]).then(
      ([t1, n1]) => {
        if (!live) return;
        setTags(t1.tags);
        setNotes(n1.notes);
      },
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [id]);
  const act = (work: Promise<void>) => {
    setError(null);
    work.catch((err: Error) => setError(err.message));
  };
  const tagsPath = `/api/items/${id}/tags`;
  const addTag = (e: Event) => {
    e.preventDefault();
    const tag = tagDraft.trim();
    if (!tag) return;
    act(
      send<{ tags: string[] }>('POST', tagsPath, { tags: [tag] }).then((r) => {
        setTags(r.tags);
        setTagDraft('');
      }),
    );
  };
  const addNote = (e: Event) => {
    e.preventDefault();
    if (!noteDraft.trim()) return;
    act(
      send<{ note: NoteRecord }>('POST', `/api/items/${id}/notes`, { text: noteDraft }).then((r) => {
        setNotes([...notes, r.note]);
        setNoteDraft('');
      }),
    );
  };
  return (
    <section
      class="triage card"
      aria-label={t('web.triage.title')}
      data-testid="triage"
      style={{ margin: '0.8em 0', padding: '0.6em 1em' }}
    >
      <div style={ROW} data-testid="tags">
        <strong>{t('web.triage.tags')}</strong>
        {tags?.length === 0 && <span class="muted small">{t('web.triage.no-tags')}</span>}
        {tags?.map((tag) => (
          <TagChip key={tag} tag={tag}>
            {writer && (
              <button
                type="button"
                style={CHIP_REMOVE}
                data-testid="tag-remove"
                title={t('web.triage.remove-tag', { tag })}
                aria-label={t('web.triage.remove-tag', { tag })}
                onClick={() =>
                  act(
                    send<{ tags: string[] }>('DELETE', tagsPath, { tags: [tag] }).then((r) =>
                      setTags(r.tags),
                    ),
                  )
                }
              >
                ×
              </button>
            )}
          </TagChip>
        ))}
        {writer && (
          <form data-testid="tag-form" onSubmit={addTag} style={ROW}>
            <input
              type="text"
              data-testid="tag-input"
              value={tagDraft}
              maxLength={64}
              size={34}
              placeholder={t('web.triage.tag-placeholder')}
              aria-label={t('web.triage.tags')}
              onInput={(e) => setTagDraft((e.target as HTMLInputElement).value)}
            />
            <button type="submit" data-testid="tag-add">
              {t('web.triage.add-tag')}
            </button>
          </form>
        )}
      </div>
      {error && (
        <p class="error" role="alert" data-testid="triage-error">
          {error}
        </p>
      )}
      <details open={writer || notes.length > 0} data-testid="notes" style={{ marginTop: '0.5em' }}>
        <summary>
          <strong>{t('web.triage.notes')}</strong> <span class="muted small">({notes.length})</span>
        </summary>
        {notes.length === 0 && <p class="muted small">{t('web.triage.no-notes')}</p>}
        {notes.map((n) => (
          <div key={n.id} data-testid="note" style={{ margin: '0.4em 0' }}>
            <span class="muted small">
              {t('web.triage.note-by', { name: n.author, when: when(n.createdAt) })}
            </span>
            <p style={{ whiteSpace: 'pre-wrap', margin: '0.1em 0 0' }}>{n.text}</p>
          </div>
        ))}
        {writer && (
          <form data-testid="note-form" onSubmit={addNote} style={{ ...ROW, alignItems: 'flex-end' }}>
            <textarea
              data-testid="note-input"
              rows={2}
              style={{ flex: '1', font: 'inherit' }}
              value={noteDraft}
              maxLength={10_000}
              placeholder={t('web.triage.note-placeholder')}
              aria-label={t('web.triage.notes')}
              onInput={(e) => setNoteDraft((e.target as HTMLTextAreaElement).value)}
            />
            <button type="submit" data-testid="note-add">
              {t('web.triage.add-note')}
            </button>
          </form>
        )}
      </details>
    </section>
  );
}
