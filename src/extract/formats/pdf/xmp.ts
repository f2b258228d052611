// XMP packets (ISO 16684-1) wherever they are in a PDF: the document's, each page's and each embedded
// image's. Found by a byte scan of the file (packets are mostly stored uncompressed so any tool can find
// them) and of the decoded metadata streams that are compressed. Properties occur both as attributes of
// rdf:Description and as elements; prefixes vary (xap: before xmp:), so they are matched by local name.
// A packet with a DTD is refused: XMP allows none, and entity expansion is a classic bomb.
import { XMLParser } from 'fast-xml-parser';
import { parseIsoDate } from '../../dates.ts';
import type { MetadataField, XmpHistoryEvent, XmpPacket } from '../../types.ts';
import { MAX_DEPTH, MAX_XMP_BYTES, MAX_XMP_FIELDS, MAX_XMP_PACKETS } from './limits.ts';
import type { Problems } from './problems.ts';

type XmpValue = string | XmpValue[] | { [name: string]: XmpValue };

/** One packet read: its facts, its fields as written, and the properties by local name. */
export interface ReadPacket {
  packet: XmpPacket;
  fields: Array<[name: string, value: string]>;
  properties: Map<string, XmpValue>;
}

/** Byte ranges of the packets in `buf`, in order. */
export function findPackets(buf: Buffer): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  let pos = 0;
  while (found.length < MAX_XMP_PACKETS) {
    const wrapped = buf.indexOf('<?xpacket begin', pos, 'latin1');
    const bare = buf.indexOf('<x:xmpmeta', pos, 'latin1');
    const start = wrapped >= 0 && (bare < 0 || wrapped < bare) ? wrapped : bare;
    if (start < 0) break;
    let end = -1;
    if (start === wrapped) {
      const close = buf.indexOf('<?xpacket end', start, 'latin1');
      const meta = buf.indexOf('</x:xmpmeta>', start, 'latin1');
      // A packet whose end marker is missing ends with its xmpmeta element.
      if (close >= 0 && (meta < 0 || close > meta)) {
        const pi = buf.indexOf('?>', close, 'latin1');
        end = pi < 0 ? -1 : pi + 2;
      } else if (meta >= 0) end = meta + 12;
    } else {
      const meta = buf.indexOf('</x:xmpmeta>', start, 'latin1');
      end = meta < 0 ? -1 : meta + 12;
    }
    if (end < 0) end = Math.min(buf.length, start + MAX_XMP_BYTES);
    found.push({ start, end });
    pos = end;
  }
  return found;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

const local = (name: string) => name.slice(name.indexOf(':') + 1);
const isRdf = (name: string, what: string) => name === `rdf:${what}` || name === what;

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A property element's value: text, a list (Seq/Bag/Alt), or a structure. */
function propertyValue(node: unknown, depth: number): XmpValue {
  if (typeof node === 'string') return node;
  if (!isNode(node) || depth > MAX_DEPTH) return '';
  const resource = node['@rdf:resource'];
  if (typeof resource === 'string') return resource;
  for (const kind of ['Seq', 'Bag', 'Alt']) {
    const list = node[`rdf:${kind}`];
    if (Array.isArray(list)) {
      const items = list.flatMap((l) => (isNode(l) && Array.isArray(l['rdf:li']) ? l['rdf:li'] : []));
      return items.map((item) => propertyValue(item, depth + 1));
    }
  }
  const struct: Record<string, XmpValue> = {};
  const addFrom = (n: Node) => {
    for (const [key, v] of Object.entries(n)) {
      if (key === '#text') continue;
      if (key.startsWith('@')) {
        const name = key.slice(1);
        // RDF's own attributes are structure, not properties (old writers put `about` unprefixed).
        if (
          name !== 'about' &&
          !name.startsWith('xmlns') &&
          !name.startsWith('rdf:') &&
          !name.startsWith('xml:') &&
          typeof v === 'string'
        )
          struct[name] = v;
      } else if (isRdf(key, 'Description') && Array.isArray(v)) {
        for (const d of v) if (isNode(d)) addFrom(d);
      } else if (Array.isArray(v)) struct[key] = propertyValue(v[0], depth + 1);
    }
  };
  addFrom(node);
  if (Object.keys(struct).length === 0) return typeof node['#text'] === 'string' ? node['#text'] : '';
  return struct;
}

