// `crible demo`: builds the bundled sample dump (once), ingests it into a case with the sample's key
// archive and disclosed-key list, prints the summary and what to try next on that case, then, on a
// terminal, serves it in the workbench until Ctrl-C (a script or a pipe gets the command to do so).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Case, caseExists, openCase } from '../../core/case.ts';
import { ingestIntoCase } from '../../core/ingest-case.ts';
import { caseFilePath, type SampleLayout, sampleLayout } from '../../sample/layout.ts';
import { printLines } from '../output.ts';
import { describeSummary } from './ingest.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Build the bundled sample dump, ingest it into a case and print the summary')
    .option('--dir <dir>', 'where to put the sample dump and its case', 'crible-demo')
    .option('--no-serve', 'do not open the workbench afterwards (it opens only on a terminal anyway)')
    .option('--port <n>', 'port of the workbench', '7700')
    .action(async (opts: { dir: string; serve: boolean; port: string }) => {
      const sample = sampleLayout(resolve(opts.dir));
      const caseDir = join(sample.root, 'case');
      // The sample's keys are generated afresh each build, so an existing sample is reused as is. One
      // from an older Crible (without the disclosed list) is rebuilt, and its case started again: the
      // case was judged with the old sample's keys.
      if (![sample.dumpDir, sample.keysFile, sample.disclosedFile].every((p) => existsSync(p))) {
        if (existsSync(sample.manifestFile) && caseExists(caseDir))
          rmSync(caseDir, { recursive: true, force: true });
        // Loaded on demand: other commands need not load the generator.
        const { buildSampleDump } = await import('../../sample/build.ts');
        await buildSampleDump(sample.root);
      }
      const kase = openCase(caseDir, { create: true });
      try {
        const summary = await ingestIntoCase(kase, [sample.dumpDir], {
          keyFiles: [sample.keysFile],
          disclosedFiles: [sample.disclosedFile],
        });
        const ids = await caseItemIds(kase, sample, ['body-altered', 'disclosed-key']);
        printLines([
          `Sample dump: ${sample.dumpDir}`,
          `Case: ${kase.dir}`,
          '',
          ...describeSummary(summary, shellPath(kase.dir)),
          '',
          ...nextSteps(sample, kase.dir, ids),
        ]);
        if (opts.serve && process.stdin.isTTY && process.stdout.isTTY)
          await serveUntilInterrupted(kase, Number(opts.port));
      } finally {
        await kase.store.close();
      }
    });
}

/** The workbench on the demo's case, on the given port or the next free one, until Ctrl-C. */
async function serveUntilInterrupted(kase: Case, port: number): Promise<void> {
  const { serveCase } = await import('../../server/serve.ts');
  let server: Awaited<ReturnType<typeof serveCase>> | null = null;
  for (let tries = 0; !server && tries < 10; tries++) {
    try {
      server = await serveCase(kase, { host: '127.0.0.1', port: port + tries });
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    }
  }
  if (!server)
    return printLines([
      `No free port from ${port}: open it with npx crible serve --case ${shellPath(kase.dir)} --port <n>`,
    ]);
  printLines(['', `The workbench on this case: ${server.url}   (Ctrl-C stops it)`]);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}

/** The item ids of some deliberate cases of the sample, found by their content. */
async function caseItemIds(kase: Case, sample: SampleLayout, names: string[]): Promise<Map<string, number>> {
  const bySha = new Map<string, string>();
  for (const name of names) {
    const file = join(sample.dumpDir, caseFilePath(name));
    if (existsSync(file)) bySha.set(createHash('sha256').update(readFileSync(file)).digest('hex'), name);
  }
  const ids = new Map<string, number>();
  for (const item of await kase.store.listItems({ type: 'message' })) {
    const name = item.sha256 ? bySha.get(item.sha256) : undefined;
    if (name) ids.set(name, item.id);
  }
  return ids;
}

/** What to run next, with this case's paths, in words for someone new to the tool. */
function nextSteps(sample: SampleLayout, caseDir: string, ids: Map<string, number>): string[] {
  const at = `--case ${shellPath(caseDir)}`;
  const step = (command: string, what: string) => [`  npx crible ${command}`, `      ${what}`];
  const altered = ids.get('body-altered');
  const forgeable = ids.get('disclosed-key');
  return [
    'What to try next on this case:',
    ...step(`list ${at} --type message`, 'every message with its verdict'),
    ...step(
      `list ${at} --verdict altered forgeable`,
      'only the messages whose signature shows a change, or proves nothing',
    ),
    ...(altered === undefined
      ? []
      : step(
          `show ${altered} ${at}`,
          'the altered message: what its signature covers, what no longer matches, where the file came from',
        )),
    ...(forgeable === undefined
      ? []
      : step(
          `show ${forgeable} ${at}`,
          'a valid signature that proves nothing: the key that made it was published later',
        )),
    ...step(`stats ${at}`, 'counts of items, verdicts and signature results'),
    ...step(`findings ${at}`, 'the documents with forgery signals, by rule'),
    ...step(
      `report ${at} --out report`,
      'the report an editor decides from: report/report.html (--lang fr in French)',
    ),
    ...step(`serve ${at}`, 'the case in the web workbench, in a browser'),
    `  npx crible keys import ${shellPath(sample.laterKeysFile)} ${at}`,
    ...step(
      `verify ${at}`,
      'one message could not be checked, its key is missing: import it (as if found later), then re-check',
    ),
  ];
}

/** A path as the user can type it from here: relative when below the current directory, quoted when needed. */
function shellPath(path: string): string {
  const rel = relative(process.cwd(), path);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
