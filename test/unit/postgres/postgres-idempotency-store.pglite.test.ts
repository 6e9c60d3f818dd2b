// PostgresIdempotencyStore on PGlite (embedded PostgreSQL through
// @electric-sql/pglite/node-postgres): the shared IdempotencyStore contract, on the same SQL as on
// the server (gen_random_uuid() included), through PGlite's one session.
import { PostgresIdempotencyStore } from '../../../src/postgres/postgres-idempotency-store.js';
import { describeIdempotencyStore } from '../../helpers/idempotency-store-conformance.js';
import { usePGliteTestDatabase } from '../../helpers/postgres/index.js';

const db = usePGliteTestDatabase({ migrated: true });

describeIdempotencyStore('PostgresIdempotencyStore on PGlite', async () => ({
  store: new PostgresIdempotencyStore({ pool: db().pool }),
  cleanup: async () => {
    await db().pool.query(`DELETE FROM ${db().qualified('idempotency_records')}`);
  },
}));
