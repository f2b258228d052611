// Outlook personal folders (.pst) and offline folders (.ost), read with pst-extractor (guarded:
// outlook/pst-guard.ts). Identified by the NDB header's magic `!BDN`, then at offset 8 the client
// magic `SM` (a PST) or `SO` (an OST) [MS-PST 2.2.2.6]; `!BDN` with another client magic (`AB` is a
// personal address book) is not a mail store, but with the name's word it is taken as one at 50.
//
// Each folder's contents table is walked row by row (not the library's cursor, which skips a
// message it cannot read with a console line): every message is rebuilt as RFC 5322
// (mail/build.ts: transport headers first when the store kept them, bodies, attachments, embedded
// messages) under its folder path, `<folder>/<n>.eml`, n its row in the folder from 1, flagged
// `rebuilt-from:pst` (or ost). A row that cannot be read is a problem at the same path. Each folder
// says how many messages the store counts in it (PR_CONTENT_COUNT), and '' the total, so the
// completeness accounting can compare. Then the node tree is searched for messages no folder lists
// (deleted or orphaned, still in the file): those are yielded under `(orphans)/<node id>.eml`,
// flagged `recovered-orphan`. Search folders hold links to messages elsewhere: they are skipped.

import { createRequire } from 'node:module';
import type { PSTAttachment, PSTFile, PSTFolder, PSTMessage } from 'pst-extractor';
import { PSTUtil } from 'pst-extractor/dist/PSTUtil.class.js';
import {
  type BuiltAddress,
  type BuiltAttachment,
  buildMessage,
  type MessageProperties,
} from '../../mail/build.ts';
import { type Coded, coded } from '../../report/catalogue.ts';
import type { ContainerEvent, ContainerInput, ContainerModule, Probe } from '../format.ts';
import type { Limits } from '../limits.ts';
import { errorText, pathSegment, rebuiltEntry } from './outlook/entries.ts';
import { openGuardedPst, PstGuardError } from './outlook/pst-guard.ts';
import { decompressRtf } from './outlook/rtf.ts';
import { hasMagic, nameHas } from './signature.ts';

// The library's own Long (CommonJS): the ESM build of `long` is another class.
const Long = createRequire(import.meta.url)('long') as typeof import('long').default;

const NID_TYPE_MASK = 0x1f;
const NID_SEARCH_FOLDER = 0x03;
const NID_NORMAL_MESSAGE = 0x04;
const ATTACH_EMBEDDED = 5;
const PR_RTF_COMPRESSED = 0x1009;
const PR_SENDER_SMTP_ADDRESS = 0x5d01;
const PR_SENT_REPRESENTING_SMTP_ADDRESS = 0x5d02;
/** Folders inside folders: far beyond any real store, short of the stack. */
const MAX_FOLDER_DEPTH = 64;
/** Attachments one message may have. */
const MAX_ATTACHMENTS = 10_000;
export const ORPHANS_FOLDER = '(orphans)';

function ndbScore(probe: Probe, client: string, extension: string): number {
  if (!hasMagic(probe.head, '!BDN')) return 0;
  if (hasMagic(probe.head, client, 8)) return 100;
  return nameHas(probe.name, [extension]) ? 50 : 0;
}

/** The library's internals this reader reaches: its typings keep them private or protected. */
interface TableItem {
  data: Buffer;
  entryValueReference: number;
}
interface ObjectInternals {
  pstTableItems: Map<number, TableItem> | null;
  localDescriptorItems: Map<number, { getData(): Buffer }> | null;
  getStringItem(id: number): string;
}
interface FolderInternals {
  initEmailsTable(): void;
  emailsTable?: { rowCount: number; getItems(start: number, count: number): Map<number, TableItem>[] };
  fallbackEmailsTable?: { descriptorIdentifier: number }[];
  descriptorIndexNode: { descriptorIdentifier: number } | null;
}

function internals<T>(object: unknown): T {
  return object as T;
}

/** Why a read failed: a guard's own code, or the library's error. */
function failure(code: string, err: unknown, params: Record<string, string | number> = {}): Coded {
  if (err instanceof PstGuardError) return coded(`pst.guard.${err.what}`, params);
  return coded(code, { ...params, error: errorText(err) });
}

class PstReader {
  readonly yielded = new Set<number>();
  messages = 0;
  readonly file: PSTFile;
  readonly store: 'pst' | 'ost';
  readonly limits: Limits;
  constructor(file: PSTFile, store: 'pst' | 'ost', limits: Limits) {
    this.file = file;
    this.store = store;
    this.limits = limits;
  }

  /** The bytes of a property kept in the table or in a sub-node, or null. */
  binary(object: PSTMessage, id: number): Buffer | null {
    const o = internals<ObjectInternals>(object);
    const item = o.pstTableItems?.get(id);
    if (!item) return null;
    if (item.data.length > 0) return item.data;
    return o.localDescriptorItems?.get(item.entryValueReference)?.getData() ?? null;
  }

