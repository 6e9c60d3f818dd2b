import { WebhookConflictError, WebhookStorageError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { describeValue } from '../core/internal/describe-value.js';
import { integerOptionOr } from '../core/internal/integer-option.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import type {
  ClaimDueInput,
  ClaimedDelivery,
  DeliveryPage,
  DeliveryQuery,
  EndpointUpdate,
  RecordAttemptInput,
  RecordAttemptResult,
  SenderStorage,
} from '../sender/ports/sender-storage.js';
import type {
  StorageChangeListener,
  StorageWatch,
  StorageWatchOptions,
} from '../sender/ports/storage-changes.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  EndpointRecord,
  EventRecord,
} from '../sender/records.js';
import { type ChangeFeedSql, changeFeedSql } from './internal/change-feed-channels.js';
import { quotedSchemaOption, storePoolOption } from './internal/dedupe-idempotency-query.js';
import { claimStatement, claimValues, MAX_CLAIM_LIMIT } from './internal/storage/claim.js';
import {
  driverFailure,
  type HotStatement,
  hot,
  StorageConnection,
} from './internal/storage/connection.js';
import {
  endpointStatements,
  insertEndpointValues,
  updateEndpointValues,
} from './internal/storage/endpoints.js';
import { GroupCommit } from './internal/storage/group-commit.js';
import { historyStatements, listDeliveriesQuery } from './internal/storage/history.js';
import {
  insertConflicts,
  insertDeliveriesStatement,
  insertDeliveriesValues,
} from './internal/storage/inserts.js';
import { purgeStatement, sweepStatement } from './internal/storage/purge.js';
import {
  isIssuedToken,
  recordAttemptStatements,
  recordBatch,
} from './internal/storage/record-attempt.js';
import {
  attemptOf,
  corruptRow,
  deliveryOf,
  endpointOf,
  eventOf,
  leaseTokenOf,
} from './internal/storage/rows.js';
import { isPool } from './internal/with-session.js';
import { DEFAULT_POSTGRES_SCHEMA } from './migrate.js';
import { PostgresChangeFeed, type PostgresChangeFeedOptions } from './postgres-change-feed.js';
import type { PostgresConnection } from './postgres-connection.js';

/** Options of {@link PostgresStorage}. */
export interface PostgresStorageOptions {
  /**
   * The pool the storage queries: a `pg.Pool` on PostgreSQL (a client is checked out per
   * transaction), a `pg.Pool` over PGlite (`new pg.Pool(createPgConfig(pglite))`), or one
   * connected `pg.Client` (every call then runs after the one before). The storage never ends it.
   * Run `migrate(pool)` first.
   */
  readonly pool: PostgresConnection;
  /**
   * The schema that holds the sender's tables: the one given to `migrate()`. A lower-case
   * identifier (letters, digits, underscores).
   * @default 'novatrade_webhooks'
   */
  readonly schema?: string;
  /**
   * Group commit: the most `recordAttempt` calls recorded in one transaction. Calls made while a
   * batch's transaction runs wait for it and go together in the next one, up to this many; `1`
   * gives each call a transaction of its own. An integer from 1 to 10,000.
   * @default 100
   */
  readonly recordBatchSize?: number;
  /**
   * Where a started sender's change feed (`watch`, docs/postgres.md "Several workers") takes its
   * LISTEN session, so that it claims at once when another process stores due work and sees other
   * processes' endpoint changes at once:
   * - absent: a client checked out of `pool` for each started sender (size the pool one larger),
   *   when `pool` is a pool of more than one client; none otherwise (a single client, or a pool
   *   over PGlite: pass `{ pglite }`);
   * - `{ connect }`: a dedicated `pg.Client` per watch, outside the pool; `{ pglite }`: PGlite's
   *   own `listen`, which hears every client of the instance; `reconnect` tunes the backoff;
   * - `false`: no feed (polling and `endpointCacheTtlMs` only).
   * The storage's statements notify in every case, for the other processes.
   */
  readonly changeFeed?: false | PostgresStorageChangeFeedOptions;
}

