import { defineConfig } from 'vitest/config';

// One embedded PostgreSQL and one headless Chromium per run, started in the global setup
// and shared by every test file that needs them (see tests/support/).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './tests/support/summary-reporter.ts'],
  },
});
