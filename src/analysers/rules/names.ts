// How the rules compare people and file names: folded (case, accents and word order do not matter),
// and the writing system (script) a name is in.
import type { Carrier, CaseView, DocumentUnderReview } from './rule.ts';

/** The longest name the rules read: past it a name is cut (hostile metadata can be megabytes). */
const MAX_NAME = 200;

/** An address lower-cased; a name lower-cased, without accents, its words sorted ("Jouvin, Étienne" = "etienne jouvin"). */
export function foldName(name: string): string {
  const cut = name.slice(0, MAX_NAME).trim();
  if (cut.includes('@')) return cut.toLowerCase();
  return cut
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .sort()
    .join(' ');
}

/** Names that say nothing of a person (placeholders programs and templates fill in). */
const PLACEHOLDERS = new Set([
  '',
  'author',
  'user',
  'user name',
  'name user',
  'admin',
  'administrator',
  'owner',
  'unknown',
]);

export function isPlaceholderName(name: string): boolean {
  return PLACEHOLDERS.has(foldName(name));
}

/** The people a document names: its authors and last editor, as written, placeholders left out. */
export function peopleOf(doc: DocumentUnderReview): { field: 'author' | 'lastModifiedBy'; name: string }[] {
  const out: { field: 'author' | 'lastModifiedBy'; name: string }[] = [];
  for (const name of doc.facts.authors) if (!isPlaceholderName(name)) out.push({ field: 'author', name });
  const last = doc.facts.lastModifiedBy;
  if (last && !isPlaceholderName(last)) out.push({ field: 'lastModifiedBy', name: last });
  return out;
}

const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Arabic',
  'Hebrew',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Armenian',
  'Georgian',
  'Thai',
  'Devanagari',
] as const;
const SCRIPT_TESTS = SCRIPTS.map((script) => [script, new RegExp(`\\p{Script=${script}}`, 'u')] as const);

/** The script most of a name's letters are written in, or null when it has no letter of a listed script. */
export function scriptOf(name: string): string | null {
  const counts = new Map<string, number>();
  for (const char of name.slice(0, MAX_NAME)) {
    if (!/\p{L}/u.test(char)) continue;
    const script = SCRIPT_TESTS.find(([, test]) => test.test(char))?.[0];
    if (script) counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  let best: string | null = null;
  let most = 0;
  for (const [script, n] of counts)
    if (n > most) {
      best = script;
      most = n;
    }
  return best;
}

/** Verdicts under which a carrier's body hash covers the document: it is authenticated by its carrier. */
export const AUTHENTIC_VERDICTS: readonly string[] = ['authentic', 'authentic-with-caveats'];

export function carriedByAuthentic(doc: Pick<DocumentUnderReview, 'carriers'>): boolean {
  return doc.carriers.some(isAuthenticCarrier);
}

export function isAuthenticCarrier(carrier: Carrier): boolean {
  return carrier.verdict !== null && AUTHENTIC_VERDICTS.includes(carrier.verdict);
}

/** The roster as a set, with each address's local part as a name too ("etienne.jouvin@…" = "etienne jouvin"). */
export function rosterSet(view: CaseView): Set<string> {
  const set = new Set<string>();
  for (const entry of view.roster) {
    set.add(entry);
    const at = entry.indexOf('@');
    if (at > 0) {
      const local = entry.slice(0, at);
      set.add(local);
      set.add(foldName(local));
    }
  }
  return set;
}

/** Whether a name as written is one of the roster's: folded, or as a login equal to an address's local part. */
export function inRoster(name: string, roster: Set<string>): boolean {
  return roster.has(foldName(name)) || roster.has(name.trim().toLowerCase());
}
