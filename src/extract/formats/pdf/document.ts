// Objects as of a revision: an object number is looked up in that revision's xref, then in each older
// one; objects in object streams (PDF 1.5) are read from the decoded stream. Parsed objects and decoded
// object streams are cached by offset, so revisions that share objects share the work. A damaged object
// reads as null with a problem: the rest of the file is still read.
import { type Decryptor, openWithEmptyPassword } from './crypt.ts';
import { MAX_DEPTH, MAX_PAGES } from './limits.ts';
import type { Problems } from './problems.ts';
import { DecodeBudget, decodeStream } from './streams.ts';
import {
  type Dict,
  isDict,
  Name,
  Parser,
  type PdfStream,
  PdfString,
  type PdfValue,
  Ref,
  PdfStream as Stream,
} from './syntax.ts';
import { type Revision, readRevisions, type XrefEntry } from './xref.ts';

export interface Page {
  num: number;
  dict: Dict;
  /** /Resources, inherited from the page tree when the page has none. */
  resources: Dict | null;
  /** /MediaBox (inherited likewise): its area in square points, US Letter's when none is given. */
  area: number;
}

const LETTER_AREA = 612 * 792;

function boxArea(box: PdfValue[]): number | null {
  if (box.length !== 4 || !box.every((v) => typeof v === 'number')) return null;
  const [x0, y0, x1, y1] = box as number[];
  const area = Math.abs((x1! - x0!) * (y1! - y0!));
  return area > 0 ? area : null;
}

export class PdfDocument {
  readonly buf: Buffer;
  readonly problems: Problems;
  readonly budget = new DecodeBudget();
  readonly revisions: Revision[];
  readonly rebuilt: boolean;
  /** The trailer names an /Encrypt dictionary. */
  readonly encrypted: boolean;
  /** How strings and streams are decrypted, when the empty user password opens the file. */
  readonly decryptor: Decryptor | null = null;
  private readonly encryptNum: number | null = null;
  private readonly byOffset = new Map<number, PdfValue>();
  /** Objects read from object streams, by their xref entry (so each is parsed once, and stays the same object). */
  private readonly inStreams = new Map<XrefEntry, PdfValue>();
  private readonly objectStreams = new Map<number, { data: Buffer; offsets: Map<number, number> } | null>();
  private resolvingLength = false;

  constructor(buf: Buffer, problems: Problems) {
    this.buf = buf;
    this.problems = problems;
    const read = readRevisions(buf, this.budget, problems);
    this.revisions = read.revisions;
    this.rebuilt = read.rebuilt;
    const trailer = this.revisions[this.last]!.trailer;
    const encrypt = trailer.get('Encrypt');
    this.encrypted = encrypt !== undefined;
    if (encrypt !== undefined) {
      // Read before the decryptor exists: the /Encrypt dictionary itself is never encrypted.
      const dict = this.dict(encrypt, this.last);
      const id = this.array(trailer.get('ID'), this.last)[0];
      this.encryptNum = encrypt instanceof Ref ? encrypt.num : null;
      this.decryptor =
        dict && openWithEmptyPassword(dict, id instanceof PdfString ? id.bytes : Buffer.alloc(0));
    }
  }

  /** A freshly parsed object of an encrypted file with its strings decrypted and its streams marked. */
  private decryptValue(value: PdfValue, num: number, gen: number, depth: number): PdfValue {
    const decryptor = this.decryptor!;
    if (value instanceof PdfString) return new PdfString(decryptor.decrypt(value.bytes, num, gen, 'string'));
    if (depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.decryptValue(value[i]!, num, gen, depth + 1);
    } else if (value instanceof Stream || isDict(value)) {
      const dict = value instanceof Stream ? value.dict : value;
      for (const [key, v] of dict) dict.set(key, this.decryptValue(v, num, gen, depth + 1));
      const type = nameOf(dict.get('Type'));
      const clear = type === 'XRef' || (type === 'Metadata' && !decryptor.encryptMetadata);
      if (value instanceof Stream && !clear)
        value.decrypt = (raw) => decryptor.decrypt(raw, num, gen, 'stream');
    }
    return value;
  }

  get last(): number {
    return this.revisions.length - 1;
  }

  /** The xref entry of `num` as of revision `rev`. */
  entry(num: number, rev: number): XrefEntry | undefined {
    for (let r = rev; r >= 0; r--) {
      const found = this.revisions[r]!.entries.get(num);
      if (found) return found;
    }
    return undefined;
  }

  /** The object at a byte offset of the file (cached). */
  objectAtOffset(offset: number, num: number | null): PdfValue {
    if (this.byOffset.has(offset)) return this.byOffset.get(offset)!;
    let value: PdfValue = null;
    try {
      const parser = new Parser(this.buf, offset);
      parser.resolveLength = (ref) => this.lengthOf(ref);
      const read = parser.readIndirect();
      value = read.value;
      if (this.decryptor && read.num !== this.encryptNum)
        value = this.decryptValue(value, read.num, read.gen, 0);
    } catch (error) {
      this.problems.failure(error, num);
    }
    this.byOffset.set(offset, value);
    return value;
  }

