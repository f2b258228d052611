// Runs the registered analysers on what they have not seen, what an older version of them saw, and
// what changed inputs (newly imported keys or disclosures) can change: `crible analyse`, the
// re-verification of `crible verify --case`, and the analysers that do not run during ingest.
import { availableParallelism } from 'node:os';
import type { AnalyseOptions, Analyser, AnalysisInput, AnalysisOutput } from '../analysers/analyser.ts';
import { analysers as registered } from '../analysers/index.ts';
import type { AnalysisRecord, Store } from '../store/store.ts';
import { APART_THRESHOLD, searchIndexBehindBy, updateSearchIndex, updateSearchIndexApart } from './search.ts';
import { WorkerFailure, WorkerPool } from './worker-pool.ts';

/** How a cut-off given by a person is read (the faces check it before a run). */
export { parseCutoff } from '../analysers/forensics.ts';
/** Whether OCR can run here, and what to install when not (the faces say it before a run with --ocr). */
export { ocrAvailability } from '../extract/ocr.ts';

export interface AnalyseCaseOptions extends AnalyseOptions {
  /** Only these analysers (ids). */
  only?: string[];
  /**
   * With `only`: also the analysers that read their summaries across the case (the forensic rules
   * read the DKIM verdicts), run when this run changed a summary they read.
   */
  withDependents?: boolean;
  /** Every item each analyser accepts, stale or not. */
  all?: boolean;
  /** The analysers to consider (default: the registry). */
  analysers?: Analyser[];
  /** Items per unit of work. */
  batch?: number;
  /** Worker threads for analysers that can run in one (default: one per core). */
  workers?: number;
  /** Told when an analyser starts (done 0) and after each unit of work, and as the search index is built. */
  onProgress?: (progress: AnalysisProgress) => void;
  /**
   * The case's folder: the search index is then brought up to date on a thread of its own, with its
   * own connection to the case, while the analysers that give no text run (the forensic rules keep
   * one core busy; the index takes the other).
   */
  caseDir?: string;
  /** False: the search index is left as it is (the next run brings it up to date). */
  index?: boolean;
}

/** How far a run has got: `step` is an analyser's id, or `index` for the search index. */
export interface AnalysisProgress {
  step: string;
  done: number;
  total: number;
}

export interface AnalyserRun {
  analyser: string;
  version: string;
  checked: number;
  failed: number;
  /** Items whose summary (the verdict, for DKIM) changed. */
  changed: { itemId: number; from: string | null; to: string | null }[];
}

export class UnknownAnalyserError extends Error {}

export async function analyseCase(store: Store, options: AnalyseCaseOptions = {}): Promise<AnalyserRun[]> {
  const all = options.analysers ?? registered;
  const unknown = (options.only ?? []).filter((id) => !all.some((a) => a.id === id));
  if (unknown.length)
    throw new UnknownAnalyserError(
      `no analyser ${unknown.join(', ')} (there are: ${all.map((a) => a.id).join(', ')})`,
    );
  const only = options.only;
  const chosen = only
    ? all.filter(
        (a) =>
          only.includes(a.id) ||
          (options.withDependents && a.dependsOn?.some((source) => only.includes(source))),
      )
    : all;
  const runs: AnalyserRun[] = [];
  const index = options.index ?? true;
  const lastGivingText = chosen.findLastIndex((a) => a.givesText);
  const report = options.onProgress;
  const indexProgress = report && ((done: number, total: number) => report({ step: 'index', done, total }));
  let apart: Promise<unknown> | null = null;
  for (const [i, analyser] of chosen.entries()) {
    // Once no analyser left changes what the index reads, the index is built beside them. Should
    // that thread fail, the main thread resumes its work below (and meets the error again, if it is
    // not a wait for the other's lock).
    if (
      index &&
      options.caseDir &&
      !apart &&
      i > lastGivingText &&
      (await searchIndexBehindBy(store, APART_THRESHOLD))
    )
      apart = updateSearchIndexApart(options.caseDir, store, indexProgress).catch(() => null);
    // A dependent brought in by withDependents sees the same case when no summary it reads changed.
    const brought = only && !only.includes(analyser.id);
    if (brought && !runs.some((r) => analyser.dependsOn?.includes(r.analyser) && r.changed.length > 0))
      continue;
    runs.push(await runAnalyser(store, analyser, options));
  }
  await apart;
  // The search index follows the change feed: what ingest and the analysers changed.
  if (index) await updateSearchIndex(store, indexProgress ? { onProgress: indexProgress } : {});
  return runs;
}

