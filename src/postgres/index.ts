// Entry point `@novatrade24/webhooks/postgres`: durable storage on PostgreSQL, or on PGlite through
// `@electric-sql/pglite/node-postgres` (one SQL path). Explicit names, grouped by section
// (CONTRIBUTING.md). Guide: docs/postgres.md. This entry imports neither `pg` nor PGlite: the
// caller passes a pool or a client.

// Errors, re-exported for convenience
export {
  isWebhooksError,
  WebhookConflictError,
  WebhookStorageError,
  WebhooksError,
  WebhookValidationError,
} from '../core/errors.js';
// Schema and migrations
export {
  DEFAULT_POSTGRES_SCHEMA,
  type MigrateOptions,
  type MigrateResult,
  migrate,
} from './migrate.js';
// Sender: the change feed across processes (LISTEN/NOTIFY), what PostgresStorage.watch uses
export {
  type PGliteListener,
  PostgresChangeFeed,
  type PostgresChangeFeedOptions,
  type PostgresChangeFeedReconnectOptions,
  type PostgresListenClient,
  type PostgresListenOwnClient,
  type PostgresListenPoolClient,
  type PostgresNotification,
} from './postgres-change-feed.js';
// Connections: a pg Pool or Client, over PostgreSQL or PGlite
export type {
  PostgresClient,
  PostgresConnection,
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryResult,
} from './postgres-connection.js';
// Receiver: dedupe keys across processes
export { PostgresDedupeStore, type PostgresDedupeStoreOptions } from './postgres-dedupe-store.js';
// Sender: Idempotency-Key records across processes
export {
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from './postgres-idempotency-store.js';
// Receiver: the inbox of the async ack mode
export { PostgresInbox, type PostgresInboxOptions } from './postgres-inbox.js';
// Sender: the sender's storage (endpoints, events, deliveries, claims, attempts)
export {
  PostgresStorage,
  type PostgresStorageChangeFeedOptions,
  type PostgresStorageOptions,
} from './postgres-storage.js';
