// What each leaf of a query means: words folded and stemmed for the text index, fields turned into
// the store's structured leaves (answered from its tables, so a changed verdict needs no re-indexing).
import type {
  DateRange,
  FieldLeaf,
  SearchPlan,
  StemColumn,
  SubstringColumn,
  TextColumn,
  TextLeaf,
} from '../store/search.ts';
import { fold, stemsOf, words } from './fold.ts';
import { parseQuery, QueryError, type QueryNode, type QueryTerm } from './query.ts';

/** What the words of a hit are matched against, to highlight them in a snippet. */
export interface Highlight {
  words: string[];
  stems: string[];
  prefixes: string[];
  substrings: string[];
}

export interface PlannedQuery {
  plan: SearchPlan;
  highlight: Highlight;
}

export interface PlanOptions {
  /** The verdicts a `verdict:` may name. */
  verdicts: readonly string[];
}

interface Columns {
  exact: TextColumn[];
  stemmed: StemColumn[];
  substring: SubstringColumn[];
}

const PEOPLE: TextColumn[] = ['from_people', 'to_people', 'cc_people', 'other_people'];
const ANYWHERE: Columns = {
  exact: ['subject', 'body', ...PEOPLE, 'filename', 'author'],
  stemmed: ['subject_stem', 'body_stem'],
  substring: ['subject', 'filename', 'identifiers'],
};
const TEXT_FIELDS: Record<string, Columns> = {
  subject: { exact: ['subject'], stemmed: ['subject_stem'], substring: ['subject'] },
  body: { exact: ['body'], stemmed: ['body_stem'], substring: ['identifiers'] },
  filename: { exact: ['filename'], stemmed: [], substring: ['filename'] },
  author: { exact: ['author'], stemmed: [], substring: [] },
};
/** Roles of each person field, and the index column holding their names and addresses. */
const PERSON_FIELDS: Record<string, { roles: string[] | null; columns: TextColumn[] }> = {
  from: { roles: ['from'], columns: ['from_people'] },
  to: { roles: ['to'], columns: ['to_people'] },
  cc: { roles: ['cc'], columns: ['cc_people'] },
  participant: { roles: null, columns: PEOPLE },
};
const IMAGE_FORMATS = ['png', 'jpeg', 'gif', 'tiff', 'bmp', 'webp', 'heic'];
const ITEM_TYPES: Record<string, string> = {
  email: 'message',
  mail: 'message',
  message: 'message',
  attachment: 'attachment',
  document: 'document',
  container: 'container',
  archive: 'container',
};

export function planQuery(query: string, options: PlanOptions): PlannedQuery {
  const highlight: Highlight = { words: [], stems: [], prefixes: [], substrings: [] };
  const plan = planNode(parseQuery(query), options, highlight, false);
  return { plan, highlight };
}

function planNode(node: QueryNode, options: PlanOptions, highlight: Highlight, negated: boolean): SearchPlan {
  switch (node.kind) {
    case 'all':
      return { kind: 'all' };
    case 'and':
    case 'or':
      return { kind: node.kind, parts: node.parts.map((p) => planNode(p, options, highlight, negated)) };
    case 'not':
      return { kind: 'not', part: planNode(node.part, options, highlight, !negated) };
    case 'term':
      return planTerm(node, options, negated ? null : highlight);
  }
}

const text = (leaf: TextLeaf): SearchPlan => ({ kind: 'text', leaf });
const field = (leaf: FieldLeaf): SearchPlan => ({ kind: 'field', leaf });

function planTerm(term: QueryTerm, options: PlanOptions, highlight: Highlight | null): SearchPlan {
  const { field: name, value, position } = term;
  if (name === null || name in TEXT_FIELDS) {
    const columns = name === null ? ANYWHERE : TEXT_FIELDS[name]!;
    // A file name is looked for as a part of a name unless quoted: "budget" finds budget-2017.xlsx.
    if (name === 'filename' && !term.quoted && !value.includes('*') && fold(value).length >= 3)
      return substring(`*${value}*`, columns, position, highlight);
    return words_(term, columns, highlight);
  }
  const person = PERSON_FIELDS[name];
  if (person) {
    const v = value.trim().toLowerCase();
    if (v.includes('@') && !v.startsWith('@'))
      return field({ kind: 'participant', roles: person.roles, address: v });
    if (v.startsWith('@') || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(v))
      return field({ kind: 'domain', roles: person.roles, domain: v.replace(/^@/, '') });
    return words_(term, { exact: person.columns, stemmed: [], substring: [] }, highlight);
  }
  const v = value.trim();
  const lower = v.toLowerCase();
  switch (name) {
    case 'domain':
      return field({ kind: 'domain', roles: null, domain: lower.replace(/^@/, '') });
    case 'type': {
      if (ITEM_TYPES[lower]) return field({ kind: 'item-type', types: [ITEM_TYPES[lower]] });
      if (lower === 'image') return field({ kind: 'format', formats: IMAGE_FORMATS });
      return field({ kind: 'format', formats: [lower === 'jpg' ? 'jpeg' : lower] });
    }
    case 'date':
      return field({ kind: 'date', range: parseDateRange(v, position) });
    case 'has':
      if (lower === 'attachment' || lower === 'attachments') return field({ kind: 'has-attachment' });
      throw new QueryError('search.query.unknown-has', { position, value: v });
    case 'verdict':
      if (!options.verdicts.includes(lower))
        throw new QueryError('search.query.unknown-verdict', {
          position,
          value: v,
          verdicts: options.verdicts.join(', '),
        });
      return field({ kind: 'verdict', verdict: lower });
    case 'flag':
      return field({ kind: 'flag', flag: v });
    case 'finding':
      return field({ kind: 'finding', code: v });
    case 'mailbox':
      return field({ kind: 'mailbox', prefix: v });
    case 'thread': {
      const id = Number(v);
      if (!Number.isSafeInteger(id) || id <= 0)
        throw new QueryError('search.query.bad-thread', { position, value: v });
      return field({ kind: 'thread', threadId: id });
    }
    default:
      throw new QueryError('search.query.unknown-field', { position, field: name, fields: '' });
  }
}

