// Codes, not sentences, in the store: a verification report holds stable codes with parameters, and
// the words come from the message catalogue at the edge. Walks the reports of generated messages
// (signed with throwaway keys: pass, body and header failures, missing, revoked, weak and disclosed
// keys, l=, unsigned headers, export repairs, rebuilt bytes, hostile messages, ARC chains) and checks
// that every code in them, nested ones included, has words, and that no reason is stored as a sentence.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sealMessage } from 'mailauth/lib/arc/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DisclosedKey } from '../src/keys/disclosed.ts';
import { MemoryKeyResolver } from '../src/keys/memory-resolver.ts';
import type { DnsFailure, KeyRecord, KeyResolver } from '../src/keys/types.ts';
import { type Coded, isKnownCode, render } from '../src/report/catalogue.ts';
import { type DkimKey, dkimSignatureFor, generateDkimKeys } from '../src/sample/synth.ts';
import { flagCoded } from '../src/verify/flags.ts';
import { type VerifyOptions, verifyMessage } from '../src/verify/message.ts';
import type { MessageVerification } from '../src/verify/types.ts';
import { corpusPath } from './helpers/corpus.ts';
import { resolverFromKeyMap } from './helpers/keys.ts';
import { message } from './helpers/mail.ts';

const DOMAIN = 'campagne.example';
const SIGNED_AT = new Date('2017-05-02T08:15:00Z');

let main: DkimKey;
let other: DkimKey;
let weak: DkimKey;
let forgeable: DkimKey;
let ed: DkimKey;
let arcKey: DkimKey;
let arcWeak: DkimKey;

beforeAll(() => {
  [main, other, weak, forgeable, ed, arcKey, arcWeak] = generateDkimKeys([
    { domain: DOMAIN, selector: 'sel', type: 'rsa' },
    { domain: 'relay.example', selector: 'out', type: 'rsa' },
    { domain: DOMAIN, selector: 'w1024', type: 'rsa', bits: 1024 },
    { domain: DOMAIN, selector: 'w512', type: 'rsa', bits: 512 },
    { domain: DOMAIN, selector: 'ed', type: 'ed25519' },
    { domain: 'lists.example', selector: 'arc', type: 'rsa' },
    { domain: 'lists.example', selector: 'arc1024', type: 'rsa', bits: 1024 },
  ]) as [DkimKey, DkimKey, DkimKey, DkimKey, DkimKey, DkimKey, DkimKey];
});

const nameOf = (k: DkimKey) => `${k.selector}._domainkey.${k.domain}`;
const record = (name: string, value: string): KeyRecord => ({
  name,
  value,
  source: 'test',
  firstSeen: null,
  lastSeen: null,
  fetchedAt: null,
});
const keysOf = (
  list: (DkimKey | [string, string])[],
  failures: { name: string; failure: DnsFailure }[] = [],
): MemoryKeyResolver =>
  new MemoryKeyResolver(
    list.map((k) => (Array.isArray(k) ? record(k[0], k[1]) : record(nameOf(k), k.record))),
    failures,
  );

async function sign(
  content: Buffer,
  key: DkimKey,
  opts: { l?: number; headers?: string[]; c?: string } = {},
): Promise<Buffer> {
  const field = await dkimSignatureFor(content, key, {
    signTime: SIGNED_AT,
    ...(opts.l !== undefined ? { maxBodyLength: opts.l } : {}),
    ...(opts.headers ? { headerList: opts.headers } : {}),
    ...(opts.c ? { canonicalization: opts.c } : {}),
  });
  return Buffer.concat([Buffer.from(field), content]);
}

async function seal(content: Buffer, key: DkimKey, cv?: 'none' | 'pass' | 'fail'): Promise<Buffer> {
  const headers = await sealMessage(content, {
    signingDomain: key.domain,
    selector: key.selector,
    privateKey: key.privateKey,
    signTime: SIGNED_AT,
    ...(cv ? { cv } : {}),
  } as Parameters<typeof sealMessage>[1]);
  expect(headers.length, 'mailauth sealed the message').toBeGreaterThan(0);
  return Buffer.concat([headers, content]);
}

const edit = (raw: Buffer, from: string | RegExp, to: string): Buffer =>
  Buffer.from(raw.toString('latin1').replace(from, to), 'latin1');

const throwing: KeyResolver = {
  lookup: async () => {
    throw new Error('resolver offline');
  },
};

interface Generated {
  name: string;
  raw: Buffer;
  opts: VerifyOptions;
}

