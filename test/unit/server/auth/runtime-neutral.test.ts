// The authentication modules run on every runtime the management API targets (Node, Workers, Deno,
// Bun): WebCrypto and the Fetch API only, no node:* module, no Buffer or process. The repository's
// boundary test covers src/core; this one covers src/server/internal/auth.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const authDir = fileURLToPath(new URL('../../../../src/server/internal/auth', import.meta.url));

const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bfrom\s+['"]node:/, 'a node: import'],
  [/\bimport\s*\(\s*['"]node:/, 'a dynamic node: import'],
  [/\brequire\s*\(/, 'require()'],
  [/\bBuffer\b/, 'Buffer'],
  [/\bprocess\./, 'process'],
];

/** The source without comments, so a TSDoc example may mention anything. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('src/server/internal/auth is runtime-neutral', () => {
  const files = readdirSync(authDir).filter((name) => name.endsWith('.ts'));

  it('has the authentication modules', () => {
    expect(files).toEqual(
      expect.arrayContaining(['authenticator.ts', 'api-key-authenticator.ts', 'bearer-token.ts']),
    );
  });

  it.each(files)('%s imports no node: module and uses no Buffer or process', (name) => {
    const text = code(readFileSync(join(authDir, name), 'utf8'));
    expect(FORBIDDEN.filter(([pattern]) => pattern.test(text)).map(([, what]) => what)).toEqual([]);
  });

  it('the checker itself catches a node: import', () => {
    const text = code("import { createHash } from 'node:crypto';\nconst b = Buffer.from('');");
    expect(FORBIDDEN.filter(([pattern]) => pattern.test(text)).length).toBe(2);
  });
});
