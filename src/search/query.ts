// The query language of `crible search`: terms, "phrases", -exclusion (or NOT), OR, AND (implied
// between terms), parentheses, and field:value. The parser only builds the tree; plan.ts gives each
// leaf its meaning. Every error is a code with the position (1-based character) it was found at.
import type { Params } from '../report/catalogue.ts';

export class QueryError extends Error {
  readonly code: string;
  readonly params: Params;
  constructor(code: string, params: Params & { position: number }) {
    super(code);
    this.code = code;
    this.params = params;
  }
}

/** A leaf: a bare word, a quoted phrase, or field:value (value bare or quoted). */
export interface QueryTerm {
  kind: 'term';
  field: string | null;
  value: string;
  quoted: boolean;
  /** 1-based position of the term in the query. */
  position: number;
}

export type QueryNode =
  | QueryTerm
  | { kind: 'and'; parts: QueryNode[] }
  | { kind: 'or'; parts: QueryNode[] }
  | { kind: 'not'; part: QueryNode }
  | { kind: 'all' };

export const FIELDS = [
  'from',
  'to',
  'cc',
  'participant',
  'domain',
  'subject',
  'body',
  'filename',
  'author',
  'type',
  'date',
  'has',
  'verdict',
  'flag',
  'finding',
  'mailbox',
  'thread',
] as const;

type Token =
  | { kind: '(' | ')' | '-'; position: number }
  | { kind: 'word'; text: string; position: number }
  | { kind: 'quoted'; text: string; position: number; field: string | null };

/** Longest accepted query, in characters (a pasted document is not a query). */
export const MAX_QUERY_LENGTH = 4000;
const MAX_DEPTH = 50;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    const position = i + 1;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')') {
      tokens.push({ kind: c, position });
      i++;
    } else if (c === '-' && i + 1 < query.length && !/[\s)]/.test(query[i + 1]!)) {
      tokens.push({ kind: '-', position });
      i++;
    } else if (c === '"') {
      const end = query.indexOf('"', i + 1);
      if (end < 0) throw new QueryError('search.query.unclosed-quote', { position });
      tokens.push({ kind: 'quoted', text: query.slice(i + 1, end), position, field: null });
      i = end + 1;
    } else {
      let end = i;
      while (end < query.length && !/[\s()"]/.test(query[end]!)) end++;
      const text = query.slice(i, end);
      // field:"a phrase": the quote belongs to the field.
      if (text.endsWith(':') && query[end] === '"') {
        const close = query.indexOf('"', end + 1);
        if (close < 0) throw new QueryError('search.query.unclosed-quote', { position: end + 1 });
        tokens.push({
          kind: 'quoted',
          text: query.slice(end + 1, close),
          position,
          field: text.slice(0, -1),
        });
        i = close + 1;
      } else {
        tokens.push({ kind: 'word', text, position });
        i = end;
      }
    }
  }
  return tokens;
}

const isKeyword = (t: Token | undefined, word: string) => t?.kind === 'word' && t.text === word;

/** Parses a query into its tree; an empty query is `all`. */
export function parseQuery(query: string): QueryNode {
  if (query.length > MAX_QUERY_LENGTH)
    throw new QueryError('search.query.too-long', {
      position: MAX_QUERY_LENGTH + 1,
      limit: MAX_QUERY_LENGTH,
    });
  const tokens = tokenize(query);
  let at = 0;
  const end = query.length + 1;
  const positionOf = (t: Token | undefined) => t?.position ?? end;

  const parseOr = (depth: number): QueryNode => {
    if (depth > MAX_DEPTH)
      throw new QueryError('search.query.too-deep', { position: positionOf(tokens[at]), limit: MAX_DEPTH });
    const parts = [parseAnd(depth)];
    while (isKeyword(tokens[at], 'OR')) {
      at++;
      parts.push(parseAnd(depth));
    }
    return parts.length === 1 ? parts[0]! : { kind: 'or', parts };
  };
  const parseAnd = (depth: number): QueryNode => {
    const parts: QueryNode[] = [];
    for (;;) {
      const t = tokens[at];
      if (t === undefined || t.kind === ')' || isKeyword(t, 'OR')) break;
      if (isKeyword(t, 'AND')) {
        if (parts.length === 0)
          throw new QueryError('search.query.operator-without-term', {
            position: t.position,
            operator: 'AND',
          });
        at++;
        continue;
      }
      parts.push(parseUnary(depth));
    }
    if (parts.length === 0) {
      const t = tokens[at];
      if (t?.kind === ')')
        throw new QueryError('search.query.unopened-parenthesis', { position: t.position });
      throw new QueryError('search.query.operator-without-term', {
        position: positionOf(tokens[at - 1] ?? t),
        operator: 'OR',
      });
    }
    return parts.length === 1 ? parts[0]! : { kind: 'and', parts };
  };
  const parseUnary = (depth: number): QueryNode => {
    const t = tokens[at]!;
    if (t.kind === '-' || isKeyword(t, 'NOT')) {
      at++;
      const next = tokens[at];
      if (next === undefined || next.kind === ')' || isKeyword(next, 'OR'))
        throw new QueryError('search.query.nothing-to-exclude', { position: t.position });
      return { kind: 'not', part: parseUnary(depth + 1) };
    }
    if (t.kind === '(') {
      at++;
      if (tokens[at]?.kind === ')')
        throw new QueryError('search.query.empty-parentheses', { position: t.position });
      const inner = parseOr(depth + 1);
      if (tokens[at]?.kind !== ')')
        throw new QueryError('search.query.unclosed-parenthesis', { position: t.position });
      at++;
      return inner;
    }
    if (t.kind === ')') throw new QueryError('search.query.unopened-parenthesis', { position: t.position });
    at++;
    if (t.kind === 'quoted') {
      if (t.field !== null) checkField(t.field, t.position);
      return { kind: 'term', field: t.field, value: t.text, quoted: true, position: t.position };
    }
    const { text } = t as Extract<Token, { kind: 'word' }>;
    const colon = text.indexOf(':');
    const name = colon > 0 ? text.slice(0, colon) : '';
    // A word before a colon is a field when it is one; an unknown one is an error only when it looks
    // like a field name (letters alone): "10:30" and "http://…" stay words.
    if (colon > 0 && /^[a-zA-Z]+$/.test(name)) {
      checkField(name.toLowerCase(), t.position);
      const value = text.slice(colon + 1);
      if (value === '')
        throw new QueryError('search.query.empty-field', { position: t.position, field: name });
      return { kind: 'term', field: name.toLowerCase(), value, quoted: false, position: t.position };
    }
    return { kind: 'term', field: null, value: text, quoted: false, position: t.position };
  };

  if (tokens.length === 0) return { kind: 'all' };
  const tree = parseOr(0);
  if (at < tokens.length) {
    const t = tokens[at]!;
    throw t.kind === ')'
      ? new QueryError('search.query.unopened-parenthesis', { position: t.position })
      : new QueryError('search.query.operator-without-term', { position: t.position, operator: 'OR' });
  }
  return tree;
}

function checkField(field: string, position: number): void {
  if (!(FIELDS as readonly string[]).includes(field.toLowerCase()))
    throw new QueryError('search.query.unknown-field', { position, field, fields: FIELDS.join(', ') });
}
