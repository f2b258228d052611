import { ZipFile } from 'yazl';
import type { Store } from '../store/store.ts';
import { correspondents } from './correspondents.ts';
import { itemProofFiles } from './proof.ts';
import { planSearch } from './search.ts';

export interface GraphNode {
  address: string;
  name: string;
  /** Messages sent plus messages received (each recipient edge counts once). */
  volume: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  count: number;
}

export interface CorrespondentGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** How many addresses the query touches in all (the graph keeps the busiest). */
  totalNodes: number;
}

/** The busiest `maxNodes` addresses of a query's messages and who wrote to whom among them. */
export async function correspondentGraph(
  store: Store,
  query: string,
  maxNodes = 80,
): Promise<CorrespondentGraph> {
  const rows = await correspondents(store, query);
  const nodes = new Map<string, GraphNode>();
  const touch = (address: string, name: string, count: number) => {
    const node = nodes.get(address) ?? { address, name: '', volume: 0 };
    node.volume += count;
    if (!node.name && name) node.name = name;
    nodes.set(address, node);
  };
  for (const row of rows) {
    touch(row.from, row.fromName, row.count);
    touch(row.to, row.toName, row.count);
  }
  const kept = [...nodes.values()]
    .sort((a, b) => b.volume - a.volume || a.address.localeCompare(b.address))
    .slice(0, maxNodes);
  const keptAddresses = new Set(kept.map((n) => n.address));
  const edges = rows
    .filter((r) => r.from !== r.to && keptAddresses.has(r.from) && keptAddresses.has(r.to))
    .map((r) => ({ from: r.from, to: r.to, count: r.count }));
  return { nodes: kept, edges, totalNodes: nodes.size };
}

export interface TimelineBar {
  /** YYYY-MM, or YYYY-MM-DD when the query's messages are few enough to count by day; quiet ones count 0. */
  period: string;
  count: number;
}

export interface Timeline {
  unit: 'month' | 'day';
  bars: TimelineBar[];
}

/** Up to this many dated messages the timeline counts per day (their dates are read one by one). */
const DAYS_UP_TO = 2000;
/** Months a timeline goes back at most (a century: more is a broken date, not a case). */
const MAX_MONTHS = 1200;

/** Messages per month of a query's hits, or per day when they span at most two months and are few. */
export async function timeline(store: Store, query: string): Promise<Timeline> {
  const { plan } = planSearch(query);
  const months = (await store.search.facets(plan, MAX_MONTHS)).month;
  const total = months.reduce((sum, m) => sum + m.count, 0);
  if (months.length === 0) return { unit: 'month', bars: [] };
  const first = months[0]!.value;
  const last = months.at(-1)!.value;
  if (months.length > 2 || total > DAYS_UP_TO)
    return { unit: 'month', bars: withGaps(periods(first, last, 'month'), months) };
  const { ids } = await store.search.search(plan, { sort: 'date', limit: DAYS_UP_TO, offset: 0 });
  const days = new Map<string, number>();
  for (const row of await store.search.hitRows(ids)) {
    if (!row.date) continue;
    const day = row.date.slice(0, 10);
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  const counted = [...days].map(([value, count]) => ({ value, count }));
  return { unit: 'day', bars: withGaps(periods(`${first}-01`, `${last}-31`, 'day'), counted) };
}

/**
 * Every month (YYYY-MM) or day (YYYY-MM-DD) from `from` to `to`, so that a quiet period is a bar of 0,
 * not a gap; none when the span is wider than a timeline can draw (a broken date far off).
 */
function periods(from: string, to: string, unit: 'month' | 'day'): string[] {
  const out: string[] = [];
  const at = new Date(`${unit === 'month' ? `${from}-01` : from}T00:00:00Z`);
  const width = unit === 'month' ? 7 : 10;
  const end = to.slice(0, width);
  if (Number.isNaN(at.getTime())) return [];
  for (let n = 0; n < (unit === 'month' ? MAX_MONTHS : 62); n++) {
    const period = at.toISOString().slice(0, width);
    if (period > end) return out;
    out.push(period);
    if (unit === 'month') at.setUTCMonth(at.getUTCMonth() + 1);
    else at.setUTCDate(at.getUTCDate() + 1);
  }
  return [];
}

function withGaps(all: string[], counted: { value: string; count: number }[]): TimelineBar[] {
  const counts = new Map(counted.map((c) => [c.value, c.count]));
  // Periods the store counted that the calendar walk did not produce (odd dates) are kept too.
  const names = [...new Set([...all, ...counts.keys()])].sort();
  return names.map((period) => ({ period, count: counts.get(period) ?? 0 }));
}

export interface MessageSource {
  /** The start of the stored bytes, read as UTF-8 (bytes that are not become U+FFFD). */
  text: string;
  size: number;
  /** Only the first `shown` bytes are in `text`. */
  shown: number;
}

/** At most this much of a message's source is shown as text (the whole file is a download). */
export const SOURCE_SHOWN_BYTES = 1024 * 1024;

/** A message's stored bytes as text to read, or null when the item has none. */
export async function messageSource(store: Store, itemId: number): Promise<MessageSource | null> {
  const item = await store.getItem(itemId);
  if (item?.type !== 'message' || !item.sha256) return null;
  const bytes = store.blobs.read(item.sha256);
  const shown = Math.min(bytes.length, SOURCE_SHOWN_BYTES);
  return { text: bytes.subarray(0, shown).toString('utf8'), size: bytes.length, shown };
}

/** A message's proof folder as the bytes of one zip; NoProofError when it has none. */
export async function itemProofZip(store: Store, itemId: number): Promise<Buffer> {
  const zip = new ZipFile();
  for (const file of await itemProofFiles(store, itemId))
    zip.addBuffer(file.bytes, `proof-${itemId}/${file.name}`, { mode: file.mode });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
