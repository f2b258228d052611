// The French catalogue follows the English one, code for code. Every English code must have French
// words; each French template is called with the parameters its English twin reads (found by
// watching which parameters the English template asks for), in several variants that reach its
// branches; the output must be whole (no undefined, NaN or [object Object]), keep French
// typography, and contain no common English word outside the parameter values and proper names.
import { describe, expect, it } from 'vitest';
import { MemoryKeyResolver } from '../src/keys/memory-resolver.ts';
import {
  type Coded,
  coded,
  codesOf,
  isKnownCode,
  isLang,
  languages,
  type Param,
  type Params,
  render,
  withText,
} from '../src/report/catalogue.ts';
import { type DkimKey, dkimSignatureFor, generateDkimKeys } from '../src/sample/synth.ts';
import { nest, nestList } from '../src/verify/codes.ts';
import { verifyMessage } from '../src/verify/message.ts';
import type { MessageVerification } from '../src/verify/types.ts';
import { message } from './helpers/mail.ts';

/**
 * Sample values per parameter name, several per name to reach both sides of a template's branches
 * (`typeof p.line === 'number'`, `p.value === 'forgeable'`, `Number(p.hops) === 1`…). A parameter this
 * table lacks gets GENERIC: a number and a word, which reach no branch; add its samples here to do so.
 */
