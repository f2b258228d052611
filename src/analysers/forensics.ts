// The forensic rules (rules/) as an analyser: setup reads the whole case once into a CaseView (every
// document's extracted facts, the emails that carry it, the roster of the organisation's people, the
// cut-off), then each document is checked by every rule. It runs after ingest on the main thread (its
// comparison of texts on a thread of its own: near-pairs-apart.ts), and again on everything when the
// extraction or the DKIM verdicts it read have changed (dependsOn).
import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { instantRange, parseIsoDate } from '../extract/dates.ts';
import { emptyFacts } from '../extract/facts.ts';
import type { DocumentFacts } from '../extract/types.ts';
import type { Params } from '../report/catalogue.ts';
import type { Finding, Severity, Store } from '../store/store.ts';
import type { Analyser } from './analyser.ts';
import { bounded } from './bounded.ts';
import { findNearPairsApart } from './near-pairs-apart.ts';
import { rules } from './rules/index.ts';
import {
  AUTHENTIC_VERDICTS,
  carriedByAuthentic,
  foldName,
  isPlaceholderName,
  scriptOf,
} from './rules/names.ts';
import type { Carrier, CaseView, DocumentUnderReview } from './rules/rule.ts';
import { commonValues, countInto } from './rules/tally.ts';
import {
  NEAR_DUPLICATES_VERSION,
  type NearDuplicate,
  type NearPairs,
  selectNearDuplicates,
} from './similarity.ts';

/** The case setting that keeps a cut-off once given (`--cutoff`). */
export const CUTOFF_SETTING = 'forensics.cutoff';

/**
 * A cut-off as given (ISO 8601) as the instant it means, or null when it is not a date. A day alone
 * means the end of that day, UTC (as `--cutoff` says); a time without a zone the latest instant it can
 * mean: a cut-off too late hides nothing the other rules show, one too early flags genuine files.
 */
export function parseCutoff(text: string): string | null {
  const date = parseIsoDate(text);
  if (!date) return null;
  if (/^\s*\d{4}-\d\d-\d\d\s*$/.test(text)) return `${date.local.slice(0, 10)}T23:59:59.999Z`;
  return new Date(instantRange(date).latest).toISOString();
}

/** The case setting that keeps the last near-duplicates found, with a digest of the texts compared. */
const NEAR_DUPLICATES_SETTING = 'forensics.near-duplicates';

/** Texts read between two turns of the event loop. */
const TEXTS_PER_TURN = 100;
/** Pages read from the store at a time. */
const PAGE = 500;
/** Senders of authentic mail read at a time (a date and an address or two each). */
const SENDERS_PAGE = 5000;
/** Containers walked up from a document to the email that carries it (zip in zip in mail…). */
const MAX_DEPTH = 32;
/** A script held by fewer of the roster's names than this share is a correspondent's, not the organisation's. */
const ROSTER_SCRIPT_SHARE = 0.05;

/** Characters of a value and items of a list kept in a finding: hostile metadata can be megabytes long. */
const MAX_VALUE_CHARS = 1000;
const MAX_LIST_ITEMS = 100;

/** What a finding keeps of the values that fired it. */
const FINDING_BOUNDS = { chars: MAX_VALUE_CHARS, items: MAX_LIST_ITEMS };

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3 };

interface Reach {
  carriers: Map<number, Carrier>;
  loose: boolean;
}

