import type {
  AnalysisRecord,
  FindingRecord,
  ItemRecord,
  MessageRecord,
  OccurrenceRecord,
  Participant,
  SourceRecord,
  Store,
} from '../store/store.ts';

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
  findings: FindingRecord[];
}

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
    findings: await store.findingsOf(id),
  };
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
