import type { DocumentFacts, MetadataField } from '../extract/types.ts';
import { type Coded, coded, isKnownCode, render } from '../report/catalogue.ts';
import type {
  AnalysisRecord,
  FindingRecord,
  ItemRecord,
  MessageRecord,
  OccurrenceRecord,
  Participant,
  Severity,
  SourceRecord,
  Store,
} from '../store/store.ts';
import { describeFlag } from '../verify/flags.ts';

/** One step of provenance: from an item up through its containers to the source path. */
export interface ProvenanceStep {
  itemId: number | null;
  type: string;
  path: string;
  byteStart: number | null;
  byteEnd: number | null;
  /** Where it is, for a person: `archive.mbox #3` for an mbox member, else the path. */
  place: string;
}

export interface ItemDescription {
  item: ItemRecord;
  message: MessageRecord | null;
  participants: Participant[];
  /** Chain of the first place it was found, innermost first, ending with the source. */
  provenance: ProvenanceStep[];
  /** Every place it was found, each with its own name, declared type and chain. */
  occurrences: (OccurrenceRecord & { chain: ProvenanceStep[] })[];
  children: (Pick<ItemRecord, 'id' | 'type' | 'status' | 'reason' | 'sha256'> & { path: string })[];
  analyses: AnalysisRecord[];
  findings: FindingView[];
  /** For a document or an attachment: what vouches for it (the emails that carry it), null otherwise. */
  origin: DocumentOrigin | null;
  /** For a read document: its metadata as written and the facts the rules compare; null otherwise. */
  metadata: DocumentMetadata | null;
}

/** A finding as a reader takes it: the rule, its severity, the explanation in words, the evidence. */
export interface FindingView extends FindingRecord {
  /** The rule's id for a forensic rule (`altered-copy`), else the finding's code (`dkim.weak-key`). */
  rule: string;
  explanation: string;
}

/** An email that carries the item (directly, or inside an archive or an email it carries). */
export interface CarrierView {
  itemId: number;
  verdict: string | null;
  /** Its Date as written, and the instant (ISO 8601, UTC). */
  dateRaw: string | null;
  date: string | null;
  from: string;
  subject: string | null;
  /** The name the email gave what it carries (the attachment's filename). */
  filename: string | null;
  /** Items between the email and this one (an archive attached, then its member), outermost last. */
  via: number[];
  /** Whether its signature vouches for these bytes: an authentic verdict and a body hash over the whole body. */
  vouches: boolean;
  /** Why it vouches or not, as a code. */
  why: Coded;
}

export interface DocumentOrigin {
  authenticated: boolean;
  /** What to say, in order (provenance.* codes). */
  summary: Coded[];
  carriers: CarrierView[];
  /** Places found outside any email (a loose file, a member of an archive no email carries). */
  loose: ProvenanceStep[][];
}

export interface DocumentMetadata {
  extractor: string | null;
  facts: DocumentFacts | null;
  /** Every field as written, grouped by where it is (`core.xml`, `PDF Info`…), in the order read. */
  fields: MetadataField[];
  /** Parts the extractor could not read. */
  problems: Coded[];
  textSource: 'document' | 'ocr' | null;
  textChars: number | null;
  ocrCandidate: boolean;
}

/** Severities, strongest first. */
export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const satisfies readonly Severity[];

/** Verdicts under which a signature's body hash vouches for what the email carries. */
const AUTHENTIC = new Set(['authentic', 'authentic-with-caveats']);
/** Items walked up from a document to the emails that carry it (archives in archives…). */
const MAX_ANCESTORS = 500;

export async function describeItem(
  store: Store,
  id: number,
  analyserIds: string[],
): Promise<ItemDescription | null> {
  const item = await store.getItem(id);
  if (!item) return null;
  const sources = new Map((await store.listSources()).map((s) => [s.id, s] as const));
  const chainOf = async (place: OccurrenceRecord, self: ItemRecord) => {
    const chain: ProvenanceStep[] = [
      {
        itemId: self.id,
        type: self.type,
        path: place.path,
        byteStart: place.byteStart,
        byteEnd: place.byteEnd,
        place: place.path,
      },
    ];
    let parentId = place.parentId;
    const seen = new Set<number>([self.id]);
    while (parentId !== null && !seen.has(parentId)) {
      seen.add(parentId);
      const parent = await store.getItem(parentId);
      if (!parent) break;
      // An mbox member's path is its position in the mbox.
      const child = chain[chain.length - 1]!;
      if (parent.format === 'mbox') child.place = `${parent.first.path} #${child.path}`;
      chain.push({
        itemId: parent.id,
        type: parent.type,
        path: parent.first.path,
        byteStart: parent.first.byteStart,
        byteEnd: parent.first.byteEnd,
        place: parent.first.path,
      });
      parentId = parent.first.parentId;
    }
    chain.push(sourceStep(sources.get(place.sourceId)));
    return chain;
  };
  const occurrences = [];
  for (const occurrence of await store.occurrencesOf(id))
    occurrences.push({ ...occurrence, chain: await chainOf(occurrence, item) });
  const analyses = [];
  for (const analyser of analyserIds) {
    const analysis = await store.getAnalysis(id, analyser);
    if (analysis) analyses.push(analysis);
  }
  return {
    item,
    message: await store.getMessage(id),
    participants: await store.participantsOf(id),
    provenance: occurrences[0]?.chain ?? [],
    occurrences,
    children: (await store.childrenOf(id)).map(({ id: childId, type, first, status, reason, sha256 }) => ({
      id: childId,
      type,
      path: first.path,
      status,
      reason,
      sha256,
    })),
    analyses,
    // Strongest first: what to look at leads.
    findings: (await store.findingsOf(id))
      .map(findingView)
      .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)),
    origin:
      item.type === 'document' || item.type === 'attachment'
        ? await documentOrigin(store, item, (place, self) => chainOf(place, self))
        : null,
    metadata: metadataOf(analyses.find((a) => a.analyser === 'extract')),
  };
}

