// `serve`'s database when it cannot be opened: the optional packages missing (a failure, exit
// status 1, naming the `npm install` to run, with nothing left behind: no lock on the data
// directory; the packages are installed in this repository, so the loader is replaced by one
// that fails as Node does), a data directory that is a file, PostgreSQL that refuses; and the
// data directory and its pglite/ created owner-only (0700).
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../../src/cli/internal/cli-error.js';
import { openServeDatabase } from '../../../../src/cli/serve/serve-database.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A loader for which `missing` is not installed (the error Node's import gives). */
function without(missing: string) {
  return async (specifier: string): Promise<unknown> => {
    if (specifier === missing || specifier.startsWith(`${missing}/`)) {
      throw Object.assign(new Error(`Cannot find package '${missing}' imported from /app/cli.js`), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    }
    return import(specifier);
  };
}

async function failure(run: Promise<unknown>): Promise<CliError> {
  const error = await run.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).exitCode).toBe(1);
  return error as CliError;
}

describe('openServeDatabase without the optional packages', () => {
  it('PGlite: names the npm install of pg and the pinned PGlite', async () => {
    for (const missing of ['pg', '@electric-sql/pglite']) {
      const dataDir = mkdtempSync(join(tmpdir(), 'nw-serve-db-'));
      dirs.push(dataDir);
      const error = await failure(
        openServeDatabase(
          { kind: 'pglite', dataDir },
          { logger: silent, importModule: without(missing) },
        ),
      );
      expect(error.code).toBe('missing_dependency');
      expect(error.message).toBe(
        `serve needs the optional package ${missing}, which is not installed.`,
      );
      expect(error.hint).toBe(
        'Install it next to @novatrade24/webhooks: npm install pg @electric-sql/pglite@0.5.17',
      );
      // Checked before the data directory is touched: no lock left behind.
      expect(readdirSync(dataDir)).toEqual([]);
    }
  });

  it('PostgreSQL: names the npm install of pg', async () => {
    const error = await failure(
      openServeDatabase(
        { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', schema: 'x' },
        { logger: silent, importModule: without('pg') },
      ),
    );
    expect(error.code).toBe('missing_dependency');
    expect(error.hint).toBe('Install it next to @novatrade24/webhooks: npm install pg');
  });

  it('passes any other loading error through unchanged', async () => {
    const broken = new SyntaxError('Unexpected token');
    const run = openServeDatabase(
      { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', schema: 'x' },
      { logger: silent, importModule: async () => Promise.reject(broken) },
    );
    await expect(run).rejects.toBe(broken);
  });

  it('a data directory that is a file: data_dir_unusable, with the system code', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'nw-serve-db-'));
    dirs.push(parent);
    const file = join(parent, 'not-a-directory');
    writeFileSync(file, 'x');
    const error = await failure(
      openServeDatabase({ kind: 'pglite', dataDir: file }, { logger: silent }),
    );
    expect(error.code).toBe('data_dir_unusable');
    expect(error.message).toBe(`serve cannot use the data directory ${file} (EEXIST).`);
    expect(error.hint).toContain('--data-dir');
  });

  it('PostgreSQL that does not answer: database_unavailable, with the password masked', async () => {
    const error = await failure(
      openServeDatabase(
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        { kind: 'postgres', url: 'postgres://app:s3cret-password@127.0.0.1:1/test', schema: 'x' },
        { logger: silent },
      ),
    );
    expect(error.code).toBe('database_unavailable');
    expect(error.message).toContain(
      'could not open PostgreSQL at postgres://app:***@127.0.0.1:1/test',
    );
    expect(error.message).toContain('ECONNREFUSED');
    expect(`${error.message}${error.hint}`).not.toContain('s3cret');
  });
});

describe('openServeDatabase on a new data directory', () => {
  it('creates it and its pglite/ with mode 0700 (owner only)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'nw-serve-db-'));
    dirs.push(parent);
    const dataDir = join(parent, 'new', 'data');
    // PGlite itself is replaced by one that fails at once: the directories are made before it
    // runs, and a real first start (initdb) costs seconds.
    const failingPGlite = async (specifier: string): Promise<unknown> =>
      specifier === '@electric-sql/pglite'
        ? {
            PGlite: {
              create: async () => {
                throw new Error('not opened in this test');
              },
            },
          }
        : import(specifier);
    const error = await failure(
      openServeDatabase(
        { kind: 'pglite', dataDir },
        { logger: silent, importModule: failingPGlite },
      ),
    );
    expect(error.code).toBe('database_unavailable');
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'pglite')).mode & 0o777).toBe(0o700);
    // The lock was released on the way out.
    expect(readdirSync(dataDir)).toEqual(['pglite']);
  });

  it('a pglite/ that is a file: data_dir_unusable, the lock released', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nw-serve-db-'));
    dirs.push(dataDir);
    writeFileSync(join(dataDir, 'pglite'), 'x');
    const error = await failure(openServeDatabase({ kind: 'pglite', dataDir }, { logger: silent }));
    expect(error.code).toBe('data_dir_unusable');
    expect(error.message).toBe(`serve cannot use the data directory ${dataDir} (EEXIST).`);
    expect(readdirSync(dataDir)).toEqual(['pglite']);
  });
});