const SAMPLES: Record<string, (Param | Param[])[]> = {
  actual: ['9f2c…e1'],
  against: ['given', 'receipt'],
  algorithm: ['rsa-sha512', ''],
  altered: [0, 2],
  application: ['Microsoft Office Word/fr-FR'],
  at: [4096, '2017-05-02T08:15:00Z', '2017-05-02T08:15:42Z'],
  atSource: ['given', 'signature', 'date', 'received'],
  authentic: [12],
  authenticated: [true, false, 2],
  available: [1200],
  baseline: ['roster', 'documents', 'authentic-documents', 'case-documents'],
  bits: [512, 1024],
  by: ['editor', 'application'],
  bytes: [128, 256],
  cannotCheck: [3],
  canonicalization: ['relaxed/simple'],
  carrier: [8],
  carrierDate: ['2017-05-02T08:15:00Z'],
  carriers: [1, 3],
  checked: [20],
  claimed: [40],
  chunks: [3],
  codePage: [10029],
  compressed: [1000],
  computed: ['2jmj7l5rSw0yVb/vlWAYkK/YBwk='],
  count: [1, 3],
  crible: ['0.9.0'],
  cutoff: ['2017-06-01T00:00:00Z'],
  cv: ['fail', ''],
  dated: ['2017-05-02T08:15:00Z'],
  declared: [100],
  diff: ['−ancien +nouveau'],
  detail: ['Unexpected token } in JSON at position 4'],
  directive: ['$INCLUDE'],
  disclosed: ['2020-01-01', null],
  disclosureSource: ['https://leak.example/keys'],
  documents: [1, 40],
  domain: ['campagne.example', ''],
  duplicates: [5],
  editor: ['jdupont'],
  entries: [12],
  entry: [3, 'x'],
  error: ['invalid distance too far back'],
  expected: [4, 'AAAA', ['Latin', 'Greek']],
  expiration: ['2017-06-01T00:00:00Z'],
  failed: [0, 1],
  failure: ['ENOTFOUND', 'ETIMEOUT', 'ESERVFAIL', 'EREFUSED'],
  field: ['sender', 'value', 'modified', 'created', 'XMP 2 ModifyDate', 'author', 'lastModifiedBy'],
  fields: ['from, to, subject', ''],
  file: ['keys.csv'],
  filter: ['JBIG2Decode'],
  first: ['2017-04-03T10:00:00+02:00'],
  firstAuthor: ['Marie Dupont', ''],
  firstSeen: ['2016-01-01T00:00:00Z', null, '2016-01-01T00:00:00Z', null],
  flagged: [4],
  font: ['ABCDEE+Calibri'],
  forgeable: [1],
  format: ['zip', 'pst', 'unknownfmt'],
  found: [5],
  granularity: ['marie'],
  have: [100],
  header: [true, 'sender', 'from', false, 'subject'],
  height: [15000],
  hops: [1, 2],
  id: [42],
  identity: ['@autre.example', null],
  imageOnlyPages: [0, 3],
  index: [0, 1],
  inserted: [true, false],
  instance: [1, 2],
  item: [42],
  items: [120],
  key: ['sel._domainkey.campagne.example'],
  keyBits: [2048],
  keyDate: ['2019-03'],
  keySource: ['keys.csv', null],
  keyType: ['rsa', 'ed25519'],
  keys: [1, 3],
  keyUnavailable: [2],
  keyword: ['Caption-Abstract'],
  kind: ['dkim', 'domainkeys', 'dkim-draft', 'image-editor', 'toolkit'],
  kinds: [['compobj', 'code-page', 'sheet-names', 'language']],
  last: ['2017-04-03T10:04:00+02:00'],
  lastAuthor: ['Иван Петров', 'Marie Dupont'],
  lastSeen: ['2018-01-01T00:00:00Z', '2018-01-01T00:00:00Z', null, null],
  latitude: [123.5],
  layers: [2, 0],
  length: [1200],
  limit: [10000, 1048576],
  limited: [1],
  limitMb: [512],
  line: [14, 'x'],
  lines: [50000],
  locales: [['ru', 'cyrillic', 'de', 'fr']],
  longitude: [-200.25],
  loose: [true, false],
  message: ['Inbox/mail-42.xml'],
  messages: [1, 30],
  method: [99, 12, 7],
  min: [1024],
  minimum: [3],
  minutes: [15],
  missing: [['d', 'b'], 2, ['selector']],
  modified: ['2017-04-03T10:04:00Z'],
  n: [1, 2],
  name: ['sel._domainkey.campagne.example'],
  nFib: [101],
  node: [2097188],
  object: [12, -1],
  occurrences: [130],
  offset: [8123],
  open: [1, 3],
  operator: ['OR'],
  other: [17],
  others: [0, 2],
  package: ['p7zip-full'],
  packages: ['tesseract-ocr-fra'],
  packet: [2],
  pages: [50],
  path: ['/messages/99'],
  percent: [85],
  period: ['2017-04'],
  pieceInfo: [['Illustrator'], []],
  places: [1, 4],
  part: ['ams', 'seal'],
  partial: [false, true],
  parts: [2000],
  position: [7],
  produced: [65536],
  producer: ['Microsoft Word 2016', ''],
  query: ['http'],
  ratio: [10000],
  read: [512],
  reason: ['unexpected token'],
  rebuiltFrom: ['pst'],
  record: [2],
  records: [1, 3],
  referenced: [1048576],
  release: ['Office 2016'],
  released: ['2015-09-22'],
  repair: ['lf-to-crlf', 'takeout-headers', 'no-such-repair'],
  repairs: [[], ['lf-to-crlf', 'final-crlf']],
  required: [['domain', 'selector', 'value']],
  result: ['pass', 'fail-body', 'fail-header', 'no-key', 'key-revoked', 'invalid'],
  resumedAt: [15, null],
  roster: [1, 85],
  row: [4],
  rule: ['pdf-revised'],
  script: ['Cyrillic', 'Runic'],
  seconds: [30],
  selector: ['sel', ''],
  shown: ['Marie Dupont <marie@campagne.example>'],
  signAlgo: ['ed25519-sha256'],
  signed: ['Jean Martin <jean@campagne.example>'],
  similarity: [0.975],
  signedHeaders: [['from', 'subject', 'date']],
  size: [2048, 5000000],
  skipped: [512],
  source: ['keys.csv', 'given', 'authentic'],
  sources: [2],
  stream: ['SummaryInformation'],
  stored: ['1a2b…ff'],
  tag: ['bh', 'b', 'd', null],
  target: ['/etc/passwd'],
  telling: [['Info/Author', 'Info/Title', 'pages'], []],
  text: ['a sentence kept by an old case'],
  timestamp: ['2017-05-02T08:15:00Z'],
  token: ['IN2'],
  total: [0, 1, 250],
  unsigned: [120],
  tool: ['7z'],
  type: ['character-device', 'block-device', 'fifo', 'socket'],
  unverifiable: [1],
  updates: [1, 3],
  value: ['forgeable', '1024', '0', '12', 'from', '2017'],
  values: [['Документ Microsoft Word', '1251', 'Лист1', 'ru-RU']],
  verdict: ['altered', null],
  verdicts: ['authentic, altered, forgeable'],
  version: ['2'],
  what: ['message', 'file', 'xref-sections', 'pages'],
  when: ['2017-04-03T09:58:00Z', null],
  where: ['font', 'AppVersion', 'XMP 1 toolkit'],
  width: [20000],
  window: ['2016-01-01 – 2018-01-01'],
  with: ['docs/a.txt'],
  withCaveats: [2],
  written: ['2017-05-09T11:00:00Z'],
  zoned: [false, true],
};

