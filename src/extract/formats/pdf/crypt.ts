// The standard security handler (ISO 32000 §7.6) with the empty user password: most encrypted PDFs
// only restrict printing or copying and open without a password, so their metadata and text are read
// as any viewer reads them. RC4 (40–128 bits, R2–R4), AES-128 (AESV2) and AES-256 (R5, R6). When the
// empty password does not open the file, no key is had and the strings stay unread (index.ts says so).
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { type Dict, isDict, Name, PdfString, type PdfValue } from './syntax.ts';

const nameOf = (v: PdfValue | undefined) => (v instanceof Name ? v.name : null);

const PADDING = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

/** RC4, symmetric (OpenSSL 3 leaves it out of its default provider). */
export function rc4(key: Buffer, data: Buffer): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
  }
  const out = Buffer.allocUnsafe(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
    out[k] = data[k]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

const hash = (name: string, ...parts: Buffer[]) => createHash(name).update(Buffer.concat(parts)).digest();

/** AES-CBC with the IV in the first block, as PDF stores it; a bad last block keeps what decrypted. */
function aes(key: Buffer, data: Buffer): Buffer {
  if (data.length < 32) return Buffer.alloc(0);
  const body = data.subarray(16, 16 + ((data.length - 16) & ~15));
  const algorithm = key.length === 32 ? 'aes-256-cbc' : 'aes-128-cbc';
  const decipher = createDecipheriv(algorithm, key, data.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(body), decipher.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  return pad >= 1 && pad <= 16 ? plain.subarray(0, plain.length - pad) : plain;
}

function cbc(decrypt: boolean, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const algorithm = key.length === 32 ? 'aes-256-cbc' : 'aes-128-cbc';
  const cipher = decrypt ? createDecipheriv(algorithm, key, iv) : createCipheriv(algorithm, key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** ISO 32000-2 algorithm 2.B (R6): the hash of a password with a salt. */
function hashR6(password: Buffer, salt: Buffer): Buffer {
  let k = hash('sha256', password, salt);
  for (let round = 0; ; round++) {
    const e = cbc(
      false,
      k.subarray(0, 16),
      k.subarray(16, 32),
      Buffer.concat(Array(64).fill(Buffer.concat([password, k]))),
    );
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += e[i]!;
    k = hash(['sha256', 'sha384', 'sha512'][sum % 3]!, e);
    // Stops once 64 rounds are done and the last byte of E is at most (rounds done) − 32.
    if (round >= 63 && e[e.length - 1]! <= round + 1 - 32) return k.subarray(0, 32);
  }
}

type Method = 'rc4' | 'aes' | 'none';

export interface Decryptor {
  /** Decrypts a string or stream of object `num gen`. */
  decrypt(data: Buffer, num: number, gen: number, kind: 'string' | 'stream'): Buffer;
  /** False when metadata streams were left in clear (/EncryptMetadata false). */
  encryptMetadata: boolean;
}

const bytesOf = (v: PdfValue | undefined): Buffer => (v instanceof PdfString ? v.bytes : Buffer.alloc(0));

function methodOf(encrypt: Dict, filter: string | null, v: number): Method {
  if (v < 4) return 'rc4';
  if (!filter || filter === 'Identity') return 'none';
  const cf = encrypt.get('CF');
  const method = isDict(cf) && isDict(cf.get(filter)) ? nameOf((cf.get(filter) as Dict).get('CFM')) : null;
  if (method === 'V2') return 'rc4';
  if (method === 'AESV2' || method === 'AESV3') return 'aes';
  return 'none';
}

/** The decryptor the empty user password opens, or null (another password is needed, or another handler). */
export function openWithEmptyPassword(encrypt: Dict, fileId: Buffer): Decryptor | null {
  if (nameOf(encrypt.get('Filter')) !== 'Standard') return null;
  const v = Number(encrypt.get('V')) || 0;
  const r = Number(encrypt.get('R')) || 0;
  const o = bytesOf(encrypt.get('O'));
  const u = bytesOf(encrypt.get('U'));
  const encryptMetadata = encrypt.get('EncryptMetadata') !== false;
  const streams = methodOf(encrypt, nameOf(encrypt.get('StmF')), v);
  const strings = methodOf(encrypt, nameOf(encrypt.get('StrF')), v);
  let key: Buffer;
  if (r >= 5) {
    if (u.length < 48) return null;
    const empty = Buffer.alloc(0);
    const check = r === 5 ? hash('sha256', empty, u.subarray(32, 40)) : hashR6(empty, u.subarray(32, 40));
    if (!check.equals(u.subarray(0, 32))) return null;
    const intermediate =
      r === 5 ? hash('sha256', empty, u.subarray(40, 48)) : hashR6(empty, u.subarray(40, 48));
    const ue = bytesOf(encrypt.get('UE'));
    if (ue.length < 32) return null;
    key = cbc(true, intermediate, Buffer.alloc(16), ue.subarray(0, 32));
  } else {
    const length = r === 2 ? 5 : Math.min(16, Math.max(5, (Number(encrypt.get('Length')) || 40) >> 3));
    const p = Buffer.alloc(4);
    p.writeInt32LE(Number(encrypt.get('P')) | 0);
    const extra = r >= 4 && !encryptMetadata ? [Buffer.from([0xff, 0xff, 0xff, 0xff])] : [];
    key = hash('md5', PADDING, o.subarray(0, 32), p, fileId, ...extra).subarray(0, length);
    if (r >= 3) for (let i = 0; i < 50; i++) key = hash('md5', key).subarray(0, length);
    let check: Buffer;
    if (r === 2) check = rc4(key, PADDING);
    else {
      check = rc4(key, hash('md5', PADDING, fileId));
      for (let i = 1; i <= 19; i++) check = rc4(Buffer.from(key.map((b) => b ^ i)), check);
    }
    if (!check.subarray(0, r === 2 ? 32 : 16).equals(u.subarray(0, r === 2 ? 32 : 16))) return null;
  }
  const objectKey = (num: number, gen: number, method: Method) => {
    if (r >= 5) return key;
    const id = Buffer.from([
      num & 0xff,
      (num >> 8) & 0xff,
      (num >> 16) & 0xff,
      gen & 0xff,
      (gen >> 8) & 0xff,
    ]);
    const salt = method === 'aes' ? [Buffer.from('sAlT', 'latin1')] : [];
    return hash('md5', key, id, ...salt).subarray(0, Math.min(key.length + 5, 16));
  };
  return {
    encryptMetadata,
    decrypt(data, num, gen, kind) {
      const method = kind === 'string' ? strings : streams;
      if (method === 'none') return data;
      const k = objectKey(num, gen, method);
      return method === 'rc4' ? rc4(k, data) : aes(k, data);
    },
  };
}
