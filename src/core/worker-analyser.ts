// A pool of worker threads that parse and verify messages while the main thread stores results.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisRequest, MessageAnalyser, MessageAnalysis } from '../ingest/analysis.ts';
import type { AnalysisSetup } from './message-analysis.ts';

interface Pending {
  resolve: (analysis: MessageAnalysis) => void;
  reject: (err: Error) => void;
}

interface PooledWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Workers beside the main thread: one fewer than the cores, at least one. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class WorkerAnalyser implements MessageAnalyser {
  readonly #setup: AnalysisSetup;
  readonly #workers: PooledWorker[] = [];
  #nextId = 0;
  #closing = false;

  constructor(setup: AnalysisSetup, count = defaultWorkerCount()) {
    this.#setup = setup;
    for (let i = 0; i < count; i++) this.#workers.push(this.#spawn());
  }

  #spawn(): PooledWorker {
    const pooled: PooledWorker = {
      worker: new Worker(new URL('./analysis-worker.ts', import.meta.url), { workerData: this.#setup }),
      pending: new Map(),
    };
    pooled.worker.on('message', (message: { id: number; result?: MessageAnalysis; error?: string }) => {
      const pending = pooled.pending.get(message.id);
      if (!pending) return;
      pooled.pending.delete(message.id);
      if (message.error !== undefined || !message.result)
        pending.reject(new Error(message.error ?? 'no result'));
      else pending.resolve(revive(message.result));
    });
    // A worker that dies (out of memory on a hostile message…) fails only what it held, then is replaced.
    const fail = (reason: string) => {
      for (const pending of pooled.pending.values())
        pending.reject(new Error(`analysis worker stopped: ${reason}`));
      pooled.pending.clear();
      const index = this.#workers.indexOf(pooled);
      if (index !== -1 && !this.#closing) this.#workers[index] = this.#spawn();
    };
    pooled.worker.on('error', (err) => fail(err.message));
    pooled.worker.on('exit', (code) => {
      if (!this.#closing) fail(`exit code ${code}`);
    });
    return pooled;
  }

  analyse(request: AnalysisRequest): Promise<MessageAnalysis> {
    const pooled = this.#workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      pooled.pending.set(id, { resolve, reject });
      pooled.worker.postMessage({
        id,
        raw: request.raw,
        transformations: request.transformations,
        claimed: request.claimed,
        flags: request.flags,
      });
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}

/** Structured cloning turns Buffers into Uint8Arrays; the pipeline expects Buffers. */
function revive(analysis: MessageAnalysis): MessageAnalysis {
  for (const part of analysis.parsed.parts) {
    const bytes = part.bytes as Uint8Array;
    part.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return analysis;
}
