// The byte scanner of revisions (ISO 32000 §7.5): from the last `startxref`, every cross-reference
// section along the /Prev chain (tables, streams and hybrid files), grouped into revisions. A
// linearised file's first-page section points forward to the main one (/Prev to a later offset): the
// two are one revision, so its extra %%EOF is not counted as an update. Every other `startxref` is
// followed too, so a revision cut off the chain is still found. When no section can be read,
// the objects are found by scanning for `N G obj` and the file is one revision, with a problem.
import { MAX_OBJECTS, MAX_SECTIONS } from './limits.ts';
import type { Problems } from './problems.ts';
import { type DecodeBudget, decodeStream } from './streams.ts';
import { type Dict, isDict, Name, Parser, PdfStream, PdfSyntaxError } from './syntax.ts';

/** Where an object is: in use at a byte offset (1), in an object stream (2), or free (0). */
export type XrefEntry =
  | { type: 0 }
  | { type: 1; offset: number; gen: number }
  | { type: 2; stream: number; index: number };

interface Section {
  offset: number;
  trailer: Dict;
  entries: Map<number, XrefEntry>;
  /** Offset just after the %%EOF that closes the section. */
  end: number;
  prev: number | null;
}

export interface Revision {
  /** Offset where the bytes of this revision start (the previous revision's end). */
  start: number;
  end: number;
  entries: Map<number, XrefEntry>;
  trailer: Dict;
}

const FREE: XrefEntry = { type: 0 };
/** How far from where startxref points a section is still looked for (writers that miscount). */
const NEAR_BYTES = 32;

function intOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

/** The offset after the first %%EOF at or after `from` (or the end of the file when there is none). */
function eofAfter(buf: Buffer, from: number): number {
  const at = buf.indexOf('%%EOF', from, 'latin1');
  return at < 0 ? buf.length : at + 5;
}

function readTable(buf: Buffer, offset: number): Section {
  const p = new Parser(buf, offset + 4);
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    const first = p.readInt();
    if (first === null) break;
    const count = p.readInt();
    if (count === null || first + count > MAX_OBJECTS) throw new PdfSyntaxError('bad-xref-table', p.pos);
    for (let k = 0; k < count; k++) {
      const at = p.readInt();
      const gen = p.readInt();
      const kind = p.readWord();
      if (at === null || gen === null || (kind !== 'n' && kind !== 'f'))
        throw new PdfSyntaxError('bad-xref-table', p.pos);
      entries.set(first + k, kind === 'n' && at > 0 ? { type: 1, offset: at, gen } : FREE);
    }
  }
  if (p.readWord() !== 'trailer') throw new PdfSyntaxError('no-trailer', p.pos);
  const trailer = p.readValue();
  if (!isDict(trailer)) throw new PdfSyntaxError('no-trailer', p.pos);
  return { offset, trailer, entries, end: eofAfter(buf, p.pos), prev: intOf(trailer.get('Prev')) };
}

function readStreamSection(buf: Buffer, offset: number, budget: DecodeBudget): Section {
  const p = new Parser(buf, offset);
  const { value } = p.readIndirect();
  if (!(value instanceof PdfStream) || !(value.dict.get('Type') instanceof Name))
    throw new PdfSyntaxError('not-an-xref', offset);
  const dict = value.dict;
  const widths = dict.get('W');
  if (
    !Array.isArray(widths) ||
    widths.length < 3 ||
    widths.some((w) => intOf(w) === null || (w as number) > 8)
  )
    throw new PdfSyntaxError('bad-xref-stream', offset);
  const [w0, w1, w2] = widths as number[];
  const size = intOf(dict.get('Size')) ?? 0;
  const index = dict.get('Index');
  const ranges = Array.isArray(index) ? index.map(intOf) : [0, size];
  const data = decodeStream(value, budget);
  const rowLength = w0! + w1! + w2!;
  const field = (at: number, width: number) => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
    return v;
  };
  const entries = new Map<number, XrefEntry>();
  let row = 0;
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const first = ranges[r];
    const count = ranges[r + 1];
    if (first === null || first === undefined || count === null || count === undefined) break;
    if (first + count > MAX_OBJECTS) throw new PdfSyntaxError('bad-xref-stream', offset);
    for (let k = 0; k < count && (row + 1) * rowLength <= data.length; k++, row++) {
      const at = row * rowLength;
      const type = w0 === 0 ? 1 : field(at, w0!);
      const a = field(at + w0!, w1!);
      const b = field(at + w0! + w1!, w2!);
      entries.set(
        first + k,
        type === 1 && a > 0
          ? { type: 1, offset: a, gen: b }
          : type === 2
            ? { type: 2, stream: a, index: b }
            : FREE,
      );
    }
  }
  return { offset, trailer: dict, entries, end: eofAfter(buf, p.pos), prev: intOf(dict.get('Prev')) };
}

