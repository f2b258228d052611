import { closeSync, existsSync, mkdirSync, openSync, readdirSync, realpathSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defaultLimits } from '../ingest/limits.ts';
import type { ItemStatus, ItemType, MessageRecord, Store } from '../store/store.ts';

// Reading a message: its attachments with the name each copy was given, saving them under those names
// without letting a name from the dump choose where a file lands, and the test that keeps binary off a
// terminal. Shared by `crible show`, `crible attachments`, `crible raw` and the web server to come.

/** A message's text to read: its text part, or its HTML turned into text when it has no text part. */
export interface MessageText {
  text: string | null;
  /** Whether the text was made from the HTML body. */
  fromHtml: boolean;
}

export async function messageText(store: Store, message: MessageRecord): Promise<MessageText> {
  if (message.text?.trim() || !message.hasHtml) return { text: message.text, fromHtml: false };
  // The HTML is not copied into the case: it is read again from the stored original.
  const item = await store.getItem(message.itemId);
  if (!item?.sha256) return { text: null, fromHtml: false };
  try {
    // Loaded when needed: most messages have a text part, and start-up is paid on every command.
    const { parseMime } = await import('../mail/mime.ts');
    const parsed = parseMime(store.blobs.read(item.sha256), {
      maxNestingDepth: defaultLimits.maxDepth * 4,
      maxHeadersSize: defaultLimits.maxHeaderBytes,
    });
    if (!parsed.html) return { text: null, fromHtml: false };
    return { text: htmlToText(parsed.html), fromHtml: true };
  } catch {
    return { text: null, fromHtml: false };
  }
}

/** A message's HTML body as sent (never rendered here: the web server sanitises it), or null. */
export async function messageHtml(store: Store, message: MessageRecord): Promise<string | null> {
  if (!message.hasHtml) return null;
  const item = await store.getItem(message.itemId);
  if (!item?.sha256) return null;
  try {
    const { parseMime } = await import('../mail/mime.ts');
    return (
      parseMime(store.blobs.read(item.sha256), {
        maxNestingDepth: defaultLimits.maxDepth * 4,
        maxHeadersSize: defaultLimits.maxHeaderBytes,
      }).html ?? null
    );
  } catch {
    return null;
  }
}

let textFormat: { htmlToText(html: string): string } | null = null;

/** postal-mime's HTML-to-text conversion (the one the parser uses; not a public export of the package). */
function htmlToText(html: string): string {
  if (!textFormat) {
    const require = createRequire(import.meta.url);
    textFormat = require(join(dirname(require.resolve('postal-mime')), 'text-format.js')) as {
      htmlToText(html: string): string;
    };
  }
  return textFormat.htmlToText(html);
}

/** One attachment of a message: one copy of a child item, with the name and type this message gave it. */
export interface AttachmentCopy {
  itemId: number;
  type: ItemType;
  status: ItemStatus;
  sha256: string | null;
  size: number;
  /** The filename this message gave it (null when it gave none). */
  filename: string | null;
  declaredType: string | null;
  /** The MIME part path inside the message. */
  path: string;
}

export async function attachmentsOf(store: Store, messageId: number): Promise<AttachmentCopy[]> {
  const copies: AttachmentCopy[] = [];
  for (const child of await store.childrenOf(messageId)) {
    for (const place of await store.occurrencesOf(child.id)) {
      if (place.parentId !== messageId) continue;
      copies.push({
        itemId: child.id,
        type: child.type,
        status: child.status,
        sha256: child.sha256,
        size: child.size,
        filename: place.filename,
        declaredType: place.declaredType,
        path: place.path,
      });
    }
  }
  return copies;
}

const MAX_NAME_BYTES = 200;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A filename from the dump made safe to create in one folder: no path separator, no `..`, no control
 * or direction-override character, no leading dot, no name a system reserves, at most 200 bytes (the
 * extension kept). Empty or nothing left: `fallback`.
 */
export function safeFilename(name: string | null, fallback: string): string {
  let safe = (name ?? '')
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '_')
    // Path segments that climb or stay put are dropped; the others are joined into one name.
    .split(/[/\\]+/)
    .filter((segment) => segment.trim() && !/^\.+$/.test(segment.trim()))
    .join('_')
    .replace(/[:*?"<>|]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  if (!safe) safe = fallback;
  if (WINDOWS_RESERVED.test(safe)) safe = `_${safe}`;
  return truncateBytes(safe, MAX_NAME_BYTES);
}

function truncateBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - ext.length);
  while (Buffer.byteLength(stem + ext) > max) stem = [...stem].slice(0, -1).join('');
  return stem + ext;
}

/** `name-2.ext`, `name-3.ext`… for the nth copy of a name already taken. */
function numbered(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return truncateBytes(`${stem}-${n}${ext}`, MAX_NAME_BYTES + 8);
}

export interface SavedAttachment extends AttachmentCopy {
  /** The name it was saved under in the folder (null when it has no stored bytes). */
  savedAs: string | null;
}

/**
 * Saves each attachment copy of a message in `outDir` (created if missing) under its sanitised name,
 * never over an existing file (a numeric suffix instead), and never outside `outDir`.
 */
export async function saveAttachments(
  store: Store,
  messageId: number,
  outDir: string,
): Promise<SavedAttachment[]> {
  mkdirSync(outDir, { recursive: true });
  const root = realpathSync(outDir);
  const taken = new Set(readdirSync(root).map((n) => n.toLowerCase()));
  const saved: SavedAttachment[] = [];
  for (const copy of await attachmentsOf(store, messageId)) {
    if (!copy.sha256) {
      saved.push({ ...copy, savedAs: null });
      continue;
    }
    // A forwarded message often has no name: it is saved as one, openable in a mail program.
    const base = safeFilename(
      copy.filename,
      `attachment-${copy.itemId}${copy.type === 'message' ? '.eml' : ''}`,
    );
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = numbered(base, n);
    const target = join(root, name);
    // The name has no separator; this checks it again where it matters.
    if (dirname(target) !== root) throw new Error(`refusing to write outside ${root}: ${name}`);
    const bytes = store.blobs.read(copy.sha256);
    let fd: number;
    try {
      fd = openSync(target, 'wx');
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
      taken.add(name.toLowerCase());
      let n = 2;
      while (existsSync(join(root, numbered(base, n)))) n++;
      name = numbered(base, n);
      fd = openSync(join(root, name), 'wx');
    }
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    taken.add(name.toLowerCase());
    saved.push({ ...copy, savedAs: name });
  }
  return saved;
}

/**
 * Whether bytes are not text a terminal can be given: NUL and the control characters a terminal acts
 * on (escape sequences included), beyond tab, line feed, carriage return and form feed.
 */
export function isBinary(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return true;
    if (b === 0x7f) return true;
  }
  return false;
}
