// The BUILT `/client` entry (npm test builds first): no Node built-in in it or its chunks (it runs
// on edge runtimes; test/edge runs it there), and its ESM-only dependency p-retry loads from the
// CJS build through Node's require(esm) (Node >= 20.19) and really retries. The `/testing` entry's
// optional peers load from both of its builds, in a plain Node process (vitest's runner lends
// modules a `require` of its own, which would hide a build that has none).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\1/g;

/** Every specifier of `entry` and of the chunks it reaches through relative imports. */
function specifiers(entry: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const queue = [resolve(DIST, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, , s] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      found.push(s as string);
      if ((s as string).startsWith('.')) queue.push(join(dirname(file), s as string));
    }
  }
  return found;
}

describe.each(['client.js', 'client.cjs'])('dist/%s', (entry) => {
  it('imports no Node built-in; its bare imports are zod and p-retry only', () => {
    const all = specifiers(entry);
    expect(all.filter((s) => BUILTINS.has(s))).toEqual([]);
    const bare = new Set(all.filter((s) => !s.startsWith('.')));
    expect([...bare].sort()).toEqual(expect.arrayContaining(['p-retry']));
    expect([...bare].every((s) => s === 'p-retry' || s === 'zod' || s.startsWith('zod/'))).toBe(
      true,
    );
  });
});

interface ClientEntry {
  createWebhooksClient(options: Record<string, unknown>): {
    endpoints: { list(): Promise<{ status: number; attempts: number; data: unknown }> };
  };
}

describe('the CJS build of /client', () => {
  it('requires p-retry (ESM only) and retries a 503 with it', async () => {
    const { createWebhooksClient } = require('@novatrade24/webhooks/client') as ClientEntry;
    expect(require.resolve('@novatrade24/webhooks/client')).toMatch(/client\.cjs$/);
    let calls = 0;
    const waits: number[] = [];
    const client = createWebhooksClient({
      baseUrl: 'https://api.novatrade24.test',
      auth: 'tok_static',
      fetch: async () => {
        calls += 1;
        return calls === 1
          ? new Response(null, { status: 503, headers: { 'retry-after': '1' } })
          : Response.json([]);
      },
      random: () => 0,
      sleep: async (ms: number) => {
        waits.push(ms);
      },
    });
    const answer = await client.endpoints.list();
    expect(answer).toMatchObject({ status: 200, attempts: 2, data: [] });
    expect(waits).toEqual([1000]);
  });
});

describe('the CJS build of /testing', () => {
  it('loads its optional peers (msw, fast-check) on first use', () => {
    const testing = require('@novatrade24/webhooks/testing') as {
      createManagementApiHandlers(): { handlers: readonly unknown[]; close(): Promise<void> };
      eventArbitrary(): { generate: unknown };
    };
    const mock = testing.createManagementApiHandlers();
    expect(mock.handlers.length).toBeGreaterThan(1);
    expect(typeof testing.eventArbitrary().generate).toBe('function');
    return mock.close();
  });
});

describe('the ESM build of /testing, in a plain Node process', () => {
  it('loads msw and fast-check on first use: the mock answers, an arbitrary generates', async () => {
    const script = `
      const testing = await import('@novatrade24/webhooks/testing');
      const fc = (await import('fast-check')).default;
      const { setupServer } = await import('msw/node');
      const mock = testing.createManagementApiHandlers();
      const server = setupServer(...mock.handlers);
      server.listen({ onUnhandledRequest: 'error' });
      const response = await fetch(mock.baseUrl + '/v1/webhooks', {
        headers: { authorization: 'Bearer ' + testing.TEST_API_KEY },
      });
      server.close();
      await mock.close();
      const [event] = fc.sample(testing.eventArbitrary(), { numRuns: 1, seed: 1 });
      console.log(JSON.stringify({ status: response.status, type: typeof event.type }));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: import.meta.dirname },
    );
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({
      status: 200,
      type: 'string',
    });
  });
});
