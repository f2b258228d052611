// Redaction for publication: e-mail addresses, phone numbers, IBANs and postal addresses of people not
// on an allow-list are replaced by a numbered mask (`[email 3]`), the same value always by the same
// mask so a reader can still follow who wrote to whom. Every mask is listed with what it replaced, for
// the newsroom (never for publication). Patterns are linear (no nested quantifiers on free text).
import { toCsv } from './csv.ts';

export type RedactionKind = 'email' | 'phone' | 'iban' | 'address';

export interface Redaction {
  mask: string;
  kind: RedactionKind;
  /** The value it replaced, as first seen. */
  value: string;
  count: number;
}

const EMAIL = /[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;
/** What an IBAN's start looks like just before a match: its digits are not a phone number. */
const IBAN_BEFORE = /[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4})* ?$/;
/** A run of digits with separators, starting with + or 0 (international or national form); digits counted after. */
const PHONE = /(?<![\w+])(?:\+|\b0)[\d\s.()-]{7,22}\d(?!\w)/g;
const STREET_FR =
  'rue|avenue|av\\.|boulevard|bd|place|impasse|allée|chemin|quai|route|cours|square|passage|faubourg';
const STREET_EN = 'street|st\\.|avenue|ave\\.|road|rd\\.|lane|boulevard|drive|way|square|place|court';
const ADDRESS = new RegExp(
  [
    // 12 bis, rue de la Paix[, 75002 Paris]
    `\\b\\d{1,4}(?: ?(?:bis|ter))?,? (?:${STREET_FR}) (?:[\\p{L}'’.-]{1,30} ?){1,6}(?:, ?\\d{5} [\\p{L}-]{2,30}(?: [\\p{L}-]{2,30})?)?`,
    // 10 Downing Street
    `\\b\\d{1,5} (?:[\\p{Lu}][\\p{L}'’-]{1,30} ){1,4}(?:${STREET_EN})\\b`,
  ].join('|'),
  'giu',
);

export class Redactor {
  readonly #allowed: Set<string>;
  readonly #allowedDomains: Set<string>;
  readonly #masks = new Map<string, Redaction>();
  readonly #perKind = new Map<RedactionKind, number>();

  /** `allow`: addresses, `@domains`, phone numbers, IBANs or any exact text to leave as it is. */
  constructor(allow: string[] = []) {
    const entries = allow.map((a) => a.trim()).filter((a) => a && !a.startsWith('#'));
    this.#allowedDomains = new Set(
      entries.filter((a) => a.startsWith('@')).map((a) => a.slice(1).toLowerCase()),
    );
    this.#allowed = new Set(entries.filter((a) => !a.startsWith('@')).map(normalise));
  }

  redact(text: string): string {
    return text
      .replace(EMAIL, (m) => this.#mask('email', m))
      .replace(IBAN, (m) => (isIban(m) ? this.#mask('iban', m) : m))
      .replace(PHONE, (m, at: number, whole: string) =>
        isPhone(m) && !IBAN_BEFORE.test(whole.slice(Math.max(0, at - 40), at)) ? this.#mask('phone', m) : m,
      )
      .replace(ADDRESS, (m) => this.#mask('address', m));
  }

  /** What was masked, in the order first seen. */
  redactions(): Redaction[] {
    return [...this.#masks.values()];
  }

  #mask(kind: RedactionKind, value: string): string {
    if (this.#isAllowed(kind, value)) return value;
    const key = `${kind}:${normalise(value)}`;
    let redaction = this.#masks.get(key);
    if (!redaction) {
      const n = (this.#perKind.get(kind) ?? 0) + 1;
      this.#perKind.set(kind, n);
      redaction = { mask: `[${kind} ${n}]`, kind, value, count: 0 };
      this.#masks.set(key, redaction);
    }
    redaction.count++;
    return redaction.mask;
  }

  #isAllowed(kind: RedactionKind, value: string): boolean {
    if (this.#allowed.has(normalise(value))) return true;
    return (
      kind === 'email' && this.#allowedDomains.has(value.slice(value.lastIndexOf('@') + 1).toLowerCase())
    );
  }
}

/** The same value however it is written: case, spaces and phone punctuation do not matter. */
function normalise(value: string): string {
  const compact = value.toLowerCase().replace(/[\s.()-]/g, '');
  return /^\+?\d+$/.test(compact) ? compact.replace(/^\+?(?:00)?33/, '0') : value.toLowerCase().trim();
}

function isPhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '').length;
  // A date (2017-05-03) or a short number is not a phone number.
  return digits >= 9 && digits <= 15 && !/^\d{4}-\d\d-\d\d/.test(candidate.trim());
}

/** ISO 13616: the check digits make the number ≡ 1 mod 97. */
function isIban(candidate: string): boolean {
  const compact = candidate.replace(/ /g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of code) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

/** A copy of a JSON value with every string in it redacted (a report's data, a row). */
export function redactDeep<T>(value: T, redactor: Redactor): T {
  if (typeof value === 'string') return redactor.redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redactor)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redactor)])) as T;
  return value;
}

/** The list of masks and what each replaced, as CSV (for the newsroom, never for publication). */
export function redactionsCsv(redactions: Redaction[]): string {
  return toCsv(redactions, {
    bom: true,
    header: true,
    columns: ['mask', 'kind', 'value', 'count'],
    record_delimiter: '\r\n',
  });
}
