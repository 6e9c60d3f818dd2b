import { WebhookStorageError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import {
  assertDedupeKey,
  assertDedupeToken,
  checkDedupeTtlMs,
  randomToken,
} from '../receiver/internal/dedupe-arguments.js';
import type { DedupeReservation, DedupeStore } from '../receiver/ports/dedupe-store.js';
import {
  boundedPurgeStatement,
  checkedRowCount,
  purgeLimit,
  quotedSchemaOption,
  runStoreQuery,
  storePoolOption,
} from './internal/dedupe-idempotency-query.js';
import type { PostgresConnection } from './postgres-connection.js';

/** Options of {@link PostgresDedupeStore}. */
export interface PostgresDedupeStoreOptions {
  /**
   * The pool the store queries: a `pg.Pool` on PostgreSQL, or a `pg.Pool` over PGlite
   * (`new pg.Pool(createPgConfig(pglite))`). The store never ends it. Run `migrate(pool)` first.
   */
  readonly pool: PostgresConnection;
  /**
   * The schema that holds the `dedupe_keys` table: the one given to `migrate()`. A lower-case
   * identifier (letters, digits, underscores).
   * @default 'novatrade_webhooks'
   */
  readonly schema?: string;
  /**
   * The current time in epoch **milliseconds**, sent with every statement. Leave it out in
   * production: the database's clock then decides every expiry, so receivers on several machines
   * agree on it whatever their own clocks say. Inject a fake clock in tests to step over leases
   * without sleeping. Read at every call.
   * @default the database clock (`statement_timestamp()`)
   */
  readonly now?: () => number;
}

/** Every option of {@link PostgresDedupeStoreOptions} (a type test keeps the list complete). */
export const POSTGRES_DEDUPE_STORE_OPTION_NAMES = [
  'pool',
  'schema',
  'now',
] as const satisfies readonly (keyof PostgresDedupeStoreOptions)[];

/** The purge's batch when `purgeExpired` is called without one. */
const DEFAULT_PURGE_LIMIT = 1_000;

const IN_PROGRESS: DedupeReservation = Object.freeze({ status: 'in_progress' });
const DONE: DedupeReservation = Object.freeze({ status: 'done' });

/**
 * "Now" in SQL, epoch ms: the injected clock's time in parameter `$n`, or the database's clock
 * when that parameter is NULL. `statement_timestamp()` is one value for the whole statement, so
 * every use of it in one statement agrees.
 */
const nowAt = (n: number) =>
  `coalesce($${n}::float8, extract(epoch from statement_timestamp())::float8 * 1000)`;

/** The statements of one schema, built once per store. */
function dedupeStatements(schema: string) {
  const table = `${schema}.dedupe_keys`;
  return {
    /**
     * $1 key, $2 new token, $3 lease ms, $4 now ms or NULL. A new key is inserted; an existing
     * one is taken over only if it expired (`expires_at_ms <= now`), else left as it is. The
     * conflict arm always updates (to the same values when the key is live), so that RETURNING
     * yields the row as this statement left it, read under the row lock that ON CONFLICT takes:
     * a key another session inserted or changed a moment ago is answered from its committed
     * state, never from this statement's older snapshot. Ours if it now carries our token.
     */
    reserve: `INSERT INTO ${table} AS d (key, state, token, expires_at_ms)
VALUES ($1, 'in_progress', $2, ${nowAt(4)} + $3::float8)
ON CONFLICT (key) DO UPDATE SET
  state = CASE WHEN d.expires_at_ms <= ${nowAt(4)} THEN EXCLUDED.state ELSE d.state END,
  token = CASE WHEN d.expires_at_ms <= ${nowAt(4)} THEN EXCLUDED.token ELSE d.token END,
  expires_at_ms = CASE WHEN d.expires_at_ms <= ${nowAt(4)} THEN EXCLUDED.expires_at_ms ELSE d.expires_at_ms END
RETURNING d.state, d.token = $2 AS reserved`,
    /** $1 key, $2 token, $3 window ms, $4 now ms or NULL: compare and set, one row at most. */
    complete: `UPDATE ${table}
SET state = 'done', expires_at_ms = ${nowAt(4)} + $3::float8
WHERE key = $1 AND token = $2 AND state = 'in_progress' AND expires_at_ms > ${nowAt(4)}`,
    /** $1 key, $2 token: compare and delete (an expired lease of this token goes too). */
    release: `DELETE FROM ${table} WHERE key = $1 AND token = $2 AND state = 'in_progress'`,
    /** $1 limit, $2 now ms or NULL: one bounded batch of expired keys. */
    purge: boundedPurgeStatement(table, nowAt(2)),
  };
}

/**
 * A {@link DedupeStore} on PostgreSQL (or PGlite), shared by any number of receiver processes:
 * one row per key in `<schema>.dedupe_keys` (created by `migrate()`), with its state
 * (`in_progress` or `done`), the token of the reservation that holds it, and its expiry. Each
 * call is **one statement**, so nothing can interleave between a check and a write:
 *
 * - `reserve`: `INSERT … ON CONFLICT (key) DO UPDATE` that takes the key over only when its row
 *   expired, `RETURNING` the row's state and whether it now carries this call's new random token.
 *   Concurrent reservations of one key queue on its row lock: exactly one gets `'reserved'`.
 * - `complete`: `UPDATE … SET state = 'done' WHERE key = $1 AND token = $2 AND state =
 *   'in_progress'` and the lease not expired.
 * - `release`: `DELETE … WHERE key = $1 AND token = $2 AND state = 'in_progress'`.
 *
 * So an attempt whose lease lapsed cannot complete or free a later attempt's reservation. A row
 * whose expiry has come counts as absent at once; {@link PostgresDedupeStore.purgeExpired} deletes
 * such rows in bounded batches to free the space (run it on a timer: see its example).
 *
 * **Time.** By default the database's clock decides every expiry (`statement_timestamp()`), so
 * receivers on several machines agree whatever their own clocks say. The `now` option sends the
 * caller's time instead (a fake clock in tests).
 *
 * Values are always bound parameters. A key is stored as `text`: the server refuses a key with a
 * NUL character (text cannot hold one) and one beyond its index's row limit (about 2,700 bytes
 * after compression), which surface as `storage_unavailable`; event ids and SHA-256 digests are
 * far from either.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, PostgresDedupeStore } from '@novatrade24/webhooks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const store = new PostgresDedupeStore({ pool });
 * const found = await store.reserve(event.id, 5 * 60 * 1000); // a 5-minute lease
 * if (found.status === 'reserved') {
 *   try {
 *     await handle(event);
 *     await store.complete(event.id, found.token, 30 * 24 * 60 * 60 * 1000); // done for 30 days
 *   } catch (error) {
 *     await store.release(event.id, found.token); // the sender's retry is processed again
 *     throw error;
 *   }
 * }
 * ```
 */
export class PostgresDedupeStore implements DedupeStore {
  readonly #pool: PostgresConnection;
  readonly #now: (() => number) | undefined;
  readonly #sql: ReturnType<typeof dedupeStatements>;

  /**
   * @param options - `pool` (required), `schema` (default `'novatrade_webhooks'`) and `now`
   *   (epoch ms; default: the database's clock).
   * @throws WebhookValidationError `invalid_option` naming `options`, `pool` (missing, or without
   *   a `query` method), `schema` (not a lower-case identifier), `now` (not a function) or an
   *   unknown option (with the nearest known name).
   */
  constructor(options: PostgresDedupeStoreOptions) {
    assertOptionsObject(options);
    assertKnownOptions(options, POSTGRES_DEDUPE_STORE_OPTION_NAMES, 'PostgresDedupeStore');
    this.#pool = storePoolOption(options.pool);
    this.#sql = dedupeStatements(quotedSchemaOption('PostgresDedupeStore', options.schema));
    const { now } = options;
    if (now !== undefined && typeof now !== 'function') {
      throw invalidOption(
        'now',
        `now must be a function returning epoch milliseconds; got ${describeValue(now)}.`,
        'invalid_type',
      );
    }
    this.#now = now;
  }

  /**
   * Takes `key` in progress for `ttlMs` milliseconds under a new random token, unless its row is
   * held and unexpired. One statement (see the class notes): across any number of processes,
   * concurrent reservations of one key give exactly one `'reserved'`.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param ttlMs - the in-progress lease, in milliseconds: a finite number ≥ 1, floored.
   * @returns `{ status: 'reserved', token }` if this call took the key (pass `token` to
   *   `complete` or `release`); `{ status: 'in_progress' }` if it is held and not completed;
   *   `{ status: 'done' }` if it was completed and its dedupe window has not expired.
   * @throws WebhookValidationError `invalid_option` naming `key` or `ttlMs`, or `now` if the
   *   injected clock returned something that is not a finite number; WebhookStorageError
   *   `storage_unavailable` if the query failed (the driver's error is the `cause`), or
   *   `storage_corrupt` if the row it returned is not one this store writes. All as rejections.
   * @example
   * ```ts
   * await store.reserve('evt_1', 60_000); // { status: 'reserved', token: '…' }
   * await store.reserve('evt_1', 60_000); // { status: 'in_progress' }
   * ```
   */
  async reserve(key: string, ttlMs: number): Promise<DedupeReservation> {
    assertDedupeKey(key);
    const ttl = checkDedupeTtlMs(ttlMs, 'PostgresDedupeStore.reserve');
    const token = randomToken();
    const { rows } = await runStoreQuery(
      this.#pool,
      'PostgresDedupeStore.reserve',
      this.#sql.reserve,
      [key, token, ttl, this.#readNow()],
    );
    const row = rows[0] as { state?: unknown; reserved?: unknown } | undefined;
    if (rows.length === 1 && row !== undefined) {
      if (row.reserved === true && row.state === 'in_progress')
        return { status: 'reserved', token };
      if (row.reserved === false && row.state === 'in_progress') return IN_PROGRESS;
      if (row.reserved === false && row.state === 'done') return DONE;
    }
    throw new WebhookStorageError(
      'storage_corrupt',
      `PostgresDedupeStore.reserve: expected one row with a state of "in_progress" or "done" from the reserve statement; got ${describeValue(rows)}. Check that the dedupe_keys table is the one migrate() created.`,
    );
  }

  /**
   * Marks `key` done for `ttlMs` milliseconds from now, if its row is still in progress with
   * `token` and its lease has not expired: one `UPDATE … WHERE key = $1 AND token = $2 AND state
   * = 'in_progress'`. Otherwise (an unknown, expired or done key, another attempt's token)
   * nothing changes.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param token - the token `reserve` returned to this attempt (a non-empty string).
   * @param ttlMs - the dedupe window, in milliseconds from now: a finite number ≥ 1, floored.
   * @returns `true` if the key is now done; `false` if the reservation had lapsed or belongs to
   *   another attempt.
   * @throws WebhookValidationError `invalid_option` naming `key`, `token`, `ttlMs` or `now`;
   *   WebhookStorageError `storage_unavailable` if the query failed (the driver's error is the
   *   `cause`). Both as rejections.
   * @example
   * ```ts
   * await store.complete('evt_1', found.token, 30 * 24 * 60 * 60 * 1000); // true: 'done' for 30 days
   * ```
   */
  async complete(key: string, token: string, ttlMs: number): Promise<boolean> {
    assertDedupeKey(key);
    assertDedupeToken(token);
    const ttl = checkDedupeTtlMs(ttlMs, 'PostgresDedupeStore.complete');
    const operation = 'PostgresDedupeStore.complete';
    const { rowCount } = await runStoreQuery(this.#pool, operation, this.#sql.complete, [
      key,
      token,
      ttl,
      this.#readNow(),
    ]);
    return checkedRowCount(operation, rowCount, 1) === 1;
  }

  /**
   * Deletes the row of `key` if it is in progress with `token`: one `DELETE … WHERE key = $1 AND
   * token = $2 AND state = 'in_progress'`. Anything else (an unknown key, a done key, another
   * attempt's reservation) is left alone and is not an error.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param token - the token `reserve` returned to this attempt (a non-empty string).
   * @throws WebhookValidationError `invalid_option` naming `key` or `token`; WebhookStorageError
   *   `storage_unavailable` if the query failed (the driver's error is the `cause`). Both as
   *   rejections.
   * @example
   * ```ts
   * await store.release('evt_1', found.token); // the sender's next retry is processed again
   * ```
   */
  async release(key: string, token: string): Promise<void> {
    assertDedupeKey(key);
    assertDedupeToken(token);
    await runStoreQuery(this.#pool, 'PostgresDedupeStore.release', this.#sql.release, [key, token]);
  }

  /**
   * Deletes up to `limit` rows expired by now (in progress or done), oldest expiry first: one
   * bounded `DELETE`. Expired rows already count as absent, so this only frees space; rows that
   * another session holds locked at that moment (a reserve taking one over, a concurrent purge)
   * are skipped, not waited for. Repeat while a call returns `limit`, yielding between batches;
   * run it from a timer in one or more processes (concurrent purges skip each other's rows).
   *
   * @param limit - most rows deleted by this call: an integer from 1 to 100,000.
   * @default limit 1,000
   * @returns how many rows were deleted, 0 to `limit`.
   * @throws WebhookValidationError `invalid_option` naming `limit` or `now`; WebhookStorageError
   *   `storage_unavailable` if the query failed (the driver's error is the `cause`). Both as
   *   rejections.
   * @example
   * ```ts
   * setInterval(async () => {
   *   try {
   *     while ((await store.purgeExpired(1_000)) === 1_000) await setImmediatePromise();
   *   } catch (error) {
   *     log.warn({ err: error }, 'dedupe purge failed'); // retried on the next tick
   *   }
   * }, 60_000).unref();
   * ```
   */
  async purgeExpired(limit: number = DEFAULT_PURGE_LIMIT): Promise<number> {
    const operation = 'PostgresDedupeStore.purgeExpired';
    const max = purgeLimit(operation, limit);
    const { rowCount } = await runStoreQuery(this.#pool, operation, this.#sql.purge, [
      max,
      this.#readNow(),
    ]);
    return checkedRowCount(operation, rowCount, max);
  }

  /** The injected clock's time, checked; `null` (the database's clock) without one. */
  #readNow(): number | null {
    if (this.#now === undefined) return null;
    const nowMs: unknown = this.#now();
    if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
      throw invalidOption(
        'now',
        `now() must return finite epoch milliseconds; got ${typeof nowMs === 'number' ? String(nowMs) : describeValue(nowMs)}.`,
        'invalid_type',
      );
    }
    return nowMs;
  }
}
