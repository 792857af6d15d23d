import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{twins,workflows,simulator,infra,web,bench}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web/.next/**'],
    // Integration tests share the real servers started for the run; one file at a time keeps
    // them from resetting each other's streams.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 180_000,
    globalSetup: ['./infra/testing/global-setup.ts'],
    reporters: ['default', './infra/testing/summary-reporter.ts'],
  },
});
