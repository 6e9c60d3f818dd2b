// PostgresInbox on PGlite (embedded PostgreSQL through @electric-sql/pglite/node-postgres): the
// same SQL as on the server, through one embedded session, against the shared Inbox suite. PGlite
// is one process: its second "process" shares the pool.
import { PostgresInbox } from '../../../src/postgres/postgres-inbox.js';
import { describeInbox } from '../../helpers/inbox-suite.js';
import { usePGliteTestDatabase } from '../../helpers/postgres/index.js';

const db = usePGliteTestDatabase({ migrated: true });

describeInbox('PostgresInbox on PGlite', async () => ({
  inbox: new PostgresInbox({ pool: db().pool }),
  another: async () => new PostgresInbox({ pool: db().pool }),
  cleanup: async () => {
    await db().pool.query(`DELETE FROM ${db().qualified('inbox_entries')}`);
  },
}));