/** {@link PostgresStorageOptions.changeFeed}: at most one of `connect` and `pglite`. */
export type PostgresStorageChangeFeedOptions = Pick<
  PostgresChangeFeedOptions,
  'connect' | 'pglite' | 'reconnect'
>;

/** Every option of {@link PostgresStorageOptions} (a type test keeps the list complete). */
export const POSTGRES_STORAGE_OPTION_NAMES = [
  'pool',
  'schema',
  'recordBatchSize',
  'changeFeed',
] as const satisfies readonly (keyof PostgresStorageOptions)[];

const DEFAULT_RECORD_BATCH_SIZE = 100;
const MAX_RECORD_BATCH_SIZE = 10_000;

/**
 * The statements of one schema, built once per storage. Values are always bound parameters. Each
 * fixed text is a {@link HotStatement}: sent named, so each session plans it once (see
 * `StorageConnection`); only `listDeliveries` and the rare trip notification go unnamed.
 * Writes notify the schema's change feed (`notify`): a published batch and a release once each
 * on the due channel, every endpoint write and health trip on the endpoint channel.
 */
function storageStatements(schema: string, notify: ChangeFeedSql) {
  return {
    endpoints: hotAll(endpointStatements(schema, notify)),
    history: hotAll(historyStatements(schema)),
    // Not named: a prepared statement turns to a generic plan after five runs, and a generic plan
    // cannot see how long the arrays are, which made a 10,000-endpoint fan-out 50 times slower.
    // Planned each time instead (a few ms), for the arrays this insert has.
    insertEvent: insertDeliveriesStatement(schema, true, notify.dueNotify),
    insertDeliveries: insertDeliveriesStatement(schema, false, notify.dueNotify),
    claim: hot(claimStatement(schema)),
    record: hotAll(recordAttemptStatements(schema)),
    /** A health trip's endpoints, from `unnest($1 organizations, $2 ids) AS t(o, e)`. */
    tripNotify: notify.endpointNotify('t.o', 't.e'),
    /**
     * $1 delivery id, $2 token: frees the claim if it is still the token's; a PENDING delivery is
     * due again at once, behind what already waits (a new `due_seq`), and idle workers hear it.
     */
    release: hot(`WITH released AS (
  UPDATE ${schema}.deliveries SET
    lease_owner = NULL, lease_token = NULL, lease_until_ms = NULL, claimed = false,
    due_at_ms = CASE WHEN status = 'PENDING' THEN next_attempt_at_ms END,
    due_seq = CASE WHEN status = 'PENDING'
      THEN nextval('${schema}.delivery_due_seq') * 16777216 + 1 ELSE due_seq END
  WHERE id = $1 AND lease_token = $2::bigint
  RETURNING status
),
notified AS (
  SELECT ${notify.dueNotify} WHERE EXISTS (SELECT 1 FROM released WHERE status = 'PENDING')
)
SELECT (SELECT count(*) FROM notified)::integer AS notified`),
    purge: hot(purgeStatement(schema)),
    sweep: hot(sweepStatement(schema)),
  };
}

/** Every text of `statements` as a {@link HotStatement}. */
function hotAll<K extends string>(statements: Record<K, string>): Record<K, HotStatement> {
  const out = {} as Record<K, HotStatement>;
  for (const key of Object.keys(statements) as K[]) out[key] = hot(statements[key]);
  return out;
}

