import { isWebhooksError, WebhookStorageError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { integerOptionOr } from '../core/internal/integer-option.js';
import { TIMER_OPTION_RANGE } from '../core/internal/timer-delay.js';
import {
  assertSchemaName,
  DEFAULT_POSTGRES_SCHEMA,
  quoteIdentifier,
} from './internal/assert-schema-name.js';
import type { Migration } from './internal/migration.js';
import { assertConnection, withSession } from './internal/with-session.js';
import { MIGRATIONS } from './migrations/index.js';
import type { PostgresClient, PostgresConnection } from './postgres-connection.js';

/** The schema the PostgreSQL adapters use unless told otherwise. */
export { DEFAULT_POSTGRES_SCHEMA };

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /**
   * The schema that holds every table (created when missing): lowercase letters, digits and
   * underscores, at most 63 characters, not `pg_…`. Give the same value to the storage.
   * @default 'novatrade_webhooks'
   */
  readonly schema?: string | undefined;
  /**
   * How long any one lock may be waited for, ms: the migration lock (held by another process
   * migrating the same schema) and, inside a migration, the lock on a table in use. Past it,
   * `migrate` gives up with `storage_unavailable` and changes nothing, rather than queue every
   * query on that table behind it. An integer from 1 to 2^31 - 1.
   * @default 30000
   */
  readonly lockTimeoutMs?: number | undefined;
}

/** Every option of {@link MigrateOptions}. */
export const MIGRATE_OPTION_NAMES = [
  'schema',
  'lockTimeoutMs',
] as const satisfies readonly (keyof MigrateOptions)[];

/** What {@link migrate} did. */
export interface MigrateResult {
  /** The schema migrated. */
  readonly schema: string;
  /** The schema's version now: the highest version applied. */
  readonly version: number;
  /** The migrations this call applied, in order; empty when the schema was up to date. */
  readonly applied: readonly { readonly version: number; readonly name: string }[];
}

const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

/**
 * Brings the schema of the PostgreSQL adapters up to this package's version: creates the schema
 * when missing, then applies, in order, each migration the schema's `schema_migrations` table
 * does not list, and lists it there. Everything happens in one transaction under a transaction-level
 * advisory lock derived from the schema name, so it is all or nothing, and any number of processes
 * may call it at once (at start-up, say): one applies what is missing, the others wait for it, then
 * find nothing to do. A schema already up to date is only read (no DDL runs, so a role without
 * the right to create tables can call it to check). Call it before using the storage; docs:
 * docs/postgres.md.
 *
 * @param connection - a `pg.Pool` (one client is checked out for the transaction), or a connected
 *   `pg.Client` not inside a transaction; over PostgreSQL or PGlite. Not ended by `migrate`.
 * @param options - {@link MigrateOptions}.
 * @returns the schema, its version, and the migrations this call applied.
 * @throws WebhookValidationError `invalid_option` for a `connection` without a `query` method,
 *   options that are not an object, an unknown option, a `schema` that is not a plain lowercase
 *   name, or a `lockTimeoutMs` out of range.
 * @throws WebhookStorageError `schema_too_new` when the schema was migrated by a newer version of
 *   this package (its version is above this package's last migration): nothing is changed;
 *   upgrade the package. `schema_mismatch` when `schema_migrations` does not list exactly the
 *   versions 1 to n, or records a checksum other than this package's for one of them (the schema
 *   was built from other SQL): nothing is changed. `storage_unavailable` when a lock was not granted within
 *   `lockTimeoutMs`, the database refused a statement (the message names the step and
 *   the SQLSTATE, never the driver's text), or the connection failed (the driver's error is the
 *   `cause`): nothing is changed.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate } from '@novatrade24/webhooks/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const { version, applied } = await migrate(pool); // schema novatrade_webhooks
 * ```
 */
