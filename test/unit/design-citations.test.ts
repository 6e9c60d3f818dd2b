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

const designText = (): string => readFileSync(join(root, 'docs', 'design.md'), 'utf8');

/**
 * Section numbers of docs/design.md: `## 5. Decisions` gives 5, `### 5.17 Fair …` gives 5.17, and
 * a row of the specification map `| 6.5 | …` gives 6.5.
 */
function sections(): Set<string> {
  const text = designText();
  return new Set(
    [
      ...text.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm),
      ...text.matchAll(/^\| (\d+\.\d+) \|/gm),
    ].map((m) => m[1] as string),
  );
}

/** The labels of §7 (`- **A-8** …`). */
function openPoints(): Set<string> {
  return new Set([...designText().matchAll(/^- \*\*([AN]-\d+)\*\*/gm)].map((m) => m[1] as string));
}

/** `docs/design.md §7, A-8, N-3` and `… §7, A-4 and N-5`: the labels, with the file and line. */
function labelCitations(): { where: string; label: string }[] {
  const found: { where: string; label: string }[] = [];
  for (const path of citingFiles()) {
    const text = readFileSync(path, 'utf8').replace(/\n\s*(?:\/\/|\*|#)?\s*/g, ' ');
    for (const match of text.matchAll(/§7, ((?:[AN]-\d+(?:,? (?:and )?|$))+)/g)) {
      for (const label of (match[1] as string).matchAll(/[AN]-\d+/g)) {
        found.push({ where: relative(root, path), label: label[0] });
      }
    }
  }
  return found;
}

function citingFiles(): string[] {
  return [
    ...['src', 'test', 'docs', 'bench', 'examples']
      .flatMap((dir) => filesUnder(join(root, dir)))
      .filter((path) => /\.(ts|mts|cts|md)$/.test(path)),
    join(root, 'README.md'),
    join(root, 'CONTRIBUTING.md'),
  ];
}

/** `design.md §5.17`, `design.md](design.md) §5.17 and §5.18`, … with the file and line. */
function citations(): { where: string; section: string }[] {
  const found: { where: string; section: string }[] = [];
  for (const path of citingFiles()) {
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

  it('every cited open point of the specification (§7, A-n / N-n) is listed there', () => {
    const known = openPoints();
    expect(known.has('A-1')).toBe(true);
    const cited = labelCitations();
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((c) => !known.has(c.label))).toEqual([]);
  });

  it('no file cites the documents outside the repository', () => {
    const stale = citingFiles()
      .filter((path) => !path.endsWith('design-citations.test.ts'))
      .filter((path) => citesOutside(readFileSync(path, 'utf8')));
    expect(stale.map((path) => relative(root, path))).toEqual([]);
  });

  it('the outside-citation guard sees a citation in any case and across a comment line break', () => {
    for (const text of [
      'see spec digest §1.9',
      'Spec digest §1.14: the vector',
      '(new types are non-breaking, spec\n * digest §1.9)',
      '// per the spec\n// Digest, §2',
      'SPEC   DIGEST',
      'DESIGN.md §5.1',
      'DESIGN\n * §5.1',
      'see style.md',
      'the seeds/ folder',
    ]) {
      expect(citesOutside(text), text).toBe(true);
    }
    for (const text of ['docs/design.md §5.1', 'a digest of the spec', 'specification digest']) {
      expect(citesOutside(text), text).toBe(false);
    }
  });
});

/**
 * True when `text` cites a document outside the repository: a spec digest, the shared DESIGN.md or
 * STYLE.md, the seeds. Case-insensitive (except `DESIGN`, which `docs/design.md` must not match),
 * over the whole file, and tolerant of a line break with its comment marker between two words
 * (`spec\n * digest`).
 */
function citesOutside(text: string): boolean {
  const gap = String.raw`(?:\s|\/\/|\*|#)+`;
  return (
    new RegExp(String.raw`\bspec${gap}digest\b`, 'i').test(text) ||
    new RegExp(String.raw`\bDESIGN(?:\.md)?${gap}§`).test(text) ||
    /\bSTYLE\.md\b/i.test(text) ||
    /\bseeds\//i.test(text)
  );
}
