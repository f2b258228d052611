// Builds the bundled sample dump: `npm run sample -- <dir> [--seed N]`.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSampleDump } from '../src/sample/build.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const dir = resolve(positionals[0] ?? 'sample');
const t0 = performance.now();
const manifest = await buildSampleDump(dir, values.seed ? { seed: Number(values.seed) } : {});
const ms = Math.round(performance.now() - t0);
if (values.json) {
  process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
} else {
  const c = manifest.counts;
  process.stdout.write(
    `Sample dump written to ${manifest.dumpDir} in ${ms} ms\n` +
      `  files ${c.files}, messages ${c.messages} (${c.distinctMessages} distinct, ${c.distinctMessageIds} Message-IDs), documents ${c.documents}\n` +
      `  eml ${c.eml}, mbox ${c.mbox} (${manifest.mbox.escapedLines} escaped From lines), Maildir ${c.maildir}, zip ${c.zipMessages}, signed ${c.signedMessages}\n` +
      `  keys: ${manifest.keysFile}\n  manifest: ${manifest.manifestFile}\n` +
      `  deliberate cases:\n` +
      manifest.cases
        .map((k) => `    ${k.name.padEnd(22)} ${k.expectedDkim.join('/').padEnd(9)} ${k.paths.join(', ')}\n`)
        .join(''),
  );
}
