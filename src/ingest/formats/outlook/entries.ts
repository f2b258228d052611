// What the Outlook and Apple readers share: a message rebuilt from a store as an entry (flagged
// `rebuilt-from:<store>`, so its signatures are judged unverifiable, not altered), folder names
// made safe as path segments, and a library's error kept briefly as a reason's parameter.

import { type Entry, wholeEntry } from '../../format.ts';

/** A message rebuilt from a store's properties (see Entry.flags). */
export function rebuiltEntry(path: string, bytes: Buffer, store: string, flags: string[] = []): Entry {
  return { ...wholeEntry(path, bytes), isMessage: true, flags: [`rebuilt-from:${store}`, ...flags] };
}

/** A folder or file name as one path segment: `/` and `%` escaped, control characters dropped. */
export function pathSegment(name: string): string {
  const clean = name
    .replace(/[\x00-\x1f\x7f]/g, '')
    .replace(/%/g, '%25')
    .replace(/\//g, '%2F');
  return clean === '' || clean === '.' || clean === '..' ? `(${clean || 'unnamed'})` : clean;
}

/** A library's error as a short parameter of a reason. */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
