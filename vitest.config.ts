import { configDefaults, defineConfig } from 'vitest/config';

const README_TEST = 'test/readme.test.ts';
const timeouts = { testTimeout: 120_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Two cores: keep the heavy ingest and verification suites from starving each other.
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...timeouts,
          name: 'crible',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, README_TEST],
        },
      },
      // The README path runs the whole suite again in a fresh copy: after the rest, alone on the machine.
      { test: { ...timeouts, name: 'readme', include: [README_TEST], sequence: { groupOrder: 1 } } },
    ],
  },
});
