// Who wrote to whom, for the whole case or the hits of a query: what the Workbench draws its graph from.
import type { CorrespondentRow } from '../store/search.ts';
import type { Store } from '../store/store.ts';
import { planSearch } from './search.ts';

export async function correspondents(store: Store, query?: string): Promise<CorrespondentRow[]> {
  const plan = query?.trim() ? planSearch(query).plan : null;
  return store.search.correspondents(plan);
}