/**
 * The sender's {@link SenderStorage} on PostgreSQL or PGlite, shared by any number of sender
 * processes on any number of machines: the tables of migration `0001_sender` in one schema
 * (docs/postgres.md, "The sender's storage"). Every decision MemoryStorage documents holds here
 * too (the conformance suite pins them): organization scoping, parking by the stored status,
 * fenced claims (a lapsed claim nobody took over still counts), `updatedAtMs` at the attempt's
 * end, history ties by id, NUL in response bodies stored as U+FFFD.
 *
 * How each operation reaches the database:
 * - **One statement** for everything but `recordAttempt`: endpoint writes (with their parking),
 *   the inserts (a fan-out's deliveries as arrays expanded with `unnest`: one round trip for
 *   10,000 endpoints), every read, `releaseClaim`, `purgeBefore` (one bounded batch; the call
 *   that finds fewer than `limit` then sweeps delivery-less events, `limit` per statement), and
 *   `claimDue` (fair turns, rooms and the reserve computed in SQL over rows locked
 *   `FOR UPDATE SKIP LOCKED`; see `internal/storage/claim.ts` for its steps and cost).
 * - **Group commit** for `recordAttempt`: the calls that arrive while a batch's transaction runs
 *   form the next batch (at most `recordBatchSize`), recorded in one transaction: the rows locked,
 *   the decisions and health worked out in JavaScript in call order (`evaluateEndpointHealth`),
 *   then one multi-row statement. Each caller gets its own result; a batch that fails is run
 *   again call by call, so only a call that fails alone rejects.
 *
 * Lock order (no operation waits in the other direction, so none deadlocks with another): claims
 * lock delivery rows (SKIP LOCKED: never waited for) and then turn rows in endpoint id order, never
 * an endpoint row; `recordAttempt`, `updateEndpoint` and `deleteEndpoint` lock endpoint rows (in
 * id order) and then delivery rows; inserts take `FOR KEY SHARE` on the endpoints they deliver to,
 * which only an update or a delete waits for (never an attempt's health update).
 *
 * Decisions where the port leaves room, beyond MemoryStorage's:
 * - `claimDue` takes at most 10,000 deliveries per call, whatever `limit` says.
 * - A lapsed claim waits again in the place it had in its endpoint's line (docs/design.md §5.29);
 *   `nextDueAtMs` counts its lease expiry until a claim finds it lapsed, and its due time after,
 *   as in memory.
 * - `purgeBefore` takes the final deliveries with the oldest `updatedAtMs` first, and passes over
 *   one an attempt is being recorded for at that moment (the next call takes it).
 * - A delivery inserted while a health trip pauses its endpoint may be stored PENDING: it is
 *   claimed once, and its retry parks it (an update that pauses, or a delete, waits for the
 *   insert and parks it at once).
 *
 * @throws WebhookConflictError from the inserts: `invalid_state` for an id already stored (or twice
 *   in a batch), a delivery of another organization than its event, or a PENDING delivery without a
 *   due time; `not_found` for a delivery of an event that is not stored. Nothing of the batch is
 *   written. Messages never hold ids or other values.
 * @throws WebhookStorageError `storage_unavailable` when a query fails (the message names the
 *   operation, the SQLSTATE and the constraint; the driver's error is the `cause`);
 *   `storage_corrupt` when a row is not one this storage writes.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, PostgresStorage } from '@novatrade24/webhooks/postgres';
 * import { HttpTransport, WebhookSender } from '@novatrade24/webhooks/sender';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
 * await migrate(pool);
 * const sender = new WebhookSender({
 *   transport: new HttpTransport(),
 *   storage: new PostgresStorage({ pool }),
 * });
 * ```
 */
export class PostgresStorage implements SenderStorage {
  readonly #db: StorageConnection;
  readonly #schema: string;
  readonly #sql: ReturnType<typeof storageStatements>;
  readonly #records: GroupCommit<RecordAttemptInput, RecordAttemptResult | null>;
  readonly #feed: PostgresChangeFeed | undefined;
  /**
   * A claim is a round trip and a transaction: the sender claims ahead of its free slots by
   * default (`claimAhead`, docs/design.md §5.33).
   */
  readonly claimCost = 'round-trip' as const;