/** Messages meant to reach every kind of result, with the keys each is checked against. */
async function generated(): Promise<Generated[]> {
  const msg = message({ id: 'codes', body: 'Bonjour,\nFrom now on the figures go to me.\nCordialement' });
  const signed = await sign(msg, main);
  const keys = keysOf([main, other, weak, forgeable, ed, arcKey, arcWeak]);
  const disclosed: DisclosedKey[] = [
    { domain: DOMAIN, selector: 'sel', disclosed: '2020-01-01', source: 'https://leak.example/keys' },
  ];
  const undated = message({ id: 'undated' })
    .toString('latin1')
    .replace(/^Date: .*\r\n/m, '');
  const folds = Buffer.from(`X-Fold: a\r\n${' b\r\n'.repeat(6000)}`);
  const cases: [string, Buffer | Promise<Buffer>, Partial<VerifyOptions>?][] = [
    ['pass', signed],
    ['pass, judged at a given time', signed, { at: new Date('2030-01-01T00:00:00Z') }],
    ['fail-body, headers authentic', edit(signed, 'figures', 'numbers')],
    [
      'fail-body and fail-header',
      edit(edit(signed, 'figures', 'numbers'), 'Subject: Message', 'Subject: Re'),
    ],
    ['fail-header', edit(signed, 'Subject: Message', 'Subject: Re')],
    [
      'fail-header, several archived keys',
      edit(signed, 'Subject: Message', 'Subject: Re'),
      {
        keys: keysOf([main, [nameOf(main), other.record]]),
      },
    ],
    ['no key in the archive', signed, { keys: keysOf([]) }],
    ['no key: DNS timeout', signed, { keys: keysOf([], [{ name: nameOf(main), failure: 'ETIMEOUT' }]) }],
    ['no key: the resolver fails', signed, { keys: throwing }],
    ['revoked key', signed, { keys: keysOf([[nameOf(main), 'v=DKIM1; k=rsa; p=']]) }],
    [
      'unusable key records',
      signed,
      {
        keys: keysOf([
          [nameOf(main), ed.record],
          [nameOf(main), 'v=DKIM1; k=rsa; p=AAAA'],
          [nameOf(main), 'v=DKIM2; k=rsa; p=AAAA'],
        ]),
      },
    ],
    ['second archived record matches', signed, { keys: keysOf([[nameOf(main), other.record], main]) }],
    ['weak key (1024)', sign(msg, weak)],
    ['forgeable key (512)', sign(msg, forgeable)],
    ['disclosed key', signed, { disclosedKeys: disclosed }],
    ['rsa-sha1', sign(msg, { ...main, algorithm: 'rsa-sha1' as 'rsa-sha256' })],
    ['ed25519', sign(msg, ed)],
    [
      'l= with appended text',
      sign(msg, main, { l: 20 }).then((s) => Buffer.concat([s, Buffer.from('P.S. wire it.\r\n')])),
    ],
    [
      'unsigned To and Cc',
      sign(message({ id: 'cc', extraHeaders: ['Cc: carol@campagne.example'] }), main, {
        headers: ['from', 'subject', 'date'],
      }),
    ],
    ['injected Subject', Buffer.concat([Buffer.from('Subject: Resignation\r\n'), signed])],
    ['not aligned', sign(msg, other)],
    ['LF line endings (storage repair)', edit(signed, /\r\n/g, '\n')],
    [
      'trailing whitespace (caveat repair)',
      sign(msg, main, { c: 'simple/simple' }).then((s) => edit(s, 'Bonjour,\r\n', 'Bonjour,  \r\n')),
    ],
    ['rebuilt, failing', edit(signed, 'figures', 'numbers'), { rebuiltFrom: 'PST (readpst)' }],
    ['rebuilt, passing', signed, { rebuiltFrom: 'MSG re-encoded' }],
    ['two signatures, one broken', sign(Buffer.concat([signed, Buffer.from('--\r\nfooter\r\n')]), other)],
    ['invalid signature: no bh=', edit(signed, /bh=[^;]+;/, '')],
    ['invalid signature: unknown version', edit(signed, 'v=1;', 'v=2;')],
    ['unsigned', msg],
    [
      'too many signatures',
      Buffer.concat([...Array(55).fill(signed.subarray(0, signed.indexOf('From: '))), signed]),
    ],
    ['header block too long, signed', Buffer.concat([folds, signed])],
    ['header block too long, unsigned', Buffer.concat([folds, msg])],
    [
      'ARC: sealed after a list changed the subject',
      seal(edit(signed, 'Subject: Message', 'Subject: [liste] Message'), arcKey),
    ],
    ['ARC: two hops', seal(signed, arcKey).then((s) => seal(s, arcKey, 'pass'))],
    ['ARC: body changed after sealing', seal(signed, arcKey).then((s) => edit(s, 'figures', 'numbers'))],
    ['ARC: no seal key', seal(signed, arcKey), { keys: keysOf([main]) }],
    ['ARC: weak seal key', seal(signed, arcWeak)],
    ['ARC: cv=fail', seal(signed, arcKey).then((s) => seal(s, arcKey, 'fail'))],
    ['ARC: undated message', seal(Buffer.from(undated, 'latin1'), arcKey)],
  ];
  const out: Generated[] = [];
  for (const [name, raw, opts] of cases) out.push({ name, raw: await raw, opts: { keys, ...opts } });
  return out;
}

