// What message and document pages both show: findings with their evidence, where the item comes from,
// the download of its exact bytes.

import { useEffect, useState } from 'preact/hooks';
import type { FindingView, ItemDescription } from '../../core/describe.ts';
import { coded, isKnownCode, type Params } from '../../report/catalogue.ts';
import { getJson } from '../api.ts';
import { t, words } from '../i18n.ts';
import { Severity, Verdict, when } from '../ui.tsx';

/** In the interface's language when the catalogue knows the code (the server's words are English). */
function explanation(f: FindingView): string {
  return isKnownCode(f.code) ? words(coded(f.code, f.params as Params)) : f.explanation;
}

/** A list of names reads as a list, not as JSON. */
function evidenceText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.join(', ');
  return JSON.stringify(value);
}

export function Findings({ findings }: { findings: FindingView[] }) {
  if (findings.length === 0) return <p class="muted">{t('web.item.no-findings')}</p>;
  return (
    <ul class="findings">
      {findings.map((f, i) => (
        <li key={i} data-rule={f.rule}>
          <Severity severity={f.severity} /> <strong>{f.rule}</strong> — {explanation(f)}
          <dl class="evidence">
            {Object.entries(f.evidence).map(([k, v]) => (
              <>
                <dt key={`${k}-k`}>{k}</dt>
                <dd key={`${k}-v`}>{evidenceText(v)}</dd>
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

const SEVERITY_ORDER = ['high', 'medium', 'low', 'info'];

/** An attachment's forensic status beside its name: its strongest finding and the rules, once loaded. */
export function ForensicStatus({ id }: { id: number }) {
  const [findings, setFindings] = useState<FindingView[] | null>(null);
  useEffect(() => {
    let live = true;
    getJson<ItemDescription>(`/api/items/${id}`).then(
      (d) => live && setFindings(d.findings),
      () => live && setFindings(null),
    );
    return () => {
      live = false;
    };
  }, [id]);
  if (!findings) return null;
  if (findings.length === 0) return <span class="muted small">{t('web.item.no-findings')}</span>;
  const strongest = [...findings].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  )[0]!;
  return (
    <span class="small" data-testid="forensic-status">
      <Severity severity={strongest.severity} /> {[...new Set(findings.map((f) => f.rule))].join(', ')}
    </span>
  );
}

export function RawLink({ id }: { id: number }) {
  return (
    <a class="button" href={`/api/items/${id}/raw`} download>
      {t('web.item.raw')}
    </a>
  );
}
