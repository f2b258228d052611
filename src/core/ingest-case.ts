// The whole ingest job as one core function, shared by the CLI's ingest and demo (and later the server).
import { readFileSync } from 'node:fs';
import { type IngestOptions, type IngestSummary, ingest } from '../ingest/pipeline.ts';
import type { VerificationStats } from '../store/store.ts';
import {
  CaseKeyResolver,
  importKeyFile,
  type KeyImport,
  verifyAndStore,
} from '../verify/case-verification.ts';
import type { Case } from './case.ts';

export interface CaseIngestOptions extends Omit<IngestOptions, 'onMessage'> {
  /** Key archive files imported into the case before anything is verified. */
  keyFiles?: string[];
  /** Fetch keys the archive lacks from live DNS (saved into the archive with their fetch time). */
  dns?: boolean;
}

export interface CaseIngestSummary extends IngestSummary, VerificationStats {
  keyImports: (KeyImport & { path: string })[];
}

/** Imports keys, ingests the paths and verifies every new message as it is recorded. */
export async function ingestIntoCase(
  kase: Case,
  paths: string[],
  options: CaseIngestOptions = {},
): Promise<CaseIngestSummary> {
  const keyImports = [];
  for (const path of options.keyFiles ?? []) {
    keyImports.push({ path, ...(await importKeyFile(kase.store, path, readFileSync(path, 'utf8'))) });
  }
  const keys = await CaseKeyResolver.open(kase.store, { dns: options.dns ?? false });
  const summary = await ingest(kase, paths, {
    ...options,
    onMessage: async (itemId, raw) => {
      await verifyAndStore(kase.store, itemId, raw, keys);
    },
  });
  return { ...summary, ...(await kase.store.verificationStats()), keyImports };
}
