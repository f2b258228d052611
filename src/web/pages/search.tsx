// Search: the query language of `crible search`, facets as filters a click adds to the query, hits with
// their verdict and snippet, paging, and the keyboard (/ to search, j/k to move, Enter to open).
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SearchResult } from '../../core/search.ts';
import type { Facets } from '../../store/search.ts';
import { t } from '../i18n.ts';
import { navigate } from '../router.ts';
import { Load, Verdict, when } from '../ui.tsx';

const PAGE = 50;

/** The query term a facet value stands for. */
function facetTerm(facet: string, value: string): string {
  const field = facet === 'year' || facet === 'month' ? 'date' : facet;
  return `${field}:${/[\s"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value}`;
}

const searchUrl = (q: string, offset = 0) =>
  `/search?q=${encodeURIComponent(q)}${offset ? `&offset=${offset}` : ''}`;

/** The box a query of the search language is typed in (this page's, and the drawings' pages). */
export function QueryInput(props: {
  value: string;
  onInput: (value: string) => void;
  inputRef?: RefObject<HTMLInputElement | null>;
}) {
  return (
    <input
      ref={props.inputRef}
      name="q"
      type="search"
      value={props.value}
      onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      placeholder={t('web.search.placeholder')}
      autocomplete="off"
      spellcheck={false}
    />
  );
}

export function SearchPage({ q, offset }: { q: string; offset: number }) {
  const [draft, setDraft] = useState(q);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setDraft(q), [q]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && document.activeElement !== input.current) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <section class="search">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          navigate(searchUrl(draft.trim()));
        }}
      >
        <QueryInput value={draft} onInput={setDraft} inputRef={input} />
        <button type="submit">{t('web.search.button')}</button>
      </form>
      <p class="muted small">{t('web.search.keys')}</p>
      <Load<SearchResult> path={`/api/search?q=${encodeURIComponent(q)}&offset=${offset}&limit=${PAGE}`}>
        {(result) => <Results q={q} offset={offset} result={result} />}
      </Load>
    </section>
  );
}

function Results({ q, offset, result }: { q: string; offset: number; result: SearchResult }) {
  const [selected, setSelected] = useState(0);
  // The key handler keeps the selection itself, at once: through state alone, Enter pressed right after
  // j or k (before the page is drawn again) would open the hit selected before.
  const current = useRef({ selected: 0, hits: result.hits });
  current.current.hits = result.hits;
  const move = (to: number) => {
    current.current.selected = to;
    setSelected(to);
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).tagName === 'INPUT') return;
      const { selected: at, hits } = current.current;
      if (e.key === 'j') move(Math.min(hits.length - 1, at + 1));
      else if (e.key === 'k') move(Math.max(0, at - 1));
      else if (e.key === 'Enter') {
        const hit = hits[at];
        if (hit) navigate(hit.type === 'email' ? `/messages/${hit.id}` : `/documents/${hit.id}`);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const hits = result.hits;
  useEffect(() => {
    document.querySelector('.hit.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <div class="results">
      <aside class="facets">
        {/* Facets come in their own call, so the hits show without waiting for the counts. */}
        <Load<Facets> path={`/api/search/facets?q=${encodeURIComponent(q)}`}>
          {(facets) => <FacetLists q={q} facets={facets} />}
        </Load>
      </aside>
      <div class="hits">
        <p class="muted">
          <span class="count">{t('web.search.results', { total: result.total })}</span> ·{' '}
          <a href={`/timeline?q=${encodeURIComponent(q)}`}>{t('web.search.over-time')}</a> ·{' '}
          <a href={`/correspondents?q=${encodeURIComponent(q)}`}>{t('web.search.who-writes')}</a>
        </p>
        {hits.length === 0 && <p>{t('web.search.none')}</p>}
        <ol start={offset + 1}>
          {hits.map((hit, i) => (
            <li key={hit.id} class={`hit${i === selected ? ' selected' : ''}`} onMouseEnter={() => move(i)}>
              <div class="line">
                <Verdict verdict={hit.verdict} />
                <a
                  class="subject"
                  href={hit.type === 'email' ? `/messages/${hit.id}` : `/documents/${hit.id}`}
                >
                  {hit.subject || t('web.message.no-subject')}
                </a>
                <span class="type">{hit.type === 'email' ? t('web.search.email') : hit.type}</span>
              </div>
              <div class="meta muted">
                {hit.from ?? ''} {hit.date ? `· ${when(hit.date)}` : ''}
              </div>
              <div class="snippet">
                {hit.snippet.map((part, j) =>
                  part.match ? <mark key={j}>{part.text}</mark> : <span key={j}>{part.text}</span>,
                )}
              </div>
            </li>
          ))}
        </ol>
        <nav class="pager">
          {offset > 0 && <a href={searchUrl(q, Math.max(0, offset - PAGE))}>{t('web.search.previous')}</a>}
          {offset + hits.length < result.total && (
            <a href={searchUrl(q, offset + PAGE)}>{t('web.search.next')}</a>
          )}
        </nav>
      </div>
    </div>
  );
}

/** Each facet's values, a click adding the value to the query (or taking it out when it is in). */
function FacetLists({ q, facets }: { q: string; facets: Facets }) {
  return (
    <>
      {Object.entries(facets)
        .filter(([, values]) => values.length > 0)
        .map(([facet, values]) => (
          <div class="facet" key={facet}>
            <h3>{t(`web.facet.${facet}`)}</h3>
            <ul>
              {values.map((v) => {
                const term = facetTerm(facet, v.value);
                // A value already in the query is shown chosen; a click takes it out again.
                const chosen = q.split(/\s+/).includes(term);
                const next = chosen
                  ? q
                      .split(/\s+/)
                      .filter((part) => part !== term)
                      .join(' ')
                  : `${q} ${term}`.trim();
                return (
                  <li key={v.value} class={chosen ? 'chosen' : ''}>
                    <a href={searchUrl(next)} title={chosen ? t('web.facet.remove', { term }) : term}>
                      {facet === 'verdict' ? <Verdict verdict={v.value} /> : v.value}
                      {chosen && ' ✕'}
                    </a>
                    <span class="n">{v.count}</span>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
    </>
  );
}
