// Deterministic synthetic mail generator: realistic RFC 5322 messages from an invented
// campaign organisation, in French and English, with threads, encoded-word subjects,
// quoted-printable/base64 bodies, multipart/alternative, attachments and optional DKIM
// signatures made with throwaway keys. The same seed gives byte-identical output (signatures
// too, given the same keys).

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { keyName } from '../keys/formats/types.ts';
import {
  ATTACHMENT_NAMES,
  CITIES,
  CLOSINGS,
  DAYS_EN,
  DAYS_FR,
  GREETINGS,
  type Lang,
  PEOPLE,
  type Person,
  ROOMS,
  SENTENCES,
  SUBJECTS,
} from './corpus.ts';
import { CONTENT_TYPES, type DocKind, makeCsv, makeDocx, makePdf, makePng, pdfDate } from './documents.ts';
import {
  encodeBase64Lines,
  encodeQuotedPrintable,
  encodeWords,
  filenameParam,
  formatMailbox,
  formatRfc5322Date,
  header,
  isAscii,
  nameParam,
  parisOffsetMinutes,
} from './mime.ts';
import { createRng, type Rng } from './prng.ts';

export type { MboxVariant, MboxWriter, WriteResult } from './writers.ts';
export { createMboxWriter, maildirName, toLf, writeEml, writeMaildir, writeMbox } from './writers.ts';

const CRLF = '\r\n';

// ---------------------------------------------------------------------------------------------
// DKIM keys

export type KeyType = 'rsa' | 'ed25519';

export interface DkimKeySpec {
  domain: string;
  selector: string;
  type: KeyType;
  /** RSA modulus length (default 2048); ignored for ed25519. */
  bits?: number;
}

export interface DkimKey {
  domain: string;
  selector: string;
  type: KeyType;
  bits: number | null;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
  /** PKCS#8 PEM, for mailauth's signer. */
  privateKey: string;
  /** The TXT record value, `v=DKIM1; k=rsa; p=<base64 SPKI>` (ed25519: the raw 32-byte key, RFC 8463). */
  record: string;
}

export const DEFAULT_KEY_SPECS: DkimKeySpec[] = [
  { domain: 'en-avant.example', selector: 'mail2016', type: 'rsa', bits: 2048 },
  { domain: 'campagne.example', selector: 'ed2016', type: 'ed25519' },
  { domain: 'gmail.example', selector: '20161025', type: 'rsa', bits: 2048 },
  { domain: 'presse.example', selector: 'redaction', type: 'rsa', bits: 2048 },
];

/** Generates throwaway keys (at run time: never stored in the repository). */
export function generateDkimKeys(specs: DkimKeySpec[] = DEFAULT_KEY_SPECS): DkimKey[] {
  return specs.map((spec) => {
    let publicKey: KeyObject;
    let privateKey: KeyObject;
    if (spec.type === 'rsa') {
      ({ publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: spec.bits ?? 2048 }));
    } else {
      ({ publicKey, privateKey } = generateKeyPairSync('ed25519'));
    }
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const p =
      spec.type === 'rsa' ? spki.toString('base64') : spki.subarray(spki.length - 32).toString('base64');
    return {
      domain: spec.domain,
      selector: spec.selector,
      type: spec.type,
      bits: spec.type === 'rsa' ? (spec.bits ?? 2048) : null,
      algorithm: spec.type === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      record: `v=DKIM1; k=${spec.type}; p=${p}`,
    };
  });
}

/** The key file: `{"<selector>._domainkey.<domain>": ["v=DKIM1; k=rsa; p=…"]}`. */
export function keyFileJson(keys: DkimKey[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of keys) {
    const name = keyName(k.selector, k.domain);
    const list = out[name] ?? [];
    list.push(k.record);
    out[name] = list;
  }
  return out;
}

export interface SignOptions {
  signTime: Date;
  /** l= tag: number of canonicalized body bytes covered. */
  maxBodyLength?: number;
  headerList?: string[];
  canonicalization?: string;
}

