// Runs the registered analysers on what they have not seen, what an older version of them saw, and
// what changed inputs (newly imported keys or disclosures) can change: `crible analyse`, the
// re-verification of `crible verify --case`, and the analysers that do not run during ingest.
import type { AnalyseOptions, Analyser } from '../analysers/analyser.ts';
import { analysers as registered } from '../analysers/index.ts';
import type { Store } from '../store/store.ts';
import { updateSearchIndex } from './search.ts';

export interface AnalyseCaseOptions extends AnalyseOptions {
  /** Only these analysers (ids). */
  only?: string[];
  /** Every item each analyser accepts, stale or not. */
  all?: boolean;
  /** The analysers to consider (default: the registry). */
  analysers?: Analyser[];
  /** Items per unit of work. */
  batch?: number;
  onProgress?: (progress: { analyser: string; done: number; total: number }) => void;
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
  const chosen = options.only ? all.filter((a) => options.only!.includes(a.id)) : all;
  const runs: AnalyserRun[] = [];
  for (const analyser of chosen) runs.push(await runAnalyser(store, analyser, options));
  // The search index follows the change feed: what ingest and the analysers changed (ingest runs this too).
  await updateSearchIndex(store);
  return runs;
}

async function runAnalyser(
  store: Store,
  analyser: Analyser,
  options: AnalyseCaseOptions,
): Promise<AnalyserRun> {
  const ids = await store.pendingAnalysis({
    analyser: analyser.id,
    version: analyser.version,
    types: analyser.types,
    all: options.all ?? false,
  });
  const run: AnalyserRun = {
    analyser: analyser.id,
    version: analyser.version,
    checked: 0,
    failed: 0,
    changed: [],
  };
  if (ids.length === 0) return run;
  const analyse = analyser.start(await analyser.setup(store, options));
  const batch = options.batch ?? 200;
  for (let start = 0; start < ids.length; start += batch) {
    await store.transaction(async (writer) => {
      for (const itemId of ids.slice(start, start + batch)) {
        const item = await store.getItem(itemId);
        if (!item?.sha256) continue;
        const before = await store.getAnalysis(itemId, analyser.id);
        let output: Awaited<ReturnType<typeof analyse>>;
        try {
          output = await analyse({
            bytes: store.blobs.read(item.sha256),
            type: item.type,
            format: item.format,
            transformations: item.first.transformations,
            flags: item.first.flags,
            message: item.type === 'message' ? await store.getMessage(itemId) : null,
          });
        } catch (err) {
          // One item's failure is that item's result; the run goes on.
          const error = err instanceof Error ? err.message : String(err);
          output = {
            status: 'failed',
            summary: null,
            resultJson: JSON.stringify({ error }),
            inputs: [],
            findings: [],
          };
          run.failed++;
        }
        if (output.learntKeys) writer.putKeys(output.learntKeys.records, output.learntKeys.failures);
        writer.putAnalysis({ ...output, itemId, analyser: analyser.id, version: analyser.version });
        run.checked++;
        if (before && before.summary !== output.summary)
          run.changed.push({ itemId, from: before.summary, to: output.summary });
      }
    });
    options.onProgress?.({
      analyser: analyser.id,
      done: Math.min(start + batch, ids.length),
      total: ids.length,
    });
  }
  return run;
}
