// The `/web` entry runs on Workers, Deno, Bun and edge runtimes, which have no `node:` modules.
// This test reads the BUILT files (npm test builds first) and every chunk they import, for ESM
// and CJS, and proves that none of them imports a Node built-in (issue: "a test reads dist/ and
// proves it"). It then loads the ESM build with Node's built-in modules made unresolvable, to catch
// an import this scan could miss.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

// Static `import … from "x"`, `export … from "x"`, `import("x")` and `require("x")`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\1/g;

/** Every file reachable from `entry` through relative imports, with each file's specifiers. */
function graph(entry: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  const queue = [resolve(DIST, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map(
      (m) => m[2] as string,
    );
    files.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) queue.push(join(dirname(file), s));
  }
  return files;
}

describe.each(['web.js', 'web.cjs'])('dist/%s', (entry) => {
  it('imports no Node built-in, directly or through a chunk', () => {
    const files = graph(entry);
    expect(files.size).toBeGreaterThan(0);
    const offending = [...files].flatMap(([file, specifiers]) =>
      specifiers.filter((s) => BUILTINS.has(s)).map((s) => `${file}: ${s}`),
    );
    expect(offending).toEqual([]);
    // Bare specifiers that remain are runtime dependencies (zod), never Node built-ins.
    const bare = new Set([...files.values()].flat().filter((s) => !s.startsWith('.')));
    expect([...bare].every((s) => s === 'zod' || s.startsWith('zod/'))).toBe(true);
  });
});

describe('the receiver entry, for contrast', () => {
  it('does import node:crypto (the scan can see Node imports when they are there)', () => {
    const files = graph('receiver.js');
    expect([...files.values()].flat().some((s) => BUILTINS.has(s))).toBe(true);
  });
});

describe('dist/web.js loaded with every Node built-in blocked', () => {
  it('verifies a signed event end to end through fetchHandler', async () => {
    // A loader hook that fails any node: / built-in import, then a small round trip.
    const hook = `
      import { builtinModules } from 'node:module';
      const blocked = new Set(builtinModules.flatMap((n) => [n, 'node:' + n]));
      export async function resolve(specifier, context, next) {
        if (blocked.has(specifier) && context.parentURL && !context.parentURL.startsWith('data:')) {
          throw new Error('blocked Node built-in: ' + specifier + ' from ' + context.parentURL);
        }
        return next(specifier, context);
      }`;
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
      const web = await import(${JSON.stringify(`${DIST}web.js`)});
      const secret = 'whsec_web_entry';
      const body = JSON.stringify({ id: 'evt_web', type: 'prospect.submitted', schemaVersion: 1,
        source: 'SYSTEM', createdAt: '2026-04-22T10:30:00Z',
        organizationUuid: '00000000-0000-0000-0000-000000000000',
        partnerUuid: '00000000-0000-0000-0000-000000000000',
        data: { type: 'COMPANY', prospectUuid: '00000000-0000-0000-0000-000000000000',
          invitationUuid: '00000000-0000-0000-0000-000000000000' } });
      const t = Math.floor(Date.now() / 1000);
      const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret),
        { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(t + '.' + body)));
      const hex = [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
      let seen = null;
      const receiver = new web.WebhookReceiver({ secret }).on('prospect.submitted', (e) => { seen = e.id; });
      const handler = web.fetchHandler(receiver);
      const response = await handler(new Request('http://127.0.0.1/webhooks', { method: 'POST', body,
        headers: { 'content-type': 'application/json', 'x-novatrade-signature': 't=' + t + ',v1=' + hex } }));
      console.log(JSON.stringify({ status: response.status, seen }));`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({
      status: 200,
      seen: 'evt_web',
    });
  });
});
