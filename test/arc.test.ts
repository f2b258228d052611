// ARC (RFC 8617) validation against the shared corpus, read in place:
//  - the ValiMail ARC validation suite (171 scenarios, keys inline), cv result per scenario;
//  - real multi-hop chains (blaze/, stalwart/, mailauth/ fixtures) with per-hop detail;
//  - key archive behaviour (several archived records, revoked keys).
// Corpus: $CRIBLE_CORPUS, else ../shared/corpus next to the repository. Absent: skipped, visibly (fails under $CI).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Coded, render } from '../src/report/catalogue.ts';
import { tools } from '../src/verify/arc/mailauth.ts';
import { type ArcResult, verifyArc } from '../src/verify/arc.ts';
import { corpusLocation, requireCorpus } from './helpers/corpus.ts';
import { resolverFromKeyMap } from './helpers/keys.ts';

const require = createRequire(import.meta.url);
const YAML = require('yaml') as { parseAllDocuments(text: string): { toJS(): unknown }[] };
// mailauth's own ARC validation, used here only to show what Crible's chain verdict does differently.
type Resolver = (name: string) => Promise<string[][]>;
const { DkimVerifier } = require('mailauth/lib/dkim/dkim-verifier') as {
  DkimVerifier: new (o: {
    resolver: Resolver;
    strict: boolean;
    curTime: Date;
  }) => NodeJS.WritableStream & {
    arc: unknown;
  };
};
const { arc: mailauthArc } = require('mailauth/lib/arc') as {
  arc: (data: unknown, o: { resolver: Resolver; strict: boolean }) => Promise<{ status: { result: string } }>;
};

const dkimDir = corpusLocation('dkim');
const suiteFile = path.join(dkimDir, 'arc_test_suite/arc-draft-validation-tests.yml');
const present =
  requireCorpus('dkim/arc_test_suite/arc-draft-validation-tests.yml', 'arc.test: ARC suites') !== null;
const describeCorpus = present ? describe : describe.skip;

type KeyMap = Record<string, string | string[] | { error: string }>;

const resolverFrom = resolverFromKeyMap;

/** A reason or a hop's reasons, in words (as the CLI prints them). */
const words = (reason: Coded | Coded[] | null | undefined): string =>
  [reason ?? []]
    .flat()
    .map((r) => render(r))
    .join('; ');

const readKeys = (rel: string): KeyMap => JSON.parse(readFileSync(path.join(dkimDir, rel), 'utf8')) as KeyMap;
const readMsg = (rel: string): Buffer => readFileSync(path.join(dkimDir, rel));

interface SuiteCase {
  scenario: string;
  name: string;
  description: string;
  message: string;
  cv: string;
  keys: KeyMap;
}

function loadSuite(): SuiteCase[] {
  const out: SuiteCase[] = [];
  for (const doc of YAML.parseAllDocuments(readFileSync(suiteFile, 'utf8'))) {
    const js = doc.toJS() as {
      description?: string;
      tests?: Record<string, { description?: string; message?: string; cv?: string }>;
      'txt-records'?: Record<string, string>;
    } | null;
    if (!js?.tests) continue;
    const keys: KeyMap = {};
    for (const [name, value] of Object.entries(js['txt-records'] ?? {})) keys[name.toLowerCase()] = value;
    for (const [name, t] of Object.entries(js.tests)) {
      out.push({
        scenario: (js.description ?? '').trim(),
        name,
        description: t.description ?? '',
        message: t.message ?? '',
        // three scenarios leave cv empty: the suite treats that as Fail
        cv: (t.cv ?? '').trim().toLowerCase() || 'fail',
        keys,
      });
    }
  }
  return out;
}

/** YAML gives LF line endings; mail is CRLF. */
const toMessage = (text: string) => Buffer.from(text.replace(/\r?\n/g, '\r\n'));

/** Every suite signature has t=12345; x= is never used. Judge just after. */
const SUITE_TIME = new Date(12_346_000);

/** mailauth 7.1.0 strict ARC validation, unwrapped (to show what the wrapper fixes). */
async function plainMailauth(raw: Buffer, keys: KeyMap): Promise<string> {
  const resolver = async (name: string) => {
    const v = keys[name.toLowerCase()];
    if (typeof v !== 'string') throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' });
    return [[v]];
  };
  const verifier = new DkimVerifier({ resolver, strict: true, curTime: SUITE_TIME });
  await tools.writeToStream(verifier, raw);
  const verdict = await mailauthArc(verifier.arc, { resolver, strict: true });
  return verdict.status.result;
}

