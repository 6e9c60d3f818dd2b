// PostgresStorage's way to the database: single statements and transactions on the caller's
// pool (or one client), and the one place a driver error becomes a storage error. Messages name
// the operation, the SQLSTATE and the constraint or column, never a value (docs/design.md §5.20):
// the driver's error, which may quote a row, stays the `cause`.

import { WebhookConflictError, WebhookStorageError } from '../../../core/errors.js';
import type {
  PostgresClient,
  PostgresConnection,
  PostgresPool,
  PostgresQueryResult,
} from '../../postgres-connection.js';
import { isPool, onPooledClient } from '../with-session.js';

/** What a failed statement reported, read from the driver's error (codes only). */
export interface DriverFailure {
  /** The SQLSTATE, e.g. `23505`. */
  readonly sqlState: string | undefined;
  readonly constraint: string | undefined;
  readonly column: string | undefined;
}

/** Turns a failure the operation expects (a unique violation, …) into a conflict; else undefined. */
export type ConflictMapper = (failure: DriverFailure) => WebhookConflictError | undefined;

/** Runs statements in order on one session (inside a transaction). */
export type Statement = (text: string, values: unknown[]) => Promise<PostgresQueryResult>;

const SQLSTATE = /^[0-9A-Z]{5}$/;
const SYSTEM_ERROR_CODE = /^E[A-Z0-9_]{1,40}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

function field(error: unknown, name: string, pattern: RegExp): string | undefined {
  const value = (error as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}

/** The codes of a driver error (only values that match their formats). */
export function driverFailure(error: unknown): DriverFailure {
  return {
    sqlState: field(error, 'code', SQLSTATE),
    constraint: field(error, 'constraint', IDENTIFIER),
    column: field(error, 'column', IDENTIFIER),
  };
}

/** The error a failed statement becomes: a mapped conflict, else `storage_unavailable`. */
export function storageFailure(
  operation: string,
  error: unknown,
  conflict?: ConflictMapper,
): Error {
  if (error instanceof WebhookConflictError || error instanceof WebhookStorageError) return error;
  const failure = driverFailure(error);
  const mapped = conflict?.(failure);
  if (mapped !== undefined) return mapped;
  const details: string[] = [];
  if (failure.sqlState !== undefined) details.push(`SQLSTATE ${failure.sqlState}`);
  else {
    const system = field(error, 'code', SYSTEM_ERROR_CODE);
    if (system !== undefined) details.push(system);
  }
  if (failure.constraint !== undefined) details.push(`constraint ${failure.constraint}`);
  if (failure.column !== undefined) details.push(`column ${failure.column}`);
  const detail = details.length > 0 ? ` (${details.join(', ')})` : '';
  return new WebhookStorageError(
    'storage_unavailable',
    `${operation}: the PostgreSQL query failed${detail}; check the connection and that migrate() has run on this schema (see cause).`,
    { cause: error },
  );
}

/**
 * The storage's connection. A pool runs each statement on a client it checks out, and a
 * transaction on one client. One client is shared: its statements and transactions run one after
 * another here, so that no statement of another call lands inside a transaction.
 *
 * A statement the server refused (an error with a SQLSTATE: a unique violation, say) leaves its
 * session usable, and the client goes back to the pool; only a session in an unknown state (a
 * dropped connection, a rollback that failed) is closed. `pool.query` would close the client on
 * any error, which over PGlite, whose pool has one client on one embedded session, ends the pool
 * for good.
 */
export class StorageConnection {
  readonly #connection: PostgresConnection;
  readonly #pooled: boolean;
  /** For one client: the end of the last queued call. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(connection: PostgresConnection) {
    this.#connection = connection;
    this.#pooled = isPool(connection);
  }

  /** One statement (autocommit). */
  async query(
    operation: string,
    text: string,
    values: unknown[],
    conflict?: ConflictMapper,
  ): Promise<PostgresQueryResult> {
    return this.#exclusive(async () => {
      try {
        if (!this.#pooled) return await this.#connection.query(text, values);
        return await onPooledClient(
          this.#connection as PostgresPool,
          (session) => session.query(text, values),
          refusedByServer,
        );
      } catch (error) {
        throw storageFailure(operation, error, conflict);
      }
    });
  }

  /**
   * `work` in one READ COMMITTED transaction on one session: committed when it resolves, rolled
   * back when it rejects (a session whose rollback may not have gone through is closed, not
   * reused).
   */
  async transaction<T>(
    operation: string,
    work: (statement: Statement) => Promise<T>,
    conflict?: ConflictMapper,
  ): Promise<T> {
    return this.#exclusive(async () => {
      try {
        if (!this.#pooled) return await inTransaction(this.#connection, work);
        return await onPooledClient(
          this.#connection as PostgresPool,
          (session) => inTransaction(session, work),
          refusedByServer,
        );
      } catch (error) {
        // A failed rollback closed the session; the caller hears the error that caused it.
        throw storageFailure(
          operation,
          error instanceof SessionLost ? error.cause : error,
          conflict,
        );
      }
    });
  }

  async #exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.#pooled) return run();
    const result = this.#tail.then(run, run);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** Whether the server refused a statement (the session itself is fine). */
function refusedByServer(error: unknown): boolean {
  return driverFailure(error).sqlState !== undefined && !(error instanceof SessionLost);
}

/** A session whose state is unknown after a failed rollback. */
class SessionLost extends Error {
  constructor(cause: unknown) {
    super('The rollback failed: the session is closed.', { cause });
    this.name = 'SessionLost';
  }
}

async function inTransaction<T>(
  session: PostgresClient,
  work: (statement: Statement) => Promise<T>,
): Promise<T> {
  await session.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  let result: T;
  try {
    result = await work((text, values) => session.query(text, values));
  } catch (error) {
    try {
      await session.query('ROLLBACK');
    } catch {
      throw new SessionLost(error);
    }
    throw error;
  }
  await session.query('COMMIT');
  return result;
}
