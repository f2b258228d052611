// The login page of a shared workbench: a name and a password, the refusal in words (a wrong password,
// or too many attempts and how long to wait).
import { useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import type { Who } from '../triage.tsx';

export function LoginPage({ onLogin }: { onLogin: (who: Who) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/session', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: name.trim(), password }),
      });
      const answer = (await res.json().catch(() => ({}))) as Who & { error?: string };
      if (!res.ok) throw new Error(answer.error ?? `${res.status} ${res.statusText}`);
      onLogin(answer);
    } catch (err) {
      setError((err as Error).message);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main>
      <section class="login" data-testid="login-page" style={{ maxWidth: '26em', margin: '3em auto' }}>
        <h1>{t('web.login.title')}</h1>
        <p class="muted">{t('web.login.intro')}</p>
        <form data-testid="login-form" onSubmit={submit}>
          <p>
            <label>
              {t('web.login.name')}
              <br />
              <input
                name="name"
                data-testid="login-name"
                autocomplete="username"
                required
                value={name}
                onInput={(e) => setName((e.target as HTMLInputElement).value)}
              />
            </label>
          </p>
          <p>
            <label>
              {t('web.login.password')}
              <br />
              <input
                name="password"
                type="password"
                data-testid="login-password"
                autocomplete="current-password"
                required
                value={password}
                onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
              />
            </label>
          </p>
          {error && (
            <p class="error" role="alert" data-testid="login-error">
              {error}
            </p>
          )}
          <button type="submit" data-testid="login-submit" disabled={busy}>
            {t('web.login.button')}
          </button>
        </form>
      </section>
    </main>
  );
}
