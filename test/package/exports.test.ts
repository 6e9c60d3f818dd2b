// Runs against the BUILT package (npm test builds first, see the `pretest` script): the ESM and
// CJS builds resolve through the package's own `exports` map (self-reference by name), expose the
// same names, and match the snapshot of the public API, so that any API change shows in review.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ENTRIES = ['@novatrade24/webhooks'] as const;

describe.each(ENTRIES)('%s', (entry) => {
  it('exports the same names from ESM and CJS, matching the API snapshot', async () => {
    const esm = Object.keys(await import(entry))
      .filter((k) => k !== 'default')
      .sort();
    const cjs = Object.keys(require(entry) as object).sort();
    expect(cjs).toEqual(esm);
    expect(esm).toMatchSnapshot();
  });

  it('resolves to the built files, not the sources', () => {
    expect(require.resolve(entry)).toMatch(/[\\/]dist[\\/][^\\/]+\.cjs$/);
  });
});

describe('package.json', () => {
  it('VERSION matches package.json', async () => {
    const { VERSION } = await import('@novatrade24/webhooks');
    const pkg = require('@novatrade24/webhooks/package.json') as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
