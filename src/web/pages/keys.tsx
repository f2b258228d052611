// The key hunt: which keys the case's messages need that its archive lacks, and (for reviewers and
// admins) the form that imports a key file someone found and checks the messages again.
import { useRef, useState } from 'preact/hooks';
import type { KeyHunt } from '../../core/key-hunt.ts';
import type { KeyImportResult } from '../../server/routes/keys.ts';
import { t, words } from '../i18n.ts';
import { canWrite, send, useSession } from '../triage.tsx';
import { Load, Verdict, when } from '../ui.tsx';

/** The server's bound on a key file (routes/keys.ts KEY_FILE_MAX): said before the upload, not after. */
const KEY_FILE_MAX = 1024 * 1024;
const KINDS = ['keys', 'disclosed'] as const;

export function KeysPage() {
  const writer = canWrite(useSession());
  // Bumped after an import: the list is loaded again, without the keys just found.
  const [imports, setImports] = useState(0);
  return (
    <section class="keys">
      <h1>{t('web.keys.title')}</h1>
      <Load<KeyHunt> key={imports} path="/api/keys/missing">
        {(hunt) =>
          hunt.keys.length === 0 ? (
            <p data-testid="keys-none">{t('web.keys.none')}</p>
          ) : (
            <>
              <p>{t('web.keys.intro', { count: hunt.messagesWaiting })}</p>
              <table data-testid="keys-missing">
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
          )
        }
      </Load>
      {writer ? (
        <KeyImportForm onImported={() => setImports((n) => n + 1)} />
      ) : (
        <p class="muted small">{t('web.keys.cli')}</p>
      )}
    </section>
  );
}

function KeyImportForm({ onImported }: { onImported: () => void }) {
  const [kind, setKind] = useState<(typeof KINDS)[number]>('keys');
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<KeyImportResult | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  // What the last import said no longer stands beside a new file.
  const startOver = () => {
    setError(null);
    setResult(null);
  };
  const clearFile = () => {
    if (picker.current) picker.current.value = '';
    setFile(null);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    startOver();
    if (!file && !pasted.trim()) return setError(t('web.keys.import.nothing'));
    if (file && file.size > KEY_FILE_MAX) return setError(t('web.keys.import.too-large'));
    if (file?.size === 0) return setError(t('web.keys.import.empty', { file: file.name }));
    setBusy(true);
    try {
      const name = file?.name ?? t('web.keys.import.pasted-name');
      const text = file ? await file.text() : pasted;
      setResult(await send<KeyImportResult>('POST', '/api/keys/import', { kind, name, text }));
      // Ready for the next file: what was imported is no longer shown as still to send.
      clearFile();
      setPasted('');
      onImported();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card key-import" data-testid="key-import" onSubmit={submit}>
      <h2>{t('web.keys.import.title')}</h2>
      <p class="muted small">{t('web.keys.import.intro')}</p>
      <fieldset class="choice">
        <legend>{t('web.keys.import.kind')}</legend>
        {KINDS.map((choice) => (
          <label key={choice}>
            <input
              type="radio"
              name="kind"
              checked={kind === choice}
              onChange={() => setKind(choice)}
              data-testid={`key-kind-${choice}`}
            />{' '}
            {t(`web.keys.import.kind-${choice}`)}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <span>{t('web.keys.import.file')}</span>
        <p class="file-choice">
          {/* The browser's own picker speaks the browser's language, not the page's: ours is a label. */}
          <label class="button">
            <input
              ref={picker}
              type="file"
              class="visually-hidden"
              accept=".csv,.json,.jsonl,.txt,.zone,text/*,application/json"
              data-testid="key-file"
              onChange={(e) => {
                setFile((e.target as HTMLInputElement).files?.[0] ?? null);
                startOver();
              }}
            />
            {t('web.keys.import.choose')}
          </label>
          {file && (
            <>
              <span data-testid="key-file-chosen">
                {t('web.keys.import.file-chosen', { file: file.name })}
              </span>
              <button type="button" data-testid="key-file-clear" onClick={clearFile}>
                {t('web.keys.import.paste-instead')}
              </button>
            </>
          )}
        </p>
      </div>
      {!file && (
        <label class="field">
          <span>{t('web.keys.import.paste')}</span>
          <textarea
            rows={5}
            data-testid="key-paste"
            value={pasted}
            placeholder={'domain,selector,value,first_seen,last_seen,source'}
            onInput={(e) => {
              setPasted((e.target as HTMLTextAreaElement).value);
              startOver();
            }}
          />
        </label>
      )}
      <p>
        <button type="submit" class="primary" disabled={busy} data-testid="key-import-submit">
          {busy ? t('web.keys.import.busy') : t('web.keys.import.button')}
        </button>
      </p>
      {error && (
        <p class="error" role="alert" data-testid="key-import-error">
          {error}
        </p>
      )}
      {result && <ImportResult result={result} />}
    </form>
  );
}

function ImportResult({ result }: { result: KeyImportResult }) {
  const changed = result.changes.reduce((n, g) => n + g.count, 0);
  const verdict = (v: string | null) => (v ? <Verdict verdict={v} /> : t('web.keys.import.no-verdict'));
  return (
    <div class="import-result" role="status" data-testid="key-import-result">
      <p>
        {t(result.kind === 'disclosed' ? 'web.keys.import.disclosed' : 'web.keys.import.keys', {
          file: result.file,
          count: result.found,
          added: result.added,
        })}
      </p>
      <p>
        {t('web.keys.import.checked', { checked: result.checked, changed })}
        {result.failed > 0 && ` ${t('web.keys.import.failed', { count: result.failed })}`}
      </p>
      {result.changes.length > 0 && (
        <ul data-testid="key-import-changes">
          {result.changes.map((g) => (
            <li key={`${g.from}>${g.to}`}>
              {t('web.keys.import.change', { count: g.count })} {verdict(g.from)} → {verdict(g.to)}
            </li>
          ))}
        </ul>
      )}
      {result.problems.length > 0 && (
        <>
          <p class="error">{t('web.keys.import.problems', { count: result.problems.length })}</p>
          <ul class="small">
            {result.problems.slice(0, 20).map((p, i) => (
              <li key={i}>{words(p)}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
