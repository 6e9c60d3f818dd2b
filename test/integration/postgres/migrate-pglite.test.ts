// migrate() on PGlite through @electric-sql/pglite/node-postgres: the shared cases, in one
// embedded database restored from the cached dump (test/helpers/postgres/pglite.ts). PGlite is a
// single session, so the cases that need a second one (concurrent sessions, a lock held elsewhere)
// run on real PostgreSQL only (migrate.test.ts).
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/postgres/migrate.js';
import { MIGRATIONS } from '../../../src/postgres/migrations/index.js';
import {
  describeMigrate,
  describeResetSchema,
  type MigrateSuiteEngine,
} from '../../helpers/postgres/migrate-suite.js';
import { openPGliteCount, usePGliteTestDatabase } from '../../helpers/postgres/pglite.js';
import { uniqueSchemaName } from '../../helpers/postgres/real-postgres.js';

const db = usePGliteTestDatabase();
const clients: pg.Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
});

const engine = (): MigrateSuiteEngine => ({
  pool: () => db().pool,
  async client() {
    const client = new pg.Client(createPgConfig(db().pglite));
    await client.connect();
    clients.push(client);
    return client;
  },
  newSchemaName: uniqueSchemaName,
});

describeMigrate('PGlite', engine);
describeResetSchema('PGlite', engine);

describe('migrate on PGlite', () => {
  it('concurrent calls through its pool queue on the single session; each version is applied once', async () => {
    const schema = uniqueSchemaName();

    const results = await Promise.all(
      Array.from({ length: 5 }, () => migrate(db().pool, { schema })),
    );

    const applied = results.flatMap((result) => result.applied.map((m) => m.version));
    expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('the helper counts its open PGlite instance (closed after the file)', () => {
    expect(openPGliteCount()).toBe(1);
  });
});
