// Document bytes for attachments and loose files: PDF, CSV, DOCX-like OOXML zip, PNG.
// All deterministic given the Rng (zip entries get a fixed mtime).

import { crc32, deflateSync } from 'node:zlib';
import { ZipFile } from 'yazl';
import type { Rng } from './prng.ts';

export type DocKind = 'pdf' | 'csv' | 'docx' | 'png';

export const CONTENT_TYPES: Record<DocKind, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  png: 'image/png',
};

export interface PdfInfo {
  title?: string;
  author?: string;
  producer?: string;
  creator?: string;
  /** PDF date strings, e.g. `D:20170404100312+02'00'`. */
  creationDate?: string;
  modDate?: string;
}

/** PDF date string for a Date in a given offset (minutes). */
export function pdfDate(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return (
    `D:${local.getUTCFullYear()}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}` +
    `${p(local.getUTCHours())}${p(local.getUTCMinutes())}${p(local.getUTCSeconds())}` +
    `${sign}${p(Math.floor(abs / 60))}'${p(abs % 60)}'`
  );
}

function pdfString(s: string): string {
  // Literal string; non-Latin-1 text would need UTF-16BE, keep to Latin-1-safe escaping here.
  return '(' + s.replace(/([\\()])/g, '\\$1') + ')';
}

/**
 * A small but valid PDF: catalog, one page with a text stream, an Info dictionary, and a
 * correct xref table. `padding` adds an extra (Flate-looking binary) stream object so the file
 * reaches a target size; 0 keeps the file minimal (~600–700 bytes).
 */
export function makePdf(info: PdfInfo, lines: string[], padding: Buffer | null = null): Buffer {
  const text = lines
    .slice(0, 40)
    .map((l, i) => `BT /F1 11 Tf 56 ${780 - i * 16} Td ${pdfString(asciiFold(l))} Tj ET`)
    .join('\n');
  const objects: Buffer[] = [];
  objects.push(Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'));
  objects.push(Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'));
  objects.push(
    Buffer.from(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    ),
  );
  objects.push(Buffer.from(`<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`));
  objects.push(Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'));
  const infoEntries: string[] = [];
  if (info.title) infoEntries.push(`/Title ${pdfString(info.title)}`);
  if (info.author) infoEntries.push(`/Author ${pdfString(info.author)}`);
  if (info.creator) infoEntries.push(`/Creator ${pdfString(info.creator)}`);
  if (info.producer) infoEntries.push(`/Producer ${pdfString(info.producer)}`);
  if (info.creationDate) infoEntries.push(`/CreationDate ${pdfString(info.creationDate)}`);
  if (info.modDate) infoEntries.push(`/ModDate ${pdfString(info.modDate)}`);
  objects.push(Buffer.from(`<< ${infoEntries.join(' ')} >>`));
  if (padding) {
    objects.push(
      Buffer.concat([
        Buffer.from(`<< /Length ${padding.length} /Filter /FlateDecode >>\nstream\n`),
        padding,
        Buffer.from('\nendstream'),
      ]),
    );
  }
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref));
  return Buffer.concat(parts);
}

/** Strips accents so text fits a PDF literal string in WinAnsi without an encoding table. */
function asciiFold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’]/g, "'")
    .replace(/[—]/g, '-')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** A budget-like CSV of roughly `size` bytes (semicolon separated, French style). */
export function makeCsv(rng: Rng, size: number, firstYear = 2017): Buffer {
  const postes = [
    'Impression tracts',
    'Affiches 4x3',
    'Location salle',
    'Sonorisation',
    'Déplacements train',
    'Hôtel',
    'Traiteur',
    'Publicité en ligne',
    'Honoraires conseil',
    'Frais bancaires',
  ];
  const rows = ['date;poste;fournisseur;montant_ttc;tva;payé_par'];
  let total = rows[0]!.length + 1;
  while (total < size) {
    const d = `${firstYear}-${String(rng.range(1, 12)).padStart(2, '0')}-${String(rng.range(1, 28)).padStart(2, '0')}`;
    const amount = (rng.range(50, 250000) / 10).toFixed(2).replace('.', ',');
    const row = `${d};${rng.pick(postes)};FOURN-${rng.range(100, 999)};${amount};20,0;${rng.pick(['CB asso', 'virement', 'chèque', 'espèces'])}`;
    rows.push(row);
    total += Buffer.byteLength(row) + 2;
  }
  return Buffer.from(rows.join('\r\n') + '\r\n');
}

const ZIP_MTIME = new Date(Date.UTC(2017, 2, 14, 9, 30, 0));

function zipToBuffer(
  entries: { name: string; data: Buffer; compress: boolean; mtime?: Date }[],
): Promise<Buffer> {
  const zip = new ZipFile();
  for (const e of entries) {
    zip.addBuffer(e.data, e.name, { mtime: e.mtime ?? ZIP_MTIME, compress: e.compress, mode: 0o100644 });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** Builds a zip from named buffers (stored or deflated) with fixed timestamps: deterministic. */
export function makeZip(
  entries: { name: string; data: Buffer; compress?: boolean; mtime?: Date }[],
): Promise<Buffer> {
  return zipToBuffer(entries.map((e) => ({ ...e, compress: e.compress ?? true })));
}

export interface DocxProps {
  title: string;
  creator: string;
  lastModifiedBy: string;
  created: Date;
  modified: Date;
  paragraphs: string[];
  /** Extra stored (uncompressed) media, to reach a size. */
  media?: Buffer;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A DOCX-like OOXML package: [Content_Types].xml, _rels, word/document.xml, docProps/core.xml. */
export function makeDocx(p: DocxProps): Promise<Buffer> {
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const contentTypes =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Default Extension="png" ContentType="image/png"/>' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '</Types>';
  const rels =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
    '</Relationships>';
  const core =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xmlEscape(p.title)}</dc:title>` +
    `<dc:creator>${xmlEscape(p.creator)}</dc:creator>` +
    `<cp:lastModifiedBy>${xmlEscape(p.lastModifiedBy)}</cp:lastModifiedBy>` +
    '<cp:revision>3</cp:revision>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${iso(p.created)}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${iso(p.modified)}</dcterms:modified>` +
    '</cp:coreProperties>';
  const doc =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
    p.paragraphs
      .map((t) => `<w:p><w:r><w:t xml:space="preserve">${xmlEscape(t)}</w:t></w:r></w:p>`)
      .join('') +
    '</w:body></w:document>';
  const entries = [
    { name: '[Content_Types].xml', data: Buffer.from(contentTypes) },
    { name: '_rels/.rels', data: Buffer.from(rels) },
    { name: 'docProps/core.xml', data: Buffer.from(core) },
    { name: 'word/document.xml', data: Buffer.from(doc) },
  ];
  const all: { name: string; data: Buffer; compress?: boolean; mtime?: Date }[] = entries.map((e) => ({
    ...e,
    mtime: p.modified,
  }));
  if (p.media) all.push({ name: 'word/media/image1.png', data: p.media, compress: false, mtime: p.modified });
  return makeZip(all);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/**
 * A valid RGB PNG of roughly `size` bytes: noisy pixels (so it does not compress) stored with
 * a fast deflate level. Width fixed at 256, height chosen from the size.
 */
export function makePng(rng: Rng, size: number): Buffer {
  const width = 256;
  const rowBytes = 1 + width * 3;
  const height = Math.max(1, Math.ceil(size / rowBytes));
  const raw = rng.bytes(rowBytes * height);
  for (let y = 0; y < height; y++) raw[y * rowBytes] = 0; // filter type None
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 0 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