/** Returns the DKIM-Signature header(s) (CRLF-terminated) for `content`, signed with `key`. */
export async function dkimSignatureFor(content: Buffer, key: DkimKey, opts: SignOptions): Promise<string> {
  const res = await dkimSign(content, {
    canonicalization: opts.canonicalization ?? 'relaxed/relaxed',
    signTime: opts.signTime,
    signatureData: [
      {
        signingDomain: key.domain,
        selector: key.selector,
        privateKey: key.privateKey,
        algorithm: key.algorithm,
        ...(opts.maxBodyLength !== undefined ? { maxBodyLength: opts.maxBodyLength } : {}),
        ...(opts.headerList ? { headerList: opts.headerList } : {}),
      } as never,
    ],
  } as never);
  if (!res.signatures) {
    throw new Error(`DKIM signing failed for ${key.domain}: ${JSON.stringify(res.errors)}`);
  }
  return res.signatures;
}

// ---------------------------------------------------------------------------------------------
// Messages

export interface SynthAttachment {
  filename: string;
  kind: DocKind;
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
}

export interface SynthMessage {
  index: number;
  /** Message-ID without angle brackets. */
  messageId: string;
  date: Date;
  from: Person;
  to: Person[];
  cc: Person[];
  /** Decoded subject. */
  subject: string;
  lang: Lang;
  inReplyTo: string | null;
  /** Message-IDs (without brackets) of the thread so far, oldest first. */
  references: string[];
  attachments: SynthAttachment[];
  /** Plain-text body as written (LF line breaks), before transfer encoding. */
  text: string;
  /** True when a line of the body as transmitted starts with `From ` (mbox escaping needed). */
  hasFromLine: boolean;
  /** Trace headers added in transit (Return-Path, Delivered-To, Received), CRLF. */
  trace: string;
  /** DKIM-Signature header(s), '' when unsigned. */
  signature: string;
  signedBy: { domain: string; selector: string; algorithm: string } | null;
  /** The message as the sender's client produced it (what DKIM signs), CRLF. */
  content: Buffer;
  /** trace + signature + content: the message as delivered, CRLF. */
  raw: Buffer;
}

export interface SynthOptions {
  seed?: number;
  count: number;
  /** Index of the first message (also shifts Maildir names); default 0. */
  startIndex?: number;
  /** Fraction of messages with attachments (default 0.15). */
  attachmentFraction?: number;
  /** Fraction of messages that reply to an earlier one (default 0.4). */
  replyFraction?: number;
  /** Sign this fraction of messages whose sender domain has a key. Off when absent. */
  signing?: { keys: DkimKey[]; fraction: number } | null;
  /** Time span of the Date headers (default 2016-01-04 → 2017-12-22). */
  start?: Date;
  end?: Date;
}

interface ThreadMemory {
  messageId: string;
  references: string[];
  subject: string;
  from: Person;
  to: Person[];
  cc: Person[];
  lang: Lang;
  date: Date;
  text: string;
}

const firstName = (p: Person): string => p.name.split(' ')[0]!;
const domainOf = (address: string): string => address.slice(address.indexOf('@') + 1);

function fill(rng: Rng, template: string, lang: Lang, people: Person[]): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    switch (key) {
      case 'name':
        return firstName(rng.pick(people));
      case 'city':
        return rng.pick(CITIES);
      case 'day':
        return rng.pick(lang === 'fr' ? DAYS_FR : DAYS_EN);
      case 'time':
        return lang === 'fr'
          ? `${rng.range(8, 19)}h${rng.pick(['00', '15', '30', '45'])}`
          : `${rng.range(8, 11)}:${rng.pick(['00', '15', '30', '45'])} ${rng.chance(0.5) ? 'am' : 'pm'}`;
      case 'amount': {
        const n = rng.range(3, 900) * 50;
        return String(n).replace(/\B(?=(\d{3})+$)/g, lang === 'fr' ? ' ' : ',');
      }
      case 'count':
        return String(rng.range(2, 120) * 10);
      case 'room':
        return rng.pick(ROOMS);
      case 'n':
        return String(rng.range(2, 7));
      default:
        return key;
    }
  });
}

/** Wraps a paragraph at 72 columns. */
function wrap(paragraph: string, width = 72): string[] {
  const words = paragraph.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else {
      cur = cur ? cur + ' ' + w : w;
    }
  }
  if (cur) lines.push(cur);
  return lines;
}

function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const FR_DAYS_SHORT = ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'];
const FR_MONTHS_SHORT = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];

