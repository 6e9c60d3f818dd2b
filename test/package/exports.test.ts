// Runs against the BUILT package (npm test builds first, see the `pretest` script), resolved the
// way Node resolves it for a user — `require()` and a child `node` process importing the package
// by name through its own `exports` map (self-reference) — not through vitest's resolver. The ESM
// and CJS builds must expose the same names, matching the snapshot of the public API, so that any
// API change shows in review.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ENTRIES = [
  '@novatrade24/webhooks',
  '@novatrade24/webhooks/receiver',
  '@novatrade24/webhooks/web',
  '@novatrade24/webhooks/testing',
  '@novatrade24/webhooks/sender',
  '@novatrade24/webhooks/postgres',
  '@novatrade24/webhooks/server',
  '@novatrade24/webhooks/client',
  '@novatrade24/webhooks/otel',
] as const;

/** The runtime export names of `entry` as a Node ESM consumer sees them. */
async function esmExports(entry: string): Promise<string[]> {
  const script = `import(${JSON.stringify(entry)}).then((m) => console.log(JSON.stringify(Object.keys(m))))`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    {
      cwd: import.meta.dirname,
    },
  );
  return (JSON.parse(stdout) as string[]).filter((k) => k !== 'default').sort();
}

describe.each(ENTRIES)('%s', (entry) => {
  it('exports the same names from ESM and CJS, matching the API snapshot', async () => {
    const esm = await esmExports(entry);
    const cjs = Object.keys(require(entry) as object).sort();
    expect(cjs).toEqual(esm);
    expect(esm).toMatchSnapshot();
  });

  it('resolves to the built files, not the sources', () => {
    expect(require.resolve(entry)).toMatch(/[\\/]dist[\\/][^\\/]+\.cjs$/);
  });
});

describe('package.json', () => {
  it('VERSION matches package.json', () => {
    const { VERSION } = require('@novatrade24/webhooks') as { VERSION: string };
    const pkg = require('@novatrade24/webhooks/package.json') as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
