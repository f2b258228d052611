// `crible search`: a query over the case, ranked (bm25) or by date, with snippets whose matches are
// painted on a terminal; facets; a batch of queries from a file. Thin over core/search.ts.
import type { Command } from 'commander';
import type { Case } from '../../core/case.ts';
import { type BatchLine, QueryError, type SearchResult, snippetHtml } from '../../core/search.ts';
import { render } from '../../report/catalogue.ts';
import { toCsv } from '../../report/csv.ts';
import { safeText } from '../../report/safe-text.ts';
import type { FacetName } from '../../store/search.ts';
import { fitLines, printJson, printLines, readOptionFile, UsageError } from '../output.ts';
import { paint, paintVerdict } from '../style.ts';
import { caseOption, withCase } from '../with-case.ts';

export const QUERY_HELP = `
Hits are ranked by relevance (bm25; past 10,000 hits, the 10,000 most recently indexed are ranked).
Query language (a term is matched accent-folded, and by its French and English stems: "élections"
finds "election", "facture" finds "factures", "tresorier" finds "trésorier"):
  budget campagne          both words (AND is implied; AND may also be written)
  "compte de campagne"     these words in this order, exactly (accents folded, no stems)
  virement -remboursement  exclude a term (NOT works too)
  facture OR devis         either
  (facture OR devis) 2017  parentheses group
  trésor*                  words starting with "trésor"
  *3456789*                part of a word, of at least 3 characters, in subjects, file names
                           and words with digits (IBANs, references)
Fields:
  from: to: cc: participant:  an address (exact), a domain (with its subdomains), or a name
  domain:example.fr           any participant at this domain or a subdomain
  subject: body:              words in the subject or the text only
  filename:budget             part of an attachment's or a file's name ("quoted" = whole words)
  author:                     document metadata
  type:email type:pdf type:docx type:xlsx type:image type:attachment type:document
  date:2017  date:2017-04  date:2017-04-24  date:2017-03-01..2017-04-24  date:2017-03..  date:..2016
  has:attachment
  verdict:forgeable (crible help verdicts)   flag:<flag>   finding:<code or its prefix>
  mailbox:<path prefix in the source, or of the source>   thread:<id> (crible thread)
A mistake in the query is reported with its position, and the command exits 2.`;

const FACET_TITLES: Record<FacetName, string> = {
  verdict: 'Verdict',
  domain: 'Sender domain',
  participant: 'Participants',
  year: 'Year',
  month: 'Month',
  type: 'Type',
  flag: 'Flag',
  finding: 'Finding',
};

function parseCount(text: string, what: string, minimum: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < minimum)
    throw new UsageError(`${what} must be a whole number of at least ${minimum}`);
  return n;
}

/** A query error in words: the query, then what is wrong at which character. */
export function queryProblem(query: string, err: QueryError): UsageError {
  return new UsageError(`invalid query ${JSON.stringify(query)}: ${render(err)}`);
}

const day = (date: string | null) => (date ? date.slice(0, 10) : 'no date   ');

function resultLines(result: SearchResult, offset: number, width: number | undefined): string[] {
  const { total, hits } = result;
  const lines: string[] = [];
  const range = hits.length ? ` (${offset + 1}–${offset + hits.length} shown)` : '';
  lines.push(paint('bold', `${total} ${total === 1 ? 'hit' : 'hits'} for ${safeText(result.query)}${range}`));
  for (const hit of hits) {
    const head = [
      paint('bold', `#${hit.id}`),
      day(hit.date),
      hit.type,
      ...(hit.verdict ? [paintVerdict(hit.verdict)] : []),
      safeText(hit.from ?? ''),
    ].join('  ');
    lines.push('', head);
    if (hit.subject) lines.push(`    ${safeText(hit.subject)}`);
    const text = hit.snippet
      .map((p) => (p.match ? paint('yellow', safeText(p.text)) : safeText(p.text)))
      .join('');
    if (text) lines.push(...fitLines([`    ${text}`], width));
  }
  if (result.facets) {
    lines.push('', paint('bold', 'Facets'));
    for (const [name, values] of Object.entries(result.facets) as [
      FacetName,
      { value: string; count: number }[],
    ][]) {
      if (!values.length) continue;
      const shown = values.map(
        (v) => `${name === 'verdict' ? paintVerdict(safeText(v.value)) : safeText(v.value)} ${v.count}`,
      );
      lines.push(...fitLines([`  ${FACET_TITLES[name].padEnd(14)}${shown.join(', ')}`], width));
    }
  }
  if (hits.length)
    lines.push('', paint('dim', 'crible show <id> shows an item; crible thread <id> its conversation'));
  return lines;
}

