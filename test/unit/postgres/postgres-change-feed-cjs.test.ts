// p-retry is ESM only, and the package's CJS build loads it with require(esm) (Node >= 20.19). The
// bundler's interop for a `"type": "module"` package then hands a default import the module
// namespace, not the function: `pRetry(...)` threw "is not a function" on the first watch of the
// CJS build, while the ESM build and every test through vitest worked. So this test bundles the
// feed as tsup bundles the entry (CJS, p-retry external, without the repository's tsup config, so
// dist is untouched) and drives a watch through a reconnect in a plain Node process.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'tsup';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'nwt-feed-cjs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('PostgresChangeFeed in a CJS bundle', () => {
  it('loads p-retry with require() and retries a failed first listen', async () => {
    await build({
      config: false,
      entry: { feed: join(ROOT, 'src/postgres/postgres-change-feed.ts') },
      format: ['cjs'],
      outDir: out,
      platform: 'node',
      target: 'node20',
      dts: false,
      silent: true,
      external: ['p-retry'],
    });
    // A PGlite stand-in whose first listen fails: the watch needs one retry (p-retry) to open.
    const script = `
      const keepAlive = setInterval(() => {}, 1000); // p-retry's backoff timer is unref'd
      const { PostgresChangeFeed } = require(${JSON.stringify(join(out, 'feed.cjs'))});
      let calls = 0;
      const pglite = { listen: async () => { if (calls++ === 0) throw new Error('down'); return async () => {}; } };
      const feed = new PostgresChangeFeed({ pglite, reconnect: { minDelayMs: 1 } });
      const failures = [];
      feed.watch({ due() {}, endpointChanged() {}, resync() {}, failed: (f) => failures.push([f.during, f.attempt]) })
        .then((watch) => watch.close())
        .then(() => console.log(JSON.stringify({ failures, calls })), (error) => console.log(JSON.stringify({ error: String(error) })))
        .finally(() => clearInterval(keepAlive));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    });
    // Attempt 1 fails on the first channel; attempt 2 listens on both.
    expect(JSON.parse(stdout)).toEqual({ failures: [['listen', 1]], calls: 3 });
  }, 30_000);
});
