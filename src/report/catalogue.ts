// Codes, not sentences, in the store: verdict reasons, flags, item problems and findings are kept as a
// stable code with parameters, and turned into words only at the edge (CLI, report, web) from one
// message catalogue per language. A French catalogue is one more folder beside messages/en.
import { enContainers } from './messages/en/containers.ts';
import { enImage } from './messages/en/extract-image.ts';
import { enOffice } from './messages/en/extract-office.ts';
import { enExtractOle } from './messages/en/extract-ole.ts';
import { enPdf } from './messages/en/extract-pdf.ts';
import { enForensics } from './messages/en/forensics.ts';
import { enFormats } from './messages/en/formats.ts';
import { enIngest } from './messages/en/ingest.ts';
import { enKeys } from './messages/en/keys.ts';
import { enLegacy } from './messages/en/legacy.ts';
import { enOutlook } from './messages/en/outlook.ts';
import { enProvenance } from './messages/en/provenance.ts';
import { enReport } from './messages/en/report.ts';
import { enSearch } from './messages/en/search.ts';
import { enVerify } from './messages/en/verify.ts';
import { enWeb } from './messages/en/web.ts';
import { frContainers } from './messages/fr/containers.ts';
import { frImage } from './messages/fr/extract-image.ts';
import { frOffice } from './messages/fr/extract-office.ts';
import { frExtractOle } from './messages/fr/extract-ole.ts';
import { frPdf } from './messages/fr/extract-pdf.ts';
import { frForensics } from './messages/fr/forensics.ts';
import { frFormats } from './messages/fr/formats.ts';
import { frIngest } from './messages/fr/ingest.ts';
import { frKeys } from './messages/fr/keys.ts';
import { frLegacy } from './messages/fr/legacy.ts';
import { frOutlook } from './messages/fr/outlook.ts';
import { frProvenance } from './messages/fr/provenance.ts';
import { frReport } from './messages/fr/report.ts';
import { frSearch } from './messages/fr/search.ts';
import { frVerify } from './messages/fr/verify.ts';
import { frWeb } from './messages/fr/web.ts';

export type Param = string | number | boolean | null;
export type Params = Record<string, Param | Param[]>;

/** What the store keeps instead of a sentence: a stable code and the values the sentence needs. */
export interface Coded {
  code: string;
  params?: Params;
}

export type Lang = 'en' | 'fr';

/** One language's sentences: a function of the parameters per code. */
export type Messages = Record<string, (params: Params) => string>;

const catalogues: Record<Lang, Messages> = {
  en: {
    ...enContainers,
    ...enImage,
    ...enExtractOle,
    ...enOffice,
    ...enPdf,
    ...enForensics,
    ...enFormats,
    ...enIngest,
    ...enKeys,
    ...enLegacy,
    ...enOutlook,
    ...enProvenance,
    ...enReport,
    ...enSearch,
    ...enVerify,
    ...enWeb,
  },
  fr: {
    ...frContainers,
    ...frImage,
    ...frOffice,
    ...frExtractOle,
    ...frPdf,
    ...frForensics,
    ...frFormats,
    ...frIngest,
    ...frKeys,
    ...frLegacy,
    ...frOutlook,
    ...frProvenance,
    ...frReport,
    ...frSearch,
    ...frVerify,
    ...frWeb,
  },
};

/** The languages Crible speaks, English (the reference every other catalogue follows) first. */
export function languages(): Lang[] {
  return Object.keys(catalogues) as Lang[];
}

export function isLang(s: string): s is Lang {
  return Object.hasOwn(catalogues, s);
}

/** The codes a language has words for (test/catalogue-fr.test.ts holds French to every English code). */
export function codesOf(lang: Lang): string[] {
  return Object.keys(catalogues[lang]);
}

export function coded(code: string, params?: Params): Coded {
  return params === undefined ? { code } : { code, params };
}

/**
 * The words for a code. A code a language lacks is shown in English (a test fails for it, but the
 * reader still gets the information); an unknown code is shown as itself with its parameters, never
 * dropped; a plain string (a sentence stored by a case of schema 3 or earlier) is shown as it is.
 */
export function render(message: Coded | string, lang: Lang = 'en'): string {
  if (typeof message === 'string') return message;
  const template = templateOf(lang, message.code) ?? templateOf('en', message.code);
  if (template) return template(message.params ?? {});
  const params = message.params ? ` ${JSON.stringify(message.params)}` : '';
  return `${message.code}${params}`;
}

/**
 * Whether a code has words in the English catalogue, the reference (tests check every code the code
 * base emits); test/catalogue-fr.test.ts holds the other languages to every English code.
 */
export function isKnownCode(code: string): boolean {
  return templateOf('en', code) !== undefined;
}

/** Own entries only: a stored code named `constructor` or `toString` is an unknown code, not a function. */
function templateOf(lang: Lang, code: string): Messages[string] | undefined {
  return Object.hasOwn(catalogues[lang], code) ? catalogues[lang][code] : undefined;
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
