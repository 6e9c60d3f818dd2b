// PostgresStorage's named statements on real PostgreSQL, on one session (a pg Pool of one, and a
// connected pg Client): see test/unit/postgres/prepared-statements-suite.ts.
import pg from 'pg';
import { afterAll } from 'vitest';
import { TEST_DATABASE_URL, usePostgresTestDatabase } from '../../helpers/postgres/index.js';
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
