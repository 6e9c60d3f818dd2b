import { WebhookStorageError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { randomToken } from '../receiver/internal/dedupe-arguments.js';
import {
  assertInboxKey,
  assertInboxToken,
  checkInboxClaim,
  checkInboxEntry,
  checkInboxFailure,
  checkInboxLimit,
} from '../receiver/internal/inbox-arguments.js';
import type {
  Inbox,
  InboxClaim,
  InboxClaimOptions,
  InboxEntry,
  InboxFailure,
} from '../receiver/ports/inbox.js';
import {
  checkedRowCount,
  quotedSchemaOption,
  runStoreQuery,
  storePoolOption,
} from './internal/dedupe-idempotency-query.js';
import type { PostgresConnection } from './postgres-connection.js';

/** Options of {@link PostgresInbox}. */
export interface PostgresInboxOptions {
  /**
   * The pool the inbox queries: a `pg.Pool` on PostgreSQL, or a `pg.Pool` over PGlite
   * (`new pg.Pool(createPgConfig(pglite))`). The inbox never ends it. Run `migrate(pool)` first.
   */
  readonly pool: PostgresConnection;
  /**
   * The schema that holds the `inbox_entries` table: the one given to `migrate()`. A lower-case
   * identifier (letters, digits, underscores).
   * @default 'novatrade_webhooks'
   */
  readonly schema?: string;
}

/** Every option of {@link PostgresInboxOptions} (a type test keeps the list complete). */
export const POSTGRES_INBOX_OPTION_NAMES = [
  'pool',
  'schema',
] as const satisfies readonly (keyof PostgresInboxOptions)[];

/** The columns an entry is read back from, in every statement that returns rows. */
const ENTRY_COLUMNS =
  'key, seq, event, received_at_ms, attempts, last_failure_code, last_failure_at_ms';

/** The statements of one schema, built once per inbox. Values are always bound parameters. */
function inboxStatements(schema: string) {
  const table = `${schema}.inbox_entries`;
  return {
    /** $1 key, $2 event (JSON text), $3 received ms, $4 attempts, $5/$6 last failure or NULLs. */
    add: `INSERT INTO ${table}
  (key, event, received_at_ms, attempts, last_failure_code, last_failure_at_ms)
VALUES ($1, $2::json, $3, $4, $5, $6)
ON CONFLICT (key) DO NOTHING`,
    /**
     * $1 limit, $2 now ms, $3 lease ms, $4 a new random token (made in JavaScript:
     * gen_random_uuid() needs PostgreSQL 13). The oldest rows without a live lease, through the
     * (received_at_ms, seq) index, locked SKIP LOCKED (rows another claim is taking are passed
     * over, never waited for); a row that another claim leased and committed in between is
     * checked again on its latest version and dropped. Each gets its own token: the random one,
     * a dot, and the row's seq.
     */
    claim: `WITH picked AS (
  SELECT key FROM ${table}
  WHERE lease_expires_at_ms <= $2
  ORDER BY received_at_ms, seq
  LIMIT $1
  FOR UPDATE SKIP LOCKED
)
UPDATE ${table} AS i
SET lease_token = $4::text || '.' || i.seq::text, lease_expires_at_ms = $2 + $3::float8
FROM picked WHERE i.key = picked.key
RETURNING i.key, i.seq, i.event, i.received_at_ms, i.attempts, i.last_failure_code,
  i.last_failure_at_ms, i.lease_token`,
    /**
     * $1 key, $2 now ms, $3 lease ms, $4 a new random token: that one row, if no live lease holds
     * it, under the token made as in `claim`. A concurrent claim of the same row waits for the row
     * lock and then finds the new lease: one of them wins.
     */
    claimKey: `UPDATE ${table}
SET lease_token = $4::text || '.' || seq::text, lease_expires_at_ms = $2 + $3::float8
WHERE key = $1 AND lease_expires_at_ms <= $2
RETURNING ${ENTRY_COLUMNS}, lease_token`,
    /** $1 key, $2 token: compare and delete. */
    complete: `DELETE FROM ${table} WHERE key = $1 AND lease_token = $2`,
    /** $1 key, $2 token, $3 code, $4 at ms: compare and set; the token is spent, the expiry kept. */
    fail: `UPDATE ${table}
SET attempts = attempts + 1, last_failure_code = $3, last_failure_at_ms = $4, lease_token = NULL
WHERE key = $1 AND lease_token = $2`,
    /** $1 limit: read-only. */
    pending: `SELECT ${ENTRY_COLUMNS} FROM ${table} ORDER BY received_at_ms, seq LIMIT $1`,
  };
}

/** A row as the statements return it, with its order for sorting. */
interface EntryRow {
  readonly entry: InboxEntry;
  readonly seq: bigint;
}

/**
 * An {@link Inbox} on PostgreSQL (or PGlite) for the `async` ack mode, shared by any number of
 * receiver processes: one row per pending entry in `<schema>.inbox_entries` (created by
 * `migrate()`), with the event as `json`, its attempts and last failure, and the lease of the
 * claim processing it. Each call is **one statement**:
 *
 * - `add`: `INSERT … ON CONFLICT (key) DO NOTHING`.
 * - `claim`: `UPDATE … SET lease_token = <random>.<seq>, lease_expires_at_ms = now + lease` (the
 *   random part, 16 bytes as base64url, is made in JavaScript for each call) over the oldest rows
 *   whose lease lapsed, picked `FOR UPDATE SKIP LOCKED`, `RETURNING` them: concurrent claims (in
 *   one process or many) never get the same row.
 * - `complete`: `DELETE … WHERE key = $1 AND lease_token = $2`.
 * - `fail`: `UPDATE … SET attempts = attempts + 1, last_failure_… , lease_token = NULL WHERE key =
 *   $1 AND lease_token = $2`.
 * - `pending`: a plain `SELECT`, for tooling.
 *
 * So a process whose handler outlived its lease cannot remove an entry another process has taken
 * over. Times are the port's arguments (the receiver's clock), not the database's.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, PostgresInbox } from '@novatrade24/webhooks/postgres';
 * import { WebhookReceiver } from '@novatrade24/webhooks/receiver';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const receiver = new WebhookReceiver({ secret, ackMode: 'async', inbox: new PostgresInbox({ pool }) });
 * await receiver.drainInbox(); // what a stopped process left behind
 * setInterval(() => void receiver.drainInbox(), 60_000).unref();
 * ```
 */
export class PostgresInbox implements Inbox {
  readonly #pool: PostgresConnection;
  readonly #sql: ReturnType<typeof inboxStatements>;

  /**
   * @param options - `pool` (required) and `schema` (default `'novatrade_webhooks'`).
   * @throws WebhookValidationError `invalid_option` naming `options`, `pool` (missing, or without
   *   a `query` method), `schema` (not a lower-case identifier) or an unknown option (with the
   *   nearest known name).
   */
  constructor(options: PostgresInboxOptions) {
    assertOptionsObject(options);
    assertKnownOptions(options, POSTGRES_INBOX_OPTION_NAMES, 'PostgresInbox');
    this.#pool = storePoolOption(options.pool);
    this.#sql = inboxStatements(quotedSchemaOption('PostgresInbox', options.schema));
  }

  /**
   * Stores the entry, not leased; a key already present is left as it is. One `INSERT … ON
   * CONFLICT DO NOTHING`.
   *
   * @param entry - `key` a non-empty string, `receivedAtMs` finite epoch milliseconds, `attempts`
   *   a non-negative integer, `event` JSON-serialisable.
   * @throws WebhookValidationError `invalid_option` naming the bad `entry` field (`entry.event`
   *   when `JSON.stringify` cannot write it); WebhookStorageError `storage_unavailable` if the
   *   query failed (the driver's error is the `cause`). Both as rejections.
   * @example
   * ```ts
   * await inbox.add({ key: event.id, event, receivedAtMs: Date.now(), attempts: 0 });
   * ```
   */
  async add(entry: InboxEntry): Promise<void> {
    const checked = checkInboxEntry('PostgresInbox.add', entry);
    const event = eventJson(entry.event);
    await runStoreQuery(this.#pool, 'PostgresInbox.add', this.#sql.add, [
      checked.key,
      event,
      checked.receivedAtMs,
      checked.attempts,
      checked.lastFailure?.code ?? null,
      checked.lastFailure?.atMs ?? null,
    ]);
  }

  /**
   * Leases up to `limit` entries that no live lease holds, oldest `receivedAtMs` first (ties in
   * the order they were added), each under a fresh random token until `nowMs + leaseMs`. One
   * statement (see the class notes).
   *
   * @param limit - the most entries to lease: an integer from 1 to 10,000.
   * @param options - `leaseMs` (a positive integer), `nowMs` (finite epoch milliseconds), and
   *   `key` to consider only that entry.
   * @throws WebhookValidationError `invalid_option` naming `limit` or a bad option;
   *   WebhookStorageError `storage_unavailable` if the query failed (the driver's error is the
   *   `cause`), `storage_corrupt` if a row is not one this inbox writes. All as rejections.
   * @example
   * ```ts
   * for (const { entry, token } of await inbox.claim(100, { leaseMs: 300_000, nowMs: Date.now() })) {
   *   await process(entry);
   *   await inbox.complete(entry.key, token);
   * }
   * ```
   */
  async claim(limit: number, options: InboxClaimOptions): Promise<readonly InboxClaim[]> {
    const operation = 'PostgresInbox.claim';
    const max = checkInboxLimit(operation, limit);
    const { leaseMs, nowMs, key } = checkInboxClaim(operation, options);
    const tokenBase = randomToken();
    const { rows } =
      key === undefined
        ? await runStoreQuery(this.#pool, operation, this.#sql.claim, [
            max,
            nowMs,
            leaseMs,
            tokenBase,
          ])
        : await runStoreQuery(this.#pool, operation, this.#sql.claimKey, [
            key,
            nowMs,
            leaseMs,
            tokenBase,
          ]);
    if (rows.length > max) throw corrupt(operation, `at most ${max} rows`, rows.length);
    // RETURNING has no order of its own: oldest first, as the claim picked them.
    return rows
      .map((row) => {
        const { entry, seq } = entryOf(operation, row);
        const token = row.lease_token;
        if (typeof token !== 'string' || token === '') {
          throw corrupt(operation, 'a lease token', describeValue(token));
        }
        return { claim: { entry, token }, seq };
      })
      .sort((a, b) => compareRows(a.claim.entry, a.seq, b.claim.entry, b.seq))
      .map(({ claim }) => claim);
  }

  /**
   * Deletes the entry if it is still leased with `token`: one `DELETE … WHERE key = $1 AND
   * lease_token = $2`.
   *
   * @param key - the entry's key (a non-empty string).
   * @param token - the token `claim` returned (a non-empty string).
   * @returns `true` if deleted; `false` if another claim holds it now, or it is gone.
   * @throws WebhookValidationError `invalid_option` naming `key` or `token`; WebhookStorageError
   *   `storage_unavailable` if the query failed. Both as rejections.
   * @example
   * ```ts
   * await inbox.complete(claim.entry.key, claim.token);
   * ```
   */
  async complete(key: string, token: string): Promise<boolean> {
    assertInboxKey(key);
    assertInboxToken(token);
    const operation = 'PostgresInbox.complete';
    const { rowCount } = await runStoreQuery(this.#pool, operation, this.#sql.complete, [
      key,
      token,
    ]);
    return checkedRowCount(operation, rowCount, 1) === 1;
  }

  /**
   * If the entry is still leased with `token`: adds one to its attempts, sets its last failure
   * and spends the token; the lease's expiry stays, so the entry is not claimed again before it
   * lapses. One `UPDATE … WHERE key = $1 AND lease_token = $2`.
   *
   * @param key - the entry's key (a non-empty string).
   * @param token - the token `claim` returned (a non-empty string).
   * @param failure - `code` (a non-empty string) and `atMs` (finite epoch milliseconds).
   * @returns `true` if recorded; `false` if the token no longer holds the lease.
   * @throws WebhookValidationError `invalid_option` naming `key`, `token` or the bad `failure`
   *   field; WebhookStorageError `storage_unavailable` if the query failed. Both as rejections.
   * @example
   * ```ts
   * await inbox.fail(claim.entry.key, claim.token, { code: 'handler_error', atMs: Date.now() });
   * ```
   */
  async fail(key: string, token: string, failure: InboxFailure): Promise<boolean> {
    assertInboxKey(key);
    assertInboxToken(token);
    const { code, atMs } = checkInboxFailure(failure);
    const operation = 'PostgresInbox.fail';
    const { rowCount } = await runStoreQuery(this.#pool, operation, this.#sql.fail, [
      key,
      token,
      code,
      atMs,
    ]);
    return checkedRowCount(operation, rowCount, 1) === 1;
  }

  /**
   * The pending entries, leased or not, oldest `receivedAtMs` first (ties in the order they were
   * added), at most `limit`. Read-only.
   *
   * @param limit - the most entries to return: an integer from 1 to 10,000.
   * @throws WebhookValidationError `invalid_option` naming `limit`; WebhookStorageError
   *   `storage_unavailable` if the query failed, `storage_corrupt` if a row is not one this inbox
   *   writes. Both as rejections.
   * @example
   * ```ts
   * console.table(await inbox.pending(100));
   * ```
   */
  async pending(limit: number): Promise<readonly InboxEntry[]> {
    const operation = 'PostgresInbox.pending';
    const max = checkInboxLimit(operation, limit);
    const { rows } = await runStoreQuery(this.#pool, operation, this.#sql.pending, [max]);
    return rows.map((row) => entryOf(operation, row).entry);
  }
}

