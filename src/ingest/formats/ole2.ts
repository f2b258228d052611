// The directory of an OLE2 compound file (Microsoft's Compound File Binary format: .doc, .xls,
// .ppt, Outlook .msg…), for identification only: the names of the root storage's children (what
// tells a Word document from an Outlook message) and of every entry. Read through Probe.read:
// the header, the FAT sectors the directory chain needs (through the DIFAT), the directory
// sectors. Bounded (MAX_DIRECTORY_SECTORS, a visited set against chains and trees that loop);
// a damaged header or chain gives what was read, or null, never an exception.

import type { Probe } from '../format.ts';
import { hasMagic, perProbe } from './signature.ts';

export const OLE2_MAGIC = '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1';
const HEADER_BYTES = 512;
const ENTRY_BYTES = 128;
const HEADER_DIFAT = 109;
const NOSTREAM = 0xffffffff;
/** Sector numbers from here up are markers (end of chain, free, FAT, DIFAT), not sectors. */
const MAX_SECTOR = 0xfffffffa;
/** The most directory sectors read: 512 KB of a v3 file (4,096 entries), 8 MB of a v4 one. */
const MAX_DIRECTORY_SECTORS = 2048;
/** The most DIFAT sectors followed (each lists 127 or 1,023 FAT sectors: 2 GB of a v3 file). */
const MAX_DIFAT_SECTORS = 256;

export interface OleDirectory {
  /** Names of the root storage's children, or null when the tree could not be walked. */
  rootChildren: string[] | null;
  /** Names of every directory entry read (streams and storages, the root excepted). */
  names: string[];
}

/** Whether the bytes start with the compound file signature. */
export function hasOle2Magic(head: Buffer): boolean {
  return hasMagic(head, OLE2_MAGIC);
}

/** The probe's compound file directory, or null when it is not one or its header is unusable. */
export const oleDirectory = perProbe((probe) => (hasOle2Magic(probe.head) ? readDirectory(probe) : null));

interface Entry {
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
}

function readDirectory(probe: Probe): OleDirectory | null {
  const header = probe.read(0, HEADER_BYTES);
  if (header.length < HEADER_BYTES || header.readUInt16LE(28) !== 0xfffe) return null;
  const shift = header.readUInt16LE(30);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 1 << shift;
  const perSector = sectorSize / 4;
  const fatCount = header.readUInt32LE(44);
  const firstDirectory = header.readUInt32LE(48);
  const sectorAt = (sector: number) => (sector + 1) * sectorSize;

  // The FAT sectors in order: the first 109 in the header, the rest in the DIFAT chain (read lazily).
  const fatSectors: number[] = [];
  for (let i = 0; i < HEADER_DIFAT && fatSectors.length < fatCount; i++) {
    fatSectors.push(header.readUInt32LE(76 + 4 * i));
  }
  let difat = header.readUInt32LE(68);
  const difatSeen = new Set<number>();
  const fatSector = (index: number): number | null => {
    while (index >= fatSectors.length && fatSectors.length < fatCount) {
      if (difat > MAX_SECTOR || sectorAt(difat) >= probe.size) return null;
      if (difatSeen.has(difat) || difatSeen.size >= MAX_DIFAT_SECTORS) return null;
      difatSeen.add(difat);
      const block = probe.read(sectorAt(difat), sectorSize);
      if (block.length < sectorSize) return null;
      for (let i = 0; i < perSector - 1 && fatSectors.length < fatCount; i++) {
        fatSectors.push(block.readUInt32LE(4 * i));
      }
      difat = block.readUInt32LE(sectorSize - 4);
    }
    return fatSectors[index] ?? null;
  };
  const fatBlocks = new Map<number, Buffer>();
  const nextSector = (sector: number): number | null => {
    const index = Math.floor(sector / perSector);
    let block = fatBlocks.get(index);
    if (block === undefined) {
      const at = fatSector(index);
      if (at === null || at > MAX_SECTOR) return null;
      block = probe.read(sectorAt(at), sectorSize);
      fatBlocks.set(index, block);
    }
    const offset = 4 * (sector % perSector);
    return offset + 4 <= block.length ? block.readUInt32LE(offset) : null;
  };

  const entries: Entry[] = [];
  const seen = new Set<number>();
  for (let sector = firstDirectory; sector <= MAX_SECTOR && seen.size < MAX_DIRECTORY_SECTORS; ) {
    if (seen.has(sector) || sectorAt(sector) >= probe.size) break;
    seen.add(sector);
    const block = probe.read(sectorAt(sector), sectorSize);
    for (let at = 0; at + ENTRY_BYTES <= block.length; at += ENTRY_BYTES) {
      const nameBytes = Math.min(block.readUInt16LE(at + 64), 64);
      entries.push({
        name: block.subarray(at, at + Math.max(0, nameBytes - 2)).toString('utf16le'),
        type: block[at + 66] ?? 0,
        left: block.readUInt32LE(at + 68),
        right: block.readUInt32LE(at + 72),
        child: block.readUInt32LE(at + 76),
      });
    }
    if (block.length < sectorSize) break;
    const next = nextSector(sector);
    if (next === null) break;
    sector = next;
  }
  const root = entries[0];
  if (root === undefined || root.type !== 5) return null;
  const names = entries.slice(1).flatMap((e) => (e.type === 1 || e.type === 2 ? [e.name] : []));
  return { rootChildren: children(entries, root.child), names };
}

/** The names in the sibling tree under `first` (left and right links), or null if a link is bad. */
function children(entries: Entry[], first: number): string[] | null {
  const names: string[] = [];
  const visited = new Set<number>();
  const stack = first === NOSTREAM ? [] : [first];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const entry = entries[id];
    if (entry === undefined || id === 0 || visited.has(id)) return null;
    visited.add(id);
    names.push(entry.name);
    if (entry.left !== NOSTREAM) stack.push(entry.left);
    if (entry.right !== NOSTREAM) stack.push(entry.right);
  }
  return names;
}

/**
 * How strongly the probe's directory shows an entry `matches` accepts: 100 among the root's
 * children, 60 only deeper (an attachment's storage, an embedded object) or when the tree could
 * not be walked (then below the generic `ole` at 80), 0 when absent or not a compound file.
 */
export function oleScore(probe: Probe, matches: (name: string) => boolean): number {
  const directory = oleDirectory(probe);
  if (directory === null) return 0;
  if (directory.rootChildren?.some(matches)) return 100;
  return directory.names.some(matches) ? 60 : 0;
}
