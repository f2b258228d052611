// `npm run build` (run by `npm ci` through `prepare`, or by `crible serve` when the build is missing):
// bundles the workbench's single-page app (src/web, Preact) into dist/web.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebApp } from '../src/server/build.ts';

const started = Date.now();
const out = await buildWebApp(join(dirname(fileURLToPath(import.meta.url)), '..'));
process.stdout.write(`web app built into ${out} in ${Date.now() - started} ms\n`);