async function runAnalyser(
  store: Store,
  analyser: Analyser,
  options: AnalyseCaseOptions,
): Promise<AnalyserRun> {
  // A case-wide analyser whose sources changed since it last ran sees a new case: everything again.
  const caseChanged =
    (await sourcesChanged(store, analyser)) || ((await analyser.optionsChange?.(store, options)) ?? false);
  const ids = await store.pendingAnalysis({
    analyser: analyser.id,
    version: analyser.version,
    types: analyser.types,
    all: (options.all ?? false) || caseChanged,
  });
  const run: AnalyserRun = {
    analyser: analyser.id,
    version: analyser.version,
    checked: 0,
    failed: 0,
    changed: [],
  };
  if (ids.length === 0) return run;
  // Before the setup: a case-wide analyser's (the forensic rules' comparison of texts) takes a while.
  options.onProgress?.({ step: analyser.id, done: 0, total: ids.length });
  const setup = await analyser.setup(store, options);
  // Analysers that can run in a worker do so when there is enough to do: the main thread reads
  // the items and records results while the workers analyse (one per core: the recording is light).
  // An isolated analyser always runs in workers, one item at a time each, under its limits.
  const isolation =
    typeof analyser.isolation === 'function' ? analyser.isolation(options) : analyser.isolation;
  const pool =
    analyser.module && (isolation || ids.length >= POOL_MIN_ITEMS)
      ? new WorkerPool<AnalysisInput, AnalysisOutput>(
          new URL('./reanalysis-worker.ts', import.meta.url),
          { module: analyser.module, setup },
          options.workers ?? availableParallelism(),
          isolation
            ? {
                inFlight: 1,
                timeoutMs: isolation.timeoutMs,
                resourceLimits: { maxOldGenerationSizeMb: isolation.memoryMb },
              }
            : {},
        )
      : null;
  const inProcess = pool ? null : analyser.start(setup);
  const analyse = (input: AnalysisInput) => (pool ? pool.run(input) : inProcess!(input));
  const batch = options.batch ?? 200;
  // The next batch is read and sent to the workers before the current one is recorded.
  const started = (from: number) => startBatch(store, analyser, ids.slice(from, from + batch), analyse);
  try {
    let next: Promise<Started[]> | null = started(0);
    for (let start = 0; next; start += batch) {
      const current: Started[] = await next;
      next = start + batch < ids.length ? started(start + batch) : null;
      await store.transaction(async (writer) => {
        for (const { itemId, before, output } of current) {
          const result = await output;
          if (result.status === 'failed') run.failed++;
          // A case-wide re-run leaves what it found again untouched (no change feed entry, no re-index).
          if (caseChanged && before && (await unchanged(store, analyser, before, result))) {
            run.checked++;
            continue;
          }
          if (result.learntKeys) writer.putKeys(result.learntKeys.records, result.learntKeys.failures);
          writer.putAnalysis({ ...result, itemId, analyser: analyser.id, version: analyser.version });
          run.checked++;
          if (before && before.summary !== result.summary)
            run.changed.push({ itemId, from: before.summary, to: result.summary });
        }
      });
      options.onProgress?.({
        step: analyser.id,
        done: Math.min(start + batch, ids.length),
        total: ids.length,
      });
    }
  } finally {
    await pool?.close();
  }
  return run;
}

/** Whether an analyser that reads other analysers' results across the case has older results than they do. */
async function sourcesChanged(store: Store, analyser: Analyser): Promise<boolean> {
  if (!analyser.dependsOn?.length) return false;
  const own = await store.latestAnalysisRevision(analyser.id);
  for (const source of analyser.dependsOn)
    if ((await store.latestAnalysisRevision(source)) > own) return true;
  return false;
}

async function unchanged(
  store: Store,
  analyser: Analyser,
  before: AnalysisRecord,
  result: AnalysisOutput,
): Promise<boolean> {
  if (
    before.version !== analyser.version ||
    before.status !== result.status ||
    before.summary !== result.summary
  )
    return false;
  if (JSON.stringify(before.result) !== JSON.stringify(JSON.parse(result.resultJson))) return false;
  const findings = (await store.findingsOf(before.itemId))
    .filter((f) => f.analyser === analyser.id)
    .map(({ code, severity, params, evidence }) => ({ code, severity, params, evidence }));
  return JSON.stringify(findings) === JSON.stringify(result.findings);
}

const NO_BYTES = Buffer.alloc(0);

/** Below this many items, starting worker threads costs more than it saves. */
const POOL_MIN_ITEMS = 64;

interface Started {
  itemId: number;
  before: AnalysisRecord | null;
  /** Never rejects: an item that cannot be analysed has a failed output. */
  output: Promise<AnalysisOutput>;
}

async function startBatch(
  store: Store,
  analyser: Analyser,
  ids: number[],
  analyse: (input: AnalysisInput) => Promise<AnalysisOutput>,
): Promise<Started[]> {
  const out: Started[] = [];
  for (const itemId of ids) {
    const item = await store.getItem(itemId);
    if (!item?.sha256) continue;
    const before = await store.getAnalysis(itemId, analyser.id);
    const input: AnalysisInput = {
      itemId,
      bytes: analyser.readsBytes === false ? NO_BYTES : store.blobs.read(item.sha256),
      type: item.type,
      format: item.format,
      transformations: item.first.transformations,
      flags: item.first.flags,
    };
    // One item's failure is that item's result; the run goes on.
    const output = Promise.resolve()
      .then(() => analyse(input))
      .catch(
        (err): AnalysisOutput => ({
          status: 'failed',
          summary: null,
          resultJson: JSON.stringify({
            error:
              err instanceof WorkerFailure ? err.reason : err instanceof Error ? err.message : String(err),
          }),
          inputs: [],
          findings: [],
        }),
      );
    out.push({ itemId, before, output });
  }
  return out;
}
