// Real PostgreSQL for tests: one shared server (127.0.0.1:5432, database `test`; `bash .ci/run`
// starts it), and a schema of its own for each test file, dropped afterwards, so files run in
// parallel without seeing each other's rows.
//
//   const db = usePostgresTestDatabase({ migrated: true }); // beforeAll / afterAll of this file
//   it('…', async () => { await db().pool.query(`SELECT … FROM ${db().qualified('deliveries')}`); });
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { migrate } from '../../../src/postgres/migrate.js';

/** Where the tests find PostgreSQL; `TEST_DATABASE_URL` overrides it. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every test schema starts with this prefix, then its creation time (base 36 ms) and a random part. */
const PREFIX = 'nwt_';

/** A test schema left behind by a killed run is dropped by a later run after this long. */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

/** A new unique schema name (`nwt_<time>_<random>`), valid for `migrate`. */
export function uniqueSchemaName(): string {
  return `${PREFIX}${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
}

/** A test file's database access; everything it opened goes with {@link close}. */
export interface PostgresTestDatabase {
  /** This file's schema (migrated when opened with `migrated: true`). */
  readonly schema: string;
  /** A pool on the test database (`max` from the options, default 4). */
  readonly pool: pg.Pool;
  /** `"schema"."name"`: a table of this file's schema, quoted for SQL text. */
  qualified(name: string): string;
  /** A new connected client of its own (a separate session); ended by `close`. */
  connect(): Promise<pg.Client>;
  /** Another unique schema name, for a test that needs a fresh one; dropped by `close`. */
  newSchemaName(): string;
  /** Drops every schema this handle named, ends its clients and its pool. */
  close(): Promise<void>;
}

/** Options of {@link openPostgresTestDatabase}. */
export interface PostgresTestDatabaseOptions {
  /** Run `migrate` on the file's schema before handing it out. Default: false (the schema does not exist yet). */
  readonly migrated?: boolean;
  /** The pool's `max`. Default 4. */
  readonly max?: number;
}

/**
 * Opens the shared test database with a unique schema name for the caller. Drops test schemas
 * that a killed run left behind (older than six hours) on the way.
 */
export async function openPostgresTestDatabase(
  options: PostgresTestDatabaseOptions = {},
): Promise<PostgresTestDatabase> {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: options.max ?? 4 });
  const schemas = [uniqueSchemaName()];
  const clients: pg.Client[] = [];
  const [schema] = schemas as [string];
  try {
    await dropStaleSchemas(pool);
    if (options.migrated === true) await migrate(pool, { schema });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    schema,
    pool,
    qualified: (name) => `"${schema}"."${name}"`,
    async connect() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      clients.push(client);
      return client;
    },
    newSchemaName() {
      const name = uniqueSchemaName();
      schemas.push(name);
      return name;
    },
    async close() {
      await Promise.allSettled(clients.map((client) => client.end()));
      try {
        for (const name of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

/**
 * {@link openPostgresTestDatabase} in the file's `beforeAll`, closed in its `afterAll`. Returns a
 * getter: call it inside tests and hooks, not at the top level of the file.
 */
export function usePostgresTestDatabase(
  options: PostgresTestDatabaseOptions = {},
): () => PostgresTestDatabase {
  let database: PostgresTestDatabase | undefined;
  beforeAll(async () => {
    database = await openPostgresTestDatabase(options);
  });
  afterAll(async () => {
    await database?.close();
    database = undefined;
  });
  return () => {
    if (database === undefined) throw new Error('usePostgresTestDatabase: used outside a test');
    return database;
  };
}

/**
 * Empties every table of `schema` but `schema_migrations` and restarts its sequences: a fresh,
 * migrated schema for the next case, far cheaper than migrating a new one.
 */
export async function resetSchema(
  client: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> },
  schema: string,
): Promise<void> {
  const { rows } = await client.query(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_catalog.pg_tables
     WHERE schemaname = $1 AND tablename <> 'schema_migrations'`,
    [schema],
  );
  const tables = (rows as { name: string }[]).map((row) => row.name);
  if (tables.length > 0)
    await client.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`);
  const sequences = await client.query(
    `SELECT format('%I.%I', schemaname, sequencename) AS name FROM pg_catalog.pg_sequences
     WHERE schemaname = $1`,
    [schema],
  );
  for (const { name } of sequences.rows as { name: string }[]) {
    await client.query(`ALTER SEQUENCE ${name} RESTART`);
  }
}

async function dropStaleSchemas(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ nspname: string }>(
    `SELECT nspname FROM pg_catalog.pg_namespace WHERE starts_with(nspname, $1)`,
    [PREFIX],
  );
  const now = Date.now();
  for (const { nspname } of rows) {
    const createdMs = Number.parseInt(nspname.slice(PREFIX.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(createdMs) && now - createdMs > STALE_AFTER_MS) {
      await pool.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`).catch(() => undefined);
    }
  }
}
