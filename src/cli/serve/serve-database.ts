// Where `serve` keeps its state: PGlite in a data directory (the default; one process, under the
// directory's lock) or PostgreSQL (`--database-url`; several `serve` processes may share it).
// `pg` and `@electric-sql/pglite` are optional peer dependencies of the package, so they are
// loaded here, on first use, and a missing one is a failure that names the `npm install` to run.
// Either way the schema is migrated at start (`migrate()` is all or nothing, and safe to run from
// several processes at once) and the sender gets `PostgresStorage` and `PostgresIdempotencyStore`
// on one pool (docs/postgres.md).
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { Logger } from '../../logging/logger.js';
import { migrate } from '../../postgres/migrate.js';
import { PostgresIdempotencyStore } from '../../postgres/postgres-idempotency-store.js';
import { PostgresStorage } from '../../postgres/postgres-storage.js';
import type { IdempotencyStore } from '../../sender/ports/idempotency-store.js';
import type { SenderStorage } from '../../sender/ports/sender-storage.js';
import { CliError } from '../internal/cli-error.js';
import {
  type AcquireDataDirLockOptions,
  acquireDataDirLock,
  type DataDirLock,
} from './data-dir-lock.js';
import { maskDatabaseUrl, type ServeDatabaseConfig } from './serve-options.js';

/** The PGlite version the package pins (its data directory format changes between versions). */
export const PGLITE_VERSION = '0.5.17';

/** The directory inside the data directory that PGlite owns. */
export const PGLITE_DIR_NAME = 'pglite';

/** The mode of the data directory and its `pglite/` when serve creates them: the owner's only. */
export const PRIVATE_DIR_MODE = 0o700;

/** A pool of PostgreSQL: one client for the change feed, the rest for the storage's statements. */
export const POSTGRES_POOL_SIZE = 11;

/** An open database, migrated, with the sender's stores on it. */
export interface ServeDatabase {
  readonly kind: 'pglite' | 'postgres';
  /** How the start line names it: a text, and the fields of the json line's `database`. */
  readonly description: {
    readonly text: string;
    readonly fields: Readonly<Record<string, string>>;
  };
  /** `PostgresStorage` on the database. */
  readonly storage: SenderStorage;
  /** `PostgresIdempotencyStore` on the database. */
  readonly idempotencyStore: IdempotencyStore;
  /** `SELECT 1` answered within `timeoutMs`. Never rejects. */
  ping(timeoutMs: number): Promise<boolean>;
  /** Ends the pool, closes PGlite and releases the data directory's lock. Stop the sender first. */
  close(): Promise<void>;
}

/** Options of {@link openServeDatabase}. */
export interface OpenServeDatabaseOptions {
  /** Where an idle connection's failure is reported. */
  readonly logger: Logger;
  /**
   * Told before a step that takes a while (a new PGlite database runs initdb): a sentence, and
   * its fields for a json line.
   */
  readonly progress?:
    | ((text: string, fields: Readonly<Record<string, string>>) => void)
    | undefined;
  /** Loads a module by name. Tests pass one that fails. @default `import(specifier)` */
  readonly importModule?: ((specifier: string) => Promise<unknown>) | undefined;
  /** The lock's process identity and waits (tests). */
  readonly lock?: AcquireDataDirLockOptions | undefined;
}

/**
 * Opens `config`'s database: takes the data directory's lock and opens PGlite in it (creating the
 * directory when missing), or connects to PostgreSQL; then migrates.
 *
 * @throws CliError `missing_dependency` when `pg` or `@electric-sql/pglite` is not installed,
 *   `data_dir_locked` when another `serve` holds the data directory, `data_dir_unusable` when it
 *   cannot be created or written, `database_unavailable` when the database cannot be opened or
 *   migrated.
 */
export async function openServeDatabase(
  config: ServeDatabaseConfig,
  options: OpenServeDatabaseOptions,
): Promise<ServeDatabase> {
  const load = options.importModule ?? ((specifier: string) => import(specifier));
  return config.kind === 'pglite'
    ? openPGlite(config.dataDir, options, load)
    : openPostgres(config.url, config.schema, options, load);
}

type Load = (specifier: string) => Promise<unknown>;

async function loadOptional<T>(load: Load, specifier: string, install: string): Promise<T> {
  try {
    return (await load(specifier)) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new CliError(
        'missing_dependency',
        `serve needs the optional package ${specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/')}, which is not installed.`,
        { hint: `Install it next to @novatrade24/webhooks: ${install}`, cause: error },
      );
    }
    throw error;
  }
}

/** `pg`'s default export (the module namespace's `default`, or the CommonJS module itself). */
function pgOf(module: unknown): typeof pg {
  const namespace = module as { default?: typeof pg } & typeof pg;
  return namespace.default ?? namespace;
}

