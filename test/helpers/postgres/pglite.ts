// Embedded PostgreSQL (PGlite) for tests, opened from a prepared data directory instead of by
// initdb: a fresh PGlite runs initdb in WebAssembly (about 3 s on the CI machine), while loading a
// dump of a data directory takes about 0.5 s. The dump is made once per PGlite version (and, for a
// migrated one, per set of migrations and version of migrate.ts) and cached under
// node_modules/.cache (never committed); a second process that finds it only loads it.
//
//   const db = usePGliteTestDatabase({ migrated: true }); // beforeAll / afterAll of this file
//   it('…', async () => { await db().pool.query('SELECT …'); });
//
// PGlite is one session in one process: its pool has a single client, a query waits for the one
// before it, and there is no second connection to hold a lock from. Each instance holds a few
// hundred MB, so a process may have at most MAX_OPEN_PGLITE open at once (vitest runs each test
// file in its own process; open one per file and reset it between cases with resetSchema).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_POSTGRES_SCHEMA, migrate } from '../../../src/postgres/migrate.js';
import { MIGRATIONS } from '../../../src/postgres/migrations/index.js';

/** At most this many PGlite instances open at once in one process (memory on a 2-core CI box). */
export const MAX_OPEN_PGLITE = 2;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'novatrade-webhooks', 'pglite');

const open = new Set<PGlite>();

/** How many PGlite instances opened here are not closed yet. */
export function openPGliteCount(): number {
  return open.size;
}

/** The installed PGlite version (part of the dump's cache key: its minor versions change the format). */
function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = join(dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** What the data directory holds: nothing but initdb's, or the default schema migrated. */
export type PGliteDumpKind = 'empty' | 'migrated';

/**
 * SHA-256 (hex, first 12) of migrate.ts, the runner that made a migrated dump: a change to it (its
 * schema_migrations DDL, how it records versions) makes a new dump, as a changed migration does.
 */
function runnerHash(): string {
  const source = readFileSync(join(ROOT, 'src', 'postgres', 'migrate.ts'), 'utf8');
  return createHash('sha256').update(source.replace(/\r\n?/g, '\n')).digest('hex').slice(0, 12);
}

function dumpPath(kind: PGliteDumpKind): string {
  // A migrated dump is keyed by the migrations it holds and by the runner that applied them, so a
  // new or changed migration, or a changed migrate.ts, makes a new dump.
  const key =
    kind === 'empty'
      ? 'empty'
      : `migrated-${MIGRATIONS.map((m) => `${m.version}.${m.checksum.slice(0, 12)}`).join('-')}-runner.${runnerHash()}`;
  return join(CACHE_DIR, `pglite-${pgliteVersion()}-${key}.tar`);
}

const dumps = new Map<PGliteDumpKind, Promise<Blob>>();

/**
 * The dump of a data directory of `kind`: read from the cache, or made (initdb, and `migrate`
 * for a migrated one) and written there first. Written to a temporary name and renamed, so a
 * process never reads another's half-written file; two processes that both miss make it twice.
 */
export function pgliteDump(kind: PGliteDumpKind): Promise<Blob> {
  let dump = dumps.get(kind);
  if (dump === undefined) {
    dump = loadOrMakeDump(kind);
    dumps.set(kind, dump);
    dump.catch(() => dumps.delete(kind));
  }
  return dump;
}

async function loadOrMakeDump(kind: PGliteDumpKind): Promise<Blob> {
  const path = dumpPath(kind);
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    // not cached yet
  }
  const pglite = new PGlite();
  try {
    await pglite.waitReady;
    if (kind === 'migrated') {
      const pool = new pg.Pool(createPgConfig(pglite));
      try {
        await migrate(pool);
      } finally {
        await pool.end();
      }
    }
    const blob = await pglite.dumpDataDir('none');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    mkdirSync(CACHE_DIR, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
    return new Blob([bytes]);
  } finally {
    await pglite.close();
  }
}

/**
 * Restores the cached dump of `kind` into `dataDir` (missing or empty) and closes the instance
 * before resolving, so a child process (`novatrade-webhooks serve`) opens it as an existing
 * database, skipping initdb, while this process holds no PGlite open.
 */
export async function restorePGliteDataDir(
  dataDir: string,
  kind: PGliteDumpKind = 'migrated',
): Promise<void> {
  const pglite = await PGlite.create({ dataDir, loadDataDir: await pgliteDump(kind) });
  await pglite.close();
}

/** An embedded database for a test file; {@link close} frees it. */
export interface PGliteTestDatabase {
  readonly pglite: PGlite;
  /** A pg Pool over the PGlite instance (one client), as users build it. */
  readonly pool: pg.Pool;
  /** The default schema, `novatrade_webhooks` (migrated with `migrated: true`). */
  readonly schema: string;
  /** `"schema"."name"`, quoted for SQL text. */
  qualified(name: string): string;
  /** Ends the pool and closes PGlite. */
  close(): Promise<void>;
}

/** Options of {@link openPGliteTestDatabase}. */
export interface PGliteTestDatabaseOptions {
  /** Start from a data directory with the default schema migrated. Default: false (empty). */
  readonly migrated?: boolean;
}

/**
 * A PGlite instance restored from the cached dump, and a pg Pool over it.
 *
 * @throws Error when {@link MAX_OPEN_PGLITE} instances are open in this process already.
 */
export async function openPGliteTestDatabase(
  options: PGliteTestDatabaseOptions = {},
): Promise<PGliteTestDatabase> {
  if (open.size >= MAX_OPEN_PGLITE) {
    throw new Error(
      `openPGliteTestDatabase: ${open.size} PGlite instances are open in this process already (at most ${MAX_OPEN_PGLITE}): close one first`,
    );
  }
  const loadDataDir = await pgliteDump(options.migrated === true ? 'migrated' : 'empty');
  const pglite = new PGlite({ loadDataDir });
  open.add(pglite);
  try {
    await pglite.waitReady;
  } catch (error) {
    open.delete(pglite);
    await pglite.close().catch(() => undefined);
    throw error;
  }
  const pool = new pg.Pool(createPgConfig(pglite));
  const schema = DEFAULT_POSTGRES_SCHEMA;
  return {
    pglite,
    pool,
    schema,
    qualified: (name) => `"${schema}"."${name}"`,
    async close() {
      try {
        await pool.end();
      } finally {
        open.delete(pglite);
        await pglite.close();
      }
    },
  };
}

/**
 * {@link openPGliteTestDatabase} in the file's `beforeAll`, closed in its `afterAll`. Returns a
 * getter: call it inside tests and hooks.
 */
export function usePGliteTestDatabase(
  options: PGliteTestDatabaseOptions = {},
): () => PGliteTestDatabase {
  let database: PGliteTestDatabase | undefined;
  beforeAll(async () => {
    database = await openPGliteTestDatabase(options);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    database = undefined;
  });
  return () => {
    if (database === undefined) throw new Error('usePGliteTestDatabase: used outside a test');
    return database;
  };
}
