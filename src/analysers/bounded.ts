// What an analyser stores of values read from hostile files is bounded: a 60 MB author name or a list of a
// million fonts is kept cut (a cut string ends with …), so one document cannot swell the case or every page
// that shows it.

export interface Bounds {
  /** Characters kept of a string. */
  chars: number;
  /** Items kept of a list. */
  items: number;
}

/** A copy of `value` with long strings and lists cut, to a depth of 8. */
export function bounded(value: unknown, bounds: Bounds, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length > bounds.chars ? `${value.slice(0, bounds.chars)}…` : value;
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.slice(0, bounds.items).map((v) => bounded(v, bounds, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bounded(v, bounds, depth + 1)]));
}
