import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const README_TEST = 'test/readme.test.ts';
// Every test process first sets the V8 flag that keeps it from aborting at random (bin/v8-flags.js).
const v8Flags = fileURLToPath(new URL('./bin/v8-flags.js', import.meta.url));
const forks = { testTimeout: 120_000, hookTimeout: 120_000, execArgv: ['--import', v8Flags] };

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Two cores: keep the heavy ingest and verification suites from starving each other.
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...forks,
          name: 'crible',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, README_TEST],
        },
      },
      // The README path runs the whole suite again in a fresh copy: after the rest, alone on the machine.
      { test: { ...forks, name: 'readme', include: [README_TEST], sequence: { groupOrder: 1 } } },
    ],
  },
});
