// The whole ingest job as one core function, shared by the CLI's ingest and demo (and later the server).
import { readFileSync } from 'node:fs';
import { defaultLimits } from '../ingest/limits.ts';
import { type IngestOptions, type IngestSummary, ingest } from '../ingest/pipeline.ts';
import type { VerificationStats } from '../store/store.ts';
import {
  type DisclosedImport,
  importDisclosedFile,
  importKeyFile,
  type KeyImport,
  saveFetched,
  storeVerification,
} from '../verify/case-verification.ts';
import type { Case } from './case.ts';
import type { VerifiedExtra } from './message-analysis.ts';
import { WorkerAnalyser } from './worker-analyser.ts';

export interface CaseIngestOptions extends Omit<IngestOptions, 'onMessage' | 'analyser'> {
  /** Key archive files imported into the case before anything is verified. */
  keyFiles?: string[];
  /** Lists of disclosed keys (private half published) imported before anything is verified. */
  disclosedFiles?: string[];
  /** Also ask live DNS for each selector's key today (saved into the archive with the fetch time). */
  dns?: boolean;
  /** Worker threads that parse and verify messages (default: one fewer than the cores, at least one). */
  workers?: number;
}

export interface CaseIngestSummary extends IngestSummary, VerificationStats {
  keyImports: (KeyImport & { path: string })[];
  disclosedImports: (DisclosedImport & { path: string })[];
}

/** Imports keys, ingests the paths and verifies every new message (in worker threads) as it is recorded. */
export async function ingestIntoCase(
  kase: Case,
  paths: string[],
  options: CaseIngestOptions = {},
): Promise<CaseIngestSummary> {
  const keyImports = [];
  for (const path of options.keyFiles ?? []) {
    keyImports.push({ path, ...(await importKeyFile(kase.store, path, readFileSync(path, 'utf8'))) });
  }
  const disclosedImports = [];
  for (const path of options.disclosedFiles ?? []) {
    disclosedImports.push({
      path,
      ...(await importDisclosedFile(kase.store, path, readFileSync(path, 'utf8'))),
    });
  }
  const analyser = new WorkerAnalyser(
    {
      limits: { ...defaultLimits, ...options.limits },
      keys: await kase.store.listKeys(),
      disclosedKeys: await kase.store.listDisclosedKeys(),
      dns: options.dns ?? false,
    },
    options.workers,
  );
  try {
    const summary = await ingest(kase, paths, {
      ...options,
      analyser,
      onMessage: async (itemId, extra) => {
        const { verification, fetched } = extra as VerifiedExtra;
        await saveFetched(kase.store, fetched);
        await storeVerification(kase.store, itemId, verification);
      },
    });
    return { ...summary, ...(await kase.store.verificationStats()), keyImports, disclosedImports };
  } finally {
    await analyser.close();
  }
}
