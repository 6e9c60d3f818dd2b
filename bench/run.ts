// `npm run bench [-- name…]`: runs every bench/*.bench.ts (or those whose name contains one of the
// arguments), prints markdown tables of ratios, and writes bench/results/latest.json.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchSuite, type Comparison, formatComparison } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();

console.log(`# @novatrade24/webhooks benchmarks (node ${process.version}, ${process.arch})\n`);
const all: Comparison[] = [];
for (const file of files) {
  const suite = (await import(pathToFileURL(join(here, file)).href)).default as BenchSuite;
  for (const comparison of await suite()) {
    console.log(`${formatComparison(comparison)}\n`);
    all.push(comparison);
  }
}
await mkdir(join(here, 'results'), { recursive: true });
await writeFile(join(here, 'results', 'latest.json'), `${JSON.stringify(all, null, 2)}\n`);
