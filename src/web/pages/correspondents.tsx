// Who writes to whom among a query's messages: the busiest addresses as circles sized by how many
// messages they sent and received, a line per pair that wrote, laid out by a small force simulation
// (a few dozen nodes: no graph library needed). A click on an address searches its messages.
import { useMemo, useState } from 'preact/hooks';
import type { CorrespondentGraph, GraphNode } from '../../core/graph.ts';
import { t } from '../i18n.ts';
import { navigate } from '../router.ts';
import { Load } from '../ui.tsx';
import { QueryInput } from './search.tsx';

const WIDTH = 960;
/** One colour per domain among the busiest; the rest share grey. */
const DOMAIN_COLOURS = [
  '#3f6fb5',
  '#c0392b',
  '#2e8b57',
  '#8e44ad',
  '#d68910',
  '#17a2b8',
  '#6d4c41',
  '#c2185b',
];
const HEIGHT = 640;

/** A query box for pages that draw a query's messages, with the way back to its hits. */
export function QueryForm({ q, base }: { q: string; base: '/correspondents' | '/timeline' }) {
  const [draft, setDraft] = useState(q);
  return (
    <form
      class="query"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(`${base}?q=${encodeURIComponent(draft.trim())}`);
      }}
    >
      <QueryInput value={draft} onInput={setDraft} />
      <button type="submit">{t('web.query.apply')}</button>
      <a href={`/search?q=${encodeURIComponent(q)}`}>{t('web.query.in-search')}</a>
    </form>
  );
}

export function CorrespondentsPage({ q }: { q: string }) {
  return (
    <section class="correspondents">
      <h1>{t('web.graph.title')}</h1>
      <QueryForm q={q} base="/correspondents" />
      <Load<CorrespondentGraph> path={`/api/correspondents?q=${encodeURIComponent(q)}`}>
        {(graph) =>
          graph.nodes.length === 0 ? (
            <p class="muted">{t('web.graph.none')}</p>
          ) : (
            <>
              <p class="muted small">
                {graph.nodes.length < graph.totalNodes
                  ? t('web.graph.intro', { shown: graph.nodes.length, total: graph.totalNodes })
                  : t('web.graph.intro-all', { total: graph.totalNodes })}
              </p>
              <Graph graph={graph} />
            </>
          )
        }
      </Load>
    </section>
  );
}

interface Placed extends GraphNode {
  x: number;
  y: number;
  r: number;
}

/** Fruchterman–Reingold: linked nodes pull together, all push apart, cooling each round. */
function layout(graph: CorrespondentGraph): Placed[] {
  const max = Math.max(...graph.nodes.map((n) => n.volume));
  const nodes: Placed[] = graph.nodes.map((n, i) => {
    // A spiral start, so the same graph always lands the same way.
    const angle = i * 2.399963;
    const radius = 40 + 8 * i;
    return {
      ...n,
      x: WIDTH / 2 + radius * Math.cos(angle),
      y: HEIGHT / 2 + radius * Math.sin(angle),
      r: 5 + 22 * Math.sqrt(n.volume / max),
    };
  });
  const index = new Map(nodes.map((n, i) => [n.address, i]));
  const links = graph.edges.map((e) => [index.get(e.from)!, index.get(e.to)!] as const);
  const k = Math.sqrt((WIDTH * HEIGHT) / nodes.length) * 0.9;
  let heat = WIDTH / 8;
  for (let round = 0; round < 300; round++) {
    const dx = new Float64Array(nodes.length);
    const dy = new Float64Array(nodes.length);
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) {
        const x = nodes[i]!.x - nodes[j]!.x || 0.01;
        const y = nodes[i]!.y - nodes[j]!.y || 0.01;
        const d2 = x * x + y * y;
        const push = (k * k) / d2;
        dx[i]! += x * push;
        dy[i]! += y * push;
        dx[j]! -= x * push;
        dy[j]! -= y * push;
      }
    for (const [a, b] of links) {
      const x = nodes[a]!.x - nodes[b]!.x;
      const y = nodes[a]!.y - nodes[b]!.y;
      const d = Math.sqrt(x * x + y * y) || 0.01;
      const pull = d / k;
      dx[a]! -= x * pull;
      dy[a]! -= y * pull;
      dx[b]! += x * pull;
      dy[b]! += y * pull;
    }
    nodes.forEach((n, i) => {
      // A weak pull to the centre keeps unlinked groups on the canvas.
      const cx = (WIDTH / 2 - n.x) * 0.02;
      const cy = (HEIGHT / 2 - n.y) * 0.02;
      const mx = dx[i]! + cx;
      const my = dy[i]! + cy;
      const moved = Math.sqrt(mx * mx + my * my) || 1;
      const step = Math.min(moved, heat);
      n.x = Math.min(WIDTH - n.r - 4, Math.max(n.r + 4, n.x + (mx / moved) * step));
      n.y = Math.min(HEIGHT - n.r - 4, Math.max(n.r + 4, n.y + (my / moved) * step));
    });
    heat *= 0.985;
  }
  return nodes;
}

