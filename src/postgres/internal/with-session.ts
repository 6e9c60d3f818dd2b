import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { PostgresClient, PostgresConnection, PostgresPool } from '../postgres-connection.js';

/** Whether `connection` is a pool (a client is checked out per session) rather than one client. */
export function isPool(connection: PostgresConnection): connection is PostgresPool {
  return (
    typeof (connection as Partial<PostgresPool>).connect === 'function' &&
    typeof (connection as Partial<PostgresPool>).totalCount === 'number'
  );
}

/**
 * Checks the `connection` argument of `owner`: an object with a `query` method.
 *
 * @throws WebhookValidationError `invalid_option` at `connection` (`invalid_type`).
 */
export function assertConnection(
  owner: string,
  connection: unknown,
): asserts connection is PostgresConnection {
  if (
    typeof connection !== 'object' ||
    connection === null ||
    typeof (connection as { query?: unknown }).query !== 'function'
  ) {
    throw invalidOption(
      'connection',
      `${owner}: expected a pg Pool or a connected pg Client (an object with a query method), got ${describeValue(connection)}.`,
      'invalid_type',
    );
  }
}

/**
 * Runs `work` on one session of `connection`: a client checked out of a pool, or the client
 * itself. A checked-out client goes back to the pool after success, and is closed after a
 * failure (its state is unknown: a rollback may not have gone through), so the pool never hands
 * out a session left inside a transaction.
 */
export async function withSession<T>(
  connection: PostgresConnection,
  work: (session: PostgresClient) => Promise<T>,
): Promise<T> {
  if (!isPool(connection)) return work(connection);
  const client = await connection.connect();
  let result: T;
  try {
    result = await work(client);
  } catch (error) {
    client.release(true);
    throw error;
  }
  client.release();
  return result;
}