function attribution(parent: ThreadMemory, lang: Lang): string {
  const local = new Date(parent.date.getTime() + parisOffsetMinutes(parent.date) * 60_000);
  const hm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  if (lang === 'fr') {
    return `Le ${FR_DAYS_SHORT[local.getUTCDay()]} ${local.getUTCDate()} ${FR_MONTHS_SHORT[local.getUTCMonth()]} ${local.getUTCFullYear()} à ${hm}, ${parent.from.name} <${parent.from.address}> a écrit :`;
  }
  return `On ${formatRfc5322Date(parent.date).slice(0, 16)} at ${hm}, ${parent.from.name} <${parent.from.address}> wrote:`;
}

function makeMessageId(rng: Rng, from: Person, date: Date): string {
  const domain = domainOf(from.address);
  const style = rng.int(3);
  if (domain === 'gmail.example') {
    return `CA+${rng.hex(8)}${Buffer.from(rng.bytes(18)).toString('base64url')}@mail.gmail.example`;
  }
  if (style === 0) {
    const h = rng.hex(32).toUpperCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}@${domain}`;
  }
  if (style === 1) return `${Math.floor(date.getTime() / 1000).toString(36)}.${rng.hex(12)}@mail.${domain}`;
  return `${rng.hex(16)}@${domain}`;
}

/** Picks a decoded-size target for the plain text: log-normal, median ~3 KB. */
function textTarget(rng: Rng): number {
  const v = Math.exp(Math.log(2800) + 0.75 * rng.normal());
  return Math.max(300, Math.min(18_000, Math.round(v)));
}

interface Part {
  headers: string;
  body: string | Buffer;
}

function renderPart(p: Part): Buffer {
  return Buffer.concat([
    Buffer.from(p.headers + CRLF),
    typeof p.body === 'string' ? Buffer.from(p.body) : p.body,
  ]);
}

function multipart(subtype: string, boundary: string, parts: Buffer[], preamble: boolean): Buffer {
  const chunks: Buffer[] = [];
  if (preamble) chunks.push(Buffer.from('This is a multi-part message in MIME format.' + CRLF + CRLF));
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}${CRLF}`), p, Buffer.from(CRLF));
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  void subtype;
  return Buffer.concat(chunks);
}

type TextEncoding = 'quoted-printable' | 'base64' | '8bit';

function textPart(text: string, subtype: 'plain' | 'html', enc: TextEncoding, flowed: boolean): Part {
  const crlfText = text.replace(/\r?\n/g, CRLF);
  let body: string;
  let cte: string = enc;
  if (enc === 'quoted-printable') body = encodeQuotedPrintable(crlfText);
  else if (enc === 'base64') body = encodeBase64Lines(Buffer.from(crlfText));
  else {
    body = crlfText;
    if (isAscii(text.replace(/\n/g, ' '))) cte = '7bit';
  }
  const ct = `text/${subtype}; charset=UTF-8${flowed ? '; format=flowed' : ''}`;
  return {
    headers: header('Content-Type', ct) + header('Content-Transfer-Encoding', cte),
    body: body.endsWith(CRLF) ? body : body + CRLF,
  };
}

export interface AttachmentBytes {
  meta: SynthAttachment;
  data: Buffer;
}

/** Makes one attachment of roughly `size` decoded bytes. */
export async function makeAttachment(
  rng: Rng,
  kind: DocKind,
  size: number,
  author: Person,
  date: Date,
  lang: Lang,
): Promise<AttachmentBytes> {
  const filename = rng.pick(ATTACHMENT_NAMES[kind]);
  const lines = SENTENCES[lang].slice(0, 12).map((s) => fill(rng, s, lang, PEOPLE));
  const created = new Date(date.getTime() - rng.range(1, 20) * 86_400_000 - rng.int(86_400_000));
  let data: Buffer;
  if (kind === 'pdf') {
    const info = {
      title: filename.replace(/\.pdf$/, ''),
      author: author.name,
      producer: rng.pick([
        'Microsoft® Word 2016',
        'macOS Version 10.12.4 (Build 16E195) Quartz PDFContext',
        'LibreOffice 5.2',
      ]),
      creator: rng.pick(['Word', 'Pages', 'Writer']),
      creationDate: pdfDate(created, parisOffsetMinutes(created)),
      modDate: pdfDate(date, parisOffsetMinutes(date)),
    };
    const base = makePdf(info, lines);
    data = makePdf(info, lines, rng.bytes(Math.max(0, size - base.length - 60)));
  } else if (kind === 'csv') {
    data = makeCsv(rng, size, date.getUTCFullYear());
  } else if (kind === 'docx') {
    data = await makeDocx({
      title: filename.replace(/\.docx$/, ''),
      creator: author.name,
      lastModifiedBy: rng.pick(PEOPLE).name,
      created,
      modified: date,
      paragraphs: lines,
      media: makePng(rng, Math.max(1000, size - 3000)),
    });
  } else {
    data = makePng(rng, size);
  }
  return { meta: { filename, kind, contentType: CONTENT_TYPES[kind], size: data.length }, data };
}