/** Reads what the rules need of the case: built once per run. */
export async function buildCaseView(store: Store, options: { cutoff?: string }): Promise<CaseView> {
  const messages = new Map<number, Carrier>();
  const carrierOf = async (itemId: number): Promise<Carrier> => {
    let carrier = messages.get(itemId);
    if (!carrier) {
      const message = await store.getMessage(itemId);
      const dkim = await store.getAnalysis(itemId, 'dkim');
      carrier = {
        itemId,
        date: message?.date ?? null,
        verdict: dkim?.summary ?? null,
        from: message?.from[0]?.address || null,
      };
      messages.set(itemId, carrier);
    }
    return carrier;
  };

  // Where each item was found, up to the emails that carry it (memoised: an archive's members share it).
  const reached = new Map<number, Reach>();
  const reach = async (itemId: number, depth: number): Promise<Reach> => {
    const known = reached.get(itemId);
    if (known) return known;
    const result: Reach = { carriers: new Map(), loose: false };
    // Set before walking up, so a cycle in hostile placements ends here.
    reached.set(itemId, result);
    for (const occurrence of await store.occurrencesOf(itemId)) {
      if (occurrence.parentId === null) {
        result.loose = true;
        continue;
      }
      const parent = await store.getItem(occurrence.parentId);
      if (!parent) continue;
      if (parent.type === 'message') result.carriers.set(parent.id, await carrierOf(parent.id));
      if (depth >= MAX_DEPTH) continue;
      // An email forwarded as an attachment is carried in turn: the outer email carries these bytes too.
      const up = await reach(parent.id, depth + 1);
      for (const [id, c] of up.carriers) result.carriers.set(id, c);
      // Inside an email is not loose, wherever that email was found.
      if (parent.type !== 'message') result.loose ||= up.loose;
    }
    return result;
  };

  const documents: DocumentUnderReview[] = [];
  for (let afterId = 0; ; ) {
    const page = await store.analysisResults('extract', afterId, PAGE);
    if (page.length === 0) break;
    await setImmediate(); // a turn of the event loop per page (see textsOf)
    afterId = page[page.length - 1]!.itemId;
    for (const record of page) {
      const item = await store.getItem(record.itemId);
      if (!item?.sha256) continue;
      const where = await reach(item.id, 0);
      documents.push({
        itemId: item.id,
        sha256: item.sha256,
        format: item.format,
        facts: factsOf(record.status === 'ok' ? record.result : null),
        names: await namesOf(store, item.id),
        carriers: [...where.carriers.values()].sort((a, b) => a.itemId - b.itemId),
        loose: where.loose,
      });
    }
  }

  // The organisation's people: senders of authentic mail, and the authors of the documents it carries.
  const rosterNames = new Set<string>();
  const rosterAddresses = new Set<string>();
  let latestAuthentic: number | null = null;
  for (let afterId = 0; ; ) {
    const page = await store.messageSenders({
      analyser: 'dkim',
      summaries: AUTHENTIC_VERDICTS,
      afterId,
      limit: SENDERS_PAGE,
    });
    if (page.length === 0) break;
    await setImmediate();
    afterId = page[page.length - 1]!.itemId;
    for (const message of page) {
      const at = message.date ? Date.parse(message.date) : Number.NaN;
      if (Number.isFinite(at) && (latestAuthentic === null || at > latestAuthentic)) latestAuthentic = at;
      for (const from of message.from) {
        if (from.address) rosterAddresses.add(from.address.toLowerCase());
        if (from.name && !isPlaceholderName(from.name)) rosterNames.add(from.name);
      }
    }
  }
  for (const doc of documents) {
    if (!carriedByAuthentic(doc)) continue;
    for (const name of [...doc.facts.authors, doc.facts.lastModifiedBy ?? ''])
      if (!isPlaceholderName(name)) rosterNames.add(name);
  }

  return {
    cutoff: await resolveCutoff(store, options.cutoff, latestAuthentic),
    roster: [...new Set([...[...rosterNames].map(foldName), ...rosterAddresses])].sort(),
    rosterScripts: rosterScripts([...rosterNames]),
    documents,
    nearDuplicates: await nearDuplicatesOf(store, await textsOf(store, documents), documents),
  };
}

/**
 * The near-duplicates among the documents' texts. Comparing every text is most of the rules' cost,
 * and they run again on the same texts when mail is verified again (`verify --case`) or a cut-off is
 * given: the pairs found are kept with a digest of the texts, and found again only when those
 * change. Which matches each document lists is chosen from them every time, authenticated documents
 * first, since that follows the verdicts.
 */
async function nearDuplicatesOf(
  store: Store,
  texts: { itemId: number; text: string }[],
  documents: DocumentUnderReview[],
): Promise<NearDuplicate[]> {
  const digest = createHash('sha256').update(NEAR_DUPLICATES_VERSION);
  for (const { itemId, text } of texts) digest.update(`\0${itemId}\0${text.length}\0`).update(text);
  const key = digest.digest('hex');
  const kept = await store.setting(NEAR_DUPLICATES_SETTING);
  let found = kept ? (JSON.parse(kept) as { key: string; found: NearPairs }) : null;
  if (found?.key !== key) {
    found = { key, found: await findNearPairsApart(texts) };
    const value = JSON.stringify(found);
    await store.transaction((writer) => writer.putSetting(NEAR_DUPLICATES_SETTING, value));
  }
  const authenticated = new Set(documents.filter(carriedByAuthentic).map((d) => d.itemId));
  return selectNearDuplicates(texts, found.found, {}, (itemId) => authenticated.has(itemId));
}

/** The given cut-off (kept in the case), else the one kept before, else the latest authentic email. */
async function resolveCutoff(
  store: Store,
  given: string | undefined,
  latestAuthentic: number | null,
): Promise<CaseView['cutoff']> {
  if (given !== undefined) {
    const at = parseCutoff(given);
    if (!at)
      throw new Error(`the cut-off ${JSON.stringify(given)} is not a date (ISO 8601, e.g. 2017-05-05)`);
    await store.transaction((writer) => writer.putSetting(CUTOFF_SETTING, at));
    return { at, source: 'given' };
  }
  const kept = await store.setting(CUTOFF_SETTING);
  if (kept) return { at: kept, source: 'given' };
  return latestAuthentic === null
    ? null
    : { at: new Date(latestAuthentic).toISOString(), source: 'latest-authentic' };
}

