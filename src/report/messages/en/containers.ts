// English words for the problems container formats report on their members (codes emitted by
// ingest/formats/: limit.* from the bounded reads, then gzip.*, mbox.*, tar.*, zip.* and zip.local.*
// for a zip read from its local headers). Numbers are byte counts and limits as plain integers.
import type { Messages, Params } from '../../catalogue.ts';

/** The limits crossed while a stream was read (bounded.ts), shared by zip and gzip. */
const limits: Messages = {
  'limit.entry-bytes': (p) =>
    `entry expands to more than maxEntryBytes (${p.limit}); stopped after ${p.produced} bytes`,
  'limit.expanded-bytes': (p) =>
    `archive expands to more than maxExpandedBytes; stopped after ${p.produced} bytes of this entry`,
  'limit.ratio': (p) =>
    `compression ratio over maxRatio (${p.ratio}): ${p.compressed} compressed bytes expanded to more than ${p.produced}; stopped after ${p.produced} bytes (possible decompression bomb)`,
};

/** A compressed stream stopped by a limit says so before the limit's words: `gzip.limit.ratio`… */
const streamLimits: Messages = Object.fromEntries(
  ['gzip', 'bzip2', 'xz'].flatMap((format) =>
    Object.entries(limits).map(([code, words]) => [
      `${format}.${code}`,
      (p: Params) => `${format}: ${words(p)}`,
    ]),
  ),
);

/** Names of the zip compression methods Crible does not read, by method number. */
const ZIP_METHODS: Record<string, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  93: 'zstd',
  95: 'xz',
  98: 'ppmd',
  99: 'AES encryption',
};

/** tar member types that are not files, links or directories. */
const TAR_SPECIAL: Record<string, string> = {
  'character-device': 'character device',
  'block-device': 'block device',
  fifo: 'FIFO (named pipe)',
};

export const enContainers: Messages = {
  ...limits,
  ...streamLimits,
  'gzip.corrupt': (p) => `corrupt gzip after ${p.produced} decompressed bytes: ${p.error}`,
  'bzip2.corrupt': (p) => `corrupt bzip2 after ${p.produced} decompressed bytes: ${p.error}`,
  'xz.corrupt': (p) => `corrupt xz after ${p.produced} decompressed bytes: ${p.error}`,

  'archive.limit.expanded-bytes': (p) =>
    `archive expands to more than maxExpandedBytes (${p.limit}); stopped after ${p.produced} bytes: the members after were not read`,
  'archive.limit.ratio': (p) =>
    `archive of ${p.compressed} bytes expands more than maxRatio (${p.ratio}) times; stopped after ${p.produced} bytes (possible decompression bomb): the members after were not read`,
  'archive.tool-stalled': (p) =>
    `the archive reader gave nothing for ${p.seconds} s and was stopped after ${p.produced} bytes: the members after were not read`,
  'format.tool-missing': (p) =>
    `${p.format} archive not read: the ${p.tool} program is missing (install the Debian package ${p.package}); its files are not in the case`,

  'document.too-deep': (p) =>
    `document nested more than ${p.limit} levels deep; stored, the objects embedded in it not read`,
  'document.members-unreadable-after': (p) =>
    `${p.format} document: its embedded objects could not be read after the first ${p.entries}: ${p.error}; the document itself is kept`,

  'item.read-again': (p) =>
    `cut short by the limits of an earlier run, then read again whole under this run's limits as item ${p.item}; this earlier record is kept as it was`,

  'mbox.message-too-large': (p) =>
    `message of ${p.size} bytes is larger than maxEntryBytes (${p.limit}); kept as a byte range, not read`,
  'mbox.preamble-too-large': (p) =>
    `data before the first From line of ${p.size} bytes is larger than maxEntryBytes (${p.limit}); kept as a byte range, not read`,

  'tar.too-many-members': (p) =>
    `archive has more than maxEntries (${p.limit}) members; members after the ${p.limit}th were not read`,
  'tar.symlink-not-followed': (p) => `symbolic link to ${p.target} not followed`,
  'tar.hardlink-not-followed': (p) => `hard link to ${p.target} not followed`,
  'tar.special-not-extracted': (p) =>
    `${TAR_SPECIAL[String(p.type)] ?? `member of type ${p.type}`} not extracted`,
  'tar.member-too-large': (p) =>
    `member of ${p.size} bytes is larger than maxEntryBytes (${p.limit}); not read`,
  'tar.would-expand': (p) =>
    `archive would expand past maxExpandedBytes (${p.limit}) with this member's ${p.size} bytes; not read`,
  'tar.damaged-header': (p) =>
    `damaged tar header at byte ${p.at}: ${p.skipped} bytes skipped up to the next valid header (any member they held is lost)`,
  'tar.meta-too-large': (p) =>
    `pax or long-name record of ${p.size} bytes is larger than ${p.limit}; skipped (the member after it keeps its plain header's name)`,
  'tar.truncated': (p) =>
    `tar truncated or corrupt: member cut short after ${p.have} of ${p.size} bytes (${p.error})`,

  'zip.too-many-entries': (p) =>
    `archive lists ${p.count} entries, more than maxEntries (${p.limit}); entries after the ${p.limit}th were not read`,
  'zip.encrypted': () => 'encrypted entry',
  'zip.overlapping-entry': (p) =>
    `entry's bytes overlap those of ${p.with} (an overlapping-entry zip bomb, or a damaged directory); not read`,
  'zip.unsupported-method': (p) => {
    const name = ZIP_METHODS[String(p.method)];
    return `unsupported compression method ${p.method}${name ? ` (${name})` : ''}`;
  },
  'zip.entry-too-large': (p) =>
    `entry declares ${p.size} bytes, more than maxEntryBytes (${p.limit}); not read`,
  'zip.would-expand': (p) =>
    `archive would expand past maxExpandedBytes (${p.limit}) with this entry's declared ${p.size} bytes; not read`,
  'zip.declared-ratio': (p) =>
    `entry declares ${p.size} bytes from ${p.compressed} compressed, a ratio over maxRatio (${p.ratio}); not read (possible decompression bomb)`,
  'zip.cannot-read-entry': (p) => `cannot read entry: ${p.error}`,
  'zip.over-declared': (p) =>
    `entry expands to more than the ${p.declared} bytes its header declares; stopped after ${p.produced} bytes (corrupt or hostile archive)`,
  'zip.data-unreadable': (p) => `entry data unreadable after ${p.produced} bytes: ${p.error}`,
  'zip.size-mismatch': (p) =>
    `entry has ${p.size} bytes but its header declares ${p.declared} (corrupt entry)`,
  'zip.crc-mismatch': () => 'CRC-32 mismatch: entry data is corrupt',

  'zip.local.too-many-members': (p) => `more than maxEntries (${p.limit}) members; the rest were not read`,
  'zip.local.zip64': () => 'zip64 member: not recovered without the central directory',
  'zip.local.over-limits': () => 'member expands past the entry or archive size limit; not read',
  'zip.local.stored-size-unknown': () => 'stored member whose size is only in the missing central directory',
  'zip.local.cut-short': () => 'cut short: the archive ends inside this member',
  'zip.local.cut-short-sizes': () => 'cut short: the archive ends before this member’s sizes',
  'zip.local.data-unreadable': (p) => `member data unreadable: ${p.error}`,
  'zip.local.ratio': (p) =>
    `compression ratio over maxRatio (${p.ratio}); not read (possible decompression bomb)`,
  'zip.local.crc-mismatch': () => 'member data does not match its recorded size and CRC-32 (corrupt)',
};
