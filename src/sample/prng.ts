// A small seeded PRNG (sfc32, seeded through splitmix32) so the generator is byte-for-byte
// reproducible across runs and machines. Not for anything cryptographic.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Raw 32-bit unsigned value. */
  u32(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** `n` pseudo-random bytes. */
  bytes(n: number): Buffer;
  /** Lower-case hex string of `n` characters. */
  hex(n: number): string;
  /** An independent generator derived from this one and a label. */
  fork(label: string): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createRng(seed: number): Rng {
  const sm = splitmix32(seed);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  const u32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  const next = (): number => u32() / 4294967296;
  const rng: Rng = {
    next,
    u32,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    bytes: (n) => {
      // xorshift128 seeded from the main stream: much cheaper per word than sfc32 calls
      const words = new Uint32Array(Math.ceil(n / 4));
      let x = u32() | 1;
      let y = u32();
      let z = u32();
      let w = u32();
      for (let i = 0; i < words.length; i++) {
        const t = x ^ (x << 11);
        x = y;
        y = z;
        z = w;
        w = w ^ (w >>> 19) ^ (t ^ (t >>> 8));
        words[i] = w;
      }
      return Buffer.from(words.buffer, 0, n);
    },
    hex: (n) => {
      let s = '';
      while (s.length < n) s += u32().toString(16).padStart(8, '0');
      return s.slice(0, n);
    },
    fork: (label) => createRng((u32() ^ hashLabel(label)) >>> 0),
  };
  return rng;
}
