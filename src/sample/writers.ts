// Writers for generated messages: loose .eml files (CRLF, as sent), Maildir (LF, as delivered
// by a local MDA) and mbox (mboxo or mboxrd `From ` escaping, LF).

import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatAsctime } from './mime.ts';

/** What the writers need from a message. */
export interface WritableMessage {
  raw: Buffer;
  date: Date;
  index: number;
  from: { address: string };
}

export type MessageSource<M> = Iterable<M> | AsyncIterable<M>;

export interface WriteResult {
  /** Paths written (for mbox: the single file). */
  files: string[];
  messages: number;
  /** Bytes written to disk. */
  bytes: number;
  /** mbox only: lines that were escaped with a `>`. */
  escapedLines: number;
}

/** CRLF → LF, binary-safe. */
export function toLf(raw: Buffer): Buffer {
  if (raw.indexOf('\r\n') < 0) return raw;
  return Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

export interface EmlOptions {
  /** File name for a message (default `NNNNN.eml` from its index). */
  name?: (m: WritableMessage) => string;
}

/** Writes each message as a `.eml` file with CRLF line endings, unchanged from `raw`. */
export async function writeEml<M extends WritableMessage>(
  dir: string,
  messages: MessageSource<M>,
  opts: EmlOptions = {},
): Promise<WriteResult> {
  mkdirSync(dir, { recursive: true });
  const res: WriteResult = { files: [], messages: 0, bytes: 0, escapedLines: 0 };
  for await (const m of messages) {
    const name = opts.name ? opts.name(m) : `${String(m.index).padStart(5, '0')}.eml`;
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, m.raw);
    res.files.push(path);
    res.messages++;
    res.bytes += m.raw.length;
  }
  return res;
}

export interface MaildirOptions {
  /** Host part of the unique names (default `crible-synth`). */
  host?: string;
  /** Every Nth message goes to new/ (unread, no info suffix); default 20, 0 = never. */
  newEvery?: number;
}

/** Maildir file name for a message: `<unix time>.M<index>P<pid>.<host>` (+ `:2,<flags>` in cur/). */
export function maildirName(m: WritableMessage, host = 'crible-synth', inNew = false): string {
  const base = `${Math.floor(m.date.getTime() / 1000)}.M${m.index + 1}P1.${host}`;
  if (inNew) return base;
  const flags = m.index % 7 === 3 ? 'RS' : m.index % 11 === 5 ? 'FS' : 'S';
  return `${base}:2,${flags}`;
}

/** Writes a Maildir (cur/, new/, tmp/) with LF line endings, as real Maildirs have. */
export async function writeMaildir<M extends WritableMessage>(
  dir: string,
  messages: MessageSource<M>,
  opts: MaildirOptions = {},
): Promise<WriteResult> {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  const newEvery = opts.newEvery ?? 20;
  const host = opts.host ?? 'crible-synth';
  const res: WriteResult = { files: [], messages: 0, bytes: 0, escapedLines: 0 };
  for await (const m of messages) {
    const inNew = newEvery > 0 && m.index % newEvery === newEvery - 1;
    const path = join(dir, inNew ? 'new' : 'cur', maildirName(m, host, inNew));
    const data = toLf(m.raw);
    writeFileSync(path, data);
    res.files.push(path);
    res.messages++;
    res.bytes += data.length;
  }
  return res;
}

export type MboxVariant = 'mboxo' | 'mboxrd';

export interface MboxOptions {
  variant: MboxVariant;
}

/**
 * Escapes body lines for an mbox: mboxo prefixes `>` to lines starting `From `; mboxrd to
 * lines matching `>*From ` (so it is reversible). Input and output use LF.
 */
export function escapeMbox(lf: string, variant: MboxVariant): { text: string; escaped: number } {
  let escaped = 0;
  const re = variant === 'mboxrd' ? /^(>*From )/gm : /^(From )/gm;
  const text = lf.replace(re, (s) => {
    escaped++;
    return '>' + s;
  });
  return { text, escaped };
}

export interface MboxWriter {
  append(m: WritableMessage): void;
  /** Flushes and closes; returns what was written. */
  close(): WriteResult;
}

/** Incremental mbox writer (buffered, synchronous appends) for callers that tee a stream. */
export function createMboxWriter(path: string, opts: MboxOptions = { variant: 'mboxrd' }): MboxWriter {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  const res: WriteResult = { files: [path], messages: 0, bytes: 0, escapedLines: 0 };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let closed = false;
  const flush = () => {
    if (!pendingBytes) return;
    const buf = Buffer.concat(pending, pendingBytes);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    pending = [];
    pendingBytes = 0;
  };
  return {
    append(m) {
      let lf = toLf(m.raw).toString('latin1');
      if (!lf.endsWith('\n')) lf += '\n';
      const { text, escaped } = escapeMbox(lf, opts.variant);
      const chunk = Buffer.from(`From ${m.from.address} ${formatAsctime(m.date)}\n${text}\n`, 'latin1');
      pending.push(chunk);
      pendingBytes += chunk.length;
      res.messages++;
      res.bytes += chunk.length;
      res.escapedLines += escaped;
      if (pendingBytes > 4 << 20) flush();
    },
    close() {
      if (!closed) {
        closed = true;
        try {
          flush();
        } finally {
          closeSync(fd);
        }
      }
      return res;
    },
  };
}

/** Writes an mbox: `From <sender> <asctime>` separator lines, escaped bodies, a blank line after each. */
export async function writeMbox<M extends WritableMessage>(
  path: string,
  messages: MessageSource<M>,
  opts: MboxOptions = { variant: 'mboxrd' },
): Promise<WriteResult> {
  const w = createMboxWriter(path, opts);
  try {
    for await (const m of messages) w.append(m);
  } finally {
    w.close();
  }
  return w.close();
}
