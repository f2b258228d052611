import type { Coded } from '../report/catalogue.ts';
import type {
  FindingRecord,
  ItemFilter,
  ItemRecord,
  ItemStatus,
  ItemType,
  MailAddress,
  Severity,
  Store,
} from '../store/store.ts';
import { VERDICTS } from '../verify/types.ts';
import { ruleOf, SEVERITIES } from './describe.ts';

// The rows of `crible list` and `crible export` (and the web server's list to come): what a reader
// asks of a list — when, who, what about, which verdict — read through the store's filters.

export const LIST_SORTS = ['id', 'date', 'from', 'verdict'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** Verdicts in the order a reader should look at them: what needs looking at first. */
export const VERDICT_ORDER = [
  'altered',
  'forgeable',
  'unverifiable',
  'key-unavailable',
  'unsigned',
  'authentic-with-caveats',
  'authentic',
] as const satisfies readonly (typeof VERDICTS)[number][];

/** What a face was asked for, as text (command-line options, query parameters). */
export interface ListQuery {
  type?: ItemType | 'all';
  verdicts?: string[];
  from?: string;
  to?: string;
  domain?: string;
  since?: string;
  until?: string;
  sort?: ListSort;
  limit?: number;
  offset?: number;
  /** Only items with a finding of one of these rules (`altered-copy`) or codes (`dkim.weak-key`). */
  findings?: string[];
  /** Only items with a finding of one of these severities (of those rules, when both are given). */
  severities?: string[];
}

/**
 * The store's filter, and the severities the core filters on: the store filters findings by code
 * only (a `findingSeverities` in ItemFilter would let it page them in SQL too).
 */
export interface ListFilter extends ItemFilter {
  severities?: Severity[];
}

/** A query a face cannot run: its words start with the parameter's name, then say what to fix. */
export class ListQueryError extends Error {}

/**
 * An instant from a date as a person types it: `2017-05-02` (the whole day: `until` includes it),
 * `2017-05-02T10:15`, or a full ISO 8601 time with its zone. Dates without a zone are UTC.
 */
export function dateBound(text: string, side: 'since' | 'until'): string | null {
  const day = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(text.trim());
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), day[3] ? Number(day[3]) : null];
    const start = Date.UTC(y, m - 1, d ?? 1);
    const check = new Date(start);
    if (check.getUTCMonth() !== m - 1 || (d !== null && check.getUTCDate() !== d)) return null;
    if (side === 'since') return check.toISOString();
    return new Date(d === null ? Date.UTC(y, m, 1) : Date.UTC(y, m - 1, d + 1)).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text.trim())) return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim()) ? text.trim() : `${text.trim()}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The store's filter for a query; throws ListQueryError with what to fix. */
export function listFilter(query: ListQuery): ListFilter {
  const filter: ListFilter = { type: query.type ?? 'all' };
  const messagesOnly =
    query.verdicts !== undefined ||
    query.from !== undefined ||
    query.to !== undefined ||
    query.domain !== undefined ||
    query.since !== undefined ||
    query.until !== undefined;
  if (messagesOnly) {
    if (filter.type !== 'all' && filter.type !== 'message')
      throw new ListQueryError(
        `type: the verdict, sender, recipient, domain and date filters list messages, not ${filter.type}s`,
      );
    filter.type = 'message';
  }
  if (query.verdicts) {
    const unknown = query.verdicts.filter((v) => !(VERDICTS as readonly string[]).includes(v));
    if (unknown.length)
      throw new ListQueryError(
        `verdict: not a verdict: ${unknown.join(', ')} (one of ${VERDICTS.join(', ')})`,
      );
    filter.summaries = { analyser: 'dkim', values: query.verdicts };
  }
  for (const key of ['from', 'to', 'domain'] as const) {
    const value = query[key]?.trim();
    if (value === undefined) continue;
    if (!value || /\s/.test(value)) throw new ListQueryError(`${key}: give an address or a domain`);
    filter[key] = value;
  }
  for (const side of ['since', 'until'] as const) {
    const text = query[side];
    if (text === undefined) continue;
    const instant = dateBound(text, side);
    if (!instant)
      throw new ListQueryError(`${side}: not a date: ${text} (2017-05-02, 2017-05 or 2017-05-02T10:15Z)`);
    filter[side] = instant;
  }
  if (query.sort && query.sort !== 'id')
    filter.sort =
      query.sort === 'verdict'
        ? { by: 'summary', analyser: 'dkim', values: [...VERDICT_ORDER] }
        : { by: query.sort };
  if (query.findings) {
    const names = query.findings.map((f) => f.trim());
    if (!names.length || names.some((f) => !f || /\s/.test(f)))
      throw new ListQueryError('finding: give a rule (altered-copy…) or a finding code');
    // A forensic rule is stored as forensics.<rule>: either spelling lists it.
    filter.findings = [...new Set(names.flatMap((f) => (f.includes('.') ? [f] : [f, `forensics.${f}`])))];
  }
  if (query.severities) {
    const unknown = query.severities.filter((s) => !(SEVERITIES as readonly string[]).includes(s));
    if (unknown.length || !query.severities.length)
      throw new ListQueryError(
        `severity: not a severity: ${unknown.join(', ') || '(none)'} (one of ${SEVERITIES.join(', ')})`,
      );
    filter.severities = query.severities as Severity[];
  }
  for (const key of ['limit', 'offset'] as const) {
    const n = query[key];
    if (n === undefined) continue;
    if (!Number.isSafeInteger(n) || n < 0) throw new ListQueryError(`${key}: not a count: ${n}`);
    filter[key] = n;
  }
  return filter;
}

/** One row of a list: the item, and for a message what a reader scans a list for. */
export interface ListRow {
  id: number;
  type: ItemType;
  format: string;
  status: ItemStatus;
  reason: Coded | null;
  sha256: string | null;
  size: number;
  source: string | null;
  /** The item its first place is inside (a message for an attachment, a container for a member). */
  parentId: number | null;
  /** Path of its first place, inside its source or parent. */
  path: string;
  /**
   * Where to find it, for a person: `archive.mbox #3` for an mbox member, the name its message gave an
   * attachment, else the path.
   */
  place: string;
  messageId: string | null;
  /** ISO 8601 UTC, or null (not a message, no or unparseable Date). */
  date: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  subject: string | null;
  verdict: string | null;
  /** The verdict's reasons, as codes. */
  reasons: Coded[];
  /** Each rule that fired on it, once, at its strongest; strongest first. */
  findings: { rule: string; severity: Severity }[];
}