/** The section at `offset`, tolerating a startxref a few bytes off. */
function readSection(buf: Buffer, offset: number, budget: DecodeBudget): Section {
  const read = (at: number): Section => {
    const p = new Parser(buf, at);
    p.skipSpace();
    if (p.peekWord() === 'xref') {
      const table = readTable(buf, p.pos);
      const hybrid = intOf(table.trailer.get('XRefStm'));
      if (hybrid !== null) {
        try {
          for (const [num, entry] of readStreamSection(buf, hybrid, budget).entries)
            if (table.entries.get(num)?.type !== 1) table.entries.set(num, entry);
        } catch {
          // The table alone still lists the objects outside object streams.
        }
      }
      return table;
    }
    return readStreamSection(buf, p.pos, budget);
  };
  try {
    return read(offset);
  } catch (error) {
    // Looked for in a small window only: a search to the end of the file, for each of thousands of
    // bogus startxref values, would be quadratic.
    const from = Math.max(0, offset - NEAR_BYTES);
    const found = buf.subarray(from, offset + NEAR_BYTES + 4).indexOf('xref', 0, 'latin1');
    const near = found < 0 ? -1 : from + found;
    if (near >= 0 && near !== offset) return read(near);
    throw error;
  }
}

/** The offset given by the last `startxref`, or null. */
function lastStartxref(buf: Buffer): number | null {
  const at = buf.lastIndexOf('startxref', buf.length, 'latin1');
  if (at < 0) return null;
  return new Parser(buf, at + 9).readInt();
}

