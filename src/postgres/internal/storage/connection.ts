// PostgresStorage's way to the database: single statements and transactions on the caller's
// pool (or one client), and the one place a driver error becomes a storage error. Messages name
// the operation, the SQLSTATE and the constraint or column, never a value (docs/design.md §5.20):
// the driver's error, which may quote a row, stays the `cause`.

import { createHash } from 'node:crypto';
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

/**
 * A statement the storage runs often, sent as a named (prepared) statement where the connection
 * takes pg's config form (see {@link StorageConnection}): each session then parses and plans it
 * once, not on every call. `name` is `nwh_` and a hash of `text` (which holds the schema), so it
 * is stable and unique per text and schema.
 */
export interface HotStatement {
  readonly text: string;
  readonly name: string;
}

/** `text` as a {@link HotStatement}. */
export function hot(text: string): HotStatement {
  return { text, name: `nwh_${createHash('sha256').update(text).digest('hex').slice(0, 24)}` };
}

/** What {@link StorageConnection} runs: plain text (unnamed) or a hot statement. */
export type StatementText = string | HotStatement;

/** Runs statements in order on one session (inside a transaction). */
export type Statement = (text: StatementText, values: unknown[]) => Promise<PostgresQueryResult>;

/** pg's config form of `query` (`pg.Pool`, `pg.Client` and the clients a pg Pool hands out). */
type NamedQuery = (config: {
  name: string;
  text: string;
  values: unknown[];
}) => Promise<PostgresQueryResult>;

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
 *
 * Named statements. A {@link HotStatement} goes as pg's `query({ name, text, values })` when the
 * connection is pg's own (a `pg.Pool`, its clients, or a connected `pg.Client`: see
 * {@link takesNamedStatements}), so each session prepares it once; any other connection (one that
 * only has `query(text, values)`) gets the text, unnamed, as before. A prepared statement is the
 * session's until it ends, so two changes to the database can break one, and each is healed by
 * running the call again once, which is safe because the statement failed before it ran (and a
 * transaction rolled back):
 * - `migrate()` changed a table a statement reads, so that its result has other column types:
 *   the server refuses the old plan ("cached plan must not change result type", SQLSTATE 0A000).
 *   The names get a suffix no storage of this process used before, and every session prepares
 *   them anew (the old ones stay until the session ends: a few kilobytes per change).
 * - The session lost its prepared statements (`DISCARD ALL`, a transaction-mode pooler: 26000),
 *   or another adapter on the same embedded session prepared a name first (42P05): named
 *   statements are turned off for this storage.
 */
export class StorageConnection {
  readonly #connection: PostgresConnection;
  readonly #pooled: boolean;
  /** Whether hot statements go named (pg's config form), while nothing has turned it off. */
  #named: boolean;
  /** Suffix of the names after a change of result type (0: none). */
  #generation = 0;
  /** For one client: the end of the last queued call. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(connection: PostgresConnection) {
    this.#connection = connection;
    this.#pooled = isPool(connection);
    this.#named = takesNamedStatements(connection);
  }

  /** Whether hot statements are sent named (for tests and diagnostics). */
  get namedStatements(): boolean {
    return this.#named;
  }

  /** One statement (autocommit). */
  async query(
    operation: string,
    text: StatementText,
    values: unknown[],
    conflict?: ConflictMapper,
  ): Promise<PostgresQueryResult> {
    return this.#exclusive(async () => {
      try {
        return await this.#healing((session) => this.#send(session, text, values));
      } catch (error) {
        throw storageFailure(operation, error, conflict);
      }
    });
  }

  /**
   * `work` in one READ COMMITTED transaction on one session: committed when it resolves, rolled
   * back when it rejects (a session whose rollback may not have gone through is closed, not
   * reused). `work` may run twice (see the class's "Named statements"): it must only run
   * statements.
   */
  async transaction<T>(
    operation: string,
    work: (statement: Statement) => Promise<T>,
    conflict?: ConflictMapper,
  ): Promise<T> {
    return this.#exclusive(async () => {
      try {
        return await this.#healing((session) =>
          inTransaction(session, work, (text, values) => this.#send(session, text, values)),
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

  /** `run` on a session, once more after a failure of a prepared statement it can heal. */
  async #healing<T>(run: (session: PostgresClient) => Promise<T>): Promise<T> {
    try {
      return await this.#onSession(run);
    } catch (error) {
      // Whatever this.#named says now: a concurrent call may have turned naming off (or moved
      // the suffix on) after this one sent its statement named, and this one heals all the same.
      // Only prepared statements fail with these codes, so an unnamed one never retries.
      if (!this.#heal(error instanceof SessionLost ? error.cause : error)) throw error;
      return this.#onSession(run);
    }
  }

  #onSession<T>(run: (session: PostgresClient) => Promise<T>): Promise<T> {
    if (!this.#pooled) return run(this.#connection);
    return onPooledClient(this.#connection as PostgresPool, run, refusedByServer);
  }

  /** Whether `error` is a prepared statement's failure, after taking the measure it calls for. */
  #heal(error: unknown): boolean {
    const { sqlState } = driverFailure(error);
    if (sqlState === '0A000' && isStalePlan(error)) {
      // A suffix no storage of this process used yet: other storages on the same sessions may
      // hold statements of an earlier suffix prepared before yet another change.
      generations++;
      this.#generation = generations;
      return true;
    }
    if (sqlState === '26000' || sqlState === '42P05') {
      this.#named = false;
      return true;
    }
    return false;
  }

  #send(session: PostgresClient, text: StatementText, values: unknown[]) {
    if (typeof text === 'string') return session.query(text, values);
    if (!this.#named) return session.query(text.text, values);
    const name = this.#generation === 0 ? text.name : `${text.name}_${this.#generation}`;
    return (session.query as unknown as NamedQuery).call(session, {
      name,
      text: text.text,
      values,
    });
  }

  async #exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.#pooled) return run();
    const result = this.#tail.then(run, run);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Whether a 0A000 is "cached plan must not change result type": by the server's routine (not
 * translated, unlike the message under another `lc_messages`), else by the English message.
 */
function isStalePlan(error: unknown): boolean {
  const { routine, message } = (error ?? {}) as { routine?: unknown; message?: unknown };
  return (
    routine === 'RevalidateCachedQuery' ||
    /cached plan must not change result type/.test(String(message))
  );
}

/** The last name suffix any storage of this process took (see `StorageConnection.#heal`). */
let generations = 0;

/**
 * Whether `connection` is pg's own, whose `query` takes the config form with a `name`: a pg-pool
 * `Pool` (it has the `Client` class it makes clients with, and hands out pg clients), or a
 * `pg.Client` (its protocol connection keeps the session's `parsedStatements`). A pool over
 * PGlite (`createPgConfig`) is one too: its clients speak the extended protocol to the embedded
 * session. Anything else, a wrapper with `query(text, values)` only, gets plain text.
 */
export function takesNamedStatements(connection: PostgresConnection): boolean {
  const candidate = connection as {
    Client?: unknown;
    options?: unknown;
    connection?: { parsedStatements?: unknown } | null;
  };
  if (isPool(connection)) {
    return typeof candidate.Client === 'function' && typeof candidate.options === 'object';
  }
  return (
    typeof candidate.connection === 'object' &&
    candidate.connection !== null &&
    typeof candidate.connection.parsedStatements === 'object'
  );
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
  statement: Statement,
): Promise<T> {
  await session.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  let result: T;
  try {
    result = await work(statement);
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