/** Every code in a report, nested ones included (a parameter naming a code of the catalogue's namespaces). */
function codesIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) codesIn(v, out);
  else if (value && typeof value === 'object') {
    const c = value as Partial<Coded>;
    if (typeof c.code === 'string') out.add(c.code);
    for (const [key, v] of Object.entries(value)) {
      if (key !== 'params') codesIn(v, out);
      else
        for (const p of Object.values(v as object).flat())
          if (typeof p === 'string' && NAMESPACED.test(p)) out.add(p);
    }
  }
  return out;
}
const NAMESPACED = /^(?:verdict|signature|key|arc|flag|repair|caveat)\.[a-z0-9-]+$/;

const isCoded = (v: unknown): boolean =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as Coded).code === 'string' &&
  Object.keys(v).every((k) => k === 'code' || k === 'params');

/** Strings of a report that are data from the message or the archive, free text by nature. */
// Header values quoted from the message are data, not sentences of ours.
const DATA_FIELDS = new Set([
  'value',
  'source',
  'unsignedText',
  'authResults',
  'identity',
  'shown',
  'signed',
]);

/** Strings outside any code's parameters that contain a space: a sentence somewhere in the report. */
function sentencesIn(value: unknown, path = '$', out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (/\s/.test(value)) out.push(`${path}: ${value}`);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) sentencesIn(v, `${path}[${i}]`, out);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value))
      if (key !== 'params' && !DATA_FIELDS.has(key)) sentencesIn(v, `${path}.${key}`, out);
  }
  return out;
}

