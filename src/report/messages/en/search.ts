// English words for what is wrong in a search query (codes from src/search/query.ts and plan.ts);
// every one has the 1-based position in the query, which the CLI shows under the query.
import type { Messages } from '../../catalogue.ts';

export const enSearch: Messages = {
  'search.query.too-long': (p) => `the query is longer than ${p.limit} characters`,
  'search.query.too-deep': (p) => `parentheses or exclusions nested more than ${p.limit} deep`,
  'search.query.unclosed-quote': (p) => `the quote at character ${p.position} is never closed`,
  'search.query.unclosed-parenthesis': (p) => `the parenthesis at character ${p.position} is never closed`,
  'search.query.unopened-parenthesis': (p) => `the ")" at character ${p.position} closes nothing`,
  'search.query.empty-parentheses': (p) => `the parentheses at character ${p.position} hold nothing`,
  'search.query.operator-without-term': (p) =>
    `${p.operator} at character ${p.position} needs something to search on each side`,
  'search.query.nothing-to-exclude': (p) => `the exclusion at character ${p.position} has nothing after it`,
  'search.query.unknown-field': (p) =>
    `unknown field "${p.field}:" at character ${p.position}${p.fields ? ` (fields: ${p.fields})` : ''}; put the term in quotes to search for it as text`,
  'search.query.empty-field': (p) => `the field "${p.field}:" at character ${p.position} has no value`,
  'search.query.no-words': (p) =>
    `"${p.value}" at character ${p.position} has no letters or digits to search for`,
  'search.query.bad-wildcard': (p) =>
    `"${p.value}" at character ${p.position}: a * goes at the end of a word (prefix) or at both ends (*part*)`,
  'search.query.substring-too-short': (p) =>
    `"${p.value}" at character ${p.position}: a part of a word needs at least ${p.minimum} letters or digits`,
  'search.query.no-substring-here': (p) =>
    `"${p.value}" at character ${p.position}: this field has no part-of-word search`,
  'search.query.bad-date': (p) =>
    `"${p.value}" at character ${p.position} is not a date: write 2017, 2017-04, 2017-04-24, or a range 2017-03-01..2017-04-24 (either end may be left open)`,
  'search.query.empty-date-range': (p) =>
    `the date range "${p.value}" at character ${p.position} ends before it starts`,
  'search.query.unknown-has': (p) =>
    `"has:${p.value}" at character ${p.position}: only has:attachment is known`,
  'search.query.unknown-verdict': (p) =>
    `"verdict:${p.value}" at character ${p.position} is not a verdict (verdicts: ${p.verdicts})`,
  'search.query.bad-thread': (p) => `"thread:${p.value}" at character ${p.position}: a thread is a number`,
};
