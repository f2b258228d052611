// Small fixture builders for the project's own tests: every fixture is made at test time.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageFields, Placement, StoreWriter } from '../../src/store/store.ts';

export function tempDir(prefix = 'crible-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A message's stored fields, empty but for what is given (items written straight to a store). */
export function messageFields(given: Partial<MessageFields>): MessageFields {
  return {
    messageId: null,
    dateRaw: given.date ?? null,
    date: null,
    subject: null,
    from: [],
    sender: [],
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    inReplyTo: null,
    references: [],
    headerRaw: '',
    text: null,
    hasHtml: false,
    flags: [],
    ...given,
  };
}

/**
 * The `n`th message of a source written straight to a store (its sha256 made from `n`, at `m/<n>`):
 * its item id.
 */
export function putMessageItem(
  w: StoreWriter,
  sourceId: number,
  n: number,
  fields: Partial<MessageFields>,
): number {
  const { id } = w.putItem(
    {
      sha256: n.toString(16).padStart(64, '0'),
      size: 1,
      type: 'message',
      format: 'eml',
      status: 'ok',
      reason: null,
    },
    placement(sourceId, `m/${n}`),
  );
  w.putMessage(id, messageFields(fields));
  return id;
}

/** Where an item written straight to a store sits: at `path` in a source, nothing around it. */
export function placement(sourceId: number, path: string, given: Partial<Placement> = {}): Placement {
  return {
    sourceId,
    parentId: null,
    path,
    pathRaw: null,
    byteStart: null,
    byteEnd: null,
    filename: null,
    declaredType: null,
    transformations: [],
    flags: [],
    ...given,
  };
}

export interface MessageSpec {
  id: string;
  subject?: string;
  from?: string;
  to?: string;
  date?: string;
  body?: string;
  eol?: '\r\n' | '\n';
  extraHeaders?: string[];
}

/** A plain RFC 5322 message; `body` lines may start with "From " to exercise mbox escaping. */
export function message(spec: MessageSpec): Buffer {
  const eol = spec.eol ?? '\r\n';
  const lines = [
    `From: ${spec.from ?? 'Alice Martin <alice@campagne.example>'}`,
    `To: ${spec.to ?? 'Bob Durand <bob@campagne.example>'}`,
    `Subject: ${spec.subject ?? `Message ${spec.id}`}`,
    `Date: ${spec.date ?? 'Tue, 02 May 2017 10:15:00 +0200'}`,
    `Message-ID: <${spec.id}@campagne.example>`,
    ...(spec.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...(spec.body ?? `Bonjour,\nvoici le message ${spec.id}.\nCordialement`).split('\n'),
  ];
  return Buffer.from(lines.join(eol) + eol);
}

/** mboxrd: separator lines, `From ` (and already-quoted `>From `) body lines get one more `>`. */
export function mbox(messages: Buffer[]): Buffer {
  const parts = messages.map((m, i) => {
    const text = m
      .toString('latin1')
      .replace(/\r\n/g, '\n')
      .replace(/^(>*From )/gm, '>$1');
    return `From sender${i}@campagne.example Tue May  2 10:15:00 2017\n${text}\n`;
  });
  return Buffer.from(parts.join(''), 'latin1');
}

export const cribleBin = new URL('../../bin/crible.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process (Node 24, as npm test runs it). */
export function crible(
  args: string[],
  options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cribleBin, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('utf8');
      // A CLI killed by a signal is never what a test expects: say which, and what it printed, in the log.
      if (signal)
        process.stderr.write(`crible ${args.join(' ')} was killed by ${signal}; its stderr:\n${stderr}\n`);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
    // A command that reads no input may have exited before its input is written: that EPIPE is no failure.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

export function cribleSync(args: string[]): string {
  return execFileSync(process.execPath, [cribleBin, ...args], { encoding: 'utf8' });
}
