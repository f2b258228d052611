// Counts about the case's verification, for summaries (ingest, stats, verify --case).
import type { ContainerCounts, Store } from '../store/store.ts';

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

/** Whether everything found was read: per container, what it says it holds and what became of it. */
export interface Completeness {
  /** Every container (archives, compressed files, mail stores), in item order. */
  containers: ContainerCounts[];
  /** Members that containers say they hold and that were never found (not even as a failure). */
  missing: number;
  /** Items that could not be read, or were read only in part (limits, formats not read). */
  failed: number;
  limited: number;
}

export async function completeness(store: Store): Promise<Completeness> {
  const containers = await store.containerCounts();
  const stats = await store.stats();
  const found = (c: ContainerCounts) => c.ok + c.failed + c.limited;
  return {
    containers,
    missing: containers.reduce((sum, c) => sum + Math.max(0, (c.expected ?? 0) - found(c)), 0),
    failed: stats.byStatus.failed ?? 0,
    limited: stats.byStatus.limited ?? 0,
  };
}

/** What the extract and forensics analysers made of the documents and attachments. */
export interface DocumentStats {
  /** Read by an extractor. */
  examined: number;
  /** An extractor failed on them (the reason is in each analysis). */
  failed: number;
  /** No extractor reads their format (yet). */
  notRead: number;
  /** Documents by the highest severity among their forensic findings. */
  bySeverity: Record<string, number>;
}

export async function documentStats(store: Store): Promise<DocumentStats> {
  const stats: DocumentStats = { examined: 0, failed: 0, notRead: 0, bySeverity: {} };
  for (let after = 0; ; ) {
    const page = await store.analysisResults('extract', after, 5000);
    if (page.length === 0) break;
    after = page.at(-1)!.itemId;
    for (const a of page) {
      if (a.status === 'ok') stats.examined++;
      else if (a.status === 'failed') stats.failed++;
      else stats.notRead++;
    }
  }
  stats.bySeverity = await store.summaryCounts('forensics');
  return stats;
}
