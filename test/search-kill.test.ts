// The index under SIGKILL: indexing killed part-way, again and again, then finished, gives the same
// index as one uninterrupted run (it resumes after the last unit of work that committed); and so does
// an ingest killed anywhere and re-run.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { searchCase } from '../src/core/search.ts';
import { generateMessageList, writeMaildir } from '../src/sample/synth.ts';
import { indexState } from './helpers/index-state.ts';
import { crible, cribleBin, tempDir } from './helpers/mail.ts';

function resetIndex(caseDir: string): void {
  const db = new DatabaseSync(join(caseDir, 'case.db'));
  db.exec(`INSERT INTO search_text (search_text) VALUES ('delete-all');
    INSERT INTO search_substring (search_substring) VALUES ('delete-all');
    DELETE FROM threads; UPDATE search_progress SET value = 0;`);
  db.close();
}

const cursorOf = (caseDir: string): number => {
  const db = new DatabaseSync(join(caseDir, 'case.db'), { timeout: 5000 });
  try {
    return Number(
      (db.prepare("SELECT value FROM search_progress WHERE key = 'cursor'").get() as { value: number }).value,
    );
  } catch {
    return 0;
  } finally {
    db.close();
  }
};

async function dumpWith(count: number): Promise<string> {
  const dir = join(tempDir(), 'Maildir');
  await writeMaildir(dir, await generateMessageList({ seed: 11, count }));
  return dir;
}

describe('the search index under SIGKILL', () => {
  it('indexing killed part-way and resumed gives the index of an uninterrupted run', async () => {
    const dump = await dumpWith(400);
    const clean = join(tempDir(), 'clean');
    expect((await crible(['ingest', dump, '--case', clean])).code).toBe(0);
    const killed = join(tempDir(), 'killed');
    cpSync(clean, killed, { recursive: true });
    resetIndex(killed);
    const reset = openCase(killed, { create: false });
    expect((await searchCase(reset.store, 'budget')).total).toBe(0);
    await reset.store.close();

    // A process that indexes 5 items per unit of work (2,000 in ingest) and says when each committed.
    const script = join(tempDir(), 'index.ts');
    writeFileSync(
      script,
      `import { openCase } from ${JSON.stringify(join(import.meta.dirname, '../src/core/case.ts'))};
import { updateSearchIndex } from ${JSON.stringify(join(import.meta.dirname, '../src/core/search.ts'))};
const kase = openCase(process.argv[2], { create: false });
await updateSearchIndex(kase.store, { batch: 5, onProgress: (done) => process.stdout.write(String(done) + '\\n') });
await kase.store.close();
`,
    );
    const cursors: number[] = [];
    let interrupted = 0;
    while (interrupted < 6) {
      const child = spawn(process.execPath, [script, killed], { stdio: ['ignore', 'pipe', 'ignore'] });
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      // Killed after a few units of work committed: every kill lands mid-run, however loaded the machine.
      const after = 1 + Math.floor(Math.random() * 4);
      let units = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        units += chunk.toString().split('\n').filter(Boolean).length;
        if (units >= after && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          interrupted++;
        }
      });
      await exited;
      const cursor = cursorOf(killed);
      if (cursor === 0) break; // it finished
      cursors.push(cursor);
    }
    expect(interrupted).toBeGreaterThan(2);
    for (let i = 1; i < cursors.length; i++) expect(cursors[i]!).toBeGreaterThan(cursors[i - 1]!);
    const finish = spawn(process.execPath, [script, killed], { stdio: 'ignore' });
    await new Promise((resolve) => finish.on('close', resolve));
    expect(await indexState(killed)).toEqual(await indexState(clean));
  });

  it('an ingest killed anywhere and re-run gives the index of an uninterrupted run', async () => {
    const dump = await dumpWith(300);
    const clean = join(tempDir(), 'clean');
    expect((await crible(['ingest', dump, '--case', clean, '--batch', '40'])).code).toBe(0);
    const killed = join(tempDir(), 'killed');
    // Each kill lands some time after the case was opened, however long a loaded machine takes to start
    // the process (kills timed from the spawn all landed before it, once).
    for (const wait of [0, 300, 900]) {
      const child = spawn(process.execPath, [cribleBin, 'ingest', dump, '--case', killed, '--batch', '40'], {
        stdio: 'ignore',
      });
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      while (!existsSync(join(killed, 'case.db')) && child.exitCode === null) await sleep(10);
      await sleep(wait);
      child.kill('SIGKILL');
      await exited;
    }
    expect(existsSync(join(killed, 'case.db'))).toBe(true);
    expect((await crible(['ingest', dump, '--case', killed, '--batch', '40'])).code).toBe(0);
    expect(await indexState(killed)).toEqual(await indexState(clean));
  });
});
