// Node 24.21's V8 (13.6) can abort the whole process, "Check failed: jit_page.has_value()", when it
// frees a wasm-to-JS import wrapper that it compiled after the import's 1,000th call (the stack runs
// Runtime_TierUpWasmToJSWrapper → WasmImportWrapperCache::Free → WasmCodeAllocator::FreeCode). The
// WebAssembly here is first Node's own: it strips the types of every .ts module it loads with a
// WebAssembly build of swc, whose wrappers tier up once a few dozen modules are loaded, in every
// process and in every worker thread. It killed test processes at random, in worker threads.
// With the budget out of reach the wrappers stay generic and are never freed; the calls are not hot.
// V8 reads the budget when a module is instantiated, so this runs before any .ts is loaded: first in
// bin/crible.js, through `node --import ./bin/v8-flags.js` for the scripts of package.json and the
// test processes (vitest.config.ts). Plain JavaScript, since loading TypeScript is what it guards.
import { setFlagsFromString } from 'node:v8';

// An older Node (the npm that runs a script may be the machine's own) does not know the flag.
if (Number(process.versions.node.split('.')[0]) >= 24) {
  setFlagsFromString('--wasm-wrapper-tiering-budget=2147483647');
}