  /**
   * @param options - `pool` (required), `schema` (default `'novatrade_webhooks'`),
   *   `recordBatchSize` (default 100) and `changeFeed` (default: the pool's clients when it has
   *   more than one).
   * @throws WebhookValidationError `invalid_option` naming `options`, `pool` (missing, or without
   *   a `query` method), `schema` (not a lower-case identifier), `recordBatchSize` (not an integer
   *   from 1 to 10,000), `changeFeed` (not `false` or an object, an unknown key, or both `connect`
   *   and `pglite`) or an unknown option (with the nearest known name).
   */
  constructor(options: PostgresStorageOptions) {
    assertOptionsObject(options);
    assertKnownOptions(options, POSTGRES_STORAGE_OPTION_NAMES, 'PostgresStorage');
    this.#db = new StorageConnection(storePoolOption(options.pool));
    this.#schema = quotedSchemaOption('PostgresStorage', options.schema);
    const schemaName = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
    this.#sql = storageStatements(this.#schema, changeFeedSql(schemaName));
    this.#feed = changeFeedOf(options.pool, schemaName, options.changeFeed);
    const batchSize = integerOptionOr(
      'PostgresStorage',
      'recordBatchSize',
      options.recordBatchSize,
      DEFAULT_RECORD_BATCH_SIZE,
      { min: 1, max: MAX_RECORD_BATCH_SIZE },
    );
    this.#records = new GroupCommit(
      (inputs) =>
        this.#db.transaction('PostgresStorage.recordAttempt', (statement) =>
          recordBatch(this.#sql.record, statement, inputs, this.#sql.tripNotify),
        ),
      batchSize,
      inputMayBeToBlame,
    );
  }

  // ------------------------------------------------------------------------------- endpoints

  async insertEndpoint(endpoint: EndpointRecord): Promise<void> {
    await this.#db.query(
      'PostgresStorage.insertEndpoint',
      this.#sql.endpoints.insert,
      insertEndpointValues(endpoint),
      (failure) =>
        failure.sqlState === '23505' && failure.constraint === 'endpoints_pkey'
          ? new WebhookConflictError(
              'invalid_state',
              'The endpoint is already stored: endpoint ids are unique.',
            )
          : undefined,
    );
  }

  async getEndpoint(organizationUuid: string, endpointId: string): Promise<EndpointRecord | null> {
    const operation = 'PostgresStorage.getEndpoint';
    const { rows } = await this.#db.query(operation, this.#sql.endpoints.get, [
      organizationUuid,
      endpointId,
    ]);
    return rows[0] === undefined ? null : endpointOf(operation, rows[0]);
  }

  async listEndpoints(organizationUuid: string): Promise<readonly EndpointRecord[]> {
    const operation = 'PostgresStorage.listEndpoints';
    const { rows } = await this.#db.query(operation, this.#sql.endpoints.list, [organizationUuid]);
    return rows.map((row) => endpointOf(operation, row));
  }

  async listAllEndpoints(): Promise<readonly EndpointRecord[]> {
    const operation = 'PostgresStorage.listAllEndpoints';
    const { rows } = await this.#db.query(operation, this.#sql.endpoints.listAll, []);
    return rows.map((row) => endpointOf(operation, row));
  }

  async updateEndpoint(update: EndpointUpdate): Promise<EndpointRecord | null> {
    const operation = 'PostgresStorage.updateEndpoint';
    const { rows } = await this.#db.query(
      operation,
      this.#sql.endpoints.update,
      updateEndpointValues(update),
    );
    return rows[0] === undefined ? null : endpointOf(operation, rows[0]);
  }

  async deleteEndpoint(
    organizationUuid: string,
    endpointId: string,
    nowMs: number,
  ): Promise<boolean> {
    const { rows } = await this.#db.query(
      'PostgresStorage.deleteEndpoint',
      this.#sql.endpoints.delete,
      [organizationUuid, endpointId, nowMs],
    );
    return rows.length > 0;
  }

  // ------------------------------------------------------------------- events and deliveries

  async insertEvent(event: EventRecord, deliveries: readonly DeliveryRecord[]): Promise<void> {
    assertDueTimes(deliveries);
    await this.#db.query(
      'PostgresStorage.insertEvent',
      this.#sql.insertEvent,
      insertDeliveriesValues(deliveries, event),
      insertConflicts,
    );
  }

  async insertDeliveries(deliveries: readonly DeliveryRecord[]): Promise<void> {
    assertDueTimes(deliveries);
    if (deliveries.length === 0) return;
    await this.#db.query(
      'PostgresStorage.insertDeliveries',
      this.#sql.insertDeliveries,
      insertDeliveriesValues(deliveries, undefined),
      insertConflicts,
    );
  }

  async getEvent(organizationUuid: string, eventId: string): Promise<EventRecord | null> {
    const operation = 'PostgresStorage.getEvent';
    const { rows } = await this.#db.query(operation, this.#sql.history.event, [
      organizationUuid,
      eventId,
    ]);
    return rows[0] === undefined ? null : eventOf(operation, rows[0]);
  }

  async getDelivery(organizationUuid: string, deliveryId: string): Promise<DeliveryRecord | null> {
    const operation = 'PostgresStorage.getDelivery';
    const { rows } = await this.#db.query(operation, this.#sql.history.delivery, [
      organizationUuid,
      deliveryId,
    ]);
    return rows[0] === undefined ? null : deliveryOf(operation, rows[0]);
  }

  async listDeliveries(query: DeliveryQuery): Promise<DeliveryPage> {
    const operation = 'PostgresStorage.listDeliveries';
    const { text, values } = listDeliveriesQuery(this.#schema, query);
    const { rows } = await this.#db.query(operation, text, values);
    const total = rows[0]?.total;
    if (typeof total !== 'number') throw corruptRow(operation, 'a count', total);
    return {
      items: rows.filter((row) => row.id !== null).map((row) => deliveryOf(operation, row)),
      totalElements: total,
    };
  }

  async listAttempts(deliveryId: string): Promise<readonly AttemptRecord[]> {
    const operation = 'PostgresStorage.listAttempts';
    const { rows } = await this.#db.query(operation, this.#sql.history.attempts, [deliveryId]);
    return rows.map((row) => attemptOf(operation, row));
  }

  // -------------------------------------------------------------------------------- dispatch

  async claimDue(input: ClaimDueInput): Promise<readonly ClaimedDelivery[]> {
    const operation = 'PostgresStorage.claimDue';
    const limit = Math.min(Math.floor(input.limit), MAX_CLAIM_LIMIT);
    if (!(limit > 0)) return [];
    const { rows } = await this.#db.query(operation, this.#sql.claim, claimValues(input, limit));
    return rows.map((row) => {
      const leaseToken = leaseTokenOf(operation, row, 'lease_token');
      if (leaseToken === null) throw corruptRow(operation, 'a lease token', null);
      return {
        delivery: deliveryOf(operation, row, 'd_'),
        event: eventOf(operation, row, 'ev_'),
        endpoint: endpointOf(operation, row, 'ep_'),
        leaseToken,
      };
    });
  }

  async recordAttempt(input: RecordAttemptInput): Promise<RecordAttemptResult | null> {
    const { decision } = input;
    if (decision.status === 'PENDING' && !Number.isFinite(decision.nextAttemptAtMs)) {
      throw new WebhookConflictError(
        'invalid_state',
        `A PENDING decision needs nextAttemptAtMs as epoch ms, got ${String(decision.nextAttemptAtMs)}.`,
      );
    }
    // A token no claim issued holds no lease: nothing to look up.
    if (!isIssuedToken(input.leaseToken)) return null;
    return this.#records.submit(input);
  }

  async releaseClaim(deliveryId: string, leaseToken: string): Promise<void> {
    if (!isIssuedToken(leaseToken)) return;
    await this.#db.query('PostgresStorage.releaseClaim', this.#sql.release, [
      deliveryId,
      leaseToken,
    ]);
  }

  async nextDueAtMs(): Promise<number | null> {
    const operation = 'PostgresStorage.nextDueAtMs';
    const { rows } = await this.#db.query(operation, this.#sql.history.nextDue, []);
    const next = rows[0]?.next ?? null;
    if (next !== null && typeof next !== 'number') throw corruptRow(operation, 'a time', next);
    return next;
  }

  // ----------------------------------------------------------------------------- change feed

  /**
   * The change feed (docs/design.md §5.30): a LISTEN session on this schema's channels, so a
   * started sender claims at once when any process stores due work and drops its cached endpoints
   * when any process changes one. A storage without a feed (`changeFeed: false`, or a single
   * client or one-client pool without `{ pglite }`) gives a watch that never calls the listener:
   * polling and `endpointCacheTtlMs` then do the work.
   */
  async watch(
    listener: StorageChangeListener,
    options?: StorageWatchOptions,
  ): Promise<StorageWatch> {
    if (this.#feed === undefined) return { close: async () => {} };
    return this.#feed.watch(listener, options);
  }

  // ------------------------------------------------------------------------------- retention

  async purgeBefore(cutoffMs: number, limit: number): Promise<number> {
    const operation = 'PostgresStorage.purgeBefore';
    const max = Math.floor(limit);
    if (!(max > 0)) return 0;
    const { rows } = await this.#db.query(operation, this.#sql.purge, [cutoffMs, max]);
    const purged = rows[0]?.purged;
    if (typeof purged !== 'number') throw corruptRow(operation, 'a count', purged);
    if (purged < max) {
      // Every eligible delivery is gone: now the events left without one, `limit` per statement
      // (never one unbounded DELETE), until a statement finds fewer.
      for (;;) {
        const swept = (await this.#db.query(operation, this.#sql.sweep, [cutoffMs, max])).rows[0]
          ?.swept;
        if (typeof swept !== 'number') throw corruptRow(operation, 'a count', swept);
        if (swept < max) break;
      }
    }
    return purged;
  }
}

/** A PENDING delivery needs a due time (as MemoryStorage refuses it). */
function assertDueTimes(deliveries: readonly DeliveryRecord[]): void {
  for (const record of deliveries) {
    if (record.status === 'PENDING' && !Number.isFinite(record.nextAttemptAtMs)) {
      throw new WebhookConflictError(
        'invalid_state',
        `A PENDING delivery needs nextAttemptAtMs as epoch ms, got ${String(record.nextAttemptAtMs)}. Nothing was stored.`,
      );
    }
  }
}

/** The storage's change feed from its options (see {@link PostgresStorageOptions.changeFeed}). */
function changeFeedOf(
  pool: PostgresConnection,
  schema: string,
  option: false | PostgresStorageChangeFeedOptions | undefined,
): PostgresChangeFeed | undefined {
  if (option === false) return undefined;
  if (option !== undefined) {
    if (typeof option !== 'object' || option === null || Array.isArray(option)) {
      throw invalidOption(
        'changeFeed',
        `PostgresStorage: \`changeFeed\` must be false or an object { connect?, pglite?, reconnect? }, got ${describeValue(option)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(option, CHANGE_FEED_OPTION_NAMES, 'PostgresStorage.changeFeed');
    if (option.connect !== undefined || option.pglite !== undefined) {
      return new PostgresChangeFeed({ schema, ...option });
    }
  }
  // The default: the pool's own clients, when it has more than one to spare.
  if (!isPool(pool) || (pool as { options?: { max?: unknown } }).options?.max === 1) {
    return undefined;
  }
  return new PostgresChangeFeed({
    schema,
    pool,
    ...(option?.reconnect === undefined ? {} : { reconnect: option.reconnect }),
  });
}

const CHANGE_FEED_OPTION_NAMES = [
  'connect',
  'pglite',
  'reconnect',
] as const satisfies readonly (keyof PostgresStorageChangeFeedOptions)[];

/**
 * Whether a failed group-commit batch is worth running input by input: yes when the server refused
 * a statement for its data, or the storage refused a row; no when the connection or the server
 * failed (no SQLSTATE from the driver, or classes 08 connection, 53 resources, 57 operator
 * intervention, 58 system), where each input alone would meet the same failure in turn.
 */
function inputMayBeToBlame(error: unknown): boolean {
  if (error instanceof WebhookConflictError) return true;
  if (error instanceof WebhookStorageError && error.code !== 'storage_unavailable') return true;
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const { sqlState } = driverFailure(cause);
  return sqlState !== undefined && !/^(08|53|57|58)/.test(sqlState);
}
