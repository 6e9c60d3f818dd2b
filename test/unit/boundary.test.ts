// The core is runtime-neutral (CONTRIBUTING.md, "Modules"): no node:* imports (also enforced by Biome),
// and no global clock or randomness, which Biome cannot express, so this test reads the sources.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const coreDir = join(root, 'src', 'core');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/**
 * Drops comments and the contents of one-line string literals, so TSDoc examples and error-message
 * hints (which may mention Date.now()) do not count; only code does.
 */
function code(text: string): string {
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  // module specifiers stay (the import check needs them); other string contents are blanked
  return noComments.replace(
    /(?<!\bfrom\s*)(?<!\bimport\s*\(?\s*)('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)/g,
    "''",
  );
}

const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bfrom\s+['"]node:/, 'a node: import'],
  [/\brequire\(/, 'require()'],
  [/\bDate\.now\s*\(/, 'Date.now() (inject a clock)'],
  [/\bnew Date\(\s*\)/, 'new Date() without an argument (inject a clock)'],
  [/\bMath\.random\s*\(/, 'Math.random() (inject a RandomSource)'],
  [/\bperformance\.now\s*\(/, 'performance.now() (inject a clock)'],
  [/\bcrypto\.(getRandomValues|randomUUID|subtle)\b/, 'global crypto (inject it)'],
  [/\bconsole\./, 'console (a library never writes to the console)'],
];

describe('src/core boundary', () => {
  const files = sourceFiles(coreDir);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(
    files.map((f) => [relative(root, f), f]),
  )('%s uses no clock, randomness, I/O or node: module', (_, file) => {
    const text = code(readFileSync(file, 'utf8'));
    const found = FORBIDDEN.filter(([pattern]) => pattern.test(text)).map(([, what]) => what);
    expect(found).toEqual([]);
  });

  it('the checker itself catches a forbidden call', () => {
    const text = code("const t = Date.now(); // comment\nimport x from 'node:fs';");
    expect(FORBIDDEN.filter(([p]) => p.test(text)).length).toBe(2);
    const hint = code("throw new Error('use Math.floor(Date.now() / 1000)'); // Math.random()");
    expect(FORBIDDEN.filter(([p]) => p.test(hint))).toEqual([]);
  });
});
