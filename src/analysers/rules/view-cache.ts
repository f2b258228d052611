// What a rule derives from the whole case (an index of names, clusters of save times, a baseline of
// locales) is built once per CaseView and reused for every document of the run, not once per document.
import type { CaseView } from './rule.ts';

export function perView<T>(build: (view: CaseView) => T): (view: CaseView) => T {
  const cache = new WeakMap<CaseView, T>();
  return (view) => {
    let value = cache.get(view);
    if (value === undefined) {
      value = build(view);
      cache.set(view, value);
    }
    return value;
  };
}
