// Compressed RTF (PR_RTF_COMPRESSED, [MS-OXRTFCP]) decompressed by @kenjiuno/decompressrtf, after
// checking the header: the library trusts the stored compressed size and would read past the end
// of a lying one (reading zeros and writing output for up to 2 GB). Output is bounded by the input
// (at most 17 bytes for each 2 bytes read), so a checked header bounds it.

import { decompressRTF } from '@kenjiuno/decompressrtf';

const COMPRESSED = 0x75465a4c; // 'LZFu'
const UNCOMPRESSED = 0x414c454d; // 'MELA'

/** The RTF held by PR_RTF_COMPRESSED bytes, or null when the header does not describe those bytes. */
export function decompressRtf(bytes: Buffer): Buffer | null {
  if (bytes.length < 16) return null;
  const compressedSize = bytes.readUInt32LE(0);
  const rawSize = bytes.readUInt32LE(4);
  const type = bytes.readUInt32LE(8);
  if (compressedSize + 4 > bytes.length || compressedSize < 12) return null;
  if (type === UNCOMPRESSED) return rawSize <= bytes.length - 16 ? bytes.subarray(16, 16 + rawSize) : null;
  if (type !== COMPRESSED) return null;
  try {
    return Buffer.from(decompressRTF(Array.from(bytes.subarray(0, compressedSize + 4))));
  } catch {
    return null;
  }
}