/** A bare or quoted value in some columns: a word (exact or by stem), a phrase, a prefix or a substring. */
function words_(term: QueryTerm, columns: Columns, highlight: Highlight | null): SearchPlan {
  const { value, position } = term;
  if (!term.quoted && value.includes('*')) {
    if (value.startsWith('*')) return substring(value, columns, position, highlight);
    const prefix = words(value.replace(/\*+$/, ''));
    if (!/^[^*]+\*+$/.test(value) || prefix.length !== 1)
      throw new QueryError('search.query.bad-wildcard', { position, value });
    highlight?.prefixes.push(prefix[0]!);
    return text({ kind: 'prefix', prefix: prefix[0]!, exact: columns.exact });
  }
  const found = words(value);
  if (found.length === 0) throw new QueryError('search.query.no-words', { position, value });
  highlight?.words.push(...found);
  if (term.quoted || found.length > 1 || columns.stemmed.length === 0)
    return text({ kind: 'phrase', words: found, exact: columns.exact });
  const word = found[0]!;
  const stems = stemsOf(word);
  highlight?.stems.push(...stems);
  // Subject and body words are matched through their stems (the exact word has the same stems).
  const stemmedExact = new Set<TextColumn>(columns.stemmed.map((c) => c.replace('_stem', '') as TextColumn));
  return text({
    kind: 'word',
    word,
    stems,
    exact: columns.exact.filter((c) => !stemmedExact.has(c)),
    stemmed: columns.stemmed,
    anywhere: columns === ANYWHERE,
  });
}

function substring(
  value: string,
  columns: Columns,
  position: number,
  highlight: Highlight | null,
): SearchPlan {
  const inner = fold(value.replace(/^\*+|\*+$/g, '')).trim();
  if (inner.includes('*')) throw new QueryError('search.query.bad-wildcard', { position, value });
  if (inner.length < 3)
    throw new QueryError('search.query.substring-too-short', { position, value, minimum: 3 });
  if (columns.substring.length === 0)
    throw new QueryError('search.query.no-substring-here', { position, value });
  highlight?.substrings.push(inner);
  return text({ kind: 'substring', text: inner, columns: columns.substring });
}

const DAY = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** A date as written in a query: its first instant and the first instant after it (UTC). */
function dateBounds(text: string, position: number): [string, string] {
  const m = DAY.exec(text);
  if (!m) throw new QueryError('search.query.bad-date', { position, value: text });
  const year = Number(m[1]);
  const month = m[2] === undefined ? null : Number(m[2]);
  const day = m[3] === undefined ? null : Number(m[3]);
  const start = new Date(Date.UTC(year, (month ?? 1) - 1, day ?? 1));
  if (
    (month !== null && (month < 1 || month > 12)) ||
    (day !== null && (start.getUTCDate() !== day || start.getUTCMonth() !== month! - 1))
  )
    throw new QueryError('search.query.bad-date', { position, value: text });
  const next = new Date(start);
  if (day !== null) next.setUTCDate(next.getUTCDate() + 1);
  else if (month !== null) next.setUTCMonth(next.getUTCMonth() + 1);
  else next.setUTCFullYear(next.getUTCFullYear() + 1);
  return [start.toISOString(), next.toISOString()];
}

/** 2017, 2017-04, 2017-04-24, a..b (both included whole), a.. and ..b. */
export function parseDateRange(text: string, position: number): DateRange {
  const dots = text.indexOf('..');
  if (dots < 0) {
    const [from, until] = dateBounds(text, position);
    return { from, until };
  }
  const left = text.slice(0, dots);
  const right = text.slice(dots + 2);
  if (left === '' && right === '') throw new QueryError('search.query.bad-date', { position, value: text });
  const range: DateRange = {
    from: left === '' ? null : dateBounds(left, position)[0],
    until: right === '' ? null : dateBounds(right, position)[1],
  };
  if (range.from !== null && range.until !== null && range.from >= range.until)
    throw new QueryError('search.query.empty-date-range', { position, value: text });
  return range;
}