  private lengthOf(ref: Ref): number | null {
    if (this.resolvingLength) return null;
    this.resolvingLength = true;
    try {
      const value = this.object(ref.num, this.last);
      return typeof value === 'number' ? value : null;
    } finally {
      this.resolvingLength = false;
    }
  }

  /** Object `num` as of revision `rev`, or null when it is free, missing or unreadable. */
  object(num: number, rev: number): PdfValue {
    const entry = this.entry(num, rev);
    if (!entry || entry.type === 0) return null;
    if (entry.type === 1) return this.objectAtOffset(entry.offset, num);
    if (this.inStreams.has(entry)) return this.inStreams.get(entry)!;
    const container = this.objectStream(entry.stream, rev);
    const at = container?.offsets.get(num);
    let value: PdfValue = null;
    if (container && at !== undefined) {
      try {
        value = new Parser(container.data, at).readValue();
      } catch (error) {
        this.problems.failure(error, num);
      }
    }
    this.inStreams.set(entry, value);
    return value;
  }

  private objectStream(num: number, rev: number): { data: Buffer; offsets: Map<number, number> } | null {
    const entry = this.entry(num, rev);
    if (entry?.type !== 1) return null;
    if (this.objectStreams.has(entry.offset)) return this.objectStreams.get(entry.offset)!;
    let result: { data: Buffer; offsets: Map<number, number> } | null = null;
    const stream = this.objectAtOffset(entry.offset, num);
    if (stream instanceof Stream) {
      try {
        const data = decodeStream(stream, this.budget);
        const count = Math.min(Number(stream.dict.get('N')) || 0, data.length >> 1);
        const first = Number(stream.dict.get('First')) || 0;
        const parser = new Parser(data, 0);
        const offsets = new Map<number, number>();
        for (let k = 0; k < count; k++) {
          const obj = parser.readInt();
          const at = parser.readInt();
          if (obj === null || at === null) break;
          offsets.set(obj, first + at);
        }
        result = { data, offsets };
      } catch (error) {
        this.problems.failure(error, num);
      }
    }
    this.objectStreams.set(entry.offset, result);
    return result;
  }

  /** A value with references followed (a chain of references ends after MAX_DEPTH). */
  resolve(value: PdfValue | undefined, rev: number): PdfValue {
    let v = value ?? null;
    for (let hops = 0; v instanceof Ref && hops < MAX_DEPTH; hops++) v = this.object(v.num, rev);
    return v instanceof Ref ? null : v;
  }

  dict(value: PdfValue | undefined, rev: number): Dict | null {
    const v = this.resolve(value, rev);
    if (v instanceof Stream) return v.dict;
    return isDict(v) ? v : null;
  }

  stream(value: PdfValue | undefined, rev: number): PdfStream | null {
    const v = this.resolve(value, rev);
    return v instanceof Stream ? v : null;
  }

  array(value: PdfValue | undefined, rev: number): PdfValue[] {
    const v = this.resolve(value, rev);
    return Array.isArray(v) ? v : [];
  }

  /** The decoded data of a stream, or null (with a problem) when it cannot be decoded. */
  decoded(stream: PdfStream, num: number | null): Buffer | null {
    try {
      return decodeStream(stream, this.budget);
    } catch (error) {
      this.problems.failure(error, num);
      return null;
    }
  }

  /** The document catalog as of revision `rev`. */
  catalog(rev: number): Dict | null {
    const root = this.dict(this.revisions[rev]!.trailer.get('Root'), rev);
    if (root || !this.rebuilt) return root;
    for (const [num] of this.revisions[0]!.entries) {
      const candidate = this.dict(new Ref(num, 0), 0);
      if (candidate?.get('Type') instanceof Name && (candidate.get('Type') as Name).name === 'Catalog')
        return candidate;
    }
    return null;
  }

  /** The pages in order as of revision `rev` (cycles and over-deep trees cut, with a problem). */
  pages(rev: number): Page[] {
    const pages: Page[] = [];
    const seen = new Set<number>();
    const walk = (
      node: PdfValue | undefined,
      inherited: Dict | null,
      inheritedArea: number,
      depth: number,
    ) => {
      if (pages.length >= MAX_PAGES) {
        this.problems.add('extract.pdf.limit', { what: 'pages', limit: MAX_PAGES });
        return;
      }
      if (node instanceof Ref) {
        if (seen.has(node.num)) {
          this.problems.add('extract.pdf.page-tree-cycle', { object: node.num });
          return;
        }
        seen.add(node.num);
      }
      const dict = this.dict(node, rev);
      if (!dict || depth > MAX_DEPTH) return;
      const resources = this.dict(dict.get('Resources'), rev) ?? inherited;
      const area = boxArea(this.array(dict.get('MediaBox'), rev)) ?? inheritedArea;
      const kids = dict.get('Kids');
      const type = dict.get('Type');
      if (kids !== undefined && !(type instanceof Name && type.name === 'Page')) {
        for (const kid of this.array(kids, rev)) walk(kid, resources, area, depth + 1);
      } else pages.push({ num: node instanceof Ref ? node.num : -1, dict, resources, area });
    };
    walk(this.catalog(rev)?.get('Pages'), null, LETTER_AREA, 0);
    return pages;
  }
}

/** A name value's name, or null. */
export function nameOf(value: PdfValue | undefined): string | null {
  return value instanceof Name ? value.name : null;
}
