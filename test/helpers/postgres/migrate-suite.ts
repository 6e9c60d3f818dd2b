// The cases of `migrate` that hold on every engine, run over real PostgreSQL and over PGlite
// (test/integration/postgres/migrate*.test.ts), each through a pg Pool and through one pg Client.
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import type { Migration } from '../../../src/postgres/internal/migration.js';
import { applyMigrations, migrate } from '../../../src/postgres/migrate.js';
import { MIGRATIONS } from '../../../src/postgres/migrations/index.js';
import type { PostgresConnection } from '../../../src/postgres/postgres-connection.js';
import { resetSchema } from './real-postgres.js';

/** What the suite needs from an engine; everything it hands out is closed by the engine. */
export interface MigrateSuiteEngine {
  /** A pool on the database. */
  pool(): pg.Pool;
  /** A connected client of its own (on PGlite: over the same single session). */
  client(): Promise<pg.Client>;
  /** A schema name nobody uses yet. */
  newSchemaName(): string;
}

/** The tables of migration 0001 (later migrations add their own). */
export const SENDER_TABLES = ['attempts', 'deliveries', 'endpoints', 'events'] as const;

type Queryable = Pick<pg.Pool, 'query'>;

export async function tablesOf(db: Queryable, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ tablename: string }>(
    'SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = $1 ORDER BY tablename',
    [schema],
  );
  return rows.map((row) => row.tablename);
}

export async function migrationRows(
  db: Queryable,
  schema: string,
): Promise<{ version: number; name: string; checksum: string; applied_at: Date }[]> {
  const { rows } = await db.query(
    `SELECT version, name, checksum, applied_at FROM "${schema}".schema_migrations ORDER BY version`,
  );
  return rows;
}

