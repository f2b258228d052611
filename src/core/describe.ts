import type { ItemRecord, MessageRecord, OccurrenceRecord, SourceRecord } from '../store/store.ts';
import type { Case } from './case.ts';

/** One step of provenance: from an item up through its containers to the source path. */
export interface ProvenanceStep {
  itemId: number | null;
  type: string;
  path: string;
  byteStart: number | null;
  byteEnd: number | null;
}

export interface ItemDescription {
  item: ItemRecord;
  message: MessageRecord | null;
  /** Chain of the first place it was found, innermost first, ending with the source. */
  provenance: ProvenanceStep[];
  occurrences: (OccurrenceRecord & { chain: ProvenanceStep[] })[];
  children: Pick<ItemRecord, 'id' | 'type' | 'path' | 'status' | 'reason' | 'sha256'>[];
}

export async function describeItem(kase: Case, id: number): Promise<ItemDescription | null> {
  const store = kase.store;
  const item = await store.getItem(id);
  if (!item) return null;
  const sources = new Map((await store.listSources()).map((s) => [s.id, s] as const));
  const chainOf = async (
    place: {
      sourceId: number;
      parentId: number | null;
      path: string;
      byteStart: number | null;
      byteEnd: number | null;
    },
    self: ItemRecord,
  ) => {
    const chain: ProvenanceStep[] = [
      {
        itemId: self.id,
        type: self.type,
        path: place.path,
        byteStart: place.byteStart,
        byteEnd: place.byteEnd,
      },
    ];
    let parentId = place.parentId;
    const seen = new Set<number>([self.id]);
    while (parentId !== null && !seen.has(parentId)) {
      seen.add(parentId);
      const parent = await store.getItem(parentId);
      if (!parent) break;
      chain.push({
        itemId: parent.id,
        type: parent.type,
        path: parent.path,
        byteStart: parent.byteStart,
        byteEnd: parent.byteEnd,
      });
      parentId = parent.parentId;
    }
    chain.push(sourceStep(sources.get(place.sourceId)));
    return chain;
  };
  const occurrences = [];
  for (const occurrence of await store.occurrencesOf(id))
    occurrences.push({ ...occurrence, chain: await chainOf(occurrence, item) });
  return {
    item,
    message: await store.getMessage(id),
    provenance: await chainOf(item, item),
    occurrences,
    children: (await store.childrenOf(id)).map(({ id: childId, type, path, status, reason, sha256 }) => ({
      id: childId,
      type,
      path,
      status,
      reason,
      sha256,
    })),
  };
}

function sourceStep(source: SourceRecord | undefined): ProvenanceStep {
  return {
    itemId: null,
    type: `source:${source?.kind ?? 'unknown'}`,
    path: source?.path ?? '?',
    byteStart: null,
    byteEnd: null,
  };
}
