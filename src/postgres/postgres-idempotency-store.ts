import { WebhookStorageError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { randomToken } from '../receiver/internal/dedupe-arguments.js';
import type {
  BeginIdempotentInput,
  CompleteIdempotentInput,
  IdempotencyBegin,
  IdempotencyStore,
} from '../sender/ports/idempotency-store.js';
import type { IdempotencyResponse } from '../sender/records.js';
import {
  boundedPurgeStatement,
  checkedRowCount,
  purgeLimit,
  quotedSchemaOption,
  runStoreQuery,
  storePoolOption,
} from './internal/dedupe-idempotency-query.js';
import type { PostgresConnection } from './postgres-connection.js';

/** Options of {@link PostgresIdempotencyStore}. */
export interface PostgresIdempotencyStoreOptions {
  /**
   * The pool the store queries: a `pg.Pool` on PostgreSQL, or a `pg.Pool` over PGlite
   * (`new pg.Pool(createPgConfig(pglite))`). The store never ends it. Run `migrate(pool)` first.
   */
  readonly pool: PostgresConnection;
  /**
   * The schema that holds the `idempotency_records` table: the one given to `migrate()`. A
   * lower-case identifier (letters, digits, underscores).
   * @default 'novatrade_webhooks'
   */
  readonly schema?: string;
}

/** Every option of {@link PostgresIdempotencyStoreOptions} (a type test keeps the list complete). */
export const POSTGRES_IDEMPOTENCY_STORE_OPTION_NAMES = [
  'pool',
  'schema',
] as const satisfies readonly (keyof PostgresIdempotencyStoreOptions)[];

/** Epoch ms in parameter `$n`. */
const at = (n: number) => `$${n}::float8`;
/** Epoch ms in `$n` plus ms in `$m`. */
const atPlus = (n: number, m: number) => `$${n}::float8 + $${m}::float8`;

/** The statements of one schema, built once per store. */
function idempotencyStatements(schema: string) {
  const table = `${schema}.idempotency_records`;
  /** `column = EXCLUDED.column` when the stored record had expired, else unchanged. */
  const ifExpired = (column: string) =>
    `${column} = CASE WHEN r.expires_at_ms <= EXCLUDED.created_at_ms THEN EXCLUDED.${column} ELSE r.${column} END`;
  return {
    /**
     * $1 scope, $2 body hash, $3 now ms, $4 in-flight ms, $5 a new random token (made in
     * JavaScript: gen_random_uuid() needs PostgreSQL 13). A new scope is inserted in flight with
     * that token; an existing record is replaced only if it expired (its
     * `expires_at_ms` at or before now: EXCLUDED.created_at_ms). The conflict arm always updates
     * (to the same values when the record is live), so RETURNING yields the record as this
     * statement left it, read under the row lock ON CONFLICT takes: concurrent begins of one
     * scope queue on it, and exactly one finds its own token there (`started`).
     */
    begin: `INSERT INTO ${table} AS r
  (scope, body_hash, state, token, response_status, response_headers, response_body, created_at_ms, expires_at_ms)
VALUES ($1, $2, 'in_flight', $5::text, NULL, NULL, NULL, ${at(3)}, ${atPlus(3, 4)})
ON CONFLICT (scope) DO UPDATE SET
  ${['body_hash', 'state', 'token', 'response_status', 'response_headers', 'response_body', 'created_at_ms', 'expires_at_ms'].map(ifExpired).join(',\n  ')}
RETURNING r.token = $5::text AS started, r.token, r.body_hash = $2 AS same_body,
  r.state, r.response_status, r.response_headers::text AS response_headers, r.response_body`,
    /**
     * $1 scope, $2 body hash, $3 token, $4 status, $5 headers (JSON array of pairs, or NULL),
     * $6 body, $7 now ms, $8 ttl ms. Completes the in-flight record this token began, or, with
     * no live record, stores a completed one; a live record that is completed or another token's
     * is left alone (the conflict arm's WHERE).
     */
    complete: `INSERT INTO ${table} AS r
  (scope, body_hash, state, token, response_status, response_headers, response_body, created_at_ms, expires_at_ms)
VALUES ($1, $2, 'completed', $3, $4, $5::jsonb, $6, ${at(7)}, ${atPlus(7, 8)})
ON CONFLICT (scope) DO UPDATE SET
  ${ifExpired('body_hash')},
  ${ifExpired('created_at_ms')},
  state = 'completed',
  token = EXCLUDED.token,
  response_status = EXCLUDED.response_status,
  response_headers = EXCLUDED.response_headers,
  response_body = EXCLUDED.response_body,
  expires_at_ms = EXCLUDED.expires_at_ms
WHERE r.expires_at_ms <= EXCLUDED.created_at_ms OR (r.state = 'in_flight' AND r.token = EXCLUDED.token)`,
    /** $1 scope, $2 token: compare and delete. */
    abandon: `DELETE FROM ${table} WHERE scope = $1 AND token = $2 AND state = 'in_flight'`,
    /** $1 limit, $2 now ms: one bounded batch of expired records. */
    purge: boundedPurgeStatement(table, at(2)),
  };
}

/** A row of the begin statement. */
interface BeginRow {
  readonly started?: unknown;
  readonly token?: unknown;
  readonly same_body?: unknown;
  readonly state?: unknown;
  readonly response_status?: unknown;
  readonly response_headers?: unknown;
  readonly response_body?: unknown;
}

const MISMATCH: IdempotencyBegin = Object.freeze({ outcome: 'mismatch' });
const IN_FLIGHT: IdempotencyBegin = Object.freeze({ outcome: 'in_flight' });

/**
 * Idempotency-Key records on PostgreSQL (or PGlite), shared by every process of an API
 * (docs/design.md §5.10, §5.27): one row per scope in `<schema>.idempotency_records` (created by
 * `migrate()`), with the body hash, the state (`in_flight` or `completed`), the token of the
 * `begin` that started it (16 random bytes, base64url), the stored response and the expiry. Every
 * method is **one statement**:
 *
 * - `begin`: `INSERT … ON CONFLICT (scope) DO UPDATE` that replaces the record only when it
 *   expired, `RETURNING` it: concurrent begins of one scope, from any number of processes, give
 *   exactly one `started`.
 * - `complete`: `INSERT … ON CONFLICT (scope) DO UPDATE … WHERE` the record expired or is the
 *   in-flight record of this token: the first response wins, another request's record is left
 *   alone, and with no live record the response is still stored.
 * - `abandon`: `DELETE … WHERE scope = $1 AND token = $2 AND state = 'in_flight'`.
 * - `purgeExpired`: one bounded `DELETE` of up to `limit` expired records.
 *
 * Times are the arguments' (`nowMs`), never the database's clock. A record whose expiry has come
 * counts as absent at once; the sender's `purgeExpired` deletes it. The response headers are
 * stored as a JSON array of `[name, value]` pairs, so they replay with the same names in the same
 * order. The response body may hold a one-time secret (an endpoint's signing secret): it is
 * stored as written, so keep the table's privileges as tight as the delivery tables'.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, PostgresIdempotencyStore } from '@novatrade24/webhooks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const sender = new WebhookSender({
 *   transport: new HttpTransport(),
 *   idempotencyStore: new PostgresIdempotencyStore({ pool }),
 * });
 * ```
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly #pool: PostgresConnection;
  readonly #sql: ReturnType<typeof idempotencyStatements>;

  /**
   * @param options - `pool` (required) and `schema` (default `'novatrade_webhooks'`).
   * @throws WebhookValidationError `invalid_option` naming `options`, `pool` (missing, or without
   *   a `query` method), `schema` (not a lower-case identifier) or an unknown option (with the
   *   nearest known name).
   */
  constructor(options: PostgresIdempotencyStoreOptions) {
    assertOptionsObject(options);
    assertKnownOptions(
      options,
      POSTGRES_IDEMPOTENCY_STORE_OPTION_NAMES,
      'PostgresIdempotencyStore',
    );
    this.#pool = storePoolOption(options.pool);
    this.#sql = idempotencyStatements(
      quotedSchemaOption('PostgresIdempotencyStore', options.schema),
    );
  }

  /**
   * `IdempotencyStore.begin` in one statement (see the class notes).
   *
   * @returns `started` with a new token, `replay` with a copy of the stored response,
   *   `mismatch` or `in_flight`.
   * @throws WebhookValidationError `invalid_option` naming `nowMs` or `inFlightTtlMs` if it is not
   *   a finite number; WebhookStorageError `storage_unavailable` if the query failed (the
   *   driver's error is the `cause`), `storage_corrupt` if the row is not one this store writes.
   *   All as rejections.
   * @example
   * ```ts
   * const begun = await store.begin({ scope, bodyHash, nowMs: Date.now(), ttlMs: 86_400_000, inFlightTtlMs: 300_000 });
   * ```
   */
  async begin(input: BeginIdempotentInput): Promise<IdempotencyBegin> {
    const operation = 'PostgresIdempotencyStore.begin';
    const { rows } = await runStoreQuery(this.#pool, operation, this.#sql.begin, [
      input.scope,
      input.bodyHash,
      finiteMs(operation, 'nowMs', input.nowMs),
      finiteMs(operation, 'inFlightTtlMs', input.inFlightTtlMs),
      randomToken(),
    ]);
    const row = rows[0] as BeginRow | undefined;
    if (rows.length === 1 && row !== undefined) {
      const found = readBegin(row);
      if (found !== undefined) return found;
    }
    throw new WebhookStorageError(
      'storage_corrupt',
      `${operation}: expected one idempotency record from the begin statement; got ${describeValue(rows)}, or a record with a field of another type. Check that the idempotency_records table is the one migrate() created.`,
    );
  }

  /**
   * `IdempotencyStore.complete` in one statement (see the class notes): nothing is returned,
   * whether the response was stored or left out.
   *
   * @throws WebhookValidationError `invalid_option` naming `nowMs` or `ttlMs` if it is not a
   *   finite number; WebhookStorageError `storage_unavailable` if the query failed (the driver's
   *   error is the `cause`). Both as rejections.
   * @example
   * ```ts
   * await store.complete({ scope, token, bodyHash, response: { status: 201, body }, nowMs: Date.now(), ttlMs: 86_400_000 });
   * ```
   */
  async complete(input: CompleteIdempotentInput): Promise<void> {
    const operation = 'PostgresIdempotencyStore.complete';
    const { status, headers, body } = input.response;
    await runStoreQuery(this.#pool, operation, this.#sql.complete, [
      input.scope,
      input.bodyHash,
      input.token,
      status,
      headers === undefined ? null : JSON.stringify(Object.entries(headers)),
      body,
      finiteMs(operation, 'nowMs', input.nowMs),
      finiteMs(operation, 'ttlMs', input.ttlMs),
    ]);
  }

  /**
   * `IdempotencyStore.abandon`: one `DELETE … WHERE scope = $1 AND token = $2 AND state =
   * 'in_flight'`.
   *
   * @throws WebhookStorageError `storage_unavailable` if the query failed (the driver's error is
   *   the `cause`), as a rejection.
   * @example
   * ```ts
   * await store.abandon(scope, token);
   * ```
   */
  async abandon(scope: string, token: string): Promise<void> {
    await runStoreQuery(this.#pool, 'PostgresIdempotencyStore.abandon', this.#sql.abandon, [
      scope,
      token,
    ]);
  }

  /**
   * `IdempotencyStore.purgeExpired`: one `DELETE` of up to `limit` records expired at `nowMs`,
   * oldest expiry first; records another session holds locked at that moment are skipped, not
   * waited for (a concurrent purge of another process, a begin taking one over).
   *
   * @param nowMs - now, epoch ms: records with `expires_at_ms` at or before it go.
   * @param limit - most records deleted: an integer from 1 to 100,000.
   * @returns how many records were deleted, 0 to `limit`.
   * @throws WebhookValidationError `invalid_option` naming `nowMs` or `limit`;
   *   WebhookStorageError `storage_unavailable` if the query failed (the driver's error is the
   *   `cause`). Both as rejections.
   * @example
   * ```ts
   * await store.purgeExpired(Date.now(), 1_000); // the sender repeats it while it returns 1,000
   * ```
   */
  async purgeExpired(nowMs: number, limit: number): Promise<number> {
    const operation = 'PostgresIdempotencyStore.purgeExpired';
    const max = purgeLimit(operation, limit);
    const { rowCount } = await runStoreQuery(this.#pool, operation, this.#sql.purge, [
      max,
      finiteMs(operation, 'nowMs', nowMs),
    ]);
    return checkedRowCount(operation, rowCount, max);
  }
}

