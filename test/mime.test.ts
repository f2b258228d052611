// src/mail/mime.ts against postal-mime 4 (the parser it replaces): the same answers on synthetic
// mail and on every message of the shared corpus, focused cases for the fiddly parts, the
// deliberate differences (each with the reason), and the limits that keep hostile input cheap.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import PostalMime, { type Email } from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import { mboxEntries } from '../src/ingest/formats/mbox.ts';
import { defaultLimits } from '../src/ingest/limits.ts';
import { looksLikeMessage } from '../src/mail/header-block.ts';
import { loopWork, type MimeMessage, parseMime } from '../src/mail/mime.ts';
import { parseMessage } from '../src/mail/parse.ts';
import { generateMessageList } from '../src/sample/synth.ts';
import { corpusLocation, requireCorpus } from './helpers/corpus.ts';

const OPTIONS = { maxNestingDepth: defaultLimits.maxDepth * 4, maxHeadersSize: defaultLimits.maxHeaderBytes };

function mine(raw: Buffer | string): MimeMessage {
  return parseMime(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw, OPTIONS);
}

function postal(raw: Buffer | string): Promise<Email> {
  // How parse.ts called postal-mime before mime.ts replaced it.
  return PostalMime.parse(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw, {
    forceRfc822Attachments: true,
    attachmentEncoding: 'arraybuffer',
    ...OPTIONS,
  });
}