export async function listRows(store: Store, filter: ListFilter): Promise<ListRow[]> {
  const sources = new Map((await store.listSources()).map((s) => [s.id, s.path] as const));
  const parents = new Map<number, ItemRecord | null>();
  const parentOf = async (id: number) => {
    if (!parents.has(id)) parents.set(id, await store.getItem(id));
    return parents.get(id) ?? null;
  };
  const rows: ListRow[] = [];
  for (const item of await filteredItems(store, filter)) {
    let place = item.first.path;
    if (item.first.parentId !== null) {
      const parent = await parentOf(item.first.parentId);
      if (parent?.format === 'mbox') place = `${parent.first.path} #${item.first.path}`;
      // An attachment is known by the name its message gave it (its MIME path says little).
      else if (parent?.type === 'message' && item.first.filename) place = item.first.filename;
    }
    const message = item.type === 'message' ? await store.getMessage(item.id) : null;
    const analysis = item.type === 'message' ? await store.getAnalysis(item.id, 'dkim') : null;
    const reasons = (analysis?.result as { reasons?: Coded[] } | null)?.reasons;
    rows.push({
      id: item.id,
      type: item.type,
      format: item.format,
      status: item.status,
      reason: item.reason,
      sha256: item.sha256,
      size: item.size,
      source: sources.get(item.first.sourceId) ?? null,
      parentId: item.first.parentId,
      path: item.first.path,
      place,
      messageId: message?.messageId ?? null,
      date: message?.date ?? null,
      from: message?.from ?? [],
      to: message?.to ?? [],
      cc: message?.cc ?? [],
      subject: message?.subject ?? null,
      verdict: analysis?.summary ?? null,
      reasons: Array.isArray(reasons) ? reasons : [],
      findings: rulesFired(await store.findingsOf(item.id)),
    });
  }
  return rows;
}

/** The store's rows; with severities, those of its rows that have a finding of one, paged here. */
async function filteredItems(store: Store, filter: ListFilter): Promise<ItemRecord[]> {
  const { severities, ...stored } = filter;
  if (!severities?.length) return store.listItems(stored);
  const codes = stored.findings ?? Object.keys(await store.findingCounts());
  if (!codes.length) return [];
  const { limit, offset = 0, ...unpaged } = stored;
  const items: ItemRecord[] = [];
  let skipped = 0;
  for (const item of await store.listItems({ ...unpaged, findings: codes })) {
    const findings = await store.findingsOf(item.id);
    if (!findings.some((f) => codes.includes(f.code) && severities.includes(f.severity))) continue;
    if (skipped++ < offset) continue;
    items.push(item);
    if (limit !== undefined && items.length >= limit) break;
  }
  return items;
}

function rulesFired(findings: FindingRecord[]): ListRow['findings'] {
  const strongest = new Map<string, Severity>();
  for (const f of findings) {
    const rule = ruleOf(f.code);
    const known = strongest.get(rule);
    if (!known || SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(known)) strongest.set(rule, f.severity);
  }
  return [...strongest]
    .map(([rule, severity]) => ({ rule, severity }))
    .sort(
      (a, b) =>
        SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.rule.localeCompare(b.rule),
    );
}

/** An address list as a person reads it: `Name <address>, address`. */
export function addressText(list: MailAddress[]): string {
  return list.map((a) => (a.name && a.address ? `${a.name} <${a.address}>` : a.name || a.address)).join(', ');
}
