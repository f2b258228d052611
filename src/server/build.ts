// Building the single-page app (src/web) into dist/web: one bundle and one stylesheet, with esbuild's
// WebAssembly build (no native binary). Used by `npm run build` and by `crible serve` on first use.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the built app is, for a clone at `root`. */
export function webDir(root: string): string {
  return join(root, 'dist', 'web');
}

export function isBuilt(root: string): boolean {
  return existsSync(join(webDir(root), 'index.html')) && existsSync(join(webDir(root), 'assets', 'app.js'));
}

export async function buildWebApp(root: string): Promise<string> {
  const esbuild = await import('esbuild-wasm');
  const out = webDir(root);
  mkdirSync(join(out, 'assets'), { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, 'src/web/main.tsx')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    outfile: join(out, 'assets', 'app.js'),
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'src/web/app.css'), join(out, 'assets', 'app.css'));
  copyFileSync(join(root, 'src/web/index.html'), join(out, 'index.html'));
  await esbuild.stop();
  return out;
}
