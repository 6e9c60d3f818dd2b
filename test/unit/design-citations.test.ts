// Every `docs/design.md §n` cited in the sources, tests and guides names a section that exists, so
// a reader can always follow a citation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Section numbers of docs/design.md: `## 5. Decisions` gives 5, `### 5.17 Fair …` gives 5.17. */
function sections(): Set<string> {
  const text = readFileSync(join(root, 'docs', 'design.md'), 'utf8');
  return new Set([...text.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1] as string));
}

/** `design.md §5.17`, `design.md](design.md) §5.17 and §5.18`, … with the file and line. */
function citations(): { where: string; section: string }[] {
  const found: { where: string; section: string }[] = [];
  const files = ['src', 'test', 'docs', 'bench', 'examples']
    .flatMap((dir) => filesUnder(join(root, dir)))
    .filter((path) => /\.(ts|mts|cts|md)$/.test(path));
  for (const path of [...files, join(root, 'README.md')]) {
    const lines = readFileSync(path, 'utf8').split('\n');
    for (const [index, line] of lines.entries()) {
      const cited = /design\.md(?:\]\([^)]*\))?,? ((?:§\d+(?:\.\d+)?(?:,? (?:and |or )?)?)+)/g;
      for (const match of line.matchAll(cited)) {
        for (const section of (match[1] as string).matchAll(/§(\d+(?:\.\d+)?)/g)) {
          found.push({
            where: `${relative(root, path)}:${index + 1}`,
            section: section[1] as string,
          });
        }
      }
    }
  }
  return found;
}

describe('docs/design.md citations', () => {
  it('every cited section exists', () => {
    const known = sections();
    expect(known.has('5.17')).toBe(true);
    const cited = citations();
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((c) => !known.has(c.section))).toEqual([]);
  });
});
