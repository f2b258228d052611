// Stream data through its filters (ISO 32000 §7.4). Only what metadata and text need: Flate (with the
// PNG predictors of xref and object streams), ASCIIHex, ASCII85 and RunLength. Image codecs are not
// decoded. Every output is bounded: one stream by MAX_STREAM_BYTES, the file by a shared budget, so a
// Flate bomb stops at the bound with a reason instead of filling memory.
import { constants, inflateRawSync, inflateSync } from 'node:zlib';
import { MAX_CMAP_ENTRIES, MAX_DECODED_TOTAL, MAX_STREAM_BYTES } from './limits.ts';
import { type Dict, isDict, Name, type PdfStream, type PdfValue } from './syntax.ts';

export class StreamError extends Error {
  readonly reason: 'too-large' | 'damaged' | 'unsupported-filter';
  readonly filter: string;
  constructor(reason: 'too-large' | 'damaged' | 'unsupported-filter', filter: string) {
    super(`${reason} (${filter})`);
    this.reason = reason;
    this.filter = filter;
  }
}

/** What all decoded streams of one file may still add up to. */
export class DecodeBudget {
  remaining = MAX_DECODED_TOTAL;
  /** Code-to-Unicode entries all the file's ToUnicode CMaps may still define. */
  cmapEntries = MAX_CMAP_ENTRIES;
}

const ABBREVIATIONS: Record<string, string> = {
  Fl: 'FlateDecode',
  AHx: 'ASCIIHexDecode',
  A85: 'ASCII85Decode',
  RL: 'RunLengthDecode',
  LZW: 'LZWDecode',
  DCT: 'DCTDecode',
  CCF: 'CCITTFaxDecode',
};

function asList(v: PdfValue | undefined): PdfValue[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** The stream's filter names, in order (abbreviations of inline images spelt out). */
export function filtersOf(dict: Dict): string[] {
  return asList(dict.get('Filter') ?? dict.get('F'))
    .filter((f): f is Name => f instanceof Name)
    .map((f) => ABBREVIATIONS[f.name] ?? f.name);
}

function inflate(data: Buffer, limit: number): Buffer {
  const options = { maxOutputLength: limit, finishFlush: constants.Z_SYNC_FLUSH };
  try {
    return inflateSync(data, options);
  } catch (error) {
    if (error instanceof RangeError) throw new StreamError('too-large', 'FlateDecode');
    try {
      return inflateRawSync(data, options);
    } catch (raw) {
      if (raw instanceof RangeError) throw new StreamError('too-large', 'FlateDecode');
      throw new StreamError('damaged', 'FlateDecode');
    }
  }
}

function unpredict(data: Buffer, parms: Dict | null): Buffer {
  const predictor = parms?.get('Predictor');
  if (typeof predictor !== 'number' || predictor < 10) {
    if (predictor === 2) throw new StreamError('unsupported-filter', 'TIFF predictor');
    return data;
  }
  const num = (key: string, fallback: number) => {
    const v = parms?.get(key);
    return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 1 << 16 ? v : fallback;
  };
  const bpp = Math.max(1, Math.ceil((num('Colors', 1) * num('BitsPerComponent', 8)) / 8));
  const rowLength = Math.ceil((num('Colors', 1) * num('BitsPerComponent', 8) * num('Columns', 1)) / 8);
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = Buffer.alloc(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const x = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst + i - rowLength]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst + i - rowLength - bpp]! : 0;
      let v = x;
      if (type === 1) v = x + left;
      else if (type === 2) v = x + up;
      else if (type === 3) v = x + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function asciiHex(data: Buffer): Buffer {
  const end = data.indexOf(0x3e);
  const text = data.toString('latin1', 0, end < 0 ? data.length : end).replace(/[^0-9A-Fa-f]/g, '');
  return Buffer.from(text.length % 2 ? `${text}0` : text, 'hex');
}

function ascii85(data: Buffer, limit: number): Buffer {
  const out: number[] = [];
  let group = 0;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === 0x7e) break;
    if (c === 0x7a && count === 0) {
      out.push(0, 0, 0, 0);
    } else if (c >= 0x21 && c <= 0x75) {
      group = group * 85 + (c - 0x21);
      if (++count === 5) {
        out.push((group >>> 24) & 0xff, (group >>> 16) & 0xff, (group >>> 8) & 0xff, group & 0xff);
        group = 0;
        count = 0;
      }
    }
    if (out.length > limit) throw new StreamError('too-large', 'ASCII85Decode');
  }
  if (count > 1) {
    for (let k = count; k < 5; k++) group = group * 85 + 84;
    const bytes = [(group >>> 24) & 0xff, (group >>> 16) & 0xff, (group >>> 8) & 0xff, group & 0xff];
    out.push(...bytes.slice(0, count - 1));
  }
  return Buffer.from(out);
}

function runLength(data: Buffer, limit: number): Buffer {
  const out: Buffer[] = [];
  let size = 0;
  let i = 0;
  while (i < data.length) {
    const n = data[i++]!;
    if (n === 128) break;
    const part = n < 128 ? data.subarray(i, i + n + 1) : Buffer.alloc(257 - n, data[i] ?? 0);
    i += n < 128 ? n + 1 : 1;
    size += part.length;
    if (size > limit) throw new StreamError('too-large', 'RunLengthDecode');
    out.push(part);
  }
  return Buffer.concat(out);
}

/** The stream's decoded data; throws StreamError for an image codec, damaged data or a bound passed. */
export function decodeStream(stream: PdfStream, budget: DecodeBudget): Buffer {
  const filters = filtersOf(stream.dict);
  const parmsList = asList(stream.dict.get('DecodeParms') ?? stream.dict.get('DP'));
  let data = stream.decrypt ? stream.decrypt(stream.raw) : stream.raw;
  filters.forEach((filter, index) => {
    const limit = Math.min(MAX_STREAM_BYTES, budget.remaining);
    const parms = parmsList[index];
    if (filter === 'FlateDecode') data = unpredict(inflate(data, limit), isDict(parms) ? parms : null);
    else if (filter === 'ASCIIHexDecode') data = asciiHex(data);
    else if (filter === 'ASCII85Decode') data = ascii85(data, limit);
    else if (filter === 'RunLengthDecode') data = runLength(data, limit);
    else throw new StreamError('unsupported-filter', filter);
    if (data.length > limit) throw new StreamError('too-large', filter);
    budget.remaining -= data.length;
  });
  return data;
}