function batchCsv(lines: BatchLine[]): string {
  return toCsv(
    lines.map((l) => [l.line, l.query, l.total ?? '', l.ids.join(' '), l.error ? render(l.error) : '']),
    { header: true, columns: ['line', 'query', 'total', 'top_ids', 'error'] },
  );
}

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description(
      'Search the case: words (French and English), phrases, fields, dates, verdicts; ranked hits with snippets and facets',
    )
    .argument('[query...]', 'the query (see below); quote it in the shell')
    .addOption(caseOption())
    .option('--limit <n>', 'hits to show', '20')
    .option('--offset <n>', 'hits to skip (the next page)', '0')
    .option('--sort <order>', 'relevance (bm25) or date (newest first)', 'relevance')
    .option('--facets', 'counts by verdict, sender domain, participant, year, month, type, flag and finding')
    .option('--batch <file>', "one query per line: each line's total and top hit ids")
    .option('--json', 'print JSON')
    .option('--csv', 'with --batch: print CSV')
    .addHelpText('after', QUERY_HELP)
    .action(
      async (
        words: string[],
        opts: {
          case?: string;
          limit: string;
          offset: string;
          sort: string;
          facets?: boolean;
          batch?: string;
          json?: boolean;
          csv?: boolean;
        },
      ) => {
        const limit = parseCount(opts.limit, '--limit', 1);
        const offset = parseCount(opts.offset, '--offset', 0);
        if (opts.sort !== 'relevance' && opts.sort !== 'date')
          throw new UsageError('--sort must be relevance or date');
        if (opts.csv && !opts.batch) throw new UsageError('--csv goes with --batch');
        const { searchCase, batchSearch, searchIndexBehind } = await import('../../core/search.ts');
        // An index left for later (ingest --no-index) or cut off misses items: said before the hits.
        const noteIndexBehind = async (kase: Case) => {
          if (await searchIndexBehind(kase.store))
            process.stderr.write(
              `${paint('yellow', 'Note:')} the search index misses part of this case (left for later, or cut off):\n      crible analyse --case ${kase.dir} brings it up to date.\n`,
            );
        };
        if (opts.batch) {
          if (words.length) throw new UsageError('give either a query or --batch <file>, not both');
          const text = readOptionFile('the batch file', opts.batch);
          await withCase(opts.case, async (kase) => {
            await noteIndexBehind(kase);
            const lines = await batchSearch(kase.store, text, { top: limit });
            if (opts.json)
              return printJson(
                lines.map((l) => ({
                  line: l.line,
                  query: l.query,
                  total: l.total,
                  ids: l.ids,
                  error: l.error ? { code: l.error.code, params: l.error.params } : null,
                })),
              );
            if (opts.csv) return void process.stdout.write(batchCsv(lines));
            const out = lines.map((l) =>
              l.error
                ? `${String(l.line).padStart(4)}  ${l.query}  — ${render(l.error)}`
                : `${String(l.line).padStart(4)}  ${String(l.total).padStart(7)}  ${l.query}${l.ids.length ? `  → ${l.ids.map((id) => `#${id}`).join(' ')}` : ''}`,
            );
            printLines(
              out.length ? ['line     hits  query  → top hits', ...out] : ['(no queries in the file)'],
            );
          });
          return;
        }
        const query = words.join(' ');
        await withCase(opts.case, async (kase) => {
          await noteIndexBehind(kase);
          let result: SearchResult;
          try {
            result = await searchCase(kase.store, query, {
              limit,
              offset,
              sort: opts.sort as 'relevance' | 'date',
              facets: opts.facets ?? false,
            });
          } catch (err) {
            if (err instanceof QueryError) throw queryProblem(query, err);
            throw err;
          }
          if (opts.json)
            return printJson({
              total: result.total,
              hits: result.hits.map((h) => ({
                id: h.id,
                type: h.type,
                subject: h.subject,
                from: h.from,
                date: h.date,
                verdict: h.verdict,
                snippet: snippetHtml(h.snippet),
              })),
              facets: result.facets ?? {},
            });
          const width = process.stdout.isTTY ? process.stdout.columns : undefined;
          process.stdout.write(`${resultLines(result, offset, width).join('\n')}\n`);
        });
      },
    );
}
