// Export damage is not tampering. Each repair undoes ONE known, reversible transformation that
// mail exporters apply (line endings, mbox escaping, added headers, …) and never anything that
// could change what a reader sees as content. A signature that passes only after repairs is
// reported with the repair names; nothing is ever repaired silently.
import { coded, isKnownCode, render } from '../report/catalogue.ts';
import { splitMessage } from './prepared.ts';

export interface Repair {
  /** Stable name shown in reports; what the exporter did is in the catalogue, as repair.<name>. */
  name: string;
  /**
   * Applied to the message before any check whenever the damage is present, because the
   * canonicalisers cannot read the message otherwise (still reported on every pass).
   */
  always?: boolean;
  /**
   * Whether needing it is a caveat on the verdict. Line endings and mbox escaping are how Maildir
   * and mbox store every message, so undoing them is reported but does not lower the verdict.
   */
  caveat: boolean;
  /** Repairs that undo a contradictory transformation and are never combined with this one. */
  conflictsWith?: string[];
  /** The repaired copy, or null when this damage is not present (nothing would change). */
  apply(bytes: Buffer): Buffer | null;
}

const CR = 0x0d;
const LF = 0x0a;

/** True when some LF is not preceded by CR. */
export function hasBareLf(buf: Buffer): boolean {
  let pos = buf.indexOf(LF);
  while (pos !== -1) {
    if (pos === 0 || buf[pos - 1] !== CR) return true;
    pos = buf.indexOf(LF, pos + 1);
  }
  return false;
}

/** Rewrites the body with a latin1 (byte-preserving) string transform; null if unchanged. */
function mapBody(bytes: Buffer, fn: (body: string) => string): Buffer | null {
  const { header, body } = splitMessage(bytes);
  const before = body.toString('latin1');
  const after = fn(before);
  if (after === before) return null;
  const sep = bytes.length - body.length - header.length;
  return Buffer.concat([bytes.subarray(0, header.length + sep), Buffer.from(after, 'latin1')]);
}

export const lfToCrlf: Repair = {
  name: 'lf-to-crlf',
  caveat: false,
  always: true,
  apply(bytes) {
    if (!hasBareLf(bytes)) return null;
    return Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  },
};

export const finalCrlf: Repair = {
  name: 'final-crlf',
  caveat: false,
  apply(bytes) {
    if (bytes.length >= 2 && bytes[bytes.length - 2] === CR && bytes[bytes.length - 1] === LF) return null;
    return Buffer.concat([bytes, Buffer.from('\r\n')]);
  },
};

export const mboxrdUnescape: Repair = {
  name: 'mboxrd-unescape',
  caveat: false,
  conflictsWith: ['mboxo-unescape'],
  apply(bytes) {
    return mapBody(bytes, (b) => b.replace(/(^|\r\n)>(>*From )/g, '$1$2'));
  },
};

export const mboxoUnescape: Repair = {
  name: 'mboxo-unescape',
  caveat: false,
  conflictsWith: ['mboxrd-unescape'],
  apply(bytes) {
    return mapBody(bytes, (b) => b.replace(/(^|\r\n)>From /g, '$1From '));
  },
};

export const trailingWhitespace: Repair = {
  name: 'trailing-whitespace',
  caveat: true,
  apply(bytes) {
    return mapBody(bytes, (b) => b.replace(/[ \t]+(\r\n|$)/g, '$1'));
  },
};

const TAKEOUT_HEADERS = /^(?:x-gm-thrid|x-gmail-labels)[ \t]*:/i;

export const takeoutHeaders: Repair = {
  name: 'takeout-headers',
  caveat: true,
  apply(bytes) {
    const { header } = splitMessage(bytes);
    const lines = header.toString('latin1').split('\r\n');
    const kept: string[] = [];
    let dropping = false;
    for (const line of lines) {
      if (dropping && /^[ \t]/.test(line)) continue;
      dropping = TAKEOUT_HEADERS.test(line);
      if (!dropping) kept.push(line);
    }
    if (kept.length === lines.length) return null;
    return Buffer.concat([Buffer.from(kept.join('\r\n'), 'latin1'), bytes.subarray(header.length)]);
  },
};

/** Every repair, in the order they are applied when combined. */
export const REPAIRS: Repair[] = [
  lfToCrlf,
  finalCrlf,
  mboxoUnescape,
  mboxrdUnescape,
  trailingWhitespace,
  takeoutHeaders,
];

/** Repairs tried together at most (bounds the work on a message that is simply altered). */
export const MAX_COMBINED_REPAIRS = 3;

export interface RepairedCopy {
  names: string[];
  bytes: Buffer;
}

/**
 * Applies the `always` repairs that are needed. Returns the bytes to check first and the
 * names of the repairs that were applied.
 */
export function baseRepairs(raw: Buffer): RepairedCopy {
  let bytes = raw;
  const names: string[] = [];
  for (const r of REPAIRS) {
    if (!r.always) continue;
    const out = r.apply(bytes);
    if (out) {
      bytes = out;
      names.push(r.name);
    }
  }
  return { bytes, names };
}

/**
 * Repaired copies of `base` to retry a failed signature on: the `first` repairs alone (named by
 * the caller as likely), then every combination of up to MAX_COMBINED_REPAIRS applicable repairs,
 * smallest first, without conflicting pairs and without copies identical to one already produced.
 */
export function* repairedCopies(base: RepairedCopy, first: string[] = []): Generator<RepairedCopy> {
  const seen: Buffer[] = [base.bytes];
  for (const name of first) {
    const repair = REPAIRS.find((r) => r.name === name && !r.always);
    const bytes = repair?.apply(base.bytes);
    if (!repair || !bytes || seen.some((s) => s.equals(bytes))) continue;
    seen.push(bytes);
    yield { names: [...base.names, repair.name], bytes };
  }
  // Finding which repairs apply builds a copy for each: only done when the likely ones failed.
  const applicable = REPAIRS.filter((r) => !r.always && r.apply(base.bytes) !== null);
  for (let size = 1; size <= Math.min(MAX_COMBINED_REPAIRS, applicable.length); size++) {
    for (const combo of combinations(applicable, size)) {
      if (combo.some((r) => r.conflictsWith?.some((c) => combo.some((o) => o.name === c)))) continue;
      let bytes = base.bytes;
      let changedAll = true;
      for (const r of combo) {
        const out = r.apply(bytes);
        if (!out) {
          changedAll = false;
          break;
        }
        bytes = out;
      }
      if (!changedAll || seen.some((s) => s.equals(bytes))) continue;
      seen.push(bytes);
      yield { names: [...base.names, ...combo.map((r) => r.name)], bytes };
    }
  }
}

function* combinations<T>(items: T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - size; i++) {
    for (const rest of combinations(items, size - 1, i + 1)) yield [items[i]!, ...rest];
  }
}

/** Re-applies named repairs, in list order, to reproduce the bytes a signature passed on. */
export function applyRepairs(raw: Buffer, names: string[]): Buffer {
  let bytes = raw;
  for (const r of REPAIRS) {
    if (!names.includes(r.name)) continue;
    bytes = r.apply(bytes) ?? bytes;
  }
  return bytes;
}

export function isCaveatRepair(name: string): boolean {
  return REPAIRS.find((r) => r.name === name)?.caveat ?? true;
}

/** What the exporter did, in plain words (for the edges that print); an unknown name is shown as itself. */
export function describeRepair(name: string): string {
  const c = coded(`repair.${name}`);
  return isKnownCode(c.code) ? render(c) : name;
}
