// Turn-taking between the connections that threads of one process hold to one case (the main
// thread's and the index thread's, which write beside each other during an ingest).
//
// SQLite's busy handler is not enough there. Seen on an ingest under a profiler: the main thread's
// BEGIN IMMEDIATE gave up with "database is locked" after ~70 ms, its 5 s busy timeout unused, while
// the index thread held a unit of work of 300 ms (SQLite returns SQLITE_BUSY at once where it judges
// a wait useless), and the ingest failed. And its handler sleeps between tries (up to 100 ms), so a
// writer that commits and begins again at once can keep the other out.
//
// So a unit of work begins here without SQLite's handler: refused as busy, the writer waits for the
// other thread's unit of work to end (woken the moment it does) and tries again, until its own time
// limit; and a writer that ends a unit of work while another waits lets it in before beginning again.
// Another process's commit wakes nobody: it is polled for, as SQLite's handler does.

const WAITING = 0;
const ENDED = 1;
const BEGUN = 2;
/** Longest a writer that ended its unit of work waits for a waiting one to begin. */
const HANDOVER_MS = 250;
/** Waits between tries while another process writes (its commit is not signalled): SQLite's own. */
const POLL_MS = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];
const SQLITE_BUSY = 5;

export class WriteTurns {
  /** Shared with the connections of other threads (passed to them at open). */
  readonly shared: SharedArrayBuffer;
  private readonly cells: Int32Array;
  private readonly waitMs: number;

  /** `waitMs`: how long a writer waits in all for its turn. */
  constructor(waitMs: number, shared = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)) {
    this.waitMs = waitMs;
    this.shared = shared;
    this.cells = new Int32Array(shared);
  }

  /**
   * Runs `begin` (BEGIN IMMEDIATE, without SQLite's busy handler) until it is not refused as busy,
   * or the time is up.
   */
  begin(begin: () => void): void {
    const deadline = performance.now() + this.waitMs;
    Atomics.add(this.cells, WAITING, 1);
    try {
      for (let tries = 0; ; tries++) {
        const ended = Atomics.load(this.cells, ENDED);
        try {
          begin();
          return;
        } catch (err) {
          const left = deadline - performance.now();
          if (((err as { errcode?: number }).errcode ?? 0) % 256 !== SQLITE_BUSY || left <= 0) throw err;
          const poll = POLL_MS[Math.min(tries, POLL_MS.length - 1)]!;
          Atomics.wait(this.cells, ENDED, ended, Math.min(poll, left));
        }
      }
    } finally {
      Atomics.sub(this.cells, WAITING, 1);
      Atomics.add(this.cells, BEGUN, 1);
      Atomics.notify(this.cells, BEGUN);
    }
  }

  /** After a commit or a rollback: says so to a waiting writer, and lets it begin first. */
  ended(): void {
    // Read before the count: a writer that begins in between ends the wait at once.
    const begun = Atomics.load(this.cells, BEGUN);
    Atomics.add(this.cells, ENDED, 1);
    Atomics.notify(this.cells, ENDED);
    if (Atomics.load(this.cells, WAITING) === 0) return;
    Atomics.wait(this.cells, BEGUN, begun, HANDOVER_MS);
  }
}