function expectCodedReport(name: string, v: MessageVerification): void {
  const stored = JSON.parse(JSON.stringify(v)) as MessageVerification;
  expect(stored.reasons.length, name).toBeGreaterThan(0);
  for (const r of stored.reasons) expect(isCoded(r), `${name}: ${JSON.stringify(r)}`).toBe(true);
  expect(isCoded(stored.caveat), name).toBe(true);
  for (const s of stored.signatures)
    expect(isCoded(s.reason), `${name}: ${JSON.stringify(s.reason)}`).toBe(true);
  expect(stored.arc.reason === null || isCoded(stored.arc.reason), name).toBe(true);
  for (const note of stored.arc.notes ?? []) expect(isCoded(note), name).toBe(true);
  for (const hop of stored.arc.hops)
    for (const r of [...hop.seal.reasons, ...hop.ams.reasons]) expect(isCoded(r), name).toBe(true);
  expect(sentencesIn(stored), name).toEqual([]);
  for (const code of codesIn(stored)) expect(isKnownCode(code), `${name}: ${code} has no words`).toBe(true);
  for (const s of stored.signatures) {
    for (const f of s.flags) expect(isKnownCode(flagCoded(f).code), `${name}: flag ${f}`).toBe(true);
    for (const r of s.repairs) expect(isKnownCode(`repair.${r}`), `${name}: repair ${r}`).toBe(true);
  }
  // rendered, every code reads as words: no code, no parameter dump, nothing left empty
  const words = [...stored.reasons, stored.caveat, ...stored.signatures.map((s) => s.reason)];
  if (stored.arc.reason) words.push(stored.arc.reason);
  for (const w of words.map((c) => render(c))) {
    expect(w, name).not.toMatch(/(?:verdict|signature|key|arc|flag|repair|caveat)\.[a-z-]+ \{|\bundefined\b/);
    expect(w.length, name).toBeGreaterThan(10);
  }
}

describe('verification reports hold codes, with words in the catalogue', () => {
  const reports = new Map<string, MessageVerification>();

  beforeAll(async () => {
    for (const c of await generated()) reports.set(c.name, await verifyMessage(c.raw, c.opts));
  });

  it('every generated report has only known codes and no stored sentence', () => {
    for (const [name, v] of reports) expectCodedReport(name, v);
  });

  it('the generated messages reach the results they are meant to', () => {
    const all = new Set([...reports.values()].flatMap((v) => [...codesIn(v)]));
    for (const code of [
      'verdict.unsigned',
      'verdict.valid',
      'verdict.body-altered',
      'verdict.body-and-headers-fail',
      'verdict.header-changed',
      'verdict.forgeable-weak',
      'verdict.forgeable-disclosed',
      'verdict.flag-caveat',
      'verdict.repair-storage',
      'verdict.repair-caveat',
      'verdict.rebuilt',
      'verdict.rebuilt-still-valid',
      'verdict.other-signature-fails',
      'verdict.revoked-not-forgery',
      'verdict.none-checkable',
      'verdict.judged-at-given',
      'verdict.too-many-signatures',
      'verdict.header-block-too-long',
      'verdict.signed-header-block-too-long',
      'verdict.arc-explains-change',
      'signature.pass',
      'signature.pass-repaired',
      'signature.fail-body',
      'signature.fail-body-headers-authentic',
      'signature.fail-header',
      'signature.no-key',
      'signature.no-key-dns',
      'signature.lookup-error',
      'signature.key-revoked',
      'signature.no-usable-key',
      'signature.incomplete',
      'signature.unknown-version',
      'key.type-mismatch',
      'flag.weak-key',
      'flag.body-length-limit',
      'flag.unsigned-header',
      'flag.rsa-sha1',
      'flag.not-aligned',
      'arc.chain-valid',
      'arc.ams-body-changed',
      'arc.key-unavailable',
      'arc.key-weak',
      'arc.hop-cv-fail',
      'arc.undated',
      'caveat.standing',
    ])
      expect(all, code).toContain(code);
  });

  it('renders the sentences people read, from the codes', () => {
    const check = (name: string) => reports.get(name)!;
    const pass = check('pass');
    expect(render(pass.reasons[0]!)).toBe(
      `Signature #1 (${DOMAIN}, selector sel) is valid: ${DOMAIN} signed these headers and this body (2048-bit rsa key from test).`,
    );
    expect(render(pass.signatures[0]!.reason)).toBe(`valid signature by ${DOMAIN}`);
    expect(render(pass.caveat)).toMatch(/^A passing signature proves only that the signing domain sent/);
    const timeout = check('no key: DNS timeout');
    expect(render(timeout.signatures[0]!.reason)).toBe(
      `no key: the key lookup timed out when sel._domainkey.${DOMAIN} was looked up`,
    );
    expect(render(timeout.reasons[0]!)).toBe(
      `Signature #1 (${DOMAIN}, selector sel): no-key — no key: the key lookup timed out when sel._domainkey.${DOMAIN} was looked up.`,
    );
    const unusable = check('unusable key records');
    expect(render(unusable.signatures[0]!.reason)).toMatch(
      /^no usable key: the archived key is ed25519, the signature rsa; the key record/,
    );
    const lTag = check('l= with appended text');
    expect(lTag.reasons.map((r) => render(r))).toContain(
      `The signature covers only the start of the body (l=): the last ${lTag.signatures[0]!.flags[0]!.split(':')[1]} bytes are NOT signed and could have been appended by anyone.`,
    );
  });
});

// The ARC validation suite (171 scenarios) reaches ARC results no generated chain does.
const suiteFile = corpusPath('dkim/arc_test_suite/arc-draft-validation-tests.yml');
describe.skipIf(!suiteFile)('ARC validation suite reports hold codes', () => {
  it('every scenario has only known codes and no stored sentence', async () => {
    const yaml = createRequire(import.meta.url)('yaml') as {
      parseAllDocuments(text: string): { toJS(): unknown }[];
    };
    let checked = 0;
    for (const doc of yaml.parseAllDocuments(readFileSync(suiteFile!, 'utf8'))) {
      const js = doc.toJS() as {
        tests?: Record<string, { message?: string }>;
        'txt-records'?: Record<string, string>;
      } | null;
      if (!js?.tests) continue;
      const keyMap: Record<string, string> = {};
      for (const [n, value] of Object.entries(js['txt-records'] ?? {})) keyMap[n.toLowerCase()] = value;
      for (const [name, t] of Object.entries(js.tests)) {
        const raw = Buffer.from((t.message ?? '').replace(/\r?\n/g, '\r\n'));
        const v = await verifyMessage(raw, { keys: resolverFromKeyMap(keyMap), at: new Date(12_346_000) });
        expectCodedReport(`arc suite ${name}`, v);
        checked++;
      }
    }
    expect(checked).toBe(171);
  });
});
