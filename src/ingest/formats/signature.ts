// Small pieces the format modules share: magic numbers at an offset, name hints, and the two
// shapes of module that are only a score (documents, formats not read yet).

import { type Coded, coded } from '../../report/catalogue.ts';
import type { DocumentModule, Probe, UnreadModule } from '../format.ts';

/** Whether `bytes` holds `magic` (one character per byte, `\xNN` escapes) at `offset`. */
export function hasMagic(bytes: Buffer, magic: string, offset = 0): boolean {
  if (offset < 0 || bytes.length < offset + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[offset + i] !== magic.charCodeAt(i)) return false;
  return true;
}

/**
 * `compute` computed once per probe (several modules read the same zip listing, OLE2 directory or
 * text sample); a throw counts as null, so a damaged structure just scores lower.
 */
export function perProbe<T>(compute: (probe: Probe) => T | null): (probe: Probe) => T | null {
  const known = new WeakMap<Probe, T | null>();
  return (probe) => {
    let value = known.get(probe);
    if (value === undefined) {
      try {
        value = compute(probe);
      } catch {
        value = null;
      }
      known.set(probe, value);
    }
    return value;
  };
}

/** Whether the name ends with one of the extensions (lower case, with their dot). */
export function nameHas(name: string, extensions: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return extensions.some((ext) => lower.endsWith(ext));
}

/** A document format identified by its score alone (`maxScore`: see FormatModule). */
export function documentFormat(
  name: string,
  score: (probe: Probe) => number,
  maxScore?: number,
): DocumentModule {
  return maxScore === undefined
    ? { name, kind: 'document', score }
    : { name, kind: 'document', score, maxScore };
}

/** The reason every format not read yet carries: the words are in report/messages/en/formats.ts. */
export function notReadYet(format: string): Coded {
  return coded('format.not-read-yet', { format });
}

/** A format recognised but not read yet by this version, stored as an item of `itemType`. */
export function unreadFormat(
  name: string,
  itemType: UnreadModule['itemType'],
  score: (probe: Probe) => number,
): UnreadModule {
  return { name, kind: 'unread', itemType, reason: notReadYet(name), score };
}
