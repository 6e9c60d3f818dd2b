import { defineConfig } from 'tsup';

// One build for every entry point: ESM + CJS, with .d.ts / .d.cts next to each (CONTRIBUTING.md, packaging).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    receiver: 'src/receiver/index.ts',
    web: 'src/web/index.ts',
    testing: 'src/testing/index.ts',
    sender: 'src/sender/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
});
