// Codes, not sentences, in the store: verdict reasons, flags, item problems and findings are kept as a
// stable code with parameters, and turned into words only at the edge (CLI, report, web) from one
// message catalogue per language. A French catalogue is one more folder beside messages/en.
import { enContainers } from './messages/en/containers.ts';
import { enImage } from './messages/en/extract-image.ts';
import { enFormats } from './messages/en/formats.ts';
import { enIngest } from './messages/en/ingest.ts';
import { enKeys } from './messages/en/keys.ts';
import { enLegacy } from './messages/en/legacy.ts';
import { enOutlook } from './messages/en/outlook.ts';
import { enProvenance } from './messages/en/provenance.ts';
import { enSearch } from './messages/en/search.ts';
import { enVerify } from './messages/en/verify.ts';

export type Param = string | number | boolean | null;
export type Params = Record<string, Param | Param[]>;

/** What the store keeps instead of a sentence: a stable code and the values the sentence needs. */
export interface Coded {
  code: string;
  params?: Params;
}

export type Lang = 'en';

/** One language's sentences: a function of the parameters per code. */
export type Messages = Record<string, (params: Params) => string>;

const catalogues: Record<Lang, Messages> = {
  en: {
    ...enContainers,
    ...enImage,
    ...enFormats,
    ...enIngest,
    ...enKeys,
    ...enLegacy,
    ...enOutlook,
    ...enProvenance,
    ...enSearch,
    ...enVerify,
  },
};

export function coded(code: string, params?: Params): Coded {
  return params === undefined ? { code } : { code, params };
}

/**
 * The words for a code. An unknown code is shown as itself with its parameters, never dropped; a
 * plain string (a sentence stored by a case of schema 3 or earlier) is shown as it is.
 */
export function render(message: Coded | string, lang: Lang = 'en'): string {
  if (typeof message === 'string') return message;
  const template = catalogues[lang][message.code];
  if (template) return template(message.params ?? {});
  const params = message.params ? ` ${JSON.stringify(message.params)}` : '';
  return `${message.code}${params}`;
}

/** Whether a code has words in every catalogue (tests check every code the code base emits). */
export function isKnownCode(code: string): boolean {
  return Object.values(catalogues).every((messages) => code in messages);
}

/**
 * A copy of a value with every code given its words beside it (`{code, params, text}`), for JSON
 * meant for programs and people alike; what is stored keeps codes only.
 */
export function withText(value: unknown, lang: Lang = 'en'): unknown {
  if (Array.isArray(value)) return value.map((v) => withText(v, lang));
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (isCoded(value)) return { ...value, text: render(value, lang) };
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, withText(v, lang)]));
}

function isCoded(value: object): value is Coded {
  return (
    typeof (value as { code?: unknown }).code === 'string' &&
    Object.keys(value).every((key) => key === 'code' || key === 'params')
  );
}