function attachmentPart(att: AttachmentBytes, rng: Rng): Part {
  const { filename, contentType } = att.meta;
  const inline = att.meta.kind === 'png' && rng.chance(0.3);
  let headers =
    header('Content-Type', `${contentType}; ${nameParam(filename)}`) +
    header('Content-Disposition', `${inline ? 'inline' : 'attachment'}; ${filenameParam(filename)}`) +
    header('Content-Transfer-Encoding', 'base64');
  if (inline) headers += header('Content-ID', `<${rng.hex(12)}@${rng.hex(6)}>`);
  return { headers, body: encodeBase64Lines(att.data) + CRLF };
}

function receivedHeaders(rng: Rng, from: Person, to: Person, date: Date): string {
  const fromDomain = domainOf(from.address);
  const toDomain = domainOf(to.address);
  const t1 = new Date(date.getTime() + rng.range(1, 20) * 1000);
  const t2 = new Date(t1.getTime() + rng.range(0, 3) * 1000);
  const ip1 = `192.0.2.${rng.range(10, 250)}`;
  const ip2 = `198.51.100.${rng.range(10, 250)}`;
  return (
    header('Return-Path', `<${from.address}>`) +
    header('Delivered-To', to.address) +
    header(
      'Received',
      `from mx1.${toDomain} (mx1.${toDomain} [${ip2}])` +
        `${CRLF}\tby imap.${toDomain} (Dovecot) with LMTP id ${rng.hex(8)}${CRLF}\tfor <${to.address}>; ${formatRfc5322Date(t2)}`,
    ) +
    header(
      'Received',
      `from smtp.${fromDomain} (smtp.${fromDomain} [${ip1}])` +
        `${CRLF}\tby mx1.${toDomain} (Postfix) with ESMTPS id ${rng.hex(10).toUpperCase()}${CRLF}\tfor <${to.address}>; ${formatRfc5322Date(t1)}`,
    )
  );
}

/** Stateful generator: call `next()` repeatedly; deterministic for a seed. */
export interface MessageFactory {
  next(): Promise<SynthMessage>;
}