describeCorpus('ARC validation suite (ValiMail arc_test_suite, 171 scenarios)', () => {
  const cases = present ? loadSuite() : [];

  it('has the 171 scenarios the manifest announces (54 Pass, 112 Fail incl. 3 empty, 5 None)', () => {
    expect(cases).toHaveLength(171);
    const count = (cv: string) => cases.filter((c) => c.cv === cv).length;
    expect([count('pass'), count('fail'), count('none')]).toEqual([54, 112, 5]);
  });

  // The suite says fail where the key is missing; for an archive that is not evidence of a broken
  // chain: Crible says key-unavailable, as it does for DKIM.
  const KEY_UNAVAILABLE = new Set(['public_key_na']);
  for (const c of cases) {
    it(`${c.scenario} / ${c.name}: cv=${c.cv} (${c.description})`, async () => {
      const result = await verifyArc(toMessage(c.message), resolverFrom(c.keys, 'arc-suite'), SUITE_TIME);
      if (KEY_UNAVAILABLE.has(c.name)) {
        expect(result.result, words(result.reason)).toBe('key-unavailable');
        return;
      }
      expect(result.result, words(result.reason)).toBe(c.cv);
      if (c.cv === 'none') expect(result.hops).toEqual([]);
      if (c.cv === 'pass') {
        for (const hop of result.hops) expect(hop.seal.result).toBe('pass');
        expect(result.hops.at(-1)?.ams.result).toBe('pass');
      }
      if (c.cv === 'fail') expect(result.reason).toBeTruthy();
    });
  }

  // mailauth strict alone gets 169/171; these two are fixed inside our wrapper (ArcAmsVerifier).
  it('ams_fields_c_na: AMS without c= fails in plain mailauth strict, passes as relaxed/relaxed here', async () => {
    const c = cases.find((x) => x.name === 'ams_fields_c_na')!;
    const raw = toMessage(c.message);
    expect(await plainMailauth(raw, c.keys)).toBe('fail');
    const result = await verifyArc(raw, resolverFrom(c.keys), SUITE_TIME);
    expect(result.result).toBe('pass');
    expect(words(result.notes)).toMatch(/no c=/);
    expect(result.hops[0]?.ams.canonicalization).toBe('relaxed/relaxed');
    expect(words(result.hops[0]?.ams.reasons)).toMatch(/no c= tag: verified as relaxed\/relaxed/);
  });

  it('ams_fields_h_empty: AMS with empty h= fails in plain mailauth strict (From not signed), passes here', async () => {
    const c = cases.find((x) => x.name === 'ams_fields_h_empty')!;
    const raw = toMessage(c.message);
    expect(await plainMailauth(raw, c.keys)).toBe('fail');
    const result = await verifyArc(raw, resolverFrom(c.keys), SUITE_TIME);
    expect(result.result).toBe('pass');
    expect(words(result.notes)).toMatch(/does not sign From/);
    expect(words(result.hops[0]?.ams.reasons)).toMatch(/From is not signed/);
  });

  it('as_fields_b_512: a 512-bit seal key fails the chain (RFC 8301) but the hop says it verifies', async () => {
    const c = cases.find((x) => x.name === 'as_fields_b_512')!;
    const result = await verifyArc(toMessage(c.message), resolverFrom(c.keys), SUITE_TIME);
    expect(result.result).toBe('fail');
    expect(result.failedAt).toBe(1);
    expect(result.hops[0]?.seal).toMatchObject({ result: 'weak-key', keyBits: 512 });
    expect(words(result.hops[0]?.seal.reasons)).toMatch(/forgeable/);
  });
});

/** A time to judge a real message at: the manifest's verifyTime, else the day after its Date. */
function judgeTime(raw: Buffer): Date {
  const m = /^Date:[ \t]*(.+(?:\r?\n[ \t].+)*)/im.exec(raw.toString('latin1'));
  const d = m?.[1]
    ? new Date(
        m[1]
          .replace(/\s+/g, ' ')
          .replace(/\(.*\)/, '')
          .trim(),
      )
    : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw new Error('message has no usable Date header');
  return new Date(d.getTime() + 86_400_000);
}

interface HopExpect {
  instance: number;
  sealDomain: string;
  cv: string;
  seal: string;
  amsDomain?: string;
  ams?: string;
}

async function check(
  rel: string,
  keys: string,
  at: Date | null,
  expected: ArcResult['result'],
  hops: HopExpect[],
): Promise<ArcResult> {
  const raw = readMsg(rel);
  const result = await verifyArc(raw, resolverFrom(readKeys(keys), keys), at ?? judgeTime(raw));
  expect(result.result, words(result.reason)).toBe(expected);
  expect(result.hops.map((h) => h.instance)).toEqual(hops.map((h) => h.instance));
  for (const [i, want] of hops.entries()) {
    const hop = result.hops[i]!;
    expect(hop.seal.domain).toBe(want.sealDomain);
    expect(hop.seal.cv).toBe(want.cv);
    expect(hop.seal.result, words(hop.seal.reasons)).toBe(want.seal);
    if (want.amsDomain) expect(hop.ams.domain).toBe(want.amsDomain);
    if (want.ams) expect(hop.ams.result, words(hop.ams.reasons)).toBe(want.ams);
    expect(hop.seal.selector).not.toBe('');
  }
  return result;
}

