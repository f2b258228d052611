import type { KeyResolver } from '../keys/types.ts';

export interface ArcHop {
  instance: number;
  /** ARC-Message-Signature and ARC-Seal results for this hop. */
  ams: { domain: string; selector: string; result: string; reason: string | null };
  seal: { domain: string; selector: string; cv: string; result: string; reason: string | null };
}

export interface ArcResult {
  /** Chain validation per RFC 8617: none (no ARC sets), pass or fail. */
  result: 'none' | 'pass' | 'fail';
  reason: string | null;
  hops: ArcHop[];
}

/** Validates every ARC set of a message at the given time. Placeholder until the ARC module lands. */
export async function verifyArc(_raw: Buffer, _keys: KeyResolver, _at: Date): Promise<ArcResult> {
  throw new Error('ARC verification not implemented yet');
}