async function schemaExists(db: Queryable, schema: string): Promise<boolean> {
  const { rows } = await db.query('SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1', [
    schema,
  ]);
  return rows.length === 1;
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const LATEST = MIGRATIONS.at(-1)?.version ?? 0;

export function describeMigrate(name: string, engine: () => MigrateSuiteEngine): void {
  describe.each([
    ['a pg Pool', async (): Promise<PostgresConnection> => engine().pool()],
    ['a pg Client', async (): Promise<PostgresConnection> => engine().client()],
  ] as const)(`migrate on ${name} through %s`, (_, connect) => {
    it('creates the schema with every table, and lists every migration in schema_migrations', async () => {
      const schema = engine().newSchemaName();
      const result = await migrate(await connect(), { schema });

      expect(result).toEqual({
        schema,
        version: LATEST,
        applied: MIGRATIONS.map(({ version, name }) => ({ version, name })),
      });
      const tables = await tablesOf(engine().pool(), schema);
      expect(tables).toEqual(expect.arrayContaining([...SENDER_TABLES, 'schema_migrations']));
      const rows = await migrationRows(engine().pool(), schema);
      expect(rows.map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual(
        MIGRATIONS.map(({ version, name, checksum }) => ({ version, name, checksum })),
      );
    });

    it('creates the partial index on due rows and the per-endpoint claim order', async () => {
      const schema = engine().newSchemaName();
      await migrate(await connect(), { schema });

      const { rows } = await engine()
        .pool()
        .query<{ indexname: string; indexdef: string }>(
          `SELECT indexname, indexdef FROM pg_catalog.pg_indexes
           WHERE schemaname = $1 AND tablename = 'deliveries'`,
          [schema],
        );
      const definition = (index: string) => rows.find((row) => row.indexname === index)?.indexdef;
      expect(definition('deliveries_due_idx')).toMatch(
        /\(due_at_ms\) WHERE \(status = 'PENDING'::text\)$/,
      );
      expect(definition('deliveries_endpoint_due_idx')).toMatch(
        /\(endpoint_id, claimed, next_attempt_at_ms, due_seq\) WHERE \(status = 'PENDING'::text\)$/,
      );
      expect(definition('deliveries_lease_idx')).toMatch(
        /\(lease_until_ms\) WHERE \(\(status = 'PENDING'::text\) AND claimed\)$/,
      );
    });

    it('a second run applies nothing and leaves schema_migrations as it was', async () => {
      const schema = engine().newSchemaName();
      await migrate(await connect(), { schema });
      const before = await migrationRows(engine().pool(), schema);

      const again = await migrate(await connect(), { schema });

      expect(again).toEqual({ schema, version: LATEST, applied: [] });
      expect(await migrationRows(engine().pool(), schema)).toEqual(before);
    });

    it('applies only the missing versions of a schema migrated by an older package', async () => {
      const schema = engine().newSchemaName();
      const first = MIGRATIONS.slice(0, 1);
      await applyMigrations(await connect(), { schema, lockTimeoutMs: 5_000, migrations: first });

      const result = await migrate(await connect(), { schema });

      expect(result.applied).toEqual(
        MIGRATIONS.slice(1).map(({ version, name }) => ({ version, name })),
      );
      expect((await migrationRows(engine().pool(), schema)).map((row) => row.version)).toEqual(
        MIGRATIONS.map((m) => m.version),
      );
    });

    it('refuses a schema newer than the package with schema_too_new, changing nothing', async () => {
      const schema = engine().newSchemaName();
      await migrate(await connect(), { schema });
      await engine()
        .pool()
        .query(
          `INSERT INTO "${schema}".schema_migrations (version, name, checksum) VALUES ($1, 'from_the_future', '')`,
          [LATEST + 1],
        );
      const before = await migrationRows(engine().pool(), schema);

      const error = await rejection(migrate(await connect(), { schema }));

      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'schema_too_new' });
      expect((error as Error).message).toContain(`version ${LATEST + 1}`);
      expect(await migrationRows(engine().pool(), schema)).toEqual(before);
    });

    it("refuses a recorded checksum other than the package's with schema_mismatch, changing nothing", async () => {
      const schema = engine().newSchemaName();
      await migrate(await connect(), { schema });
      await engine()
        .pool()
        .query(`UPDATE "${schema}".schema_migrations SET checksum = 'edited' WHERE version = 1`);
      const before = await migrationRows(engine().pool(), schema);

      const error = await rejection(migrate(await connect(), { schema }));

      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'schema_mismatch' });
      expect((error as Error).message).toContain('version 1 (0001_sender)');
      expect((error as Error).message).toContain('edited');
      expect(await migrationRows(engine().pool(), schema)).toEqual(before);
    });

    it('refuses a changed checksum of a version older than the ones it would apply, applying nothing', async () => {
      const schema = engine().newSchemaName();
      await applyMigrations(await connect(), {
        schema,
        lockTimeoutMs: 5_000,
        migrations: [{ ...(MIGRATIONS[0] as Migration), checksum: 'other-build' }],
      });

      const error = await rejection(migrate(await connect(), { schema }));

      expect(error).toMatchObject({ code: 'schema_mismatch' });
      expect((await migrationRows(engine().pool(), schema)).map((row) => row.version)).toEqual([1]);
    });

    it('refuses versions with a gap in schema_migrations with schema_mismatch, applying nothing', async () => {
      const schema = engine().newSchemaName();
      await migrate(await connect(), { schema });
      await engine().pool().query(`DELETE FROM "${schema}".schema_migrations WHERE version = 1`);
      const before = await migrationRows(engine().pool(), schema);

      const error = await rejection(migrate(await connect(), { schema }));

      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'schema_mismatch' });
      expect((error as Error).message).toContain('without a gap');
      expect(await migrationRows(engine().pool(), schema)).toEqual(before);
    });

    it('runs the migrations with search_path set to the schema, then pg_temp', async () => {
      const schema = engine().newSchemaName();
      const probe: Migration = {
        version: 1,
        name: '0001_probe',
        checksum: 'probe',
        sql: "CREATE TABLE probe AS SELECT current_setting('search_path') AS search_path",
      };

      await applyMigrations(await connect(), { schema, lockTimeoutMs: 5_000, migrations: [probe] });

      const { rows } = await engine().pool().query(`SELECT search_path FROM "${schema}".probe`);
      expect(rows).toEqual([{ search_path: `"${schema}", pg_temp` }]);
    });

    it('a failing migration rolls everything back, the schema included, and names itself', async () => {
      const schema = engine().newSchemaName();
      const broken: Migration[] = [
        ...MIGRATIONS,
        { version: LATEST + 1, name: '9999_broken', checksum: '', sql: 'SELECT no_such_column' },
      ];
      const connection = await connect();

      const error = await rejection(
        applyMigrations(connection, { schema, lockTimeoutMs: 5_000, migrations: broken }),
      );

      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable' });
      expect((error as Error).message).toContain('9999_broken');
      expect((error as Error).message).toContain('42703'); // undefined_column
      // The driver's message stays in the cause: it may quote values.
      expect((error as Error).message).not.toContain('no_such_column');
      expect((error as { cause?: unknown }).cause).toMatchObject({ code: '42703' });
      expect(await schemaExists(engine().pool(), schema)).toBe(false);
      // The connection is usable afterwards: a pool replaced the failed client, a client rolled back.
      expect(await migrate(connection, { schema })).toMatchObject({ version: LATEST });
    });

    it('leaves the session as it found it: search_path and lock_timeout are local to the transaction', async () => {
      const client = await engine().client();
      const before = await client.query('SHOW search_path');
      const timeout = await client.query('SHOW lock_timeout');

      await migrate(client, { schema: engine().newSchemaName(), lockTimeoutMs: 1234 });

      expect((await client.query('SHOW search_path')).rows).toEqual(before.rows);
      expect((await client.query('SHOW lock_timeout')).rows).toEqual(timeout.rows);
    });

    it('a refused constraint names the SQLSTATE and the constraint, never the row', async () => {
      const schema = engine().newSchemaName();
      const refused: Migration[] = [
        ...MIGRATIONS,
        {
          version: LATEST + 1,
          name: '9999_refused',
          checksum: '',
          sql: `CREATE TABLE secret_probe (v text CONSTRAINT secret_probe_short CHECK (length(v) < 3));
                INSERT INTO secret_probe VALUES ('top-secret-value')`,
        },
      ];

      const error = await rejection(
        applyMigrations(await connect(), { schema, lockTimeoutMs: 5_000, migrations: refused }),
      );

      expect(error).toMatchObject({ code: 'storage_unavailable', cause: { code: '23514' } });
      expect((error as Error).message).toContain('SQLSTATE 23514');
      expect((error as Error).message).toContain('constraint secret_probe_short');
      expect((error as Error).message).not.toContain('top-secret-value');
      expect(String((error as { cause?: unknown }).cause)).toContain('secret_probe');
    });

    it('gives id and key columns the "C" collation, and endpoints an index on origin', async () => {
      const schema = engine().newSchemaName();
      await migrate(await connect(), { schema });

      const { rows } = await engine()
        .pool()
        .query<{ column: string }>(
          `SELECT c.relname || '.' || a.attname AS column
           FROM pg_catalog.pg_attribute a
           JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_catalog.pg_collation l ON l.oid = a.attcollation
           WHERE n.nspname = $1 AND c.relkind = 'r' AND l.collname = 'C'
           ORDER BY 1`,
          [schema],
        );
      expect(rows.map((row) => row.column)).toEqual(
        expect.arrayContaining([
          'attempts.delivery_id',
          'deliveries.endpoint_id',
          'deliveries.event_id',
          'deliveries.id',
          'deliveries.organization_uuid',
          'deliveries.replay_of',
          'endpoints.id',
          'endpoints.organization_uuid',
          'endpoints.origin',
          'events.id',
          'events.organization_uuid',
        ]),
      );
      const index = await engine()
        .pool()
        .query<{ indexdef: string }>(
          `SELECT indexdef FROM pg_catalog.pg_indexes
           WHERE schemaname = $1 AND indexname = 'endpoints_origin_idx'`,
          [schema],
        );
      expect(index.rows.map((row) => row.indexdef)).toEqual([
        expect.stringMatching(/ON \S+\.endpoints USING btree \(origin\)$/),
      ]);
    });

    it('migrates into a schema that exists already (made by a DBA), and only into it', async () => {
      const schema = engine().newSchemaName();
      await engine().pool().query(`CREATE SCHEMA "${schema}"`);

      await migrate(await connect(), { schema });

      expect(await tablesOf(engine().pool(), schema)).toEqual(
        expect.arrayContaining([...SENDER_TABLES]),
      );
      expect(await tablesOf(engine().pool(), 'public')).not.toEqual(
        expect.arrayContaining(['deliveries']),
      );
    });
  });
}

