// migrate() on real PostgreSQL (127.0.0.1:5432, database `test`; `bash .ci/run` starts it): the
// shared cases, then what needs separate sessions: several processes migrating at once, and a
// lock held by another session.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { applyMigrations, migrate, migrationLockKey } from '../../../src/postgres/migrate.js';
import { MIGRATIONS } from '../../../src/postgres/migrations/index.js';
import {
  describeMigrate,
  describeResetSchema,
  type MigrateSuiteEngine,
  migrationRows,
  rejection,
  SENDER_TABLES,
  tablesOf,
} from '../../helpers/postgres/migrate-suite.js';
import { usePostgresTestDatabase } from '../../helpers/postgres/real-postgres.js';

const db = usePostgresTestDatabase({ max: 6 });

const engine = (): MigrateSuiteEngine => ({
  pool: () => db().pool,
  client: () => db().connect(),
  newSchemaName: () => db().newSchemaName(),
});

describeMigrate('PostgreSQL', engine);
describeResetSchema('PostgreSQL', engine);

describe('migrate on PostgreSQL, several sessions', () => {
  it('5 concurrent calls on separate connections all succeed, and each version is applied once', async () => {
    const schema = db().newSchemaName();
    const clients = await Promise.all(Array.from({ length: 5 }, () => db().connect()));

    const results = await Promise.all(clients.map((client) => migrate(client, { schema })));

    expect(results.every((result) => result.version === MIGRATIONS.at(-1)?.version)).toBe(true);
    // One call applied everything; the others waited for its lock, then found nothing to do.
    const applied = results.map((result) => result.applied.length);
    expect(applied.filter((count) => count === MIGRATIONS.length)).toHaveLength(1);
    expect(applied.filter((count) => count === 0)).toHaveLength(4);
    expect((await migrationRows(db().pool, schema)).map((row) => row.version)).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    expect(await tablesOf(db().pool, schema)).toEqual(expect.arrayContaining([...SENDER_TABLES]));
  });

  it('5 concurrent calls through one pool all succeed, and each version is applied once', async () => {
    const schema = db().newSchemaName();

    const results = await Promise.all(
      Array.from({ length: 5 }, () => migrate(db().pool, { schema })),
    );

    const applied = results.flatMap((result) => result.applied.map((m) => m.version));
    expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
  });

  // The lock is granted after the transaction began: under a session default of REPEATABLE READ
  // or SERIALIZABLE, a snapshot taken before the wait would miss what the lock holder committed.
  describe.each([
    'repeatable read',
    'serializable',
  ])('on sessions whose default_transaction_isolation is %s', (isolation) => {
    const sessions = async (count: number) =>
      Promise.all(
        Array.from({ length: count }, async () => {
          const client = await db().connect();
          await client.query(`SET default_transaction_isolation = '${isolation}'`);
          return client;
        }),
      );

    it('5 concurrent first-time calls all succeed, and each version is applied once', async () => {
      const schema = db().newSchemaName();
      const clients = await sessions(5);

      const results = await Promise.all(clients.map((client) => migrate(client, { schema })));

      const applied = results.flatMap((result) => result.applied.map((m) => m.version));
      expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
      expect((await migrationRows(db().pool, schema)).map((row) => row.version)).toEqual(
        MIGRATIONS.map((m) => m.version),
      );
    });

    it('5 concurrent upgrades from version 1 all succeed, and each version is applied once', async () => {
      const schema = db().newSchemaName();
      await applyMigrations(db().pool, {
        schema,
        lockTimeoutMs: 5_000,
        migrations: MIGRATIONS.slice(0, 1),
      });
      const clients = await sessions(5);

      const results = await Promise.all(clients.map((client) => migrate(client, { schema })));

      const applied = results.flatMap((result) => result.applied.map((m) => m.version));
      expect(applied).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
    });

    it('the session keeps its own default isolation level afterwards', async () => {
      const [client] = (await sessions(1)) as [pg.Client];

      await migrate(client, { schema: db().newSchemaName() });

      expect((await client.query('SHOW default_transaction_isolation')).rows).toEqual([
        { default_transaction_isolation: isolation },
      ]);
    });
  });

  describe('while another session holds the migration lock', () => {
    let holder: pg.Client | undefined;
    afterAll(async () => {
      await holder?.query('ROLLBACK');
    });

    it('gives up after lockTimeoutMs with storage_unavailable (cause: lock_not_available), changing nothing', async () => {
      const schema = db().newSchemaName();
      holder = await db().connect();
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        migrationLockKey(schema),
      ]);

      const error = await rejection(migrate(db().pool, { schema, lockTimeoutMs: 50 }));

      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable', cause: { code: '55P03' } });
      expect((error as Error).message).toContain('lockTimeoutMs (50 ms)');
      const { rows } = await db().pool.query(
        'SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1',
        [schema],
      );
      expect(rows).toEqual([]);

      // Once the holder lets go, the same call goes through.
      await holder.query('ROLLBACK');
      expect((await migrate(db().pool, { schema, lockTimeoutMs: 50 })).applied).toHaveLength(
        MIGRATIONS.length,
      );
    });

    it('the lock is per schema: another schema migrates meanwhile', async () => {
      const held = db().newSchemaName();
      const other = db().newSchemaName();
      holder = await db().connect();
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        migrationLockKey(held),
      ]);

      const result = await migrate(db().pool, { schema: other, lockTimeoutMs: 50 });

      expect(result.applied).toHaveLength(MIGRATIONS.length);
      await holder.query('ROLLBACK');
    });
  });

  it('a database that cannot be reached -> storage_unavailable with the driver error as cause', async () => {
    const unreachable = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/test' });
    try {
      const error = await rejection(migrate(unreachable, { schema: db().newSchemaName() }));

      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable', cause: { code: 'ECONNREFUSED' } });
      expect((error as Error).message).toContain('could not connect');
    } finally {
      await unreachable.end();
    }
  });

  it('an up-to-date schema is only read: a role without the CREATE right can run migrate', async () => {
    const schema = db().newSchemaName();
    await migrate(db().pool, { schema });
    const role = `${schema}_reader`;
    const client = await db().connect();
    await client.query(`CREATE ROLE "${role}" NOLOGIN`);
    try {
      await client.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`);
      await client.query(`GRANT SELECT ON "${schema}".schema_migrations TO "${role}"`);
      await client.query(`SET ROLE "${role}"`);

      const result = await migrate(client, { schema });

      expect(result).toEqual({ schema, version: MIGRATIONS.at(-1)?.version, applied: [] });
    } finally {
      await client.query('RESET ROLE');
      await client.query(`DROP OWNED BY "${role}"`);
      await client.query(`DROP ROLE "${role}"`);
    }
  });
});
