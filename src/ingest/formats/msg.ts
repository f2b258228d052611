// Outlook .msg: one message saved as a compound file (ole2.ts) whose root holds the property
// streams of MS-OXMSG: `__properties_version1.0` and `__substg1.0_<tag>` entries. A message
// embedded in another (an attachment) is a storage deeper down with the same names, so an .msg
// attached to a Word file scores low and the Word file wins.
//
// Read with @kenjiuno/msgreader as a container of one member, `<name>.eml`: the message rebuilt
// as RFC 5322 (mail/build.ts), flagged `rebuilt-from:msg`; its attachments are parts of it (so
// child items of the message), and an embedded message is attached as the .msg the library
// extracts, read in turn by this module. The library walks sector chains and the directory tree
// without bounds, so each reader is guarded first (outlook/msg-guard.ts).

import msgreader, { type FieldsData } from '@kenjiuno/msgreader';
import { type BuiltAddress, type BuiltAttachment, buildMessage } from '../../mail/build.ts';
import type { ContainerEvent, ContainerInput, ContainerModule } from '../format.ts';
import type { Limits } from '../limits.ts';
import { oleScore } from './ole2.ts';
import { rebuiltEntry } from './outlook/entries.ts';
import { guardMsgReader } from './outlook/msg-guard.ts';
import { readContainerBytes } from './outlook/read-input.ts';
import { decompressRtf } from './outlook/rtf.ts';

// A CommonJS module: Node gives its exports (the class is their `default`), a bundler the class.
const loaded = msgreader as unknown as typeof msgreader.default | { default: typeof msgreader.default };
const MsgReader = typeof loaded === 'function' ? loaded : loaded.default;

function isMessageProperty(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === '__properties_version1.0' || lower.startsWith('__substg1.0_');
}

function date(text: string | undefined): Date | null {
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

function recipients(fields: FieldsData, role: 'to' | 'cc' | 'bcc'): BuiltAddress[] {
  return (fields.recipients ?? [])
    .filter((r) => (r.recipType ?? 'to') === role)
    .map((r) => ({ name: r.name ?? '', address: r.smtpAddress || r.email || '' }));
}

/** The member's name: the container's name with `.eml` for `.msg`. */
function memberName(name: string | null): string {
  const base = (name ?? 'message').split('/').pop() || 'message';
  return base.replace(/\.msg$/i, '') + '.eml';
}

export const msgFormat: ContainerModule = {
  name: 'msg',
  kind: 'container',
  score: (probe) => oleScore(probe, isMessageProperty),
  async *entries(input: ContainerInput, limits: Limits): AsyncGenerator<ContainerEvent> {
    const bytes = readContainerBytes(input, limits);
    const name = input.kind === 'file' ? input.name : input.name;
    const path = memberName(name);
    const reader = new MsgReader(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    );
    guardMsgReader(reader, bytes.length);
    const fields = reader.getFileData();
    if (fields.error) throw new Error(fields.error);
    const problems: ContainerEvent[] = [];
    const attachments: BuiltAttachment[] = [];
    for (const [i, attachment] of (fields.attachments ?? []).entries()) {
      const where = `${path}/attachment-${i + 1}`;
      const size = attachment.contentLength ?? 0;
      if (size > limits.maxEntryBytes) {
        problems.push({
          kind: 'problem',
          path: where,
          status: 'limited',
          reason: { code: 'pst.attachment-too-large', params: { size, limit: limits.maxEntryBytes } },
          bytes: null,
          byteStart: null,
          byteEnd: null,
        });
        continue;
      }
      try {
        const file = reader.getAttachment(attachment);
        const embedded = attachment.innerMsgContent === true;
        attachments.push({
          filename: file.fileName || attachment.fileName || null,
          contentType: embedded
            ? 'application/vnd.ms-outlook'
            : attachment.attachMimeTag || 'application/octet-stream',
          contentId: attachment.pidContentId || null,
          bytes: Buffer.from(file.content),
        });
      } catch (err) {
        problems.push({
          kind: 'problem',
          path: where,
          status: 'failed',
          reason: {
            code: 'pst.attachment-unreadable',
            params: { error: err instanceof Error ? err.message : String(err) },
          },
          bytes: null,
          byteStart: null,
          byteEnd: null,
        });
      }
    }
    const html = fields.bodyHtml || (fields.html ? Buffer.from(fields.html).toString('utf8') : null);
    const message = buildMessage({
      transportHeaders: fields.headers || null,
      from: [
        { name: fields.senderName ?? '', address: fields.senderSmtpAddress || fields.senderEmail || '' },
      ],
      to: recipients(fields, 'to'),
      cc: recipients(fields, 'cc'),
      bcc: recipients(fields, 'bcc'),
      subject: fields.subject ?? null,
      date: date(fields.clientSubmitTime) ?? date(fields.messageDeliveryTime),
      messageId: fields.messageId ?? null,
      inReplyTo: null,
      text: fields.body ?? null,
      html,
      rtf: fields.compressedRtf ? decompressRtf(Buffer.from(fields.compressedRtf)) : null,
      attachments,
    });
    yield rebuiltEntry(path, message, 'msg');
    yield* problems;
  },
};