const GENERIC: Param[] = [7, 'échantillon'];

/** Parameters that hold codes quoted inside another (verify/codes.ts nest and nestList). */
const NESTED: Record<string, Coded[]> = {
  reason: [
    coded('signature.no-key', { name: 'sel._domainkey.campagne.example' }),
    coded('arc.seal-fails', { instance: 2, ...nestList('notes', [coded('arc.signature-fails')]) }),
  ],
  flag: [coded('flag.weak-key', { value: 'forgeable' }), coded('flag.unsigned-header', { value: 'subject' })],
  problem: [coded('arc.tags-invalid', { problem: 'duplicate', tag: 'bh' })],
};
const NESTED_LISTS: Record<string, Coded[][]> = {
  problems: [
    [coded('key.revoked'), coded('key.type-mismatch', { keyType: 'rsa', signAlgo: 'ed25519-sha256' })],
  ],
  notes: [[coded('arc.key-forgeable', { bits: 512 }), coded('arc.alternate-record', { source: 'dns' })], []],
};
/** arc.tags-invalid reads its own `problem` as a plain name, not a nested code. */
const PLAIN_PROBLEM: Param[] = ['syntax', 'duplicate', 'missing', 'number', 'name', 'seal-h'];

/** The parameters a template reads, found by handing it objects that note every name asked for. */
function paramsRead(code: string, lang: 'en' | 'fr'): string[] {
  const read = new Set<string>();
  for (const probe of [undefined, 0, 1, 2, 'x', true, '0', 'ams', 'given']) {
    const watcher = new Proxy({} as Params, {
      get: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return probe;
      },
    });
    try {
      render({ code, params: watcher }, lang);
    } catch {
      // A probe of the wrong type may throw; the samples below must not.
    }
  }
  return [...read].sort();
}

/** Parameter sets for a code: variant i takes each parameter's i-th sample (wrapping around). */
function sampleParams(code: string, names: string[]): Params[] {
  const choices = names.map((name): Params[] => {
    if (code === 'arc.tags-invalid' && name === 'problem') return PLAIN_PROBLEM.map((v) => ({ [name]: v }));
    if (NESTED[name]) return NESTED[name].map((inner) => nest(name, inner));
    if (NESTED_LISTS[name]) return NESTED_LISTS[name].map((inner) => nestList(name, inner));
    return (SAMPLES[name] ?? GENERIC).map((v) => ({ [name]: v }));
  });
  const variants = Math.max(1, ...choices.map((c) => c.length));
  return Array.from({ length: variants }, (_, i) =>
    Object.assign({}, ...choices.map((c) => (c.length ? c[i % c.length] : {}))),
  );
}

