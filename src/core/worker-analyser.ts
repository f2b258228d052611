// The ingest's message analysis in worker threads: they parse and verify messages while the main
// thread stores results.
import { availableParallelism } from 'node:os';
import type { AnalysisRequest, MessageAnalyser, MessageAnalysis } from '../ingest/analysis.ts';
import type { AnalysisSetup } from './message-analysis.ts';
import { asBuffer, WorkerPool } from './worker-pool.ts';

/** Workers beside the main thread: one fewer than the cores, at least one. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class WorkerAnalyser implements MessageAnalyser {
  readonly #pool: WorkerPool<AnalysisRequest, MessageAnalysis>;

  constructor(setup: AnalysisSetup, count = defaultWorkerCount()) {
    this.#pool = new WorkerPool(new URL('./analysis-worker.ts', import.meta.url), setup, count);
  }

  async analyse(request: AnalysisRequest): Promise<MessageAnalysis> {
    return revive(await this.#pool.run(request));
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** Structured cloning turns Buffers into Uint8Arrays; the pipeline expects Buffers. */
function revive(analysis: MessageAnalysis): MessageAnalysis {
  for (const part of analysis.parsed.parts) part.bytes = asBuffer(part.bytes as Uint8Array);
  return analysis;
}
