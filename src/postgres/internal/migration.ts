/** One versioned migration of the PostgreSQL schema, embedded from its `.sql` file. */
export interface Migration {
  /** 1, 2, 3, …: the order migrations are applied in, recorded in `schema_migrations`. */
  readonly version: number;
  /** The file name without `.sql`, e.g. `0001_sender`. */
  readonly name: string;
  /** SHA-256 (hex) of the SQL text with `\n` line endings, recorded with the version. */
  readonly checksum: string;
  /** The SQL, run as one batch of statements with `search_path` set to the schema. */
  readonly sql: string;
}