describeCorpus('ARC on real messages, per hop', () => {
  const stalwartTime = new Date(1667843664 * 1000);

  it('blaze/001: no ARC sets → none', async () => {
    const result = await check('blaze/001.eml', 'blaze/keys.json', null, 'none', []);
    expect(words(result.reason)).toBe('no ARC sets');
  });

  it('blaze/002 and 004: google.com i=1 passes (blaze arc.t)', async () => {
    for (const f of ['blaze/002.eml', 'blaze/004.eml']) {
      const r = await check(f, 'blaze/keys.json', null, 'pass', [
        {
          instance: 1,
          sealDomain: 'google.com',
          cv: 'none',
          seal: 'pass',
          amsDomain: 'google.com',
          ams: 'pass',
        },
      ]);
      expect(r.hops[0]?.authservId).toBe('mx.google.com');
    }
  });

  it('blaze/005: 3 hops (webhostingserver.nl x2, subspace.kernel.org) pass', async () => {
    const r = await check('blaze/005.eml', 'blaze/keys.json', null, 'pass', [
      { instance: 1, sealDomain: 'webhostingserver.nl', cv: 'none', seal: 'pass', ams: 'pass' },
      { instance: 2, sealDomain: 'webhostingserver.nl', cv: 'pass', seal: 'pass', ams: 'pass' },
      { instance: 3, sealDomain: 'subspace.kernel.org', cv: 'pass', seal: 'pass', ams: 'pass' },
    ]);
    expect(r.failedAt).toBeNull();
    expect(r.hops[2]?.seal.keyBits).toBe(1024);
    expect(words(r.hops[2]?.seal.reasons)).toMatch(/1024-bit RSA key: weak/);
  });

  it('blaze/006: microsoft.com i=1,2 seals hold, subspace.kernel.org i=3 sealed cv=fail → fail at i=3', async () => {
    const r = await check('blaze/006.eml', 'blaze/keys.json', null, 'fail', [
      // microsoft's own later hop rewrote headers its first AMS signed: informational, seal holds
      {
        instance: 1,
        sealDomain: 'microsoft.com',
        cv: 'none',
        seal: 'pass',
        amsDomain: 'microsoft.com',
        ams: 'fail-header',
      },
      {
        instance: 2,
        sealDomain: 'microsoft.com',
        cv: 'pass',
        seal: 'pass',
        amsDomain: 'microsoft.com',
        ams: 'pass',
      },
      // a cv=fail seal signs only its own set (RFC 8617 5.1.2), and this one verifies that way
      { instance: 3, sealDomain: 'subspace.kernel.org', cv: 'fail', seal: 'pass', ams: 'pass' },
    ]);
    expect(r.failedAt).toBe(3);
    expect(words(r.reason)).toMatch(/hop 3 \(subspace\.kernel\.org\) sealed with cv=fail/);
  });

  it('stalwart/arc/001: google.com chain passes at the Stalwart test time', async () => {
    await check('stalwart/arc/001.eml', 'stalwart/arc/001.keys.json', stalwartTime, 'pass', [
      { instance: 1, sealDomain: 'google.com', cv: 'none', seal: 'pass', ams: 'pass' },
    ]);
  });

  it('stalwart/arc/002: ed25519 scamorza.org + rsa manchego.org (AMS without c=) passes', async () => {
    const r = await check('stalwart/arc/002.eml', 'stalwart/arc/002.keys.json', stalwartTime, 'pass', [
      { instance: 1, sealDomain: 'scamorza.org', cv: 'none', seal: 'pass', ams: 'pass' },
      { instance: 2, sealDomain: 'manchego.org', cv: 'pass', seal: 'pass', ams: 'pass' },
    ]);
    expect(r.hops[0]?.seal.keyBits).toBe(256);
  });

  const google = 'stalwart/arc/001.keys.json';
  it('mailauth fixtures: arc-pass, arc-pass2 pass (google.com key only)', async () => {
    for (const f of ['arc-pass', 'arc-pass2']) {
      await check(`mailauth/fixtures/${f}.eml`, google, null, 'pass', [
        { instance: 1, sealDomain: 'google.com', cv: 'none', seal: 'pass' },
        { instance: 2, sealDomain: 'google.com', cv: 'pass', seal: 'pass', ams: 'pass' },
      ]);
    }
  });

  it('mailauth fixtures: arc-fail (seal 2 broken), arc-fail2 (both seals), arc-fail3 (cv=fail) fail', async () => {
    const a = await check('mailauth/fixtures/arc-fail.eml', google, null, 'fail', [
      { instance: 1, sealDomain: 'google.com', cv: 'none', seal: 'pass' },
      { instance: 2, sealDomain: 'google.com', cv: 'pass', seal: 'fail' },
    ]);
    expect(a.failedAt).toBe(2);
    expect(words(a.reason)).toMatch(/ARC-Seal of hop 2 \(google\.com\) does not verify/);
    await check('mailauth/fixtures/arc-fail2.eml', google, null, 'fail', [
      { instance: 1, sealDomain: 'google.com', cv: 'none', seal: 'fail' },
      { instance: 2, sealDomain: 'google.com', cv: 'pass', seal: 'fail' },
    ]);
    const c = await check('mailauth/fixtures/arc-fail3.eml', google, null, 'fail', [
      { instance: 1, sealDomain: 'google.com', cv: 'none', seal: 'pass' },
      { instance: 2, sealDomain: 'google.com', cv: 'fail', seal: 'fail' },
    ]);
    expect(c.failedAt).toBe(2);
  });

  it('rspamd/arcbad: duplicate ARC headers for i=1 make the chain invalid', async () => {
    const raw = readMsg('rspamd/messages/arcbad.eml');
    const r = await verifyArc(raw, resolverFrom(readKeys('rspamd/keys.json')), judgeTime(raw));
    expect(r.result).toBe('fail');
    expect(words(r.reason)).toMatch(/more than one arc-(seal|message-signature) with i=1/);
    expect(words(r.hops[0]?.seal.reasons)).toMatch(/more than one arc-seal with i=1/);
  });
});

