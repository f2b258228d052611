// Ingest yields the processor to people: its threads run at nice 10 (read from /proc while it works),
// so a workbench on the same machine stays quick. Linux only (elsewhere the check is skipped, saying so).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMessages, writeMaildir } from '../src/sample/synth.ts';
import { cribleBin, tempDir } from './helpers/mail.ts';

/** The nice value of each thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNices(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
  } catch {
    return []; // the process ended between two reads
  }
}

describe('bulk work yields to people', () => {
  it.skipIf(!existsSync('/proc/self/task'))('ingest runs its threads at nice 10', async () => {
    const root = tempDir();
    await writeMaildir(join(root, 'mail'), generateMessages({ seed: 3, count: 400, signing: null }));
    const child = spawn(
      process.execPath,
      [cribleBin, 'ingest', join(root, 'mail'), '--case', join(root, 'case')],
      {
        stdio: 'ignore',
      },
    );
    let most = 0;
    const poll = setInterval(() => {
      most = Math.max(most, threadNices(child.pid!).filter((n) => n === 10).length);
    }, 10);
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    clearInterval(poll);
    expect(code).toBe(0);
    // The main thread and the worker threads it starts (V8's own helpers, started before, keep theirs).
    expect(most).toBeGreaterThanOrEqual(2);
  });
});