/** Every `N G obj` in the file, the last definition of each number winning. */
function rebuildEntries(buf: Buffer): Map<number, XrefEntry> {
  const entries = new Map<number, XrefEntry>();
  let from = 0;
  while (entries.size < MAX_OBJECTS) {
    const at = buf.indexOf('obj', from, 'latin1');
    if (at < 0) break;
    from = at + 3;
    const after = buf[at + 3];
    if (after !== undefined && !(after <= 0x20 || after === 0x3c || after === 0x5b || after === 0x2f))
      continue;
    let i = at - 1;
    const digits = () => {
      const end = i;
      while (i >= 0 && buf[i]! >= 0x30 && buf[i]! <= 0x39 && end - i < 10) i--;
      return end - i;
    };
    const spaces = () => {
      const end = i;
      while (i >= 0 && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i--;
      return end - i;
    };
    if (!spaces() || !digits()) continue;
    const genStart = i + 1;
    if (!spaces() || !digits()) continue;
    const num = Number(buf.toString('latin1', i + 1, genStart).trim());
    entries.set(num, { type: 1, offset: i + 1, gen: 0 });
  }
  return entries;
}

function rebuiltTrailer(buf: Buffer): Dict {
  const at = buf.lastIndexOf('trailer', buf.length, 'latin1');
  if (at >= 0) {
    try {
      const trailer = new Parser(buf, at + 7).readValue();
      if (isDict(trailer)) return trailer;
    } catch {
      // A damaged trailer: the catalog is then looked for among the objects.
    }
  }
  return new Map();
}

export interface Revisions {
  revisions: Revision[];
  /** True when the sections could not be read and objects were found by scanning. */
  rebuilt: boolean;
}

/** The offsets every `startxref` gives, last first (a linearised file's first-page `startxref 0` left out). */
function startxrefMarkers(buf: Buffer): number[] {
  const offsets: number[] = [];
  let from = buf.length;
  while (offsets.length < MAX_SECTIONS) {
    const at = buf.lastIndexOf('startxref', from, 'latin1');
    if (at < 0) break;
    const offset = new Parser(buf, at + 9).readInt();
    if (offset) offsets.push(offset);
    from = at - 1;
  }
  return offsets;
}

/**
 * The file's revisions, oldest first. Besides the /Prev chain from the last `startxref`, every other
 * `startxref` is followed too: a revision that no chain reaches (a broken or forged /Prev) is still
 * listed, with a problem saying it was found that way.
 */
export function readRevisions(buf: Buffer, budget: DecodeBudget, problems: Problems): Revisions {
  const sections = new Map<number, Section>();
  const tried = new Map<number, Section | null>();
  const walk = (start: number, recovering: boolean): number => {
    const visited = new Set<number>();
    let read = 0;
    for (let offset: number | null = start; offset !== null; ) {
      if (visited.has(offset)) {
        problems.add('extract.pdf.prev-cycle', { offset });
        break;
      }
      visited.add(offset);
      if (tried.has(offset)) break;
      if (sections.size >= MAX_SECTIONS) {
        problems.add('extract.pdf.limit', { what: 'xref-sections', limit: MAX_SECTIONS });
        break;
      }
      const at = offset;
      try {
        const section = readSection(buf, at, budget);
        tried.set(at, section);
        if (!sections.has(section.offset)) read++;
        sections.set(section.offset, section);
        offset = section.prev;
      } catch (error) {
        tried.set(at, null);
        if (!recovering)
          problems.add('extract.pdf.bad-xref', {
            offset: at,
            reason: error instanceof PdfSyntaxError ? error.reason : 'damaged-stream',
          });
        break;
      }
    }
    return read;
  };
  const last = lastStartxref(buf);
  if (last === null) problems.add('extract.pdf.no-startxref');
  else walk(last, false);
  for (const offset of startxrefMarkers(buf))
    if (!tried.has(offset) && walk(offset, true) > 0)
      problems.add('extract.pdf.unlinked-revision', { offset });
  if (sections.size === 0) {
    problems.add('extract.pdf.xref-rebuilt');
    const entries = rebuildEntries(buf);
    return {
      revisions: [{ start: 0, end: buf.length, entries, trailer: rebuiltTrailer(buf) }],
      rebuilt: true,
    };
  }
  // A section whose /Prev points forward is a linearised file's first-page section: it joins the
  // revision of the section it points to, and its entries and trailer take precedence there.
  const forwardTarget = (section: Section) => {
    const prev = section.prev;
    const target = prev !== null && prev > section.offset ? tried.get(prev) : null;
    return target && target !== section ? target : null;
  };
  const groups = new Map<Section, Section[]>();
  for (const section of sections.values()) if (!forwardTarget(section)) groups.set(section, [section]);
  for (const section of sections.values()) {
    const target = forwardTarget(section);
    if (target) (groups.get(target) ?? groups.set(section, []).get(section)!).push(section);
  }
  const revisions: Revision[] = [...groups.values()].map((group) => {
    const entries = new Map<number, XrefEntry>();
    const trailer: Dict = new Map();
    for (const section of group) {
      for (const [num, entry] of section.entries) entries.set(num, entry);
      for (const [key, value] of section.trailer) trailer.set(key, value);
    }
    return { start: 0, end: Math.max(...group.map((s) => s.end)), entries, trailer };
  });
  revisions.sort((a, b) => a.end - b.end);
  revisions.forEach((revision, i) => {
    revision.start = i === 0 ? 0 : revisions[i - 1]!.end;
  });
  return { revisions, rebuilt: false };
}
