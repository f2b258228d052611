// A pool of worker threads, each running one entry module, answering requests by id. Each worker
// holds a few requests at a time; the rest wait in the pool. A worker that dies (out of memory on
// a hostile message…) is replaced and the requests it held are sent again once: a request that was
// held by two workers that died is the culprit, and fails alone.
import { Worker } from 'node:worker_threads';

interface Pending<Request, Result> {
  request: Request;
  /** Workers that died while holding it. */
  crashes: number;
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
  readonly #workers: PooledWorker<Request, Result>[] = [];
  readonly #queue: Pending<Request, Result>[] = [];
  #nextId = 0;
  #closing = false;

  constructor(entry: URL, workerData: unknown, count: number) {
    this.#entry = entry;
    this.#workerData = workerData;
    for (let i = 0; i < Math.max(1, count); i++) this.#workers.push(this.#spawn());
  }

  #spawn(): PooledWorker<Request, Result> {
    const pooled: PooledWorker<Request, Result> = {
      worker: new Worker(this.#entry, { workerData: this.#workerData }),
      pending: new Map(),
    };
    pooled.worker.on('message', (reply: WorkerReply<Result>) => {
      const pending = pooled.pending.get(reply.id);
      if (!pending) return;
      pooled.pending.delete(reply.id);
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.result);
      this.#dispatch();
    });
    const fail = (reason: string) => {
      const index = this.#workers.indexOf(pooled);
      if (index === -1 || this.#closing) return;
      this.#workers[index] = this.#spawn();
      const held = [...pooled.pending.values()];
      pooled.pending.clear();
      for (const pending of held) {
        if (++pending.crashes > 1) pending.reject(new Error(`worker stopped: ${reason}`));
        else this.#queue.unshift(pending);
      }
      this.#dispatch();
    };
    pooled.worker.on('error', (err) => fail(err.message));
    pooled.worker.on('exit', (code) => {
      if (!this.#closing) fail(`exit code ${code}`);
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
      if (pooled.pending.size >= IN_FLIGHT_PER_WORKER) return;
      const pending = this.#queue.shift()!;
      const id = this.#nextId++;
      pooled.pending.set(id, pending);
      pooled.worker.postMessage({ id, request: pending.request });
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
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