/**
 * `value` if it is a finite number (epoch ms or a duration from the sender), else an
 * `invalid_option` naming `name`: PostgreSQL would refuse it as a timestamp, which is the
 * caller's mistake, not an outage.
 */
function finiteMs(operation: string, name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw invalidOption(
    name,
    `${operation}: \`${name}\` must be a finite number of milliseconds; got ${typeof value === 'number' ? String(value) : describeValue(value)}.`,
    'invalid_type',
  );
}

/** What a begin row says, or `undefined` when a field is not what this store writes. */
function readBegin(row: BeginRow): IdempotencyBegin | undefined {
  if (row.started === true) {
    return typeof row.token === 'string' && row.token !== ''
      ? { outcome: 'started', token: row.token }
      : undefined;
  }
  if (row.started !== false) return undefined;
  if (row.same_body === false) return MISMATCH;
  if (row.same_body !== true) return undefined;
  if (row.state === 'in_flight') return IN_FLIGHT;
  if (row.state !== 'completed') return undefined;
  const response = readResponse(row);
  return response === undefined ? undefined : { outcome: 'replay', response };
}

/** The stored response of a completed row, a new object; `undefined` if it is malformed. */
function readResponse(row: BeginRow): IdempotencyResponse | undefined {
  const status = row.response_status;
  const body = row.response_body;
  if (typeof status !== 'number' || !Number.isInteger(status) || typeof body !== 'string') {
    return undefined;
  }
  if (row.response_headers === null) return { status, body };
  if (typeof row.response_headers !== 'string') return undefined;
  let pairs: unknown;
  try {
    pairs = JSON.parse(row.response_headers);
  } catch {
    return undefined;
  }
  if (!Array.isArray(pairs)) return undefined;
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const [name, value] = pair as unknown[];
    if (typeof name !== 'string' || typeof value !== 'string') return undefined;
    // defineProperty, not assignment: a header named `__proto__` stays a header.
    Object.defineProperty(headers, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { status, headers, body };
}
