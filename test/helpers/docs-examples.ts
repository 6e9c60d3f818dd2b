// Guides whose code blocks are run by tests: a test file marks the code a guide shows with
// `// #region docs:<name>` … `// #endregion`, and these helpers check the guide holds that code
// verbatim and imports only names that exist, so a guide cannot drift from code that runs.
import { expect } from 'vitest';

/** The region's lines in `source`, without the indentation of its `#region` line. */
export function sourceRegion(source: string, name: string): string {
  const match = source.match(
    new RegExp(`\\n( *)// #region docs:${name}\\n([\\s\\S]*?)\\n *// #endregion`),
  );
  if (match === null) throw new Error(`no region ${name}`);
  const indent = (match[1] as string).length;
  return (match[2] as string)
    .split('\n')
    .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
    .join('\n');
}

/** The guide's ```ts block that contains `code`, or undefined. */
export function guideBlockWith(guide: string, code: string): string | undefined {
  return [...guide.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((match) => match[1] as string)
    .find((block) => block.includes(code));
}

/**
 * Expects `block` to import something, and every name it imports (named or default; `import type`
 * clauses and `type` names are erased and skipped) to exist on the module `entries[from]`.
 */
export function expectImportsResolve(
  block: string,
  entries: Readonly<Record<string, object>>,
): void {
  const imports = [...block.matchAll(/^import (.+?) from '([^']+)';$/gms)];
  expect(imports.length).toBeGreaterThan(0);
  for (const [, clause, from] of imports) {
    if (clause?.startsWith('type ') === true) continue; // erased: nothing to resolve
    const entry = entries[from as string];
    expect(entry, from).toBeDefined();
    const names =
      clause?.startsWith('{') === true
        ? clause
            .replace(/[{}\s]/g, ' ')
            .split(',')
            .map((name) => name.trim())
            .filter((name) => name !== '' && !name.startsWith('type '))
        : ['default'];
    for (const name of names) {
      expect(entry?.[name as keyof typeof entry], `${name} from ${from}`).toBeDefined();
    }
  }
}