const bytesOf = (content: ArrayBuffer | Uint8Array | string): Buffer =>
  typeof content === 'string'
    ? Buffer.from(content, 'utf8')
    : Buffer.from(content instanceof ArrayBuffer ? new Uint8Array(content) : content);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Attachment bytes as both parsers can agree on them. Base64 parts must match exactly. Parts sent
 * as 7bit/8bit/binary/quoted-printable differ only in line endings, deliberately (see "deliberate
 * differences"): postal-mime rewrites each line ending to LF and appends one after the last line,
 * mime.ts keeps them as sent and leaves the delimiter's CRLF out. So those are compared with every
 * CR-run+LF made LF and the trailing line breaks removed. text/calendar is re-encoded by postal-mime
 * (UTF-8, LF, exactly one final LF): compared as UTF-8 text with the same line-ending normalisation.
 */
function comparableAttachment(content: Buffer, mimeType: string, transferEncoding: string): string {
  if (mimeType === 'text/calendar' || mimeType === 'application/ics') {
    return sha256(Buffer.from(content.toString('utf8').replace(/\r?\n/g, '\n').replace(/\n+$/, '')));
  }
  if (transferEncoding.includes('base64')) return sha256(content);
  return sha256(
    Buffer.from(
      content
        .toString('latin1')
        .replace(/\r+\n/g, '\n')
        .replace(/[\r\n]+$/, ''),
      'latin1',
    ),
  );
}

/** Differences between the two parsers' answers on one message, as readable lines ([] when equal). */
async function differences(raw: Buffer): Promise<string[]> {
  const out: string[] = [];
  let p: Email | null = null;
  let m: MimeMessage | null = null;
  let pError = '';
  let mError = '';
  try {
    p = await postal(raw);
  } catch (err) {
    pError = String(err);
  }
  try {
    m = mine(raw);
  } catch (err) {
    mError = String(err);
  }
  const same = (what: string, a: unknown, b: unknown): void => {
    const ja = JSON.stringify(a);
    const jb = JSON.stringify(b);
    if (ja !== jb) out.push(`${what}: postal-mime ${ja?.slice(0, 160)} / mime.ts ${jb?.slice(0, 160)}`);
  };
  same('error', pError, mError);
  if (!p || !m) return out;
  same(
    'headers',
    p.headers.map((h) => [h.key, h.value]),
    m.headers.map((h) => [h.key, h.value]),
  );
  for (const key of [
    'subject',
    'from',
    'sender',
    'to',
    'cc',
    'bcc',
    'replyTo',
    'messageId',
    'inReplyTo',
    'references',
  ] as const) {
    same(key, p[key], m[key]);
  }
  same('date (raw)', p.headers.find((h) => h.key === 'date')?.value, m.date);
  // Text and html are produced exactly as postal-mime produces them, so no normalisation at all,
  // except where mime.ts deliberately decodes differently: a charset fallback (flagged).
  if (!m.flags.some((f) => f.startsWith('charset:'))) {
    same('text', p.text, m.text);
    same('html', p.html, m.html);
  }
  // A part header block that is not UTF-8 is read as windows-1252 by mime.ts, as UTF-8 with U+FFFD
  // by postal-mime (deliberate difference 7, flagged): there, each run of non-ASCII characters stands
  // for the same run of bytes on both sides.
  const fallback = m.flags.includes('8bit-part-headers:windows-1252-fallback');
  const asRead = (value: string | null | undefined): string | null =>
    value == null ? null : fallback ? value.replace(/[^\x00-\x7f]+/g, '?') : value;
  same(
    'attachments',
    p.attachments.map((a) => [asRead(a.filename), asRead(a.mimeType), asRead(a.description)]),
    m.attachments.map((a) => [asRead(a.filename), asRead(a.mimeType), asRead(a.description)]),
  );
  same(
    'attachment content',
    p.attachments.map((a, i) =>
      comparableAttachment(bytesOf(a.content), a.mimeType, m.attachments[i]?.transferEncoding ?? ''),
    ),
    m.attachments.map((a) => comparableAttachment(a.content, a.mimeType, a.transferEncoding)),
  );
  return out;
}

async function expectSame(raw: Buffer | string): Promise<MimeMessage> {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  expect(await differences(bytes)).toEqual([]);
  return mine(bytes);
}

const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');
const HEAD =
  'From: a@b.example\nTo: c@d.example\nSubject: t\nDate: Tue, 02 May 2017 10:15:00 +0200\nMessage-ID: <t@b.example>\nMIME-Version: 1.0\n';

// ---------------------------------------------------------------------------------------------

describe('equivalence with postal-mime on synthetic mail', () => {
  it('gives the same answers for 500 generated messages (seed 7)', async () => {
    const messages = await generateMessageList({ count: 500, seed: 7 });
    const failures: string[] = [];
    for (const m of messages) {
      for (const d of await differences(m.raw)) failures.push(`message ${m.index}: ${d}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('equivalence with postal-mime on damaged mail', () => {
  it('gives the same answers for 1,000 mutated messages (LF-only, truncated, junk and boundary lines)', async () => {
    const base = (await generateMessageList({ count: 120, seed: 3 })).map((m) => m.raw.toString('latin1'));
    let seed = 1;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
    const junk = [
      '\r\n',
      '\n',
      '\r',
      '--',
      '=',
      '=\r\n',
      '=4',
      '=41',
      ' ',
      '\t',
      '\r\n\r\n',
      '\xe9',
      '(',
      '"',
      ';',
    ];
    junk.push('Content-Type: multipart/mixed; boundary=x\r\n', '--x\r\n', '--x--\r\n');
    junk.push('Content-Transfer-Encoding: quoted-printable\r\n', 'Content-Type: text/html\r\n');
    const failures: string[] = [];
    for (let iteration = 0; iteration < 1000; iteration++) {
      let s = pick(base);
      for (let k = 1 + Math.floor(random() * 4); k > 0; k--) {
        const r = random();
        const at = Math.floor(random() * s.length);
        const lineStart = s.lastIndexOf('\n', at) + 1;
        if (r < 0.15) s = s.replace(/\r\n/g, '\n');
        else if (r < 0.3) s = s.slice(0, at);
        else if (r < 0.5) s = s.slice(0, lineStart) + pick(junk) + s.slice(lineStart);
        else if (r < 0.7) s = s.slice(0, at) + pick(junk) + s.slice(at);
        else if (r < 0.8) s = s.slice(0, at) + s.slice(Math.max(at, s.indexOf('\n', at)));
        else if (r < 0.9) {
          const line = /\n--[^\r\n]+\r?\n/.exec(s.slice(at));
          if (line) s = s.slice(0, at + line.index) + line[0] + s.slice(at + line.index);
        } else {
          const dash = s.indexOf('--', at);
          if (dash > 0) s = `${s.slice(0, dash)}-${s.slice(dash + 1)}`;
        }
      }
      for (const d of await differences(Buffer.from(s, 'latin1')))
        failures.push(`mutation ${iteration}: ${d}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

const corpusRoot = corpusLocation();
const haveCorpus = requireCorpus('', 'mime.test: equivalence on the shared corpus') !== null;

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(name)) out.push(path);
  }
  return out;
}

describe.skipIf(!haveCorpus)(`equivalence with postal-mime on the shared corpus (${corpusRoot})`, () => {
  const messages: [string, Buffer][] = [];
  beforeAll(async () => {
    const docs = join(corpusRoot, 'docs');
    for (const path of filesUnder(docs, (n) => /\.eml$/i.test(n))) {
      messages.push([relative(corpusRoot, path), readFileSync(path)]);
    }
    for (const path of filesUnder(docs, (n) => /\.mbox$/i.test(n))) {
      for await (const event of mboxEntries(
        { kind: 'buffer', data: readFileSync(path), name: path },
        defaultLimits,
      )) {
        if (event.kind === 'entry')
          messages.push([`${relative(corpusRoot, path)}#${event.path}`, event.bytes]);
      }
    }
    for (const path of filesUnder(join(corpusRoot, 'dkim'), (n) => /\.eml$/i.test(n))) {
      messages.push([relative(corpusRoot, path), readFileSync(path)]);
    }
  });

  it('finds the corpus messages', () => {
    expect(messages.length).toBeGreaterThan(100);
  });

  it('gives the same answers for every .eml and mbox member', async () => {
    const failures: string[] = [];
    for (const [name, raw] of messages) {
      for (const d of await differences(raw)) failures.push(`${name}: ${d}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

if (!haveCorpus) {
  describe('shared corpus', () => {
    it.skip(`skipped: no corpus at ${corpusRoot} (set CRIBLE_CORPUS)`, () => {});
  });
}

// ---------------------------------------------------------------------------------------------

describe('structure', () => {
  it('splits a nested multipart, ignoring preamble and epilogue', async () => {
    const m = await expectSame(
      crlf(`${HEAD}Content-Type: multipart/mixed; boundary="outer"

This is the preamble.
--outer
Content-Type: multipart/alternative; boundary=inner

inner preamble
--inner
Content-Type: text/plain; charset=utf-8

plain body
--inner
Content-Type: text/html; charset=utf-8

<p>html body</p>
--inner--
inner epilogue
--outer
Content-Type: application/pdf; name="a.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer--
This is the epilogue.
`),
    );
    expect(m.text).toBe('plain body\n');
    expect(m.html).toBe('<p>html body</p>\n');
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]).toMatchObject({ filename: 'a.pdf', mimeType: 'application/pdf' });
    expect(m.attachments[0]!.content.toString()).toBe('%PDF-1.4\n');
  });

  it('ends the last part at the end of the message when the closing delimiter is missing', async () => {
    const m = await expectSame(
      crlf(`${HEAD}Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

first
--b
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

AAEC`),
    );
    expect(m.text).toBe('first\n');
    expect([...m.attachments[0]!.content]).toEqual([0, 1, 2]);
  });

  it('takes only whole delimiter lines: boundary-looking text stays in the part', async () => {
    const m = await expectSame(
      crlf(`${HEAD}Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

--bb is not a delimiter
 --b neither (not at line start)
--b x neither (text after it)
--b-- still not (text after the closing dashes)
--b \t
Content-Type: text/plain

after a delimiter with trailing whitespace
--b--\t
--b
never read: after the closing delimiter
`),
    );
    expect(m.text).toBe(
      '--bb is not a delimiter\n --b neither (not at line start)\n--b x neither (text after it)\n--b-- still not (text after the closing dashes)\n\nafter a delimiter with trailing whitespace\n',
    );
  });

  it('gives the delimiters to a part reusing the boundary of its parent, as postal-mime does', async () => {
    const m = await expectSame(
      crlf(
        `${HEAD}Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\none\n--b--\nignored\n--b\nContent-Type: text/plain\n\ntwo\n--b--\n`,
      ),
    );
    expect(m.text).toBe('one\n\ntwo\n');
  });

  it('handles LF-only mail, a part without headers and a part without a body', async () => {
    const m = await expectSame(
      `${HEAD}Content-Type: multipart/mixed; boundary=b\n\n--b\n\nno headers: text/plain\n--b\nContent-Type: image/png\n--b--\n`,
    );
    expect(m.text).toBe('no headers: text/plain\n');
    expect(m.attachments).toMatchObject([{ mimeType: 'image/png' }]);
    expect(m.attachments[0]!.content.length).toBe(0);
  });

  it('treats the parts of a multipart/digest as message/rfc822', async () => {
    const m = await expectSame(
      crlf(`${HEAD}Content-Type: multipart/digest; boundary=d

--d

From: x@y.example
Subject: inner

inner body
--d--
`),
    );
    expect(m.attachments).toMatchObject([{ mimeType: 'message/rfc822' }]);
  });

  it('joins inline text parts and converts between text and html as postal-mime does', async () => {
    const m = await expectSame(
      crlf(`${HEAD}Content-Type: multipart/mixed; boundary=b

--b
Content-Type: multipart/alternative; boundary=a

--a
Content-Type: text/plain

Plain & simple
--a
Content-Type: text/html

<p>Rich &amp; <b>bold</b></p>
--a--
--b
Content-Type: text/plain

List footer <unsubscribe>
--b
Content-Type: text/html

<div>html only &eacute;t&eacute;</div>
--b--
`),
    );
    expect(m.text).toContain('Plain & simple\n\nList footer <unsubscribe>\n');
    expect(m.html).toContain('<div>List footer &#x3C;unsubscribe&#x3E;</div>');
  });

  it('reads headers: folding, duplicates kept in order, encoded words, address lists', async () => {
    const m = await expectSame(
      crlf(`Received: one
Received: two
From: =?utf-8?Q?Andr=C3=A9?= <andre@b.example>
To: "Doe, Jane" <jane@d.example>, bob@d.example,
\tundisclosed-recipients:;
Cc: Group: a@x.example, b@x.example;
Subject: =?iso-8859-1?Q?R=E9union?=
 =?utf-8?B?IGJ1ZGfDqXRhaXJl?=
Date: Tue, 02 May 2017 10:15:00 +0200
Message-ID: <id@b.example>
References: <a@x> <b@x>
Content-Type: text/plain

body
`),
    );
    expect(m.headers.filter((h) => h.key === 'received').map((h) => h.value)).toEqual(['one', 'two']);
    expect(m.subject).toBe('Réunion budgétaire');
    expect(m.from).toMatchObject({ name: 'André', address: 'andre@b.example' });
    expect(m.to?.[0]).toMatchObject({ name: 'Doe, Jane', address: 'jane@d.example' });
    expect(m.date).toBe('Tue, 02 May 2017 10:15:00 +0200');
  });
});

describe('parameters (RFC 2045 / RFC 2231)', () => {
  it('decodes charset-tagged, continued and quoted filenames', async () => {
    const m = await expectSame(
      crlf(`${HEAD}Content-Type: multipart/mixed; boundary=b

--b
Content-Type: application/pdf
Content-Disposition: attachment; filename*=utf-8''%C3%A9t%C3%A9%20rapport.pdf

x
--b
Content-Type: application/pdf
Content-Disposition: attachment;
 filename*0*=iso-8859-1'fr'r%E9sum%E9;
 filename*1=" final";
 filename*2*=%2Epdf

x
--b
Content-Type: application/pdf; name="quoted \\"name\\"; with semicolon.pdf"

x
--b
Content-Type: application/pdf; name=Invoice(1).pdf (a comment)

x
--b
Content-Type: application/pdf; name="=?utf-8?Q?encod=C3=A9?=.pdf"

x
--b--
`),
    );
    expect(m.attachments.map((a) => a.filename)).toEqual([
      'été rapport.pdf',
      'résumé final.pdf',
      'quoted "name"; with semicolon.pdf',
      'Invoice(1).pdf',
      'encodé.pdf',
    ]);
  });

  it('finds a quoted boundary with odd characters, and the first of duplicated parameters', async () => {
    const m = await expectSame(
      crlf(`${HEAD}Content-Type: multipart/mixed; boundary="=_a b:c(d)?"; boundary="other"

--=_a b:c(d)?
Content-Type: text/plain

inside
--=_a b:c(d)?--
`),
    );
    expect(m.text).toBe('inside\n');
  });
});

describe('transfer encodings', () => {
  it('decodes quoted-printable: soft breaks, escapes, invalid sequences kept literally', async () => {
    const m = await expectSame(
      crlf(`${HEAD}Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

soft=
 break, caf=C3=A9, lower=c3=a9
invalid =ZZ =4 =\tend = at end=3D
last line without newline=`),
    );
    expect(m.text).toBe(
      'soft break, café, loweré\ninvalid =ZZ =4 =\tend = at end=\nlast line without newline',
    );
  });

  it('decodes quoted-printable attachment bytes, keeping hard line breaks as sent', () => {
    const m = mine(
      crlf(`${HEAD}Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/csv
Content-Disposition: attachment; filename=a.csv
Content-Transfer-Encoding: quoted-printable

a;b=\r
;c=0D=0A
d=3De
--b--
`),
    );
    expect(m.attachments[0]!.content.toString('latin1')).toBe('a;b;c\r\n\r\nd=e');
  });

  it('decodes base64 with line breaks, garbage and per-line padding like postal-mime', async () => {
    const m = await expectSame(
      crlf(`${HEAD}Content-Type: multipart/mixed; boundary=b

--b
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

SGVs bG8s
IHdv!!cmxk
--b
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

YQ==
Yg==
YWI=
--b
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

--SGVsbG8=
--b--
`),
    );
    expect(m.attachments.map((a) => a.content.toString())).toEqual(['Hello, world', 'abab', 'Hello']);
  });

  it('decodes a big base64 attachment chunk by chunk, and irregular ones whole', async () => {
    const payload = Buffer.alloc(400_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) % 251;
    const lines = payload.toString('base64').match(/.{1,76}/g)!;
    const irregular = [...lines];
    irregular[3000] = `${irregular[3000]!.slice(0, 40)}\r\n${irregular[3000]!.slice(40)}`; // a short line
    for (const body of [lines.join('\r\n'), lines.join('\n'), irregular.join('\r\n')]) {
      const m = await expectSame(
        `${HEAD}Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`,
      );
      expect(m.attachments[0]!.content.equals(payload)).toBe(true);
    }
  });
});

describe('charsets', () => {
  it('decodes declared charsets and postal-mime aliases (cp932, iso-8859-8-i, latin1)', async () => {
    for (const [charset, bytes, text] of [
      ['iso-8859-1', Buffer.from('caf\xe9', 'latin1'), 'café'],
      ['cp932', Buffer.from([0x93, 0xfa, 0x96, 0x7b]), '日本'],
      ['windows-1251', Buffer.from([0xcf, 0xf0, 0xe8]), 'При'],
      ['koi8-r', Buffer.from([0xf0, 0xd2, 0xc9]), 'При'],
    ] as const) {
      const raw = Buffer.concat([
        Buffer.from(crlf(`${HEAD}Content-Type: text/plain; charset="${charset}"\n\n`)),
        bytes,
      ]);
      const m = await expectSame(raw);
      expect(m.text).toBe(`${text}\n`);
      expect(m.flags).toEqual([]);
    }
  });

  it('falls back on an unknown charset, to UTF-8 when valid else windows-1252, with a flag', () => {
    const utf8 = mine(Buffer.from(crlf(`${HEAD}Content-Type: text/plain; charset=x-no-such\n\nété\n`)));
    expect(utf8.text).toBe('été\n');
    expect(utf8.flags).toEqual(['charset:unknown:x-no-such']);
    const latin = mine(
      Buffer.concat([
        Buffer.from(crlf(`${HEAD}Content-Type: text/plain; charset=x-no-such\n\n`)),
        Buffer.from('\xe9t\xe9\r\n', 'latin1'),
      ]),
    );
    expect(latin.text).toBe('été\n');
    expect(latin.flags).toEqual(['charset:unknown:x-no-such']);
  });
});

describe('parseMessage (parse.ts on top of mime.ts)', () => {
  it('reads raw 8-bit headers as UTF-8, or as windows-1252 when they are not UTF-8', async () => {
    const utf8 = await parseMessage(
      Buffer.from(crlf(`${HEAD.replace('Subject: t', 'Subject: Réunion')}\nx\n`)),
      defaultLimits,
      true,
    );
    expect(utf8.message).toMatchObject({ subject: 'Réunion' });
    expect(utf8.message?.flags).toContain('8bit-headers:utf-8');
    const cp1252 = await parseMessage(
      Buffer.from(crlf(`${HEAD.replace('Subject: t', 'Subject: R\xe9union \x93budget\x94')}\nx\n`), 'latin1'),
      defaultLimits,
      true,
    );
    expect(cp1252.message).toMatchObject({ subject: 'Réunion “budget”' });
    expect(cp1252.message?.flags).toContain('8bit-headers:windows-1252-fallback');
  });

  it('reads the whole header block of a part bomb whose header is windows-1252 (it grows when transcoded)', async () => {
    const parts = Array.from(
      { length: 20 },
      (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\np${i}\r\n`,
    ).join('');
    const raw = Buffer.from(
      `Subject: R\xe9union \xe9t\xe9 \xe0 l'h\xf4tel\r\nFrom: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\nDate: Tue, 02 May 2017 10:15:00 +0200\r\n\r\n${parts}--b--\r\n`,
      'latin1',
    );
    const parsed = await parseMessage(raw, { ...defaultLimits, maxMimeParts: 5 }, true);
    expect(parsed.status).toBe('limited');
    expect(parsed.message).toMatchObject({
      dateRaw: 'Tue, 02 May 2017 10:15:00 +0200',
      date: '2017-05-02T08:15:00.000Z',
    });
    expect(parsed.message?.flags).toContain('8bit-headers:windows-1252-fallback');
  });

  it('returns a message/rfc822 part raw, byte for byte, as a message part', async () => {
    const inner =
      'From: x@y.example\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\n\r\nbody  \r\n--i--\r\n';
    const raw = Buffer.from(
      `${crlf(HEAD)}Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n${inner}\r\n--b--\r\n`,
    );
    const parsed = await parseMessage(raw, defaultLimits, true);
    expect(parsed.status).toBe('ok');
    expect(parsed.message?.text).toBe('see attached\n');
    expect(parsed.parts).toHaveLength(1);
    expect(parsed.parts[0]).toMatchObject({
      path: 'part/1',
      isMessage: true,
      declaredType: 'message/rfc822',
    });
    expect(parsed.parts[0]!.bytes.toString()).toBe(inner);
  });

  it('flags an unknown charset', async () => {
    const parsed = await parseMessage(
      Buffer.from(crlf(`${HEAD}Content-Type: text/plain; charset=klingon\n\nqapla\n`)),
      defaultLimits,
      true,
    );
    expect(parsed.message?.flags).toContain('charset:unknown:klingon');
  });
});

describe('8-bit part headers (parse.ts and mime.ts)', () => {
  /** A message whose second part has the given header block (raw bytes), its body `%PDF-1.4\n` in base64. */
  const withPart = (...partHeaders: Buffer[]): Buffer =>
    Buffer.concat([
      Buffer.from(
        crlf(
          `${HEAD}Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n`,
        ),
      ),
      ...partHeaders.flatMap((headers) => [
        Buffer.from('--b\r\n'),
        headers,
        Buffer.from('Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n'),
      ]),
      Buffer.from('--b--\r\n'),
    ]);
  const latin1 = (s: string): Buffer => Buffer.from(crlf(s), 'latin1');
  const utf8 = (s: string): Buffer => Buffer.from(crlf(s), 'utf8');

  it('reads a windows-1252 filename, name parameter and description, and flags the message', async () => {
    const raw = withPart(
      latin1(
        'Content-Type: application/pdf; name="r\xe9sum\xe9.pdf"\nContent-Description: CV \x93final\x94 de Ren\xe9\nContent-Disposition: attachment; filename="r\xe9sum\xe9 final.pdf"\n',
      ),
      latin1('Content-Type: application/pdf; name="\xe9t\xe9.pdf"\n'),
    );
    const parsed = await parseMessage(raw, defaultLimits, true);
    expect(parsed.status).toBe('ok');
    expect(parsed.parts.map((p) => [p.path, p.filename, p.declaredType])).toEqual([
      ['part/1/résumé final.pdf', 'résumé final.pdf', 'application/pdf'],
      ['part/2/été.pdf', 'été.pdf', 'application/pdf'],
    ]);
    expect(parsed.parts[0]!.bytes.toString()).toBe('%PDF-1.4\n');
    expect(parsed.message?.text).toBe('see attached\n');
    // The top-level block is ASCII: only the part headers are flagged.
    expect(parsed.message?.flags).toEqual(['8bit-part-headers:windows-1252-fallback']);
    expect(mine(raw).attachments[0]).toMatchObject({ description: 'CV “final” de René' });
  });

  it('reads UTF-8 part headers as UTF-8, flagged as such', async () => {
    const raw = withPart(
      utf8(
        'Content-Type: application/pdf\nContent-Description: Réunion\nContent-Disposition: attachment; filename="été.pdf"\n',
      ),
    );
    const parsed = await parseMessage(raw, defaultLimits, true);
    expect(parsed.parts.map((p) => p.filename)).toEqual(['été.pdf']);
    expect(parsed.message?.flags).toEqual(['8bit-part-headers:utf-8']);
    // postal-mime reads UTF-8 part headers the same way.
    expect((await expectSame(raw)).attachments[0]).toMatchObject({
      filename: 'été.pdf',
      description: 'Réunion',
    });
  });

  it('decides part by part, and apart from the top-level block', async () => {
    const raw = Buffer.concat([
      Buffer.from(`Subject: R\xe9union\r\n`, 'latin1'),
      withPart(
        utf8('Content-Type: application/pdf; name="été.pdf"\n'),
        latin1('Content-Type: application/pdf; name="r\xe9sum\xe9.pdf"\n'),
      ),
    ]);
    const parsed = await parseMessage(raw, defaultLimits, true);
    expect(parsed.message?.subject).toBe('Réunion');
    expect(parsed.parts.map((p) => p.filename)).toEqual(['été.pdf', 'résumé.pdf']);
    expect(parsed.message?.flags).toEqual([
      '8bit-headers:windows-1252-fallback',
      '8bit-part-headers:utf-8',
      '8bit-part-headers:windows-1252-fallback',
    ]);
  });

  it('flags nothing for ASCII part headers (RFC 2231 and encoded words are ASCII)', async () => {
    const raw = withPart(
      Buffer.from(
        crlf(
          'Content-Type: application/pdf; name="=?iso-8859-1?Q?r=E9sum=E9.pdf?="\nContent-Disposition: attachment; filename*=iso-8859-1\'\'r%E9sum%E9.pdf\n',
        ),
      ),
    );
    const parsed = await parseMessage(raw, defaultLimits, true);
    expect(parsed.parts.map((p) => p.filename)).toEqual(['résumé.pdf']);
    expect(parsed.message?.flags).toEqual([]);
  });
});

describe('what comes before the header block: a UTF-8 BOM, blank lines', () => {
  const bare = Buffer.from(
    crlf(
      `${HEAD}Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\n\nBonjour\n--b\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b--\n`,
    ),
  );
  const BOM = '\ufeff';

  for (const [label, lead, flags] of [
    ['a UTF-8 BOM', BOM, ['leading-bom']],
    ['LF blank lines', '\n\n', ['leading-blank-lines']],
    ['CRLF blank lines', '\r\n\r\n\r\n', ['leading-blank-lines']],
    ['a BOM then a blank line', `${BOM}\r\n`, ['leading-bom', 'leading-blank-lines']],
  ] as const) {
    it(`reads a message preceded by ${label}, flagged, without changing the stored bytes`, async () => {
      const raw = Buffer.concat([Buffer.from(lead, 'utf8'), bare]);
      const copy = Buffer.from(raw);
      expect(looksLikeMessage(raw)).toBe(true);
      const parsed = await parseMessage(raw, defaultLimits, true);
      const expected = await parseMessage(bare, defaultLimits, true);
      expect(parsed.status).toBe('ok');
      expect(parsed.message?.flags).toEqual(flags);
      expect(parsed.message).toEqual({ ...expected.message, flags });
      expect(parsed.message).toMatchObject({
        subject: 't',
        from: [{ address: 'a@b.example' }],
        text: 'Bonjour\n',
        headerRaw: expect.stringMatching(/^From: a@b\.example\r\n/),
      });
      expect(parsed.parts.map((p) => [p.filename, p.bytes.toString()])).toEqual([['a.pdf', '%PDF-1.4\n']]);
      expect(raw.equals(copy)).toBe(true);
    });
  }

  it('still refuses what is not a message, and blank lines without end', async () => {
    for (const text of ['\n\nHello, this is a letter.\n', `${BOM}Dear Bob: hello\n`, '\r\n\r\n']) {
      expect(looksLikeMessage(Buffer.from(text))).toBe(false);
    }
    // Blank lines are skipped over the first 4 KB only.
    expect(looksLikeMessage(Buffer.concat([Buffer.from('\n'.repeat(4000)), bare]))).toBe(true);
    expect(looksLikeMessage(Buffer.concat([Buffer.from('\n'.repeat(5000)), bare]))).toBe(false);
    expect(await parseMessage(Buffer.from(`\n\n${crlf(HEAD)}\r\nx`), defaultLimits, true)).toMatchObject({
      status: 'ok',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Where mime.ts deliberately answers differently from postal-mime, and why.

describe('deliberate differences from postal-mime', () => {
  const mixed = (part: string): string =>
    crlf(
      `${HEAD}Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nbody\n--b\n${part}\n--b--\n`,
    );

  it('1. keeps the exact bytes of an unencoded attachment', async () => {
    // postal-mime rewrites every line ending to LF and adds one at the end: an attached message
    // no longer hashes (or DKIM-verifies) as sent. RFC 2046 5.1.1: the CRLF before a delimiter
    // belongs to the delimiter, so the part ends before it.
    const raw = mixed(
      'Content-Type: text/csv\nContent-Disposition: attachment; filename=a.csv\n\na;b\r\nc;d',
    );
    expect(bytesOf((await postal(raw)).attachments[0]!.content as ArrayBuffer).toString()).toBe('a;b\nc;d\n');
    expect(mine(raw).attachments[0]!.content.toString()).toBe('a;b\r\nc;d');
  });

  it('2. keeps the hard line breaks of a quoted-printable attachment as sent', async () => {
    // Same reason: a QP hard line break is the canonical CRLF, postal-mime writes LF.
    const raw = mixed(
      'Content-Type: text/csv\nContent-Disposition: attachment; filename=a.csv\nContent-Transfer-Encoding: quoted-printable\n\nd=3De\r\nf',
    );
    expect(bytesOf((await postal(raw)).attachments[0]!.content as ArrayBuffer).toString()).toBe('d=e\nf\n');
    expect(mine(raw).attachments[0]!.content.toString()).toBe('d=e\r\nf');
  });

  it('3. keeps a text/calendar attachment as decoded, not re-encoded', async () => {
    // postal-mime re-encodes calendars to UTF-8 with LF endings: the file is no longer the original.
    const raw = mixed(
      'Content-Type: text/calendar; charset=iso-8859-1; method=REQUEST\n\nBEGIN:VCALENDAR\r\nSUMMARY:R\xe9union\r\nEND:VCALENDAR',
    );
    expect(bytesOf((await postal(raw)).attachments[0]!.content as ArrayBuffer).toString()).toBe(
      'BEGIN:VCALENDAR\nSUMMARY:Réunion\nEND:VCALENDAR\n',
    );
    expect(mine(raw).attachments[0]!.content.toString('latin1')).toBe(
      'BEGIN:VCALENDAR\r\nSUMMARY:R\xe9union\r\nEND:VCALENDAR',
    );
  });

  it('4. reads an unknown charset as UTF-8 when the bytes are valid UTF-8, and flags it', async () => {
    // postal-mime always falls back to windows-1252, turning valid UTF-8 into mojibake, silently.
    const raw = Buffer.from(crlf(`${HEAD}Content-Type: text/plain; charset=x-mac-french\n\nété\n`));
    expect((await postal(raw)).text).toBe('Ã©tÃ©\n');
    expect(mine(raw)).toMatchObject({ text: 'été\n', flags: ['charset:unknown:x-mac-french'] });
  });

  it('5. reads undeclared 8-bit text that is not UTF-8 as windows-1252, and flags it', async () => {
    // postal-mime decodes it as UTF-8: every accented letter becomes U+FFFD, lost for good.
    const raw = Buffer.concat([Buffer.from(crlf(`${HEAD}\n`)), Buffer.from('caf\xe9\r\n', 'latin1')]);
    expect((await postal(raw)).text).toBe('caf\ufffd\n');
    expect(mine(raw)).toMatchObject({ text: 'café\n', flags: ['charset:undeclared:windows-1252'] });
  });

  it('6. lets a grandparent split first when a nested multipart reuses its boundary', async () => {
    // RFC 2046 forbids reusing a boundary. postal-mime gives each delimiter to the innermost
    // multipart that declared it; mime.ts does so for a part that reuses its direct parent's
    // boundary (see "structure"), but a reuse two levels down is split by the ancestor, which
    // searches its whole body once, so the text after the inner closing delimiter is lost here.
    const raw = crlf(
      `${HEAD}Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/related; boundary=r\n\n--r\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\none\n--b--\n--r--\n--b\nContent-Type: text/plain\n\ntwo\n--b--\n`,
    );
    expect((await postal(raw)).text).toBe('one\n\ntwo\n');
    expect(mine(raw).text).toBe('one\n');
  });

  it('7. reads a part header block that is not UTF-8 as windows-1252, and flags it', async () => {
    // postal-mime decodes header bytes as UTF-8: a raw Latin-1 filename loses every accented letter.
    const raw = Buffer.from(
      mixed(
        'Content-Type: application/pdf\nContent-Disposition: attachment; filename="r\xe9sum\xe9.pdf"\n\nx',
      ),
      'latin1',
    );
    expect((await postal(raw)).attachments[0]!.filename).toBe('r\ufffdsum\ufffd.pdf');
    expect(mine(raw)).toMatchObject({
      attachments: [{ filename: 'résumé.pdf' }],
      flags: ['8bit-part-headers:windows-1252-fallback'],
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('limits and pathological input', () => {
  const nested = (depth: number): string => {
    let body = 'Content-Type: text/plain\n\ndeep\n';
    for (let level = depth; level > 0; level--) {
      body = `Content-Type: multipart/mixed; boundary=n${level}\n\n--n${level}\n${body}--n${level}--\n`;
    }
    return crlf(`${HEAD}${body}`);
  };

  it('reads nesting up to the limit and refuses deeper, without recursing further', async () => {
    expect((await expectSame(nested(32))).text).toBe('deep\n');
    expect(() => mine(nested(33))).toThrow(/nesting depth of 32/);
    expect(() => mine(nested(5000))).toThrow(/nesting depth of 32/);
    const parsed = await parseMessage(Buffer.from(nested(100)), defaultLimits, true);
    expect(parsed).toMatchObject({
      status: 'failed',
      reason: { code: 'message.mime-unreadable', params: { error: expect.stringMatching(/nesting depth/) } },
    });
  });

  it('counts header bytes across all parts', () => {
    const part = `--b\nContent-Type: text/plain\nX-Pad: ${'x'.repeat(1000)}\n\nx\n`;
    const raw = crlf(`${HEAD}Content-Type: multipart/mixed; boundary=b\n\n${part.repeat(200)}--b--\n`);
    expect(() => parseMime(Buffer.from(raw), { maxNestingDepth: 32, maxHeadersSize: 100_000 })).toThrow(
      /Maximum header size of 100000 bytes/,
    );
    // Under the default 1 MB the same message reads: 200 bodies of 'x\n' joined with '\n'.
    expect(mine(raw).text?.length).toBe(599);
  });

  // The header budget would stop these before the end (as it should): lifted to exercise the parser.
  const unbounded = { maxNestingDepth: 32, maxHeadersSize: Number.MAX_SAFE_INTEGER };

  interface Work {
    /** Bytes the parser's Buffer searches ran over (native: indexOf). */
    scanned: number;
    /** Iterations of the parser's own loops (mime.ts counts them in loopWork). */
    loops: Record<keyof typeof loopWork, number>;
    /** Everything: what linear parsing keeps to a bounded amount per input byte. */
    total: number;
    parsed: MimeMessage;
  }

  /** What parsing `raw` costs, measured in operations (never in time). */
  const workOf = (raw: Buffer): Work => {
    const before = { ...loopWork };
    const original = Buffer.prototype.indexOf;
    let scanned = 0;
    Buffer.prototype.indexOf = function (this: Buffer, ...args: Parameters<Buffer['indexOf']>) {
      const found = original.apply(this, args);
      const from =
        typeof args[1] === 'number' ? (args[1] < 0 ? Math.max(0, this.length + args[1]) : args[1]) : 0;
      scanned += (found === -1 ? this.length : found) - from;
      return found;
    };
    let parsed: MimeMessage;
    try {
      parsed = parseMime(raw, unbounded);
    } finally {
      Buffer.prototype.indexOf = original;
    }
    const keys = Object.keys(loopWork) as (keyof typeof loopWork)[];
    const loops = Object.fromEntries(keys.map((k) => [k, loopWork[k] - before[k]])) as Work['loops'];
    const total = scanned + keys.reduce((sum, k) => sum + loops[k], 0);
    return { scanned, loops, total, parsed };
  };

  /**
   * Each measure of `large`'s work against `small`'s, divided by the ratio of their sizes (≈ 4): 1 when
   * the work grows as the input does (4× the input, 4× the work), about 4 if it grew with its square,
   * less than 1 for work that does not grow. Measures that are zero on both are left out.
   */
  const growth = (small: Buffer, large: Buffer): Record<string, number> => {
    const a = workOf(small);
    const b = workOf(large);
    const size = large.length / small.length;
    const out: Record<string, number> = {};
    const measures: [string, number, number][] = [
      ['scanned', a.scanned, b.scanned],
      ...(Object.keys(a.loops) as (keyof typeof loopWork)[]).map((k): [string, number, number] => [
        k,
        a.loops[k],
        b.loops[k],
      ]),
    ];
    for (const [name, x, y] of measures) if (x || y) out[name] = y / x / size;
    return out;
  };
  /** `proportional` measures grow as the input does; no measure grows faster. */
  const expectLinear = (ratios: Record<string, number>, proportional: string[]): void => {
    for (const name of proportional) {
      expect({ name, ratio: ratios[name] }).toEqual({ name, ratio: expect.closeTo(1, 1) });
    }
    for (const [name, ratio] of Object.entries(ratios)) {
      expect({ name, ratio }).toEqual({ name, ratio: expect.toSatisfy((r: number) => r < 1.05) });
    }
  };

  it('stays linear with 50,000 tiny parts: 4× the parts, 4× the searching and 4× the loop work', () => {
    const build = (n: number): Buffer =>
      Buffer.from(
        crlf(
          `${HEAD}Content-Type: multipart/mixed; boundary=b\n\n${'--b\nContent-Type: application/x-tiny\n\np\n'.repeat(n)}--b--\n`,
        ),
      );
    const small = build(12_500);
    const large = build(50_000);
    const work = workOf(large);
    expect(work.parsed.attachments).toHaveLength(50_000);
    expect(work.total).toBeLessThan(large.length * 20);
    // Quadratic searching (each part searched from the start) would make `scanned` ≈ 4 here.
    expectLinear(growth(small, large), ['scanned', 'headerLines', 'delimiters']);
  });

  it('never searches past a part: 20,000 multiparts whose boundary never appears cost a bounded amount per byte', () => {
    const part = '--b\nContent-Type: multipart/alternative; boundary=never\n\nnothing here\n';
    const raw = Buffer.from(
      crlf(
        `${HEAD}Content-Type: multipart/mixed; boundary=b\n\n${part.repeat(20_000)}--b--\n${'z'.repeat(5_000_000)}`,
      ),
    );
    // Were the 5 MB epilogue after the last part searched for each inner boundary: 20,000 × 5 MB.
    const work = workOf(raw);
    expect(work.scanned).toBeLessThan(raw.length * 3);
    expect(work.total).toBeLessThan(raw.length * 3);
  });

  it('decodes quoted-printable in linear time: 4× the body, 4× the decoder loop iterations, at most 2 per byte', () => {
    const qp = (body: string, n: number): Buffer =>
      Buffer.from(
        crlf(`${HEAD}Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n`) +
          body.repeat(n),
        'latin1',
      );
    // French text with soft breaks, and garbage made of what sends the decoder into its inner loops:
    // CR runs (kept, or dropped before LF), `=` before CRs, invalid escapes.
    for (const [body, n] of [
      ['caf=C3=A9 =\r\n', 175_000],
      ['=\r\r\r x\r\r\r\n=4=\r\r=ZZ\r', 100_000],
    ] as const) {
      const small = qp(body, n);
      const large = qp(body, 4 * n);
      expectLinear(growth(small, large), ['quotedPrintable']);
      const { loops, parsed } = workOf(large);
      expect(loops.quotedPrintable).toBeGreaterThan(0);
      expect(loops.quotedPrintable).toBeLessThanOrEqual(2 * body.length * 4 * n);
      if (body.startsWith('caf')) expect(parsed.text?.startsWith('café ')).toBe(true);
    }
  });

  it('reads a 20 MB line in a part: each byte scanned a bounded number of times, 4× the line, 4× the work', () => {
    const line = (n: number): Buffer =>
      Buffer.from(
        `${crlf(HEAD)}Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n${'-'.repeat(n)}`,
      );
    const small = line(5_000_000);
    const large = line(20_000_000);
    expect(workOf(large).total).toBeLessThan(large.length * 3);
    expectLinear(growth(small, large), ['scanned']);
  });
});