export async function migrate(
  connection: PostgresConnection,
  options?: MigrateOptions,
): Promise<MigrateResult> {
  assertConnection('migrate', connection);
  if (options !== undefined) {
    assertOptionsObject(options);
    assertKnownOptions(options, MIGRATE_OPTION_NAMES, 'migrate');
  }
  const schema = assertSchemaName('migrate', options?.schema ?? DEFAULT_POSTGRES_SCHEMA);
  const lockTimeoutMs = integerOptionOr(
    'migrate',
    'lockTimeoutMs',
    options?.lockTimeoutMs,
    DEFAULT_LOCK_TIMEOUT_MS,
    TIMER_OPTION_RANGE,
  );
  return applyMigrations(connection, { schema, lockTimeoutMs, migrations: MIGRATIONS });
}

/**
 * The text whose `hashtextextended` is the migration lock's key for `schema`: one lock per
 * schema, so two schemas of one database migrate side by side.
 */
export function migrationLockKey(schema: string): string {
  return `@novatrade24/webhooks migrate ${schema}`;
}

/** Input of {@link applyMigrations}, checked. */
export interface ApplyMigrationsInput {
  readonly schema: string;
  readonly lockTimeoutMs: number;
  /** In version order, versions 1, 2, 3, … */
  readonly migrations: readonly Migration[];
}

/**
 * {@link migrate} after its checks, with the list of migrations as an argument (tests pass their
 * own). Not exported from the entry point.
 */
