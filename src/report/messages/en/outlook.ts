// English words for the problems the mail-store readers report (codes emitted by
// ingest/formats/pst.ts, msg.ts, tnef.ts, emlx.ts and olm.ts). `error` is the reading library's own
// message, kept as a parameter.
import type { Messages } from '../../catalogue.ts';

const GUARD: Record<string, string> = {
  work: 'reading it took more work than a store of its size can need (a loop in its structure?)',
  lookup: 'one of its index lookups went round in circles (a cyclic B-tree)',
  'node-size': 'one of its nodes claims to be larger than maxEntryBytes',
};

export const enOutlook: Messages = {
  ...Object.fromEntries(
    Object.entries(GUARD).map(([what, words]) => [
      `pst.guard.${what}`,
      () => `Outlook store damaged: ${words}; not read further`,
    ]),
  ),
  'pst.message-unreadable': (p) =>
    `message (node ${p.node}) of the Outlook store could not be read: ${p.error}`,
  'pst.row-without-message': (p) => `row ${p.row} of the folder's contents table names no message`,
  'pst.folder-unreadable': (p) => `folder of the Outlook store could not be read: ${p.error}`,
  'pst.folders-too-deep': (p) => `folders nested deeper than ${p.limit} levels; not read`,
  'pst.node-tree-unreadable': (p) =>
    `the store's node tree could not be read, so deleted or orphaned messages were not looked for: ${p.error}`,
  'pst.too-many-messages': (p) =>
    `store holds more than maxEntries (${p.limit}) messages; this one was not read`,
  'pst.too-many-attachments': (p) =>
    `message has ${p.count} attachments; only the first ${p.limit} were read`,
  'pst.attachment-unreadable': (p) => `attachment could not be read: ${p.error}`,
  'pst.attachment-no-data': (p) => `attachment (method ${p.method}) holds no data in the store`,
  'pst.attachment-by-reference': (p) =>
    `attachment ${p.name} is a link to ${p.target}; its file is not in the store`,
  'pst.attachment-too-large': (p) =>
    `attachment of ${p.size} bytes is larger than maxEntryBytes (${p.limit}); not read`,
  'emlx.count-exceeds-file': (p) =>
    `the message's byte count (${p.count}) runs past the end of the file (${p.available} bytes there); kept as it is, not read as a message`,
  'pst.embedded-too-deep': (p) => `embedded messages nested deeper than maxDepth (${p.limit}); not read`,
  'olm.message-unreadable': (p) =>
    `message file of the Outlook for Mac archive could not be read as a message: ${p.error}; kept as it is`,
  'olm.attachment-missing': (p) => `attachment named by ${p.message} is not in the archive`,
  'tnef.length-exceeds': (p) =>
    `the TNEF attribute at byte ${p.at} claims ${p.length} bytes, but only ${p.available} remain (a lying length, or a cut-short file); what is there is kept, and reading went on at the next sound attribute`,
  'tnef.length-wrong': (p) =>
    `the TNEF attribute at byte ${p.at} claims ${p.length} bytes, which neither match its checksum nor end where another attribute starts (a lying length); reading went on at the next sound attribute`,
  'tnef.damaged': (p) =>
    `${p.skipped} bytes at byte ${p.at} of the TNEF stream are no attribute (damaged or cut short); kept as they are, and reading went on after them`,
  'tnef.attachment-no-data': () => 'attachment of the TNEF stream holds no data',
  'tnef.too-many-attachments': (p) =>
    `the TNEF stream holds ${p.count} attachments, more than maxEntries (${p.limit}); the rest were not read`,
  'tnef.message-attributes': (p) =>
    p.what === 'checksum'
      ? "a checksum of the message's own TNEF attributes does not match their bytes (they were changed or damaged)"
      : "the message's MAPI properties in the TNEF stream could not be read",
};
