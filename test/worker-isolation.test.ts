// The isolation of analysers that read hostile files with libraries: one item that hangs or exhausts
// memory fails alone with its reason, in words, and every other item of the run is analysed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Analyser } from '../src/analysers/analyser.ts';
import { analyseCase } from '../src/core/analyse-case.ts';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import { render } from '../src/report/catalogue.ts';

const dir = mkdtempSync(join(tmpdir(), 'crible-isolation-'));
const files = join(dir, 'files');

// The analyser's module is written at test time: workers import it by URL, as they do real analysers.
const moduleFile = join(dir, 'hostile-reader.mjs');
writeFileSync(
  moduleFile,
  `export const analyser = {
    id: 'hostile-reader', version: '1', types: ['document'],
    module: import.meta.url,
    isolation: { timeoutMs: 1500, memoryMb: 64 },
    async setup() { return null; },
    start() {
      return async (input) => {
        const text = input.bytes.toString('utf8');
        if (text.startsWith('HANG')) for (;;) {}
        if (text.startsWith('HOG')) { const held = []; for (;;) held.push(new Array(1e6).fill(held.length)); }
        return { status: 'ok', summary: text.slice(0, 5), resultJson: '{}', inputs: [], findings: [] };
      };
    },
  };`,
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an isolated analyser', () => {
  it('fails the item that hangs and the one that exhausts memory, with their reasons, and reads the rest', async () => {
    mkdirSync(files);
    for (let i = 0; i < 4; i++) writeFileSync(join(files, `fine-${i}.txt`), `FINE ${i} plain words`);
    writeFileSync(join(files, 'hang.txt'), 'HANG forever');
    writeFileSync(join(files, 'hog.txt'), 'HOG memory');
    const kase = openCase(join(dir, 'case'), { create: true });
    try {
      await ingestIntoCase(kase, [files]);
      const analyser = ((await import(pathToFileURL(moduleFile).href)) as { analyser: Analyser }).analyser;
      const [run] = await analyseCase(kase.store, { analysers: [analyser] });
      expect(run).toMatchObject({ checked: 6, failed: 2 });
      const items = await kase.store.listItems({ type: 'document' });
      const results = new Map<string, unknown>();
      for (const item of items) {
        const analysis = await kase.store.getAnalysis(item.id, 'hostile-reader');
        results.set(
          item.first.filename ?? '',
          analysis?.status === 'failed' ? analysis.result : analysis?.summary,
        );
      }
      expect(results.get('fine-3.txt')).toBe('FINE ');
      const hang = results.get('hang.txt') as { error: { code: string; params: { seconds: number } } };
      expect(hang.error).toEqual({ code: 'worker.timeout', params: { seconds: 1.5 } });
      expect(render(hang.error)).toMatch(/more than 1\.5 s and was stopped/);
      const hog = results.get('hog.txt') as { error: { code: string } };
      expect(hog.error.code).toBe('worker.out-of-memory');
      expect(render(hog.error)).toMatch(/64 MB of memory/);
    } finally {
      await kase.store.close();
    }
  }, 60_000);

  it('a pool closed with a request still held lets the process end (its time limit no longer holds it)', () => {
    // What an interrupted `crible ingest` does while documents are read: the run stops, the pool closes.
    const silent = join(dir, 'silent-worker.mjs');
    writeFileSync(
      silent,
      "import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => {});",
    );
    const script = join(dir, 'close-pool.ts');
    writeFileSync(
      script,
      `import { WorkerPool } from ${JSON.stringify(join(import.meta.dirname, '../src/core/worker-pool.ts'))};
const pool = new WorkerPool(new URL(${JSON.stringify(pathToFileURL(silent).href)}), null, 1, { inFlight: 1, timeoutMs: 600_000 });
void pool.run('never answered');
void pool.run('never sent');
await new Promise((resolve) => setTimeout(resolve, 200));
await pool.close();
console.log('closed');
`,
    );
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.signal).toBeNull();
    expect(child.stdout.trim()).toBe('closed');
    expect(child.status).toBe(0);
  }, 90_000);
});