  properties(
    message: PSTMessage,
    depth: number,
    problems: ContainerEvent[],
    path: string,
  ): MessageProperties {
    const o = internals<ObjectInternals>(message);
    const recipients: Record<'to' | 'cc' | 'bcc', BuiltAddress[]> = { to: [], cc: [], bcc: [] };
    for (let i = 0; i < Math.min(message.numberOfRecipients, this.limits.maxEntries); i++) {
      const r = message.getRecipient(i);
      if (!r) continue;
      const role = r.recipientType === 2 ? 'cc' : r.recipientType === 3 ? 'bcc' : 'to';
      recipients[role].push({ name: r.displayName, address: r.smtpAddress || r.emailAddress });
    }
    const senderSmtp =
      o.getStringItem(PR_SENDER_SMTP_ADDRESS) || o.getStringItem(PR_SENT_REPRESENTING_SMTP_ADDRESS);
    const rtf = this.binary(message, PR_RTF_COMPRESSED);
    return {
      transportHeaders: message.transportMessageHeaders || null,
      from: [
        {
          name: message.senderName || message.sentRepresentingName,
          address: senderSmtp || message.senderEmailAddress,
        },
      ],
      ...recipients,
      subject: message.subject || null,
      date: message.clientSubmitTime ?? message.messageDeliveryTime,
      messageId: message.internetMessageId || null,
      inReplyTo: message.inReplyToId || null,
      text: message.body || null,
      html: message.bodyHTML || null,
      rtf: rtf ? decompressRtf(rtf) : null,
      attachments: this.attachments(message, depth, problems, path),
    };
  }

  attachments(
    message: PSTMessage,
    depth: number,
    problems: ContainerEvent[],
    path: string,
  ): BuiltAttachment[] {
    const out: BuiltAttachment[] = [];
    const count = message.numberOfAttachments;
    if (count > MAX_ATTACHMENTS) {
      problems.push(
        this.problem(
          `${path}/attachments`,
          'limited',
          coded('pst.too-many-attachments', { count, limit: MAX_ATTACHMENTS }),
        ),
      );
    }
    for (let i = 0; i < Math.min(count, MAX_ATTACHMENTS); i++) {
      const where = `${path}/attachment-${i + 1}`;
      let attachment: PSTAttachment;
      try {
        attachment = message.getAttachment(i);
        const name = attachment.longFilename || attachment.filename || null;
        const built = this.attachment(attachment, name, depth, problems, where);
        if (built) out.push(built);
      } catch (err) {
        problems.push(this.problem(where, 'failed', failure('pst.attachment-unreadable', err)));
      }
    }
    return out;
  }

  attachment(
    attachment: PSTAttachment,
    name: string | null,
    depth: number,
    problems: ContainerEvent[],
    where: string,
  ): BuiltAttachment | null {
    const contentId = attachment.contentId || null;
    if (attachment.attachMethod === ATTACH_EMBEDDED) {
      if (depth + 1 >= this.limits.maxDepth) {
        problems.push(
          this.problem(where, 'limited', coded('pst.embedded-too-deep', { limit: this.limits.maxDepth })),
        );
        return null;
      }
      const embedded = attachment.embeddedPSTMessage;
      if (!embedded) {
        problems.push(
          this.problem(where, 'failed', coded('pst.attachment-no-data', { method: attachment.attachMethod })),
        );
        return null;
      }
      const bytes = buildMessage(this.properties(embedded, depth + 1, problems, where));
      return {
        filename: name ?? `${pathSegment(embedded.subject || 'message')}.eml`,
        contentType: 'message/rfc822',
        contentId,
        bytes,
      };
    }
    const stream = attachment.fileInputStream;
    if (!stream) {
      const target = attachment.longPathname || attachment.pathname;
      const reason = target
        ? coded('pst.attachment-by-reference', { name: name ?? '', target })
        : coded('pst.attachment-no-data', { method: attachment.attachMethod });
      problems.push(this.problem(where, 'failed', reason));
      return null;
    }
    const size = stream.length.toNumber();
    if (size > this.limits.maxEntryBytes) {
      problems.push(
        this.problem(
          where,
          'limited',
          coded('pst.attachment-too-large', { size, limit: this.limits.maxEntryBytes }),
        ),
      );
      return null;
    }
    const bytes = Buffer.alloc(size);
    stream.readCompletely(bytes);
    return {
      filename: name,
      contentType: attachment.mimeTag || 'application/octet-stream',
      contentId,
      bytes,
    };
  }

  problem(path: string, status: 'failed' | 'limited', reason: Coded, isMessage = false): ContainerEvent {
    return { kind: 'problem', path, status, reason, bytes: null, byteStart: null, byteEnd: null, isMessage };
  }

  /** The events of one message: the rebuilt message, then the problems met in its parts. */
  *message(nid: number, path: string, flags: string[]): Generator<ContainerEvent> {
    this.yielded.add(nid);
    if (this.messages >= this.limits.maxEntries) {
      yield this.problem(
        path,
        'limited',
        coded('pst.too-many-messages', { limit: this.limits.maxEntries }),
        true,
      );
      return;
    }
    this.messages++;
    const problems: ContainerEvent[] = [];
    let bytes: Buffer;
    try {
      const node = this.file.getDescriptorIndexNode(Long.fromNumber(nid));
      const object = PSTUtil.detectAndLoadPSTObject(this.file, node) as PSTMessage;
      bytes = buildMessage(this.properties(object, 0, problems, path));
    } catch (err) {
      yield this.problem(path, 'failed', failure('pst.message-unreadable', err, { node: nid }), true);
      return;
    }
    yield rebuiltEntry(path, bytes, this.store, flags);
    yield* problems;
  }