/** Every rdf:Description's properties, in document order. */
function collect(
  node: unknown,
  into: Map<string, XmpValue>,
  depth: number,
  meta: { toolkit: string | null },
): void {
  if (!isNode(node) || depth > MAX_DEPTH) return;
  for (const [key, v] of Object.entries(node)) {
    if ((key === '@x:xmptk' || key === '@x:xaptk') && typeof v === 'string') meta.toolkit = v;
    if (!Array.isArray(v)) continue;
    if (isRdf(key, 'Description')) {
      for (const d of v) {
        if (!isNode(d)) continue;
        for (const [name, value] of Object.entries(propertyValue(d, depth + 1) as Record<string, XmpValue>))
          if (!into.has(name)) into.set(name, value);
      }
    } else for (const child of v) collect(child, into, depth + 1, meta);
  }
}

function flatten(name: string, value: XmpValue, out: Array<[string, string]>): void {
  if (out.length >= MAX_XMP_FIELDS) return;
  if (typeof value === 'string') out.push([name, value]);
  else if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) out.push([name, value.join('; ')]);
    else
      value.forEach((v, i) => {
        flatten(`${name}[${i + 1}]`, v, out);
      });
  } else for (const [key, v] of Object.entries(value)) flatten(`${name}/${key}`, v, out);
}

function text(value: XmpValue | undefined): string | null {
  if (typeof value === 'string') return value || null;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0] || null;
  return null;
}

/** The first property with one of these local names. */
export function property(properties: Map<string, XmpValue>, name: string): XmpValue | undefined {
  for (const [key, value] of properties) if (local(key) === name) return value;
  return undefined;
}

export function propertyText(properties: Map<string, XmpValue>, name: string): string | null {
  return text(property(properties, name));
}

function history(value: XmpValue | undefined): XmpHistoryEvent[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((event) => {
    if (typeof event !== 'object' || Array.isArray(event)) return [];
    const field = (name: string) => {
      const found = Object.entries(event).find(([key]) => local(key) === name);
      return found && typeof found[1] === 'string' ? found[1] : null;
    };
    const when = field('when');
    return [
      {
        action: field('action'),
        when: when ? parseIsoDate(when) : null,
        softwareAgent: field('softwareAgent'),
        changed: field('changed'),
      },
    ];
  });
}

/** Reads one packet; null (with a problem) when it is not well-formed XML or holds a DTD. */
export function readPacket(bytes: Buffer, offset: number, problems: Problems): ReadPacket | null {
  // Only the xmpmeta element is parsed: the packet's padding (kilobytes of spaces left for in-place
  // edits) and processing instructions carry nothing, and parsing them was most of the time spent.
  const start = bytes.indexOf('<x:xmpmeta', 0, 'latin1');
  const close = bytes.lastIndexOf('</x:xmpmeta>', bytes.length, 'latin1');
  const xml = bytes.toString('utf8', Math.max(0, start), close > start ? close + 12 : bytes.length);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    problems.add('extract.pdf.xmp-dtd', { offset });
    return null;
  }
  let tree: unknown;
  try {
    tree = parser.parse(xml);
  } catch {
    problems.add('extract.pdf.xmp-unreadable', { offset });
    return null;
  }
  const properties = new Map<string, XmpValue>();
  const meta = { toolkit: null as string | null };
  collect(tree, properties, 0, meta);
  const fields: Array<[string, string]> = [];
  if (meta.toolkit) fields.push(['x:xmptk', meta.toolkit]);
  for (const [name, value] of properties) flatten(name, value, fields);
  const date = (name: string) => {
    const written = propertyText(properties, name);
    return written ? parseIsoDate(written) : null;
  };
  const creators = property(properties, 'creator');
  const packet: XmpPacket = {
    offset,
    toolkit: meta.toolkit,
    creatorTool: propertyText(properties, 'CreatorTool'),
    producer: propertyText(properties, 'Producer'),
    created: date('CreateDate'),
    modified: date('ModifyDate'),
    metadataDate: date('MetadataDate'),
    creators: Array.isArray(creators)
      ? creators.filter((c): c is string => typeof c === 'string' && c !== '')
      : typeof creators === 'string' && creators
        ? [creators]
        : [],
    history: history(property(properties, 'History')),
  };
  return { packet, fields, properties };
}

/** Adds a packet's fields to the metadata table under `XMP <n>`. */
export function packetFields(read: ReadPacket, n: number, into: MetadataField[]): void {
  for (const [name, value] of read.fields) if (value.trim()) into.push({ group: `XMP ${n}`, name, value });
}
