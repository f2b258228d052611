// Names are bytes. A dump's file names (and an archive's member names) need not be UTF-8: a
// Latin-1 `caf\xe9.eml` must keep its exact bytes (to open the file, to tell it from `caf\xe8.eml`)
// and still have a form a person can read. Bytes that are not UTF-8 are shown as `\xNN`.

export interface Name {
  /** Displayable text: the UTF-8 reading, with each byte that is not part of valid UTF-8 as `\xNN`. */
  text: string;
  /** The exact bytes when they are not valid UTF-8 (null when `text` is exact). */
  raw: Buffer | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function nameOf(bytes: Buffer): Name {
  try {
    return { text: utf8.decode(bytes), raw: null };
  } catch {
    return { text: escapeInvalidUtf8(bytes), raw: Buffer.from(bytes) };
  }
}

/** Valid UTF-8 sequences decoded, every other byte as `\xNN`. */
function escapeInvalidUtf8(bytes: Buffer): string {
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      text += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      i++;
    } else {
      text += bytes.toString('utf8', i, i + length);
      i += length;
    }
  }
  return text;
}

/** Length of the valid UTF-8 sequence at `i` (RFC 3629: no overlongs, surrogates or > U+10FFFF), or 0. */
function sequenceLength(bytes: Buffer, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