/**
 * The test helper `resetSchema` on a migrated schema: rows gone, sequences and identities back at
 * their start, `schema_migrations` kept (what the storage suites rely on between cases).
 */
export function describeResetSchema(name: string, engine: () => MigrateSuiteEngine): void {
  it(`resetSchema on ${name} empties every table but schema_migrations and restarts the sequences`, async () => {
    const schema = engine().newSchemaName();
    const pool = engine().pool();
    await migrate(pool, { schema });
    const q = (table: string) => `"${schema}".${table}`;
    await pool.query(
      `INSERT INTO ${q('events')} (id, organization_uuid, type, schema_version, source, created_at_ms, data)
       VALUES ('evt_1', 'org', 'kyc.verified', 1, 'API', 0, '{}')`,
    );
    await pool.query(
      `INSERT INTO ${q('deliveries')} (id, organization_uuid, endpoint_id, event_id, event_type, schema_version, status, next_attempt_at_ms, due_at_ms, created_at_ms, updated_at_ms)
       VALUES ('del_1', 'org', 'wh_1', 'evt_1', 'kyc.verified', 1, 'PENDING', 0, 0, 0, 0)`,
    );
    await pool.query(
      `INSERT INTO ${q('attempts')} (delivery_id, attempt, started_at_ms, duration_ms, response_body) VALUES ('del_1', 1, 0, 1, '')`,
    );
    await pool.query(`SELECT nextval('${q('endpoint_turn_seq')}')`);
    const versions = await migrationRows(pool, schema);

    await resetSchema(pool, schema);

    for (const table of SENDER_TABLES) {
      expect((await pool.query(`SELECT count(*)::int AS n FROM ${q(table)}`)).rows).toEqual([
        { n: 0 },
      ]);
    }
    expect(await migrationRows(pool, schema)).toEqual(versions);
    expect(
      (await pool.query(`SELECT nextval('${q('endpoint_turn_seq')}')::int AS n`)).rows,
    ).toEqual([{ n: 1 }]);
    await pool.query(
      `INSERT INTO ${q('events')} (id, organization_uuid, type, schema_version, source, created_at_ms, data)
       VALUES ('evt_1', 'org', 'kyc.verified', 1, 'API', 0, '{}')`,
    );
    await pool.query(
      `INSERT INTO ${q('deliveries')} (id, organization_uuid, endpoint_id, event_id, event_type, schema_version, status, created_at_ms, updated_at_ms)
       VALUES ('del_1', 'org', 'wh_1', 'evt_1', 'kyc.verified', 1, 'DELIVERED', 0, 0)`,
    );
    const attempt = await pool.query(
      `INSERT INTO ${q('attempts')} (delivery_id, attempt, started_at_ms, duration_ms, response_body) VALUES ('del_1', 1, 0, 1, '') RETURNING id::int`,
    );
    expect(attempt.rows).toEqual([{ id: 1 }]);
  });
}