const englishCodes = codesOf('en').sort();
const frenchCodes = new Set(codesOf('fr'));

/** Common English words that have no place in French output (compared in lower case). */
const ENGLISH = new Set(
  (
    'the and or but not no nor was were is are be been has have had which with without of to for by from ' +
    'at in into as if so than then when there this that these those its it their only more after before ' +
    'could would cannot can does did key keys signed unsigned header headers body bytes entry entries ' +
    'member members file files missing unknown invalid valid found skipped stopped read unreadable record ' +
    'records line lines limit larger exceeds corrupt damaged changed altered authentic forgeable ' +
    'unverifiable verifies verify proof forgery hop hops chain seal selector domain attachment attachments ' +
    'folder store stored node message-signature expected none nothing anyone'
  ).split(' '),
);

/**
 * Names and tokens that stay as they are in French: header names, syntax (`t=y`, `has:attachment`),
 * the commands to type (`crible keys import`).
 */
const KEPT =
  /\bcrible( [a-z-]+| --?[a-z-]+| <[^>]+>)*|\bARC-(Seal|Message-Signature)\b|\b(From|To|Cc|Sender|Subject|Received|Date)\b|[\w.$-]*[:=][\w.*/-]*|\{"error": …\}/g;

/** The string values a parameter set carries, nested ones included, longest first. */
const valuesOf = (params: Params): string[] =>
  Object.values(params)
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .filter((v): v is string => typeof v === 'string' && v.length > 1)
    .sort((a, b) => b.length - a.length);

/** Rendered with every value it needs: nothing missing, nothing not a number where one was due. */
const isWhole = (text: string): boolean =>
  text.trim() !== '' && !/undefined|NaN|\[object Object\]/.test(text);

function englishWordsIn(text: string, params: Params): string[] {
  let rest = text;
  for (const value of valuesOf(params)) rest = rest.split(value).join(' ');
  rest = rest.replace(KEPT, ' ');
  return (rest.match(/\p{L}+/gu) ?? []).filter((word) => ENGLISH.has(word.toLowerCase()));
}

