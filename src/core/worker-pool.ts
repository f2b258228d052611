// A pool of worker threads, each running one entry module, answering requests by id. Each worker
// holds a few requests at a time; the rest wait in the pool. A worker that dies (out of memory on
// a hostile message…) is replaced and the requests it held are sent again once: a request that was
// held by two workers that died, or alone by one, is the culprit, and fails alone. An isolated pool
// (hostile documents read by libraries) holds one request per worker, under a heap limit and a time
// limit: past the time the worker is stopped and replaced, and that request fails.
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { type Coded, coded, render } from '../report/catalogue.ts';

/** Why a request failed in the pool, as a code (words in report/messages/en/ingest.ts). */
export class WorkerFailure extends Error {
  readonly reason: Coded;
  constructor(reason: Coded) {
    super(render(reason));
    this.reason = reason;
  }
}

export interface PoolOptions {
  /** Requests a worker holds at once (default IN_FLIGHT_PER_WORKER). */
  inFlight?: number;
  /** Wall-clock limit per request, counted from when its worker receives it. */
  timeoutMs?: number;
  /** Heap limits of each worker. */
  resourceLimits?: ResourceLimits;
}

interface Pending<Request, Result> {
  request: Request;
  /** Workers that died while holding it. */
  crashes: number;
  timer?: NodeJS.Timeout;
  resolve: (result: Result) => void;
  reject: (err: Error) => void;
}

/** Requests a worker holds at once: enough to keep it busy, few to send again after a crash. */
const IN_FLIGHT_PER_WORKER = 8;

interface PooledWorker<Request, Result> {
  worker: Worker;
  pending: Map<number, Pending<Request, Result>>;
}

/** What a worker entry posts back for request `id`. */
export type WorkerReply<Result> = { id: number; result: Result } | { id: number; error: string };

export class WorkerPool<Request, Result> {
  readonly #entry: URL;
  readonly #workerData: unknown;
  readonly #options: PoolOptions;
  readonly #workers: PooledWorker<Request, Result>[] = [];
  readonly #queue: Pending<Request, Result>[] = [];
  #nextId = 0;
  #closing = false;

  constructor(entry: URL, workerData: unknown, count: number, options: PoolOptions = {}) {
    this.#entry = entry;
    this.#workerData = workerData;
    this.#options = options;
    for (let i = 0; i < Math.max(1, count); i++) this.#workers.push(this.#spawn());
  }

  #spawn(): PooledWorker<Request, Result> {
    const pooled: PooledWorker<Request, Result> = {
      worker: new Worker(this.#entry, {
        workerData: this.#workerData,
        ...(this.#options.resourceLimits ? { resourceLimits: this.#options.resourceLimits } : {}),
      }),
      pending: new Map(),
    };
    pooled.worker.on('message', (reply: WorkerReply<Result>) => {
      const pending = pooled.pending.get(reply.id);
      if (!pending) return;
      pooled.pending.delete(reply.id);
      clearTimeout(pending.timer);
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.result);
      this.#dispatch();
    });
    const fail = (reason: Coded) => {
      const index = this.#workers.indexOf(pooled);
      if (index === -1 || this.#closing) return;
      this.#workers[index] = this.#spawn();
      const held = [...pooled.pending.values()];
      pooled.pending.clear();
      for (const pending of held) {
        clearTimeout(pending.timer);
        if (++pending.crashes > 1 || held.length === 1) pending.reject(new WorkerFailure(reason));
        else this.#queue.unshift(pending);
      }
      this.#dispatch();
    };
    pooled.worker.on('error', (err) =>
      fail(
        (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? coded('worker.out-of-memory', {
              limitMb: this.#options.resourceLimits?.maxOldGenerationSizeMb ?? null,
            })
          : coded('worker.crashed', { error: err.message }),
      ),
    );
    pooled.worker.on('exit', (code) => {
      if (!this.#closing) fail(coded('worker.crashed', { error: `exit code ${code}` }));
    });
    return pooled;
  }

  /** Queues the request; it goes to the least busy worker with room. */
  run(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, crashes: 0, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length) {
      const pooled = this.#workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      if (pooled.pending.size >= (this.#options.inFlight ?? IN_FLIGHT_PER_WORKER)) return;
      const pending = this.#queue.shift()!;
      const id = this.#nextId++;
      pooled.pending.set(id, pending);
      const timeoutMs = this.#options.timeoutMs;
      if (timeoutMs) pending.timer = setTimeout(() => this.#timeout(pooled, id, timeoutMs), timeoutMs);
      pooled.worker.postMessage({ id, request: pending.request });
    }
  }

  /** A request past its time: it fails, its worker is stopped (replaced on exit), the others it held go again. */
  #timeout(pooled: PooledWorker<Request, Result>, id: number, timeoutMs: number): void {
    const pending = pooled.pending.get(id);
    if (!pending) return;
    pooled.pending.delete(id);
    pending.reject(new WorkerFailure(coded('worker.timeout', { seconds: timeoutMs / 1000 })));
    // Replaced before it is stopped, so its exit is not taken for a crash of the requests it held.
    const index = this.#workers.indexOf(pooled);
    if (index !== -1) this.#workers[index] = this.#spawn();
    for (const other of pooled.pending.values()) {
      clearTimeout(other.timer);
      this.#queue.unshift(other);
    }
    pooled.pending.clear();
    void pooled.worker.terminate();
    this.#dispatch();
  }

  /**
   * Stops the workers. Requests still held or queued (a run given up part-way: an interruption, an
   * error) are dropped, and their time limits with them: a pending timer kept the process alive.
   */
  async close(): Promise<void> {
    this.#closing = true;
    for (const pooled of this.#workers)
      for (const pending of pooled.pending.values()) clearTimeout(pending.timer);
    this.#queue.length = 0;
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}

/**
 * The worker side: answers each `{ id, request }` with `handle(request)`, or its error. Requests are
 * handled as they arrive (two overlap only while one waits, on live DNS say).
 */
export function serveRequests<Request, Result>(
  port: {
    on(event: 'message', listener: (message: { id: number; request: Request }) => void): unknown;
    postMessage(value: unknown): void;
  },
  handle: (request: Request) => Promise<Result>,
): void {
  port.on('message', async ({ id, request }) => {
    try {
      port.postMessage({ id, result: await handle(request) });
    } catch (err) {
      port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    }
  });
}

/** Structured cloning turns a Buffer into a Uint8Array: the same bytes as a Buffer again, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
