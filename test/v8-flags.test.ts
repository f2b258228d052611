// The guard against V8's wrapper tier-up abort (bin/v8-flags.js): once it has run, an import that
// WebAssembly calls thousands of times stays on the generic wrapper (V8 compiles no wasm-to-JS
// wrapper, so none is ever freed), whether it runs alone or first in the CLI's entry.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// A module whose export calls its one import (m.f), called 5,000 times: past V8's budget of 1,000.
const CALLS_AN_IMPORT = `
const bytes = new Uint8Array([0,97,115,109,1,0,0,0, 1,4,1,96,0,0, 2,7,1,1,109,1,102,0,0, 3,2,1,0,
  7,5,1,1,114,0,1, 10,6,1,4,0,16,0,11]);
let calls = 0;
const { instance } = await WebAssembly.instantiate(bytes, { m: { f: () => { calls++; } } });
for (let i = 0; i < 5000; i++) instance.exports.r();
console.log('calls', calls);
`;
const WRAPPER_COMPILED = /Compiled WasmToJS wrapper/;

/** What V8 compiled while a fresh Node ran `prelude` then the script above. */
function compiled(nodeArgs: string[], prelude = ''): string {
  const run = spawnSync(
    process.execPath,
    [
      ...nodeArgs,
      '--trace-wasm-compilation-times',
      '--input-type=module',
      '-e',
      `${prelude}\n${CALLS_AN_IMPORT}`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain('calls 5000');
  return run.stdout;
}

describe('wasm-to-JS wrappers', () => {
  it('are compiled by V8 after 1,000 calls when nothing stops it', () => {
    expect(compiled([])).toMatch(WRAPPER_COMPILED);
  });

  it('stay generic after node --import ./bin/v8-flags.js (the scripts and the test processes)', () => {
    expect(compiled(['--import', './bin/v8-flags.js'])).not.toMatch(WRAPPER_COMPILED);
  });

  it('stay generic in the CLI: its entry sets the flag before it loads any TypeScript', () => {
    // The entry runs `crible --version`; its exit is held back so that the script goes on.
    const cli = `process.argv = [process.argv[0], 'crible', '--version']; process.exit = () => {};
      await import('./bin/crible.js');`;
    const trace = compiled([], cli);
    expect(trace).toMatch(/Liftoff|TurboFan/); // the CLI's TypeScript was loaded, through WebAssembly
    expect(trace).not.toMatch(WRAPPER_COMPILED);
  });
});
