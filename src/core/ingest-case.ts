// The whole ingest job as one core function, shared by the CLI's ingest and demo (and later the server).
import { readFileSync } from 'node:fs';
import type { AnalyseOptions } from '../analysers/analyser.ts';
import { analysers } from '../analysers/index.ts';
import { defaultLimits } from '../ingest/limits.ts';
import { type IngestOptions, type IngestSummary, ingest } from '../ingest/pipeline.ts';
import {
  type DisclosedImport,
  importDisclosedFile,
  importKeyFile,
  type KeyImport,
} from '../verify/case-verification.ts';
import { type AnalyserRun, type AnalysisProgress, analyseCase } from './analyse-case.ts';
import type { Case } from './case.ts';
import {
  type DocumentStats,
  documentStats,
  type VerificationStats,
  verificationStats,
} from './case-stats.ts';
import { cribleVersion } from './version.ts';
import { WorkerAnalyser } from './worker-analyser.ts';

export interface CaseIngestOptions extends Omit<IngestOptions, 'analyser' | 'producer'>, AnalyseOptions {
  /** Key archive files imported into the case before anything is verified. */
  keyFiles?: string[];
  /** Lists of disclosed keys (private half published) imported before anything is verified. */
  disclosedFiles?: string[];
  /** Worker threads that parse and analyse messages (default: one fewer than the cores, at least one). */
  workers?: number;
  /** False: the search index is left for later (the next `crible analyse` brings it up to date). */
  index?: boolean;
  /** Told how far the analysers after the pipeline (documents, forensic rules) and the index have got. */
  onAnalysisProgress?: (progress: AnalysisProgress) => void;
}

export interface CaseIngestSummary extends IngestSummary, VerificationStats {
  keyImports: (KeyImport & { path: string })[];
  disclosedImports: (DisclosedImport & { path: string })[];
  /** The analysers that ran after the pipeline (those that do not run beside the parser). */
  analysed: AnalyserRun[];
  documentsExamined: DocumentStats;
  /** The whole job: the pipeline (`elapsedMs`), then the analysers and the search index. */
  totalMs: number;
}

/**
 * Imports keys, ingests the paths with every message analysed (verified…) in worker threads as it
 * is recorded, then runs the analysers that do not run beside the parser.
 */
export async function ingestIntoCase(
  kase: Case,
  paths: string[],
  options: CaseIngestOptions = {},
): Promise<CaseIngestSummary> {
  const started = Date.now();
  const store = kase.store;
  const keyImports = [];
  for (const path of options.keyFiles ?? [])
    keyImports.push({ path, ...(await importKeyFile(store, path, readFileSync(path, 'utf8'))) });
  const disclosedImports = [];
  for (const path of options.disclosedFiles ?? [])
    disclosedImports.push({ path, ...(await importDisclosedFile(store, path, readFileSync(path, 'utf8'))) });
  const inline = analysers.filter((a) => a.module !== undefined && a.types.includes('message'));
  const setups = [];
  for (const a of inline) setups.push({ module: a.module!, setup: await a.setup(store, options) });
  const analyser = new WorkerAnalyser(
    { limits: { ...defaultLimits, ...options.limits }, analysers: setups },
    options.workers,
  );
  let summary: IngestSummary;
  try {
    summary = await ingest(store, paths, { ...options, analyser, producer: cribleVersion });
  } finally {
    await analyser.close();
  }
  const analysed = await analyseCase(store, {
    caseDir: kase.dir,
    index: options.index ?? true,
    dns: options.dns ?? false,
    ocr: options.ocr ?? false,
    ...(options.cutoff ? { cutoff: options.cutoff } : {}),
    only: analysers.filter((a) => !inline.includes(a)).map((a) => a.id),
    ...(options.onAnalysisProgress ? { onProgress: options.onAnalysisProgress } : {}),
  });
  return {
    ...summary,
    ...(await verificationStats(store)),
    keyImports,
    disclosedImports,
    analysed,
    documentsExamined: await documentStats(store),
    totalMs: Date.now() - started,
  };
}
