// PostgresStorage's named statements on PGlite, through a pg Pool over
// `@electric-sql/pglite/node-postgres` (one embedded session): see prepared-statements-suite.ts.
import { usePGliteTestDatabase } from '../../helpers/postgres/index.js';
import { describePreparedStatements } from './prepared-statements-suite.js';

const db = usePGliteTestDatabase({ migrated: true });

describePreparedStatements('PGlite', async () => ({
  connection: db().pool,
  query: (text, values) => db().pool.query(text, values),
  schema: db().schema,
  qualified: (name) => db().qualified(name),
}));