export function createMessageFactory(opts: SynthOptions): MessageFactory {
  const seed = opts.seed ?? 1;
  const rng = createRng(seed);
  const signRng = createRng((seed ^ 0x5eed5) >>> 0);
  const count = Math.max(1, opts.count);
  const startIndex = opts.startIndex ?? 0;
  const attachmentFraction = opts.attachmentFraction ?? 0.15;
  const replyFraction = opts.replyFraction ?? 0.4;
  const start = (opts.start ?? new Date(Date.UTC(2016, 0, 4, 7, 0, 0))).getTime();
  const end = (opts.end ?? new Date(Date.UTC(2017, 11, 22, 18, 0, 0))).getTime();
  const keysByDomain = new Map<string, DkimKey>();
  for (const k of opts.signing?.keys ?? []) if (!keysByDomain.has(k.domain)) keysByDomain.set(k.domain, k);
  const recent: ThreadMemory[] = [];
  let i = 0;

  async function next(): Promise<SynthMessage> {
    const index = startIndex + i;
    // monotonic dates: message i lands in slot [i, i+1) of the span
    const slot = (end - start) / count;
    const date = new Date(Math.floor((start + slot * (i + rng.next())) / 1000) * 1000);
    i++;

    let parent: ThreadMemory | null = null;
    if (recent.length > 0 && rng.chance(replyFraction)) {
      parent = recent[recent.length - 1 - rng.int(Math.min(recent.length, 40))]!;
    }

    let from: Person;
    let to: Person[];
    let cc: Person[];
    let lang: Lang;
    let subject: string;
    if (parent) {
      const candidates = [...parent.to, ...parent.cc].filter((p) => p.address !== parent.from.address);
      from = candidates.length ? rng.pick(candidates) : rng.pick(PEOPLE.filter((p) => p !== parent.from));
      to = [parent.from];
      cc = rng.chance(0.5) ? [...parent.to, ...parent.cc].filter((p) => p !== from && p !== parent.from) : [];
      lang = parent.lang;
      const base = parent.subject.replace(/^(re|RE|Re|AW|TR|Fwd)\s?:\s*/, '');
      const prefix = from.mailer.includes('Outlook') ? 'RE: ' : 'Re: ';
      subject = prefix + base;
    } else {
      from = rng.pick(PEOPLE);
      const others = PEOPLE.filter((p) => p !== from);
      const nTo = rng.chance(0.7) ? 1 : rng.range(2, 3);
      const nCc = rng.chance(0.6) ? 0 : rng.range(1, 3);
      const chosen = new Set<Person>();
      while (chosen.size < nTo + nCc) chosen.add(rng.pick(others));
      const list = [...chosen];
      to = list.slice(0, nTo);
      cc = list.slice(nTo);
      lang =
        from.lang === 'en' || to.some((p) => p.lang === 'en') ? (rng.chance(0.7) ? 'en' : from.lang) : 'fr';
      subject = fill(rng, rng.pick(SUBJECTS[lang]), lang, PEOPLE);
    }

    // ---- body text
    const target = textTarget(rng);
    const lines: string[] = [];
    lines.push(fill(rng, rng.pick(GREETINGS[lang]), lang, to), '');
    let size = 0;
    const paragraphs: string[] = [];
    while (size < target) {
      const n = rng.range(1, 4);
      const sentences: string[] = [];
      for (let k = 0; k < n; k++) sentences.push(fill(rng, rng.pick(SENTENCES[lang]), lang, PEOPLE));
      const para = sentences.join(' ');
      paragraphs.push(para);
      size += Buffer.byteLength(para) + 2;
    }
    for (const para of paragraphs) lines.push(...wrap(para), '');
    lines.push(rng.pick(CLOSINGS[lang]), firstName(from), '', '-- ', ...from.signature);
    if (parent) {
      const quoteMark = rng.chance(0.8) ? '> ' : '>';
      lines.push('', attribution(parent, lang));
      const quoted = parent.text.split('\n').slice(0, 60);
      for (const q of quoted) lines.push(q ? (quoteMark + q).trimEnd() : '>');
    }
    const text = lines.join('\n');

    // ---- MIME structure
    const alt = rng.chance(0.6);
    const r = rng.next();
    const textEnc: TextEncoding = r < 0.5 ? 'quoted-printable' : r < 0.65 ? 'base64' : '8bit';
    const flowed = textEnc !== 'base64' && from.mailer.includes('Thunderbird');
    const plain = textPart(text, 'plain', textEnc, flowed);
    const hasFromLine = textEnc !== 'base64' && /(^|\n)From /.test(text);

    let bodyPart: Part = plain;
    if (alt) {
      const htmlParas = paragraphs.map((p) => `<p>${htmlEscape(p)}</p>`).join('\n');
      let html =
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\n' +
        `<body style="font-family: Calibri, Arial, sans-serif; font-size: 11pt">\n` +
        `<p>${htmlEscape(lines[0]!)}</p>\n${htmlParas}\n` +
        `<p>${htmlEscape(from.signature.join(' — '))}</p>\n`;
      if (parent) {
        html +=
          `<div>${htmlEscape(attribution(parent, lang))}</div>\n<blockquote type="cite">` +
          parent.text
            .split('\n')
            .slice(0, 60)
            .map((l) => htmlEscape(l))
            .join('<br>\n') +
          '</blockquote>\n';
      }
      html += '</body></html>\n';
      const htmlPart = textPart(html, 'html', rng.chance(0.85) ? 'quoted-printable' : 'base64', false);
      const boundary = from.mailer.startsWith('Apple')
        ? `Apple-Mail=_${rng.hex(8).toUpperCase()}-${rng.hex(4).toUpperCase()}-${rng.hex(4).toUpperCase()}`
        : from.mailer.startsWith('Microsoft')
          ? `_000_${rng.hex(24).toUpperCase()}_`
          : `------------${rng.hex(24)}`;
      bodyPart = {
        headers: header('Content-Type', `multipart/alternative;${CRLF}\tboundary="${boundary}"`),
        body: multipart('alternative', boundary, [renderPart(plain), renderPart(htmlPart)], false),
      };
    }

    const attachments: AttachmentBytes[] = [];
    if (rng.chance(attachmentFraction)) {
      const n = rng.chance(0.9) ? 1 : 2;
      for (let k = 0; k < n; k++) {
        const kr = rng.next();
        const kind: DocKind = kr < 0.4 ? 'pdf' : kr < 0.55 ? 'csv' : kr < 0.8 ? 'docx' : 'png';
        const attSize = rng.range(20_000, n === 1 ? 200_000 : 100_000);
        attachments.push(await makeAttachment(rng, kind, attSize, from, date, lang));
      }
    }

    let top: Part = bodyPart;
    if (attachments.length) {
      const boundary = `----=_NextPart_${rng.hex(3).toUpperCase()}_${rng.hex(4).toUpperCase()}_${rng.hex(8).toUpperCase()}.${rng.hex(8).toUpperCase()}`;
      top = {
        headers: header('Content-Type', `multipart/mixed;${CRLF}\tboundary="${boundary}"`),
        body: multipart(
          'mixed',
          boundary,
          [renderPart(bodyPart), ...attachments.map((a) => renderPart(attachmentPart(a, rng)))],
          true,
        ),
      };
    }

    // ---- headers
    const mode: 'B' | 'Q' = rng.chance(0.5) ? 'B' : 'Q';
    const messageId = makeMessageId(rng, from, date);
    const references = parent ? [...parent.references, parent.messageId].slice(-12) : [];
    let h = '';
    h += header('Date', formatRfc5322Date(date));
    h += header('From', formatMailbox(from.name, from.address, mode));
    h += header('To', to.map((p) => formatMailbox(p.name, p.address, mode)).join(', '));
    if (cc.length) h += header('Cc', cc.map((p) => formatMailbox(p.name, p.address, mode)).join(', '));
    h += header('Subject', encodeWords(subject, mode));
    h += header('Message-ID', `<${messageId}>`);
    if (parent) {
      h += header('In-Reply-To', `<${parent.messageId}>`);
      h += header('References', references.map((id) => `<${id}>`).join(' '));
    }
    h += header('MIME-Version', '1.0');
    if (from.mailer.startsWith('Microsoft')) {
      h += header('Thread-Topic', encodeWords(subject.replace(/^(RE|Re): /, ''), 'B'));
      h += header('Content-Language', lang === 'fr' ? 'fr-FR' : 'en-GB');
      h += header('X-Mailer', from.mailer);
    } else if (from.mailer.startsWith('Mozilla')) {
      h += header('User-Agent', from.mailer);
      h += header('Content-Language', lang === 'fr' ? 'fr' : 'en-US');
    } else {
      h += header('X-Mailer', from.mailer);
    }
    const content = Buffer.concat([
      Buffer.from(h + top.headers + CRLF),
      typeof top.body === 'string' ? Buffer.from(top.body) : top.body,
    ]);
    const trace = receivedHeaders(rng, from, to[0]!, date);

    let signature = '';
    let signedBy: SynthMessage['signedBy'] = null;
    if (opts.signing) {
      const key = keysByDomain.get(domainOf(from.address));
      if (signRng.chance(opts.signing.fraction) && key) {
        signature = await dkimSignatureFor(content, key, { signTime: new Date(date.getTime() + 2000) });
        signedBy = { domain: key.domain, selector: key.selector, algorithm: key.algorithm };
      }
    }

    recent.push({ messageId, references, subject, from, to, cc, lang, date, text });
    if (recent.length > 200) recent.shift();

    return {
      index,
      messageId,
      date,
      from,
      to,
      cc,
      subject,
      lang,
      inReplyTo: parent ? parent.messageId : null,
      references,
      attachments: attachments.map((a) => a.meta),
      text,
      hasFromLine,
      trace,
      signature,
      signedBy,
      content,
      raw: Buffer.concat([Buffer.from(trace + signature), content]),
    };
  }

  return { next };
}

/** Yields `opts.count` messages, one at a time (constant memory apart from thread memory). */
export async function* generateMessages(opts: SynthOptions): AsyncGenerator<SynthMessage> {
  const factory = createMessageFactory(opts);
  for (let k = 0; k < opts.count; k++) yield await factory.next();
}

/** Collects `generateMessages` into an array (small counts only). */
export async function generateMessageList(opts: SynthOptions): Promise<SynthMessage[]> {
  const out: SynthMessage[] = [];
  for await (const m of generateMessages(opts)) out.push(m);
  return out;
}

/** Re-assembles a delivered message with a new signature (for deliberate test cases). */
export function assemble(m: Pick<SynthMessage, 'trace'>, signature: string, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from(m.trace + signature, 'latin1'), content]);
}
