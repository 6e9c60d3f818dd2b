// PostgresStorage's named statements on real PostgreSQL, on one session (a pg Pool of one, and a
// connected pg Client): see test/unit/postgres/prepared-statements-suite.ts.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../../../src/postgres/postgres-storage.js';
import { TEST_DATABASE_URL, usePostgresTestDatabase } from '../../helpers/postgres/index.js';
import { endpointRecord, T0 } from '../../helpers/sender-records.js';
import { describePreparedStatements } from '../../unit/postgres/prepared-statements-suite.js';

const db = usePostgresTestDatabase({ migrated: true, max: 2 });

let single: pg.Pool | undefined;
let client: pg.Client | undefined;
afterAll(async () => {
  await single?.end();
  await client?.end();
});

describePreparedStatements('PostgreSQL (a pg Pool of one)', async () => {
  single ??= new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  const pool = single;
  return {
    connection: pool,
    query: (text, values) => pool.query(text, values),
    schema: db().schema,
    qualified: (name) => db().qualified(name),
  };
});

describePreparedStatements('PostgreSQL (a connected pg Client)', async () => {
  if (client === undefined) {
    client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
  }
  const one = client;
  return {
    connection: one,
    query: (text, values) => one.query(text, values),
    schema: db().schema,
    qualified: (name) => db().qualified(name),
  };
});

describe('PostgreSQL (a pg Pool of three): sessions that all lost their statements', () => {
  it('concurrent calls that each fail on a lost statement all heal, whichever turns naming off first', async () => {
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3 });
    try {
      const storage = new PostgresStorage({ pool, schema: db().schema, changeFeed: false });
      const endpoint = endpointRecord();
      await storage.insertEndpoint(endpoint);
      const readAll = () =>
        Promise.all(
          [1, 2, 3].map(() => storage.getEndpoint(endpoint.organizationUuid, endpoint.id)),
        );
      // Three sessions at once, each preparing the read; then each loses its statements.
      await readAll();
      const clients = await Promise.all([1, 2, 3].map(() => pool.connect()));
      for (const c of clients) await c.query('DEALLOCATE ALL');
      for (const c of clients) c.release();
      const reads = await readAll();
      expect(reads).toEqual([endpoint, endpoint, endpoint]);
      await storage.deleteEndpoint(endpoint.organizationUuid, endpoint.id, T0);
    } finally {
      await pool.end();
    }
  });
});
