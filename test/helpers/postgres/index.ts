// Test databases for the PostgreSQL adapters: real PostgreSQL (a schema per test file) and PGlite
// (restored from a cached data-directory dump). See each module's header.
export {
  MAX_OPEN_PGLITE,
  openPGliteCount,
  openPGliteTestDatabase,
  type PGliteDumpKind,
  type PGliteTestDatabase,
  type PGliteTestDatabaseOptions,
  pgliteDump,
  restorePGliteDataDir,
  usePGliteTestDatabase,
} from './pglite.js';
export {
  openPostgresTestDatabase,
  type PostgresTestDatabase,
  type PostgresTestDatabaseOptions,
  resetSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
  usePostgresTestDatabase,
} from './real-postgres.js';
