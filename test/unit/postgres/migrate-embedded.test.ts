// The migrations run from src/postgres/migrations/index.ts, which scripts/embed-migrations.mjs
// generates from the .sql files next to it (the source of truth). This test fails when the two
// differ, so a migration edited or added without regenerating never ships stale.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/postgres/migrations/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIR = join(ROOT, 'src', 'postgres', 'migrations');

function sqlFiles(): { name: string; sql: string }[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({
      name: file.slice(0, -4),
      sql: readFileSync(join(DIR, file), 'utf8').replace(/\r\n?/g, '\n'),
    }));
}

describe('the embedded migrations', () => {
  it('hold every .sql file, in order, verbatim, with its SHA-256', () => {
    const files = sqlFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(
      MIGRATIONS.map(({ version, name, checksum, sql }) => ({ version, name, checksum, sql })),
    ).toEqual(
      files.map(({ name, sql }, index) => ({
        version: index + 1,
        name,
        checksum: createHash('sha256').update(sql).digest('hex'),
        sql,
      })),
    );
  });

  it('are numbered 1, 2, 3, … by their file names', () => {
    for (const [index, migration] of MIGRATIONS.entries()) {
      expect(migration.version).toBe(index + 1);
      expect(migration.name).toMatch(/^\d{4}_[a-z0-9]+(?:_[a-z0-9]+)*$/);
      expect(Number(migration.name.slice(0, 4))).toBe(migration.version);
    }
  });

  it('`node scripts/embed-migrations.mjs --check` (run by `npm run build`) finds the module current', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      join(ROOT, 'scripts', 'embed-migrations.mjs'),
      '--check',
    ]);
    expect({ stdout, stderr }).toEqual({ stdout: '', stderr: '' });
  });

  it('0001 creates the sender tables in no named schema (migrate sets search_path)', () => {
    const sql = MIGRATIONS[0]?.sql ?? '';
    for (const table of ['endpoints', 'events', 'deliveries', 'attempts']) {
      expect(sql).toContain(`CREATE TABLE ${table} (`);
    }
    expect(sql).not.toMatch(/novatrade_webhooks\.|\bpublic\./);
  });
});
