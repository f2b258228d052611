// The mailauth primitives Crible builds on, pinned: an upgrade of mailauth that changes what any of
// them returns fails here, before it can silently change a verdict. Crible never reads mailauth's
// verdicts or English messages; it uses its parsers, canonicalisers and grammar (verify/
// mailauth-internals.ts and verify/arc/mailauth.ts, the one adapter), and its key errors by code.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { MessageParser, syntax, tools } from '../src/verify/arc/mailauth.ts';
import {
  dkimBody,
  generateCanonicalizedHeader,
  getPublicKey,
  getSigningHeaderLines,
  parseDkimHeaders,
  parseHeaders,
} from '../src/verify/mailauth-internals.ts';

const require = createRequire(import.meta.url);

const HEADER = Buffer.from(
  'From: "Alice  Martin" <alice@example.com>\r\n' +
    'Subject:  Budget\r\n   meeting  \r\n' +
    'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel;\r\n' +
    '\th=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AbC=\r\n',
);
const BODY = Buffer.from('Hello  Bob, \r\n\tthe figures\t \r\n\r\n\r\n');

describe('mailauth, as Crible uses it', () => {
  it('is the exact version the lock pins', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.dependencies.mailauth).toBe('7.1.0');
    expect(require('mailauth/package.json').version).toBe('7.1.0');
  });

  it('parses header blocks and tag lists the same way', () => {
    const headers = parseHeaders(HEADER).parsed;
    expect(headers.map((h) => h.key)).toEqual(['from', 'subject', 'dkim-signature']);
    const sig = parseDkimHeaders(headers[2]!.line);
    expect(Object.fromEntries(Object.entries(sig.parsed).map(([k, v]) => [k, v?.value]))).toEqual({
      v: 1,
      a: 'rsa-sha256',
      c: 'relaxed/simple',
      d: 'example.com',
      s: 'sel',
      h: 'from:subject',
      bh: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
      b: 'AbC=',
    });
    const strict = (line: string) => parseDkimHeaders(Buffer.from(line), { strict: true }).syntaxErrors;
    expect(strict('ARC-Seal: a=rsa-sha256; b=x; d=a.b; i=1; i=1; s=s')).toEqual(['duplicate tag: "i"']);
    expect(strict('ARC-Seal: a=rsa-sha256; b=x; d=a.b; s=s;;')).toEqual(['empty tag-spec']);
    expect(strict('ARC-Seal: a=rsa-sha256; b=x; d=a.b; s=s; _=;')).toEqual(['invalid tag name: "_"']);
  });

  it('canonicalises signed headers byte for byte as before (relaxed and simple)', () => {
    const headers = parseHeaders(HEADER).parsed;
    const lines = getSigningHeaderLines(headers, 'from:subject', true);
    const canon = (c: string) =>
      generateCanonicalizedHeader('DKIM', lines, {
        signatureHeaderLine: headers[2]!.line,
        canonicalization: c,
      }).canonicalizedHeader.toString('latin1');
    expect(canon('relaxed/simple')).toBe(
      'from:"Alice Martin" <alice@example.com>\r\n' +
        'subject:Budget meeting\r\n' +
        'dkim-signature:v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel; h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=',
    );
    expect(canon('simple/simple')).toBe(
      'From: "Alice  Martin" <alice@example.com>\r\n' +
        'Subject:  Budget\r\n   meeting  \r\n' +
        'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel;\r\n' +
        '\th=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=',
    );
  });

  it('hashes bodies as RFC 6376 3.4 says (checked against a canonicalisation written here)', () => {
    const relaxed = 'Hello Bob,\r\n the figures\r\n';
    const simple = 'Hello  Bob, \r\n\tthe figures\t \r\n';
    const sha = (s: string) => createHash('sha256').update(s).digest('base64');
    const hash = (c: string, l: number | '' = '') => {
      const h = dkimBody(c, 'sha256', l);
      h.update(BODY);
      return { digest: h.digest('base64'), length: h.canonicalizedLength, hashed: h.bodyHashedBytes };
    };
    expect(hash('relaxed')).toEqual({ digest: sha(relaxed), length: relaxed.length, hashed: relaxed.length });
    expect(hash('simple')).toEqual({ digest: sha(simple), length: simple.length, hashed: simple.length });
    expect(hash('relaxed', 5)).toEqual({
      digest: sha(relaxed.slice(0, 5)),
      length: relaxed.length,
      hashed: 5,
    });
  });

  it('reports key record problems by the codes key-records.ts maps', async () => {
    const codeOf = async (value: string) =>
      getPublicKey('DKIM', 'k', 1, async () => [[value]], { hashAlgo: 'sha256' }).then(
        () => 'ok',
        (err: { code?: string }) => err.code ?? 'no code',
      );
    expect(await codeOf('v=DKIM2; p=AAAA')).toBe('EINVALIDVER');
    expect(await codeOf('v=DKIM1; k=dsa; p=AAAA')).toBe('EINVALIDTYPE');
    expect(await codeOf('v=DKIM1; k=rsa; h=sha1; p=AAAA')).toBe('EINVALIDHASH');
    expect(await codeOf('v=DKIM1; k=rsa; s=other; p=AAAA')).toBe('EINVALIDSERVICE');
  });

  it('keeps the grammar the ARC checks read', () => {
    expect(syntax.DOMAIN_NAME.test('example.org')).toBe(true);
    expect(syntax.DOMAIN_NAME.test('***')).toBe(false);
    expect(syntax.SELECTOR.test('arc-20160816')).toBe(true);
    expect(syntax.TIMESTAMP.test('1234567890123')).toBe(false);
    expect(syntax.BODY_LENGTH.test('12')).toBe(true);
    expect(tools.toALabel('bücher.example')).toBe('xn--bcher-kva.example');
  });

  it('splits a message into header rows and body chunks (bare LF read as CRLF)', async () => {
    const seen: { keys: string[]; body: Buffer[] } = { keys: [], body: [] };
    class Probe extends MessageParser {
      override async messageHeaders(h: { parsed: { key: string }[] }) {
        seen.keys = h.parsed.map((r) => r.key);
      }
      override async nextChunk(chunk: Buffer) {
        seen.body.push(chunk);
      }
      override async finalChunk() {}
    }
    await tools.writeToStream(new Probe(), Buffer.from('From: a@b.c\nSubject: x\n\nline\n'));
    expect(seen.keys).toEqual(['from', 'subject']);
    expect(Buffer.concat(seen.body).toString()).toBe('line\r\n');
  });
});
