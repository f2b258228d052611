// The layers of docs/ARCHITECTURE.md, checked on the import graph of src/: each rule below is one that,
// broken, would block a next capability (a PostgreSQL store, the web server, new analysers).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(new URL('../src', import.meta.url).pathname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every relative import of every source file, as paths relative to src/. */
const edges = sourceFiles(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  const from = relative(SRC, file);
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => ({
    from,
    to: relative(SRC, resolve(dirname(file), m[1]!)),
  }));
});

const folder = (path: string) => path.split('/')[0]!;
const importsOf = (fromFolder: string) => edges.filter((e) => folder(e.from) === fromFolder);

describe('layers', () => {
  it('reads the import graph (a test that finds no edge would prove nothing)', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from === 'ingest/pipeline.ts' && e.to === 'ingest/registry.ts')).toBe(true);
  });

  it('ingest never reaches back into the job that runs it (core), nor into a face', () => {
    expect(importsOf('ingest').filter((e) => ['core', 'cli'].includes(folder(e.to)))).toEqual([]);
  });

  it('the pipeline names no analyser: it sees only the analyser interface', () => {
    expect(
      importsOf('ingest').filter(
        (e) =>
          folder(e.to) === 'verify' || (folder(e.to) === 'analysers' && e.to !== 'analysers/analyser.ts'),
      ),
    ).toEqual([]);
  });

  it('the parser knows nothing of storage', () => {
    expect(importsOf('mail').filter((e) => folder(e.to) === 'store')).toEqual([]);
  });

  it('the store knows no format, analyser, verification, job or face', () => {
    expect(
      importsOf('store').filter((e) =>
        ['ingest', 'verify', 'analysers', 'core', 'cli', 'mail'].includes(folder(e.to)),
      ),
    ).toEqual([]);
  });

  it('only the store and the case opener name the embedded store; nothing else names a path of the case', () => {
    expect(
      edges.filter(
        (e) =>
          e.to.startsWith('store/sqlite/') && !['store', 'core/case.ts'].some((p) => e.from.startsWith(p)),
      ),
    ).toEqual([]);
    const offenders = sourceFiles(SRC)
      .filter((file) => !relative(SRC, file).startsWith('store/'))
      .filter((file) => /case\.db|custody\.jsonl|['"]blobs['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });
});
