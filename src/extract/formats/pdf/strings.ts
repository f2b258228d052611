// Text strings (ISO 32000 §7.9.2): UTF-16BE after a FE FF byte-order mark, UTF-8 after EF BB BF
// (PDF 2.0), else PDFDocEncoding, which is Latin-1 except for the ranges 0x18–0x1F and 0x80–0xA0.
import { Name, PdfString, type PdfValue } from './syntax.ts';

const PDF_DOC_HIGH = [
  0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203a, 0x2212, 0x2030, 0x201e,
  0x201c, 0x201d, 0x2018, 0x2019, 0x201a, 0x2122, 0xfb01, 0xfb02, 0x0141, 0x0152, 0x0160, 0x0178, 0x017d,
  0x0131, 0x0142, 0x0153, 0x0161, 0x017e, 0xfffd, 0x20ac,
];
const PDF_DOC_LOW = [0x02d8, 0x02c7, 0x02c6, 0x02d9, 0x02dd, 0x02db, 0x02da, 0x02dc];

/** PDFDocEncoding byte → Unicode code point. */
export const PDF_DOC_ENCODING: readonly number[] = Array.from({ length: 256 }, (_, b) => {
  if (b >= 0x18 && b <= 0x1f) return PDF_DOC_LOW[b - 0x18]!;
  if (b >= 0x80 && b <= 0xa0) return PDF_DOC_HIGH[b - 0x80]!;
  return b;
});

/** UTF-16BE bytes (no BOM) as text; an odd last byte is dropped. */
export function utf16beText(bytes: Buffer): string {
  const even = bytes.length & ~1;
  const swapped = Buffer.allocUnsafe(even);
  for (let i = 0; i < even; i += 2) {
    swapped[i] = bytes[i + 1]!;
    swapped[i + 1] = bytes[i]!;
  }
  return swapped.toString('utf16le');
}

export function decodeTextString(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16beText(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  let plain = true;
  for (let i = 0; i < bytes.length && plain; i++) {
    const b = bytes[i]!;
    plain = !((b >= 0x18 && b <= 0x1f) || (b >= 0x80 && b <= 0xa0));
  }
  if (plain) return bytes.toString('latin1');
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    const part = bytes.subarray(i, i + 4096);
    out += String.fromCharCode(...Array.from(part, (b) => PDF_DOC_ENCODING[b]!));
  }
  return out;
}

/** A value as text for metadata: strings decoded, names by their name, numbers and booleans as written. */
export function valueText(value: PdfValue | undefined): string | null {
  if (value instanceof PdfString) return decodeTextString(value.bytes);
  if (value instanceof Name) return value.name;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
