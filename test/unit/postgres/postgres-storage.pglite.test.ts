// PostgresStorage on PGlite (embedded PostgreSQL through @electric-sql/pglite/node-postgres): the
// same SQL as on the server, through one embedded session, against the whole SenderStorage
// contract suite. Each case starts from empty tables (resetSchema: TRUNCATE … RESTART IDENTITY).
import { PostgresStorage } from '../../../src/postgres/postgres-storage.js';
import { resetSchema, usePGliteTestDatabase } from '../../helpers/postgres/index.js';
import { describeSenderStorage } from '../../helpers/storage-conformance/index.js';

const db = usePGliteTestDatabase({ migrated: true });

describeSenderStorage('PostgresStorage on PGlite', async () => {
  await resetSchema(db().pool, db().schema);
  return { storage: new PostgresStorage({ pool: db().pool }) };
});
