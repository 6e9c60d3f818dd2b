import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type {
  PostgresClient,
  PostgresConnection,
  PostgresPool,
  PostgresPoolClient,
} from '../postgres-connection.js';

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
 * Runs `work` on a client checked out of `pool`, listening for the client's `error` event for as
 * long as it is out (pg-pool listens only while a client is idle; an `error` with no listener,
 * from a session killed between two statements, would end the process). The client goes back to
 * the pool after success, and after a failure that `keepAfter` accepts; otherwise, or when the
 * session reported an error, the pool closes it. The listener comes off after `release`, which
 * puts pg-pool's back first, so the client is never without one.
 */
export async function onPooledClient<T>(
  pool: PostgresPool,
  work: (client: PostgresPoolClient) => Promise<T>,
  keepAfter: (error: unknown) => boolean = () => false,
): Promise<T> {
  const client = await pool.connect();
  let lost = false;
  const onError = (): void => {
    lost = true; // the session is gone: the next query fails, and the client is closed
  };
  client.on?.('error', onError);
  const release = (keep: boolean): void => {
    client.release(keep && !lost ? undefined : true);
    client.removeListener?.('error', onError);
  };
  let result: T;
  try {
    result = await work(client);
  } catch (error) {
    release(keepAfter(error));
    throw error;
  }
  release(true);
  return result;
}

/**
 * Runs `work` on one session of `connection`: a client checked out of a pool
 * ({@link onPooledClient}), or the client itself. A checked-out client goes back to the pool
 * after success, and is closed after a failure (its state is unknown: a rollback may not have
 * gone through), so the pool never hands out a session left inside a transaction.
 */
export async function withSession<T>(
  connection: PostgresConnection,
  work: (session: PostgresClient) => Promise<T>,
): Promise<T> {
  if (!isPool(connection)) return work(connection);
  return onPooledClient(connection, work);
}