function Graph({ graph }: { graph: CorrespondentGraph }) {
  const nodes = useMemo(() => layout(graph), [graph]);
  const [hover, setHover] = useState<string | null>(null);
  const at = new Map(nodes.map((n) => [n.address, n]));
  const heaviest = Math.max(...graph.edges.map((e) => e.count), 1);
  // Names on the busiest circles only, and on the one pointed at: more would be unreadable.
  const labelled = new Set(nodes.slice(0, 12).map((n) => n.address));
  const open = (n: GraphNode) => navigate(`/search?q=${encodeURIComponent(`participant:${n.address}`)}`);
  const colours = domainColours(nodes);
  return (
    <>
      <p class="legend">
        {[...colours].map(([domain, colour]) => (
          <a
            key={domain}
            class="badge"
            style={{ background: colour, color: '#fff' }}
            href={`/correspondents?q=${encodeURIComponent(`domain:${domain}`)}`}
          >
            {domain}
          </a>
        ))}
      </p>
      <svg class="graph" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('web.graph.title')}>
        {graph.edges.map((e) => {
          const a = at.get(e.from)!;
          const b = at.get(e.to)!;
          const near = hover === e.from || hover === e.to;
          return (
            <line
              key={`${e.from}>${e.to}`}
              x1={a.x}
              y1={a.y}
              x2={b.x}
              y2={b.y}
              class={near ? 'edge near' : 'edge'}
              stroke-width={1 + 5 * (e.count / heaviest)}
            />
          );
        })}
        {nodes.map((n) => (
          // biome-ignore lint/a11y/useSemanticElements: an SVG circle cannot be a <button>; it takes focus and Enter.
          <g
            key={n.address}
            class={hover === n.address ? 'node near' : 'node'}
            data-address={n.address}
            role="button"
            tabindex={0}
            onClick={() => open(n)}
            onKeyDown={(e) => e.key === 'Enter' && open(n)}
            onMouseEnter={() => setHover(n.address)}
            onMouseLeave={() => setHover(null)}
          >
            <title>{`${n.name ? `${n.name} <${n.address}>` : n.address} — ${t('web.graph.volume', { count: n.volume })}`}</title>
            <circle cx={n.x} cy={n.y} r={n.r} fill={colours.get(domainOf(n.address)) ?? '#90a4ae'} />
            {(labelled.has(n.address) || hover === n.address) && (
              <text x={n.x} y={n.y + n.r + 12}>
                {n.name || n.address}
              </text>
            )}
          </g>
        ))}
      </svg>
    </>
  );
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/** The domains by their addresses' total volume, the busiest first, each with its colour. */
function domainColours(nodes: GraphNode[]): Map<string, string> {
  const volume = new Map<string, number>();
  for (const n of nodes) volume.set(domainOf(n.address), (volume.get(domainOf(n.address)) ?? 0) + n.volume);
  const ranked = [...volume].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return new Map(ranked.slice(0, DOMAIN_COLOURS.length).map(([d], i) => [d, DOMAIN_COLOURS[i]!]));
}
