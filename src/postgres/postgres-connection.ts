/**
 * What the PostgreSQL adapters take to reach the database, typed by shape so that the package
 * imports neither `pg` nor its types: a `pg.Pool` or a connected `pg.Client` fits, and so do
 * the same classes over PGlite (`new pg.Pool(createPgConfig(pglite))` from
 * `@electric-sql/pglite/node-postgres`), where every query goes through one embedded database.
 */

/** The fields of a query result the adapters read (a `pg.QueryResult` has them). */
export interface PostgresQueryResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/**
 * One session that runs queries in order: a connected `pg.Client`, or a client checked out of a
 * pool. Text without `values` may hold several statements (the simple query protocol).
 *
 * `query(text, values)` is all an adapter needs. When the connection is pg's own (a `pg.Pool`,
 * including one over PGlite, or a connected `pg.Client`), `PostgresStorage` also calls pg's config
 * form, `query({ name, text, values })`, so that each session prepares its frequent statements
 * once (docs/postgres.md, "Prepared statements"); any other object gets `(text, values)` only.
 */
export interface PostgresClient {
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
}

/** A client checked out of a {@link PostgresPool}, handed back with `release`. */
export interface PostgresPoolClient extends PostgresClient {
  /** Returns the client to the pool; with an error or `true`, the pool closes it instead. */
  release(destroy?: Error | boolean): void;
  /**
   * `pg`'s event emitter methods. While a client is checked out, pg-pool takes its own `error`
   * listener off, and a session that dies between two statements then emits `error` with no
   * listener, which ends the process: the adapters listen for as long as they hold a client.
   */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * A pool of sessions, as `pg.Pool` is: a transaction checks out one client with `connect()`.
 * It is told apart from a {@link PostgresClient} by its `totalCount` (pg-pool's count of clients).
 */
export interface PostgresPool extends PostgresClient {
  connect(): Promise<PostgresPoolClient>;
  readonly totalCount: number;
}

/**
 * A `pg.Pool` (the usual case: the adapters check out a client per transaction) or one connected
 * `pg.Client` (its queries, and so the adapter's transactions, run one after another). The caller
 * owns it: the adapters never end it. A client must not be inside a transaction of its own.
 */
export type PostgresConnection = PostgresPool | PostgresClient;
