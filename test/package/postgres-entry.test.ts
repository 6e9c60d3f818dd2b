// The `/postgres` entry as built (npm test builds first): it loads without `pg` or PGlite (the
// caller passes a pool; both are optional peers), and the build ships the migrations as .sql files
// next to the code that embeds them.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');

// Static `import … from "x"`, `export … from "x"`, `import("x")` and `require("x")`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\1/g;

/** Every specifier in `entry` and the chunks it reaches through relative imports. */
function specifiers(entry: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const queue = [resolve(DIST, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = match[2] as string;
      found.push(specifier);
      if (specifier.startsWith('.')) queue.push(join(dirname(file), specifier));
    }
  }
  return found;
}

describe.each(['postgres.js', 'postgres.cjs'])('dist/%s', (entry) => {
  it('imports neither pg nor PGlite, directly or through a chunk', () => {
    const bare = specifiers(entry).filter((s) => !s.startsWith('.'));
    expect(bare.filter((s) => s === 'pg' || s.startsWith('pg/') || s.includes('pglite'))).toEqual(
      [],
    );
  });
});

describe('the /postgres entry', () => {
  it('loads in a Node process where pg and PGlite cannot be resolved (ESM), and from CJS', async () => {
    // Loader hooks (module.register, Node 20.6+) that fail any ESM import of pg or PGlite; the CJS
    // build is loaded too (the static scan above covers its requires).
    const hooks = `export async function resolve(specifier, context, next) {
      if (specifier === 'pg' || specifier.startsWith('@electric-sql/pglite')) {
        throw new Error('blocked: ' + specifier);
      }
      return next(specifier, context);
    }`;
    const script = `
      import { createRequire, register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
      const esm = await import('@novatrade24/webhooks/postgres');
      const cjs = createRequire(import.meta.url)('@novatrade24/webhooks/postgres');
      let blocked = 'not blocked';
      try { await import('pg'); } catch (error) { blocked = error.message; }
      console.log(JSON.stringify([typeof esm.migrate, typeof cjs.migrate, blocked]));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: import.meta.dirname },
    );
    // The hooks work (pg itself is refused), and the entry loads all the same.
    expect(JSON.parse(stdout)).toEqual(['function', 'function', 'blocked: pg']);
  });

  it('from the CJS build, the change feed retries through p-retry (ESM only, loaded by require)', async () => {
    // A PGlite stand-in whose first listen fails: the feed's first reconnect goes through p-retry.
    const script = `
      const { PostgresChangeFeed } = require('@novatrade24/webhooks/postgres');
      let calls = 0;
      const pglite = {
        async listen() {
          calls += 1;
          if (calls === 1) throw new Error('first listen fails');
          return async () => {};
        },
      };
      const feed = new PostgresChangeFeed({ pglite, reconnect: { minDelayMs: 1, maxDelayMs: 2 } });
      const failures = [];
      // The feed's retry timers are unref'd: keep the process up until the watch opens.
      const alive = setTimeout(() => console.log('{"timedOut":true}'), 10_000);
      const noop = () => {};
      feed
        .watch({ due: noop, endpointChanged: noop, resync: noop, failed: (f) => failures.push(f.during) })
        .then(async (watch) => {
          await watch.close();
          clearTimeout(alive);
          console.log(JSON.stringify({ calls, failures }));
        });
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: import.meta.dirname,
    });
    const result = JSON.parse(stdout) as { calls: number; failures: string[] };
    // One failed listen, then the session listens on both channels of the schema.
    expect(result).toEqual({ calls: 3, failures: ['listen'] });
  });

  it('ships every migration as a .sql file in dist/migrations, as in the sources', () => {
    const sources = join(ROOT, 'src', 'postgres', 'migrations');
    const names = readdirSync(sources).filter((name) => name.endsWith('.sql'));
    expect(names.length).toBeGreaterThan(0);
    expect(readdirSync(join(DIST, 'migrations')).sort()).toEqual(names.sort());
    for (const name of names) {
      expect(readFileSync(join(DIST, 'migrations', name), 'utf8')).toBe(
        readFileSync(join(sources, name), 'utf8'),
      );
    }
  });
});
