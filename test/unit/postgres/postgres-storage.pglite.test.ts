// PostgresStorage on PGlite (embedded PostgreSQL through @electric-sql/pglite/node-postgres): the
// same SQL as on the server, through one embedded session, against the whole SenderStorage
// contract suite. Each case starts from empty tables (one round trip of DELETEs: the property
// cases make a storage per run; the sequences go on, the storage needs their order only).
import { PostgresStorage } from '../../../src/postgres/postgres-storage.js';
import { usePGliteTestDatabase } from '../../helpers/postgres/index.js';
import { describeSenderStorage } from '../../helpers/storage-conformance/index.js';

const db = usePGliteTestDatabase({ migrated: true });

describeSenderStorage('PostgresStorage on PGlite', async () => {
  await db().pool.query(
    ['attempts', 'deliveries', 'events', 'endpoint_turns', 'endpoints']
      .map((table) => `DELETE FROM ${db().qualified(table)};`)
      .join(' '),
  );
  return { storage: new PostgresStorage({ pool: db().pool }) };
});