export async function applyMigrations(
  connection: PostgresConnection,
  input: ApplyMigrationsInput,
): Promise<MigrateResult> {
  const { schema, lockTimeoutMs, migrations } = input;
  const latest = migrations.at(-1)?.version ?? 0;
  let phase = 'could not connect';
  try {
    return await withSession(connection, async (session) => {
      phase = 'could not start the transaction';
      // READ COMMITTED whatever the session's default_transaction_isolation: each statement then
      // reads what was committed before it ran, so the reads after the lock is granted see what
      // the lock's previous holder committed. Under REPEATABLE READ or SERIALIZABLE the snapshot
      // would date from before the wait, and a waiter would create what already exists.
      await session.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      try {
        phase = 'could not take the migration lock';
        await session.query("SELECT set_config('lock_timeout', $1, true)", [`${lockTimeoutMs}ms`]);
        await session.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          migrationLockKey(schema),
        ]);
        phase = 'could not read the schema version';
        const applied = await appliedVersions(session, schema);
        const current = Math.max(0, ...applied.keys());
        if (current > latest) {
          throw new WebhookStorageError(
            'schema_too_new',
            `migrate: schema "${schema}" is at version ${current}, newer than this package's migrations (up to ${latest}): it was migrated by a newer @novatrade24/webhooks. Upgrade the package; an older one does not write to tables it does not know.`,
          );
        }
        assertAppliedMatch(schema, applied, migrations);
        const done: { version: number; name: string }[] = [];
        for (const migration of migrations) {
          if (applied.has(migration.version)) continue;
          phase = `migration ${migration.name} failed`;
          await session.query(migration.sql);
          await session.query(
            'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
            [migration.version, migration.name, migration.checksum],
          );
          done.push({ version: migration.version, name: migration.name });
        }
        phase = 'could not commit';
        await session.query('COMMIT');
        return { schema, version: Math.max(current, latest), applied: done };
      } catch (error) {
        // The session goes back closed (withSession), so a failed rollback leaves nothing open.
        await session.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  } catch (error) {
    if (isWebhooksError(error)) throw error;
    throw storageUnavailable(schema, phase, lockTimeoutMs, error);
  }
}

/**
 * The versions listed in the schema's `schema_migrations`, each with its recorded checksum, after
 * creating the schema and the table if they are missing; leaves `search_path` on the schema (then
 * `pg_temp`, so no temporary object shadows a name of the migrations) for the rest of the
 * transaction. Existence is read from the catalog first, so an up-to-date schema needs no CREATE
 * right.
 */
async function appliedVersions(
  session: PostgresClient,
  schema: string,
): Promise<Map<number, string>> {
  const quoted = quoteIdentifier(schema);
  const found = await session.query(
    `SELECT
       EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1) AS has_schema,
       EXISTS (
         SELECT FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relname = 'schema_migrations'
       ) AS has_table`,
    [schema],
  );
  const row = found.rows[0] as { has_schema: boolean; has_table: boolean };
  if (!row.has_schema) await session.query(`CREATE SCHEMA ${quoted}`);
  await session.query("SELECT set_config('search_path', $1, true)", [`${quoted}, pg_temp`]);
  if (!row.has_table) await session.query(SCHEMA_MIGRATIONS_TABLE);
  const versions = await session.query('SELECT version, checksum FROM schema_migrations');
  return new Map(versions.rows.map((r) => [Number(r.version), String(r.checksum)]));
}

/**
 * Checks what `schema_migrations` lists against the package's migrations (the caller has already
 * refused a version above them): versions 1 to n without a gap, each recorded with the checksum
 * of the package's migration of that version. Anything else means the schema was not built from
 * this package's SQL (a migration edited after it was applied, rows written by hand), and applying
 * more on top of it could fail halfway or leave tables the storage reads wrong.
 *
 * @throws WebhookStorageError `schema_mismatch`.
 */
function assertAppliedMatch(
  schema: string,
  applied: ReadonlyMap<number, string>,
  migrations: readonly Migration[],
): void {
  const versions = [...applied.keys()].sort((a, b) => a - b);
  const gap = versions.findIndex((version, index) => version !== index + 1);
  if (gap !== -1) {
    throw new WebhookStorageError(
      'schema_mismatch',
      `migrate: schema "${schema}" lists versions ${versions.join(', ')} in schema_migrations; expected 1 to ${versions.length} without a gap (version ${gap + 1} is missing or out of place). The table was changed by hand: nothing was changed; restore it, or migrate a new schema.`,
    );
  }
  for (const migration of migrations) {
    const recorded = applied.get(migration.version);
    if (recorded !== undefined && recorded !== migration.checksum) {
      throw new WebhookStorageError(
        'schema_mismatch',
        `migrate: schema "${schema}" records version ${migration.version} (${migration.name}) with checksum ${recorded || '(empty)'}, but this package's ${migration.name} has checksum ${migration.checksum}: the schema was built from other SQL (an edited migration or another build). Nothing was changed; migrate a new schema, or restore the recorded SQL's package.`,
      );
    }
  }
}

/**
 * The migration runner's own table, created before the first migration: one row per applied
 * version (docs/postgres.md, "schema_migrations").
 */
export const SCHEMA_MIGRATIONS_TABLE = `CREATE TABLE schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** PostgreSQL's SQLSTATE for a lock not granted within `lock_timeout`. */
const LOCK_NOT_AVAILABLE = '55P03';

/** A SQLSTATE: five digits or upper-case letters. */
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** A Node.js system error code (`ECONNREFUSED`, `ETIMEDOUT`). */
const SYSTEM_ERROR_CODE = /^E[A-Z0-9_]{1,40}$/;
/** A constraint name as PostgreSQL reports it: an identifier of at most 63 bytes. */
const CONSTRAINT_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

function storageUnavailable(
  schema: string,
  phase: string,
  lockTimeoutMs: number,
  cause: unknown,
): WebhookStorageError {
  const sqlState = (cause as { code?: unknown } | null)?.code;
  if (sqlState === LOCK_NOT_AVAILABLE) {
    return new WebhookStorageError(
      'storage_unavailable',
      `migrate: a lock on schema "${schema}" was not granted within lockTimeoutMs (${lockTimeoutMs} ms): another process is migrating it, or a migration waited for a table in use. Nothing was changed; try again, or raise lockTimeoutMs.`,
      { cause },
    );
  }
  // Only the error's codes, never the driver's message: it may quote values (a constraint's
  // detail, a row). The driver's error stays available as the `cause`.
  const constraint = (cause as { constraint?: unknown } | null)?.constraint;
  const details: string[] = [];
  if (typeof sqlState === 'string' && SQLSTATE.test(sqlState)) details.push(`SQLSTATE ${sqlState}`);
  else if (typeof sqlState === 'string' && SYSTEM_ERROR_CODE.test(sqlState)) details.push(sqlState);
  if (typeof constraint === 'string' && CONSTRAINT_NAME.test(constraint)) {
    details.push(`constraint ${constraint}`);
  }
  const detail = details.length > 0 ? ` (${details.join(', ')})` : '';
  return new WebhookStorageError(
    'storage_unavailable',
    `migrate: ${phase} on schema "${schema}"${detail}. Nothing was changed; the cause holds the database's error.`,
    { cause },
  );
}