/** Scripts held by at least a share of the names (the most common always). */
function rosterScripts(names: string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) {
    const script = scriptOf(name);
    if (script) countInto(counts, script);
  }
  return commonValues(counts, ROSTER_SCRIPT_SHARE).sort();
}

/** The facts of a stored extraction, every field present (an older extraction may lack some). */
function factsOf(result: unknown): DocumentFacts {
  const facts = (result as { facts?: unknown } | null)?.facts;
  return facts && typeof facts === 'object'
    ? { ...emptyFacts(), ...(facts as Partial<DocumentFacts>) }
    : emptyFacts();
}

/** The documents' texts as read by the extraction (the altered-copy rule compares them). */
async function textsOf(
  store: Store,
  documents: DocumentUnderReview[],
): Promise<{ itemId: number; text: string }[]> {
  const texts: { itemId: number; text: string }[] = [];
  for (const [i, doc] of documents.entries()) {
    // The embedded store answers at once: without a turn of the event loop now and then, thousands
    // of texts are read with Ctrl-C unanswered (1.9–2.7 s at 20,000 messages).
    if (i % TEXTS_PER_TURN === TEXTS_PER_TURN - 1) await setImmediate();
    const text = await store.getText(doc.itemId);
    if (text?.text) texts.push({ itemId: doc.itemId, text: text.text });
  }
  return texts;
}

/**
 * The names the item's copies were given by people: an attachment's filename, a file's or an archive
 * member's base name. A MIME part's path is its part number, and an object embedded in a document is
 * named by the program (`oleObject1.bin`): neither is a name.
 */
async function namesOf(store: Store, itemId: number): Promise<string[]> {
  const names = new Set<string>();
  for (const o of await store.occurrencesOf(itemId)) {
    const parent = o.parentId === null ? null : await store.getItem(o.parentId);
    if (parent && parent.type !== 'container' && parent.type !== 'message') continue;
    const name = o.filename ?? (parent?.type === 'message' ? null : o.path.split('/').pop());
    if (name) names.add(name);
  }
  return [...names];
}

export const analyser: Analyser<CaseView> = {
  id: 'forensics',
  // Bump when a rule changes what it finds: every document is checked again.
  version: '1',
  types: ['document', 'attachment'],
  dependsOn: ['extract', 'dkim'],
  // The rules read the case's view of a document (its extracted facts), never its bytes.
  readsBytes: false,
  // A cut-off other than the one kept in the case changes what after-cutoff finds everywhere.
  async optionsChange(store, options) {
    if (options.cutoff === undefined) return false;
    return parseCutoff(options.cutoff) !== (await store.setting(CUTOFF_SETTING));
  },
  setup: (store, options) => buildCaseView(store, options),
  start(view) {
    const byId = new Map(view.documents.map((d) => [d.itemId, d]));
    const cutoff = view.cutoff;
    return async (input) => {
      const doc = input.itemId === null ? undefined : byId.get(input.itemId);
      if (!doc)
        return {
          status: 'skipped',
          summary: null,
          resultJson: JSON.stringify({ rules: [], cutoff, reason: 'not-extracted' }),
          inputs: [],
          findings: [],
        };
      const findings: Finding[] = [];
      const failed: string[] = [];
      for (const rule of rules) {
        try {
          for (const hit of rule.check(doc, view))
            findings.push({
              code: `forensics.${rule.id}`,
              severity: hit.severity ?? rule.severity,
              params: bounded(hit.params, FINDING_BOUNDS) as Params,
              evidence: bounded(hit.evidence, FINDING_BOUNDS) as Record<string, unknown>,
            });
        } catch (err) {
          // One rule's failure on odd facts is that rule's: the others still report, and it is said.
          failed.push(rule.id);
          findings.push({
            code: 'forensics.rule-failed',
            severity: 'info',
            params: { rule: rule.id },
            evidence: { error: err instanceof Error ? err.message : String(err) },
          });
        }
      }
      const top = findings.reduce<Severity>(
        (a, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[a] ? f.severity : a),
        'info',
      );
      return {
        status: 'ok',
        summary: top === 'info' ? null : top,
        resultJson: JSON.stringify({
          rules: rules.map((r) => r.id),
          cutoff,
          ...(failed.length ? { failed } : {}),
        }),
        inputs: [],
        findings,
      };
    };
  },
};
