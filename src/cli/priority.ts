// Bulk work (ingest, analysis) yields the processor to people: at nice 10 a workbench served from the
// same machine answers as if nothing else ran, and with nothing else to run the bulk work still has
// every core. Linux gives each thread its own nice value and a new thread its creator's, so this runs
// before the command starts its worker threads.
import { setPriority } from 'node:os';

const BULK_NICE = 10;

export function yieldToPeople(): void {
  try {
    setPriority(BULK_NICE);
  } catch {
    // A system that refuses (or a process already nicer) runs at the priority it has.
  }
}