describeCorpus('ARC and the key archive', () => {
  const googleName = 'arc-20160816._domainkey.google.com';

  it('tries every archived record of a selector (mailauth alone reads only the first)', async () => {
    const keys = readKeys('blaze/keys.json');
    const google = keys[googleName] as string[];
    const kernel = (keys['arc-20240116._domainkey.subspace.kernel.org'] as string[])[0]!;
    const raw = readMsg('blaze/002.eml');
    const rotated = { ...keys, [googleName]: [kernel, ...google] };
    const r = await verifyArc(raw, resolverFrom(rotated, 'rotated'), judgeTime(raw));
    expect(r.result).toBe('pass');
    expect(r.hops[0]?.seal.result).toBe('pass');
    expect(words(r.hops[0]?.seal.reasons)).toMatch(/verified with archived record/);
  });

  it('a revoked seal key (empty p=) leaves the chain key-unavailable, reported as revoked, not forged', async () => {
    const raw = readMsg('blaze/002.eml');
    const r = await verifyArc(raw, resolverFrom({ [googleName]: ['v=DKIM1; k=rsa; p='] }), judgeTime(raw));
    expect(r.result).toBe('key-unavailable');
    expect(words(r.hops[0]?.seal.reasons)).toContain(
      'was revoked (published empty) — revoked later, not proof of forgery',
    );
    expect(r.hops[0]?.seal.result).toBe('key-revoked');
    expect(r.hops[0]?.ams.result).toBe('key-revoked');
  });

  it('no archived key → key-unavailable in the words DKIM uses, not fail; a DNS failure is a temporary error', async () => {
    const raw = readMsg('blaze/002.eml');
    const none = await verifyArc(raw, resolverFrom({}), judgeTime(raw));
    expect(none.result).toBe('key-unavailable');
    expect(none.hops[0]?.seal).toMatchObject({
      result: 'no-key',
      domain: 'google.com',
      selector: 'arc-20160816',
    });
    expect(words(none.hops[0]?.seal.reasons)).toBe(`no key for ${googleName} in the key archive`);
    expect(words(none.reason)).toContain(`no key for ${googleName} in the key archive`);
    const timeout = await verifyArc(
      raw,
      resolverFrom({ [googleName]: { error: 'ETIMEOUT' } }),
      judgeTime(raw),
    );
    expect(timeout.result).toBe('key-unavailable');
    expect(timeout.hops[0]?.seal.result).toBe('temperror');
  });

  it('judges at the given time: a seal made after the verification time is flagged', async () => {
    const raw = readMsg('blaze/002.eml');
    const r = await verifyArc(
      raw,
      resolverFrom(readKeys('blaze/keys.json')),
      new Date('2000-01-01T00:00:00Z'),
    );
    expect(words(r.hops[0]?.seal.reasons)).toMatch(/after the time you gave/);
    // Judged at the message's own time, a seal made seconds after it (as every hop's is) says nothing.
    const own = await verifyArc(raw, resolverFrom(readKeys('blaze/keys.json')), judgeTime(raw), false);
    expect(words(own.hops[0]?.seal.reasons)).not.toMatch(/after/);
  });
});
