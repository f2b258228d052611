// Counts about the case's verification, for summaries (ingest, stats, verify --case).
import type { Store } from '../store/store.ts';

export interface VerificationStats {
  /** Messages per verdict. */
  verdicts: Record<string, number>;
  /** DKIM signatures per result. */
  signatures: Record<string, number>;
}

export async function verificationStats(store: Store): Promise<VerificationStats> {
  return {
    verdicts: await store.summaryCounts('dkim'),
    signatures: await store.resultTally('dkim', 'signatures', 'result'),
  };
}
