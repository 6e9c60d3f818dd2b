import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Examples import the package by name, as users do; in tests that name means the sources, so a
    // stale dist/ can never hide a change. The built package is tested through Node's own
    // resolution (require and a child process), which this alias does not touch:
    // test/package/exports.test.ts.
    alias: [
      {
        find: /^@novatrade24\/webhooks$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
      {
        find: /^@novatrade24\/webhooks\/(receiver|web|testing|sender|postgres|server|client|otel)$/,
        replacement: fileURLToPath(new URL('./src/$1/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: false },
    // Two cores on CI: keep the worker pool small so property tests do not starve each other.
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 }, forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 20_000,
  },
});