/** Most entries one `claim` or `pending` call returns (one bounded statement). */

/** The event as JSON text for the `json` column. */
function eventJson(event: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(event);
  } catch {
    text = undefined; // a BigInt or a cycle: named by type below
  }
  if (typeof text !== 'string') {
    throw invalidOption(
      'entry.event',
      `entry.event must be JSON-serialisable data; got ${describeValue(event)}.`,
      'invalid_type',
    );
  }
  return text;
}

/** Oldest `receivedAtMs` first, then the order of `add`. */
function compareRows(a: InboxEntry, aSeq: bigint, b: InboxEntry, bSeq: bigint): number {
  if (a.receivedAtMs !== b.receivedAtMs) return a.receivedAtMs - b.receivedAtMs;
  return aSeq < bSeq ? -1 : aSeq > bSeq ? 1 : 0;
}

/** A row of `inbox_entries` as an entry, checked: a row this inbox did not write is corrupt. */
function entryOf(operation: string, row: Record<string, unknown>): EntryRow {
  const { key, seq, event, received_at_ms, attempts, last_failure_code, last_failure_at_ms } = row;
  if (
    typeof key !== 'string' ||
    (typeof seq !== 'string' && typeof seq !== 'number' && typeof seq !== 'bigint') ||
    typeof received_at_ms !== 'number' ||
    typeof attempts !== 'number' ||
    !(
      (last_failure_code === null && last_failure_at_ms === null) ||
      (typeof last_failure_code === 'string' && typeof last_failure_at_ms === 'number')
    )
  ) {
    throw corrupt(operation, 'an inbox_entries row', describeValue(row));
  }
  const entry: InboxEntry = { key, event, receivedAtMs: received_at_ms, attempts };
  return {
    entry:
      typeof last_failure_code === 'string'
        ? { ...entry, lastFailure: { code: last_failure_code, atMs: last_failure_at_ms as number } }
        : entry,
    seq: BigInt(seq),
  };
}

function corrupt(operation: string, expected: string, got: unknown): WebhookStorageError {
  return new WebhookStorageError(
    'storage_corrupt',
    `${operation}: expected ${expected} from the query; got ${String(got)}. Check that the inbox_entries table is the one migrate() created.`,
  );
}