async function openPGlite(
  dataDir: string,
  options: OpenServeDatabaseOptions,
  load: Load,
): Promise<ServeDatabase> {
  const install = `npm install pg @electric-sql/pglite@${PGLITE_VERSION}`;
  const pgModule = pgOf(await loadOptional(load, 'pg', install));
  const { PGlite: PGliteClass } = await loadOptional<{ PGlite: typeof PGlite }>(
    load,
    '@electric-sql/pglite',
    install,
  );
  const { createPgConfig } = await loadOptional<{
    createPgConfig: (pglite: PGlite) => pg.PoolConfig;
  }>(load, '@electric-sql/pglite/node-postgres', install);

  let lock: DataDirLock;
  try {
    // Owner only (0700), as PostgreSQL keeps its own data directory: the database holds the
    // endpoints' signing secrets. The mode applies to the directories created here; an existing
    // directory keeps its own.
    await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    lock = await acquireDataDirLock(dataDir, options.lock);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw unusableDataDir(dataDir, error);
  }
  const path = join(dataDir, PGLITE_DIR_NAME);
  let pglite: PGlite | undefined;
  let pool: pg.Pool | undefined;
  try {
    if (await isEmptyDirectory(path)) {
      // Created here rather than by PGlite, which would use the default mode.
      await mkdir(path, { recursive: true, mode: PRIVATE_DIR_MODE }).catch((error: unknown) => {
        throw unusableDataDir(dataDir, error);
      });
      options.progress?.(
        `creating a new PGlite database in ${path} (the first start takes a few seconds)`,
        { kind: 'pglite', path },
      );
    }
    try {
      pglite = await PGliteClass.create({ dataDir: path });
    } catch (error) {
      throw new CliError(
        'database_unavailable',
        `could not open the PGlite database in ${path}: ${messageOf(error)}`,
        {
          hint: `A data directory written by another PGlite version may not open with ${PGLITE_VERSION}; move ${path} aside to start afresh.`,
          cause: error,
        },
      );
    }
    pool = new pgModule.Pool(createPgConfig(pglite));
    watchPool(pool, options.logger);
    await migrateOrFail(pool, undefined, `the PGlite database in ${path}`);
    return opened({
      kind: 'pglite',
      description: { text: `PGlite in ${path}`, fields: { kind: 'pglite', path } },
      pool,
      schema: undefined,
      close: async () => {
        await pglite?.close();
        await lock.release();
      },
    });
  } catch (error) {
    await closeQuietly(pool, pglite, lock);
    throw error;
  }
}

/** A data directory serve cannot create or write: named by the system's code (ENOTDIR, EACCES…). */
function unusableDataDir(dataDir: string, error: unknown): CliError {
  const code = (error as { code?: unknown } | null)?.code;
  return new CliError(
    'data_dir_unusable',
    `serve cannot use the data directory ${dataDir}${typeof code === 'string' ? ` (${code})` : ''}.`,
    { hint: 'Pass a directory this user may create and write (--data-dir).', cause: error },
  );
}

async function openPostgres(
  url: string,
  schema: string,
  options: OpenServeDatabaseOptions,
  load: Load,
): Promise<ServeDatabase> {
  const pgModule = pgOf(await loadOptional(load, 'pg', 'npm install pg'));
  const masked = maskDatabaseUrl(url);
  const pool = new pgModule.Pool({ connectionString: url, max: POSTGRES_POOL_SIZE });
  watchPool(pool, options.logger);
  try {
    await migrateOrFail(pool, schema, `PostgreSQL at ${masked}`);
  } catch (error) {
    await closeQuietly(pool, undefined, undefined);
    throw error;
  }
  return opened({
    kind: 'postgres',
    description: {
      text: `PostgreSQL at ${masked}, schema ${schema}`,
      fields: { kind: 'postgres', url: masked, schema },
    },
    pool,
    schema,
    close: async () => undefined,
  });
}

function opened(parts: {
  readonly kind: 'pglite' | 'postgres';
  readonly description: ServeDatabase['description'];
  readonly pool: pg.Pool;
  readonly schema: string | undefined;
  readonly close: () => Promise<void>;
}): ServeDatabase {
  const { pool, schema } = parts;
  const scoped = schema === undefined ? {} : { schema };
  let closed = false;
  return {
    kind: parts.kind,
    description: parts.description,
    storage: new PostgresStorage({ pool, ...scoped }),
    idempotencyStore: new PostgresIdempotencyStore({ pool, ...scoped }),
    async ping(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          pool.query('SELECT 1').then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), timeoutMs);
          }),
        ]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pool.end();
      } finally {
        await parts.close();
      }
    },
  };
}

async function migrateOrFail(
  pool: pg.Pool,
  schema: string | undefined,
  what: string,
): Promise<void> {
  try {
    await migrate(pool, schema === undefined ? {} : { schema });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // A schema too new or built from other SQL: the library's message says what to do.
    if (code === 'schema_too_new' || code === 'schema_mismatch') throw error;
    throw new CliError('database_unavailable', `could not open ${what}: ${messageOf(error)}`, {
      hint: 'Check that the database runs and accepts this connection (--database-url).',
      cause: error,
    });
  }
}

// An idle pooled connection that dies emits `error` on the pool; unheard, it ends the process.
function watchPool(pool: pg.Pool, logger: Logger): void {
  pool.on('error', (error) => {
    logger.warn({ error: summarize(error) }, 'an idle database connection failed');
  });
}

async function isEmptyDirectory(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0;
  } catch {
    return true;
  }
}

async function closeQuietly(
  pool: pg.Pool | undefined,
  pglite: PGlite | undefined,
  lock: DataDirLock | undefined,
): Promise<void> {
  await pool?.end().catch(() => undefined);
  await pglite?.close().catch(() => undefined);
  await lock?.release();
}

/**
 * An error's message for a line: the library's own, plus the code of what caused it (a driver's
 * `ECONNREFUSED`), never the driver's message (it may quote a value).
 */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return 'an unknown error';
  const cause = (error as { cause?: unknown }).cause;
  const causeCode = (cause as { code?: unknown } | null | undefined)?.code;
  const ownCode = (error as { code?: unknown }).code;
  const detail =
    typeof causeCode === 'string'
      ? ` (${causeCode})`
      : typeof ownCode === 'string' && error.name !== 'WebhookStorageError'
        ? ` (${ownCode})`
        : '';
  return `${error.message}${detail}`;
}

function summarize(error: unknown): { readonly name: string; readonly code?: string } {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, ...(typeof code === 'string' ? { code } : {}) };
}