  /** The node ids a folder lists as its messages, from its contents table or, failing that, the node tree. */
  listed(folder: PSTFolder): number[] {
    const f = internals<FolderInternals>(folder);
    f.initEmailsTable();
    if (f.emailsTable) {
      const rows = Math.min(f.emailsTable.rowCount, this.limits.maxEntries + 1);
      const ids: number[] = [];
      for (let row = 0; row < rows; row++) {
        const id = f.emailsTable.getItems(row, 1)[0]?.get(0x67f2)?.entryValueReference;
        ids.push(id ?? -1);
      }
      return ids;
    }
    return (f.fallbackEmailsTable ?? []).map((node) => node.descriptorIdentifier);
  }

  *folder(folder: PSTFolder, path: string, depth: number): Generator<ContainerEvent, number> {
    let expected = folder.contentCount;
    // The root's own count goes into the store's total, the one expected count for ''.
    if (path !== '') yield { kind: 'expected', path, count: expected };
    const prefix = path === '' ? '' : `${path}/`;
    let ids: number[] = [];
    try {
      ids = this.listed(folder);
    } catch (err) {
      yield this.problem(path || '(root)', 'failed', failure('pst.folder-unreadable', err));
    }
    for (const [row, nid] of ids.entries()) {
      const member = `${prefix}${row + 1}.eml`;
      if (nid < 0)
        yield this.problem(member, 'failed', coded('pst.row-without-message', { row: row + 1 }), true);
      else yield* this.message(nid, member, []);
    }
    let subfolders: PSTFolder[] = [];
    try {
      subfolders = folder.hasSubfolders || folder.subFolderCount > 0 ? folder.getSubFolders() : [];
    } catch (err) {
      yield this.problem(`${prefix}(subfolders)`, 'failed', failure('pst.folder-unreadable', err));
    }
    for (const sub of subfolders) {
      const nid = internals<FolderInternals>(sub).descriptorIndexNode?.descriptorIdentifier ?? 0;
      if ((nid & NID_TYPE_MASK) === NID_SEARCH_FOLDER) continue;
      const subPath = `${prefix}${pathSegment(sub.displayName)}`;
      if (depth + 1 >= MAX_FOLDER_DEPTH) {
        yield this.problem(subPath, 'limited', coded('pst.folders-too-deep', { limit: MAX_FOLDER_DEPTH }));
        continue;
      }
      expected += yield* this.folder(sub, subPath, depth + 1);
    }
    return expected;
  }

  /** Messages in the node tree that no folder listed. */
  *orphans(): Generator<ContainerEvent> {
    let tree: Map<number, { descriptorIdentifier: number }[]>;
    try {
      tree = this.file.getChildDescriptorTree() as unknown as typeof tree;
    } catch (err) {
      yield this.problem(ORPHANS_FOLDER, 'failed', failure('pst.node-tree-unreadable', err));
      return;
    }
    const found: number[] = [];
    for (const children of tree.values()) {
      for (const child of children) {
        const nid = child.descriptorIdentifier;
        if ((nid & NID_TYPE_MASK) === NID_NORMAL_MESSAGE && !this.yielded.has(nid)) found.push(nid);
      }
    }
    for (const nid of found.sort((a, b) => a - b)) {
      yield* this.message(nid, `${ORPHANS_FOLDER}/${nid}.eml`, ['recovered-orphan']);
    }
  }
}

/** The store opened from a file or bytes; a non-UTF-8 file name is read into memory, within the entry limit. */
function openStore(input: ContainerInput, limits: Limits): PSTFile {
  const maxNode = limits.maxEntryBytes;
  if (input.kind === 'buffer') return openGuardedPst(input.data, input.data.length, maxNode);
  if (typeof input.path === 'string') return openGuardedPst(input.path, input.size, maxNode);
  throw new Error('a store whose file name is not UTF-8 is not read');
}

function storeFormat(store: 'pst' | 'ost', client: string, extension: string): ContainerModule {
  return {
    name: store,
    kind: 'container',
    maxScore: 100,
    score: (probe) => ndbScore(probe, client, extension),
    async *entries(input: ContainerInput, limits: Limits): AsyncGenerator<ContainerEvent> {
      const file = openStore(input, limits);
      try {
        const reader = new PstReader(file, store, limits);
        const root = file.getRootFolder();
        const total = yield* reader.folder(root, '', 0);
        yield { kind: 'expected', path: '', count: total };
        yield* reader.orphans();
      } finally {
        file.close();
      }
    },
  };
}

export const pstFormat = storeFormat('pst', 'SM', '.pst');
export const ostFormat = storeFormat('ost', 'SO', '.ost');
