import { cpSync, readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One build for every entry point: ESM + CJS, with .d.ts / .d.cts next to each (CONTRIBUTING.md, packaging).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    receiver: 'src/receiver/index.ts',
    web: 'src/web/index.ts',
    testing: 'src/testing/index.ts',
    sender: 'src/sender/index.ts',
    postgres: 'src/postgres/index.ts',
    server: 'src/server/index.ts',
    client: 'src/client/index.ts',
    otel: 'src/otel/index.ts',
    // The `novatrade-webhooks` bin (package.json `bin`): run as ESM; its CJS twin is unused.
    cli: 'src/cli/bin.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
  // `pg` and PGlite are optional peers the entry never imports (the caller passes a pool); keep
  // them out of the bundle should a type-only import ever turn into a value import.
  external: ['pg', /^@electric-sql\/pglite/, '@opentelemetry/api'],
  // The migrations run from the module scripts/embed-migrations.mjs generates; the .sql files
  // themselves ship too, for whoever reviews or applies them by hand (docs/postgres.md).
  async onSuccess() {
    const from = 'src/postgres/migrations';
    for (const file of readdirSync(from).filter((name) => name.endsWith('.sql'))) {
      cpSync(`${from}/${file}`, `dist/migrations/${file}`);
    }
  },
});
