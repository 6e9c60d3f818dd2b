// Where bench/postgres.bench.ts finds PostgreSQL, and the schemas it makes there: each section
// migrates a schema of its own (`nwb_<time>_<random>`) with `migrate()` and drops it afterwards;
// a schema a killed run left behind is dropped by a later run once it is an hour old.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/postgres/migrate.js';

/** 127.0.0.1:5432, database `test`, user postgres; `BENCH_DATABASE_URL` overrides it. */
export const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every connection of the benchmark carries this `application_name` prefix (pg_stat_activity). */
export const APPLICATION_NAME = 'nwb-bench';

const PREFIX = 'nwb_';
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * A pool on the benchmark's database whose idle clients are never closed (their pids stay).
 * `synchronousCommit: false` sets `synchronous_commit = off` for its sessions (a diagnostic: a
 * commit then does not wait for the WAL flush).
 */
export function benchPool(options: {
  readonly max: number;
  readonly role: string;
  readonly synchronousCommit?: boolean;
}): pg.Pool {
  return new pg.Pool({
    connectionString: DATABASE_URL,
    max: options.max,
    idleTimeoutMillis: 0,
    application_name: `${APPLICATION_NAME}-${options.role}`,
    ...(options.synchronousCommit === false ? { options: '-c synchronous_commit=off' } : {}),
  });
}

export function benchSchemaName(): string {
  return `${PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A new schema, migrated. */
export async function createBenchSchema(pool: pg.Pool): Promise<string> {
  await dropStaleSchemas(pool);
  const schema = benchSchemaName();
  await migrate(pool, { schema });
  return schema;
}

export async function dropBenchSchema(pool: pg.Pool, schema: string): Promise<void> {
  if (!schema.startsWith(PREFIX)) throw new Error(`not a bench schema: ${schema}`);
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

async function dropStaleSchemas(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE '${PREFIX}%'`,
  );
  for (const { name } of rows) {
    const createdMs = Number.parseInt(name.slice(PREFIX.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(createdMs) && Date.now() - createdMs > STALE_AFTER_MS) {
      await dropBenchSchema(pool, name);
    }
  }
}

/** The server pids of this benchmark's connections whose application_name ends with `role`. */
export async function backendPids(pool: pg.Pool, role: string): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [`${APPLICATION_NAME}-${role}`],
  );
  return rows.map((row) => row.pid);
}

/**
 * Round trips of this server, p50 ms over `n` sequential calls on one pool: `SELECT 1`, and a
 * one-row UPDATE in autocommit (a durable commit: it waits for the WAL flush), on a scratch table
 * of `schema`. The floor under any statement, and under any commit, of the storage.
 */
export async function serverFloor(
  pool: pg.Pool,
  schema: string,
  n = 50,
): Promise<{ selectMs: number; commitMs: number }> {
  const time = async (text: string) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const startedAt = performance.now();
      await pool.query(text);
      ms.push(performance.now() - startedAt);
    }
    return ms.sort((a, b) => a - b)[n >> 1] as number;
  };
  await pool.query(
    `CREATE TABLE "${schema}".bench_floor (n integer); INSERT INTO "${schema}".bench_floor VALUES (0)`,
  );
  return {
    selectMs: await time('SELECT 1'),
    commitMs: await time(`UPDATE "${schema}".bench_floor SET n = n + 1`),
  };
}