export function findingView(finding: FindingRecord): FindingView {
  return { ...finding, rule: ruleOf(finding.code), explanation: findingExplanation(finding) };
}

/** A forensic rule's id from its stored code (`forensics.altered-copy` → `altered-copy`); other codes as they are. */
export function ruleOf(code: string): string {
  return code.startsWith('forensics.') ? code.slice('forensics.'.length) : code;
}

/** The finding's words; a DKIM finding is its signature flag's words. */
function findingExplanation(finding: FindingRecord): string {
  const flag = finding.params.flag;
  if (!isKnownCode(finding.code) && typeof flag === 'string') return describeFlag(flag);
  return render(coded(finding.code, finding.params as Coded['params']));
}

function metadataOf(analysis: AnalysisRecord | undefined): DocumentMetadata | null {
  if (analysis?.status !== 'ok' || !analysis.result || typeof analysis.result !== 'object') return null;
  const r = analysis.result as Partial<DocumentMetadata> & { extractor?: string | null };
  return {
    extractor: r.extractor ?? null,
    facts: r.facts ?? null,
    fields: Array.isArray(r.fields) ? r.fields : [],
    problems: Array.isArray(r.problems) ? r.problems : [],
    textSource: r.textSource ?? null,
    textChars: typeof r.textChars === 'number' ? r.textChars : null,
    ocrCandidate: r.ocrCandidate === true,
  };
}

/**
 * The emails that carry an item, found by walking up every place it and its ancestors were found (a
 * zip attached to one email and found loose elsewhere is one item: its members are carried by that
 * email), and the places outside any email. An email inside an email is carried by both.
 */
async function documentOrigin(
  store: Store,
  item: ItemRecord,
  chainOf: (place: OccurrenceRecord, self: ItemRecord) => Promise<ProvenanceStep[]>,
): Promise<DocumentOrigin> {
  const carriers = new Map<number, { via: number[]; filename: string | null }>();
  const loose: ProvenanceStep[][] = [];
  const queue: { item: ItemRecord; via: number[]; inMessage: boolean; filename: string | null }[] = [
    { item, via: [], inMessage: false, filename: null },
  ];
  const seen = new Set<number>([item.id]);
  while (queue.length && seen.size <= MAX_ANCESTORS) {
    const node = queue.shift()!;
    for (const place of await store.occurrencesOf(node.item.id)) {
      const filename = node.filename ?? place.filename;
      if (place.parentId === null) {
        if (!node.inMessage) loose.push(await chainOf(place, node.item));
        continue;
      }
      if (seen.has(place.parentId)) continue;
      const parent = await store.getItem(place.parentId);
      if (!parent) continue;
      seen.add(parent.id);
      const isMessage = parent.type === 'message';
      if (isMessage && !carriers.has(parent.id)) carriers.set(parent.id, { via: node.via, filename });
      queue.push({
        item: parent,
        via: isMessage ? node.via : [...node.via, parent.id],
        inMessage: node.inMessage || isMessage,
        filename,
      });
    }
  }
  const views: CarrierView[] = [];
  for (const [itemId, { via, filename }] of [...carriers].sort((a, b) => a[0] - b[0])) {
    const message = await store.getMessage(itemId);
    const analysis = await store.getAnalysis(itemId, 'dkim');
    const verdict = analysis?.summary ?? null;
    const why = carrierWhy(verdict, analysis?.result);
    views.push({
      itemId,
      verdict,
      dateRaw: message?.dateRaw ?? null,
      date: message?.date ?? null,
      from: (message?.from ?? []).map((a) => a.address || a.name).join(', '),
      subject: message?.subject ?? null,
      filename,
      via,
      vouches: why.code === 'provenance.carrier.vouches',
      why,
    });
  }
  const vouching = views.filter((c) => c.vouches).length;
  const summary: Coded[] = [];
  if (vouching) {
    summary.push(coded('provenance.authenticated', { carriers: vouching }));
    if (loose.length) summary.push(coded('provenance.inherited', { places: loose.length }));
  } else if (views.length) summary.push(coded('provenance.not-vouched', { carriers: views.length }));
  else summary.push(coded('provenance.loose-only', { places: loose.length }));
  return { authenticated: vouching > 0, summary, carriers: views, loose };
}

/** Whether an email's verification vouches for what it carries: a passing signature over the whole body. */
function carrierWhy(verdict: string | null, result: unknown): Coded {
  if (!verdict || !AUTHENTIC.has(verdict)) return coded('provenance.carrier.not-authentic', { verdict });
  const signatures = (result as { signatures?: { result: string; flags: string[] }[] } | null)?.signatures;
  const passing = Array.isArray(signatures) ? signatures.filter((s) => s.result === 'pass') : [];
  const tails = passing.map((s) => {
    const limit = s.flags.find((f) => f.startsWith('body-length-limit:'));
    return limit ? Number(limit.slice('body-length-limit:'.length)) || 0 : 0;
  });
  if (tails.length && tails.every((t) => t > 0))
    return coded('provenance.carrier.unsigned-tail', { unsigned: Math.min(...tails) });
  return coded('provenance.carrier.vouches');
}

function sourceStep(source: SourceRecord | undefined): ProvenanceStep {
  return {
    itemId: null,
    type: `source:${source?.kind ?? 'unknown'}`,
    path: source?.path ?? '?',
    byteStart: null,
    byteEnd: null,
    place: source?.path ?? '?',
  };
}