describe('French catalogue', () => {
  it('speaks English and French, and knows no other language', () => {
    expect(languages()).toEqual(['en', 'fr']);
    expect(isLang('fr')).toBe(true);
    expect(isLang('de')).toBe(false);
    expect(isLang('constructor')).toBe(false);
  });

  it('has words for every English code', () => {
    expect(englishCodes.filter((code) => !frenchCodes.has(code))).toEqual([]);
  });

  it('has no code English lacks (a typo in a French code would never be shown)', () => {
    expect([...frenchCodes].filter((code) => !isKnownCode(code))).toEqual([]);
  });

  // A code French lacks fails "has words for every English code", once; here each translated code is
  // held to its English twin.
  it.each(englishCodes.filter((code) => frenchCodes.has(code)))(
    '%s: French reads the parameters English reads, and renders them as whole as English does',
    (code) => {
      expect(paramsRead(code, 'fr')).toEqual(paramsRead(code, 'en'));
      // A parameter name means a count in one code and a list in another, so a sample may not fit
      // every code: a variant English cannot render whole is not held against French.
      let wholeVariants = 0;
      for (const params of sampleParams(code, paramsRead(code, 'en'))) {
        const french = render({ code, params }, 'fr');
        const context = `${french}\n${JSON.stringify(params)}`;
        if (isWhole(render({ code, params }, 'en'))) {
          wholeVariants++;
          expect(isWhole(french), context).toBe(true);
        }
        expect(englishWordsIn(french, params), context).toEqual([]);
        // French typography: a no-break space before : ; ? ! and inside « », a curly apostrophe (a
        // lone ? stands for a missing domain or selector).
        let words = french;
        for (const value of valuesOf(params)) words = words.split(value).join('');
        expect(words, context).not.toMatch(/ [:;!]| \?(?![),])|«(?!\u00a0)|(?<!\u00a0)»|'/);
      }
      expect(wholeVariants, 'the samples give English at least one whole rendering').toBeGreaterThan(0);
    },
  );

  it('words nested codes in French too, and a stored code is never dropped', () => {
    const reason = coded('verdict.also', {
      index: 0,
      domain: 'campagne.example',
      selector: 'sel',
      result: 'no-key',
      ...nest('reason', coded('signature.no-key', { name: 'sel._domainkey.campagne.example' })),
    });
    expect(render(reason, 'fr')).toBe(
      'Également\u00a0: signature n°\u00a01 (campagne.example, sélecteur sel)\u00a0: pas de clé — pas de clé pour sel._domainkey.campagne.example dans l’archive de clés.',
    );
    expect(render(coded('no.such-code', { n: 1 }), 'fr')).toBe('no.such-code {"n":1}');
    expect(render(coded('constructor'), 'fr')).toBe('constructor');
    expect(withText({ reason: coded('zip.encrypted') }, 'fr')).toEqual({
      reason: { code: 'zip.encrypted', text: 'entrée chiffrée' },
    });
  });

  it('words real verification reports in French: verdict reasons, signature results, flags', async () => {
    const [main, weak] = generateDkimKeys([
      { domain: 'campagne.example', selector: 'sel', type: 'rsa' },
      { domain: 'campagne.example', selector: 'w1024', type: 'rsa', bits: 1024 },
    ]) as [DkimKey, DkimKey];
    const sign = async (raw: Buffer, key: DkimKey, l?: number) =>
      Buffer.concat([
        Buffer.from(
          await dkimSignatureFor(raw, key, {
            signTime: new Date('2017-05-02T08:15:00Z'),
            ...(l === undefined ? {} : { maxBodyLength: l }),
          }),
        ),
        raw,
      ]);
    const msg = message({ id: 'fr', body: 'Bonjour,\nles chiffres sont en pièce jointe.\nCordialement' });
    const signed = await sign(msg, main);
    const edit = (raw: Buffer, from: string, to: string) =>
      Buffer.from(raw.toString('latin1').replace(from, to), 'latin1');
    const keys = new MemoryKeyResolver(
      [main, weak].map((k) => ({
        name: `${k.selector}._domainkey.${k.domain}`,
        value: k.record,
        source: 'test',
        firstSeen: null,
        lastSeen: null,
        fetchedAt: null,
      })),
    );
    const cases: [string, Buffer, MemoryKeyResolver?][] = [
      ['authentic', signed],
      ['body altered', edit(signed, 'chiffres', 'montants')],
      ['header changed', edit(signed, 'Subject: Message', 'Subject: Re')],
      ['no key', signed, new MemoryKeyResolver([])],
      ['weak key', await sign(msg, weak)],
      [
        'l= with text appended',
        Buffer.concat([await sign(msg, main, 10), Buffer.from('P.S. virez-les.\r\n')]),
      ],
      ['injected Subject', Buffer.concat([Buffer.from('Subject: Démission\r\n'), signed])],
      ['unsigned', msg],
    ];
    for (const [name, raw, resolver] of cases) {
      const v: MessageVerification = await verifyMessage(raw, { keys: resolver ?? keys });
      const said = [...v.reasons, v.caveat, ...v.signatures.map((s) => s.reason)];
      for (const reason of said) {
        const french = render(reason, 'fr');
        const context = `${name}: ${french}\n${JSON.stringify(reason)}`;
        expect(french, context).not.toBe(render(reason, 'en'));
        expect(isWhole(french), context).toBe(true);
        expect(englishWordsIn(french, reason.params ?? {}), context).toEqual([]);
      }
    }
  });

  it('gives sizes in French units', () => {
    expect(render(coded('message.header-too-large', { limit: 1048576 }), 'fr')).toBe(
      'bloc d’en-têtes de plus de 1,0\u00a0Mo\u202f; conservé sans être lu',
    );
  });
});
