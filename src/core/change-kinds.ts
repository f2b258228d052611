// What a re-analysis changed, as people read it: each kind of change (before → after) and how often.
// Its own small module: the CLI's summary reads it without loading the analysers.

/** A run's changed summaries grouped by (before, after), most first. */
export function changeKinds(
  changed: { from: string | null; to: string | null }[],
): { from: string | null; to: string | null; count: number }[] {
  const kinds = new Map<string, { from: string | null; to: string | null; count: number }>();
  for (const { from, to } of changed) {
    const key = `${from ?? 'none'} → ${to ?? 'none'}`;
    const kind = kinds.get(key) ?? { from, to, count: 0 };
    kind.count++;
    kinds.set(key, kind);
  }
  return [...kinds]
    .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .map(([, kind]) => kind);
}
