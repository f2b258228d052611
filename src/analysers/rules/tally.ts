// What most of a set shows (the scripts of the organisation's names, the locales of its documents):
// a baseline is its most common value and any other held by at least a share of the set.

export function countInto<T>(counts: Map<T, number>, value: T): void {
  counts.set(value, (counts.get(value) ?? 0) + 1);
}

/** The most common values (all of them on a tie), and those held by at least `share` of the total. */
export function commonValues<T>(counts: Map<T, number>, share: number): T[] {
  let total = 0;
  let most = 0;
  for (const n of counts.values()) {
    total += n;
    most = Math.max(most, n);
  }
  return [...counts].filter(([, n]) => n === most || n >= total * share).map(([value]) => value);
}
