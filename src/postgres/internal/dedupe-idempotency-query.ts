// What PostgresDedupeStore and PostgresIdempotencyStore share: the pool they query, the one place a
// query failure becomes a WebhookStorageError, and the purge's batch size check.

import { WebhookStorageError } from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { requiredIntegerOption } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { DEFAULT_POSTGRES_SCHEMA } from '../migrate.js';
import type { PostgresConnection, PostgresQueryResult } from '../postgres-connection.js';
import { assertSchemaName, quoteIdentifier } from './assert-schema-name.js';

/** Most rows one purge call deletes (one bounded batch: the lock list of one statement). */
export const MAX_PURGE_LIMIT = 100_000;

/**
 * Checks the `pool` option: an object with a `query` method (each store call is one statement,
 * sent with the pool's or client's own `query`).
 *
 * @throws WebhookValidationError `invalid_option` naming `pool`.
 */
export function storePoolOption(pool: unknown): PostgresConnection {
  if (
    typeof pool === 'object' &&
    pool !== null &&
    typeof (pool as { query?: unknown }).query === 'function'
  ) {
    return pool as PostgresConnection;
  }
  throw invalidOption(
    'pool',
    `pool must be a pg Pool (or anything with its query(text, values) method), such as new pg.Pool() or a pg Pool over PGlite; got ${describeValue(pool)}.`,
    pool === undefined ? 'required' : 'invalid_type',
  );
}

/**
 * Checks a purge's `limit`: an integer from 1 to {@link MAX_PURGE_LIMIT}.
 *
 * @param owner - the method, named in the message (`PostgresDedupeStore.purgeExpired`).
 * @throws WebhookValidationError `invalid_option` naming `limit`.
 */
export function purgeLimit(owner: string, limit: unknown): number {
  return requiredIntegerOption(owner, 'limit', limit, { min: 1, max: MAX_PURGE_LIMIT });
}

/**
 * Runs one statement. A rejection (a pool that cannot connect, a dropped connection, a missing
 * table, a server error) becomes `storage_unavailable` naming the operation only: the statement's
 * values (dedupe keys, scopes) may hold user data and stay out of the message (docs/design.md
 * §5.20); the driver's error is the `cause`.
 *
 * @param operation - `Class.method`, named in the message.
 * @throws WebhookStorageError `storage_unavailable`.
 */
export async function runStoreQuery(
  pool: PostgresConnection,
  operation: string,
  text: string,
  values: unknown[],
): Promise<PostgresQueryResult> {
  try {
    return await pool.query(text, values);
  } catch (error) {
    throw new WebhookStorageError(
      'storage_unavailable',
      `${operation}: the PostgreSQL query failed; check the connection and that migrate() has run on this schema (see cause).`,
      { cause: error },
    );
  }
}

/**
 * The row count of a DELETE or UPDATE, checked: a whole number from 0 to `max`.
 *
 * @throws WebhookStorageError `storage_corrupt` naming the operation when the driver answered
 *   anything else.
 */
export function checkedRowCount(operation: string, rowCount: unknown, max: number): number {
  if (typeof rowCount === 'number' && Number.isInteger(rowCount) && rowCount >= 0) {
    if (rowCount <= max) return rowCount;
  }
  throw new WebhookStorageError(
    'storage_corrupt',
    `${operation}: expected a row count from 0 to ${max} from the driver; got ${typeof rowCount === 'number' ? String(rowCount) : describeValue(rowCount)}. Pass a pg Pool.`,
  );
}

/**
 * The `schema` option (default `novatrade_webhooks`), checked by the rule `migrate()` applies,
 * quoted for SQL text: values are bound parameters, a schema name cannot be.
 *
 * @param owner - the class, named in the message (`PostgresDedupeStore`).
 * @throws WebhookValidationError `invalid_option` naming `schema`.
 */
export function quotedSchemaOption(owner: string, schema: unknown): string {
  return quoteIdentifier(assertSchemaName(owner, schema ?? DEFAULT_POSTGRES_SCHEMA));
}

/**
 * One bounded purge batch of `table` (quoted and schema-qualified), as one statement: the oldest
 * rows expired at `now` (an SQL expression of the time, epoch ms) through the `expires_at_ms`
 * index, at most `$1`, locked `SKIP LOCKED` (a reserve or begin taking one over, or another
 * purge, is neither waited for nor undone), and deleted by `ctid`. The outer condition is checked
 * again on each row's latest version, so a key reserved or begun again in between is kept.
 */
export function boundedPurgeStatement(table: string, now: string): string {
  return `DELETE FROM ${table}
WHERE ctid = ANY (ARRAY(
  SELECT ctid FROM ${table} WHERE expires_at_ms <= ${now}
  ORDER BY expires_at_ms LIMIT $1 FOR UPDATE SKIP LOCKED
)) AND expires_at_ms <= ${now}`;
}
