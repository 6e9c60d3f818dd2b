// The sender's change feed on PostgreSQL (`SenderStorage.watch`, `ports/storage-changes.ts`):
// LISTEN/NOTIFY on one dedicated session per watch, two channels per schema (due work, endpoint
// changes). A dropped session is reopened with backoff (p-retry), then the listener is told to
// resync (drop its caches, claim once), since notifications sent meanwhile are lost: PostgreSQL
// queues them only for sessions that listen. Polling stays the backstop (docs/design.md §2).

// `makeRetriable`, not the default export: p-retry is ESM only, and the CJS build loads it with
// require(esm), where the bundler's interop hands the default import the module namespace
// instead of the function. A named export reads the same in both builds.
import { AbortError, makeRetriable } from 'p-retry';
import { WebhookStorageError, WebhookValidationError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { describeValue } from '../core/internal/describe-value.js';
import { integerOptionOr } from '../core/internal/integer-option.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { MAX_TIMER_MS } from '../core/internal/timer-delay.js';
import type {
  StorageChangeListener,
  StorageWatch,
  StorageWatcher,
  StorageWatchFailure,
  StorageWatchOptions,
} from '../sender/ports/storage-changes.js';
import { assertSchemaName } from './internal/assert-schema-name.js';
import { type ChangeFeedSql, changeFeedSql } from './internal/change-feed-channels.js';
import { safeParseChangeNotification } from './internal/change-feed-payload.js';
import {
  clientSessions,
  type ListenSession,
  type OpenListenSession,
  type PGliteListener,
  type PostgresListenClient,
  type PostgresListenOwnClient,
  type PostgresListenPoolClient,
  pgliteSessions,
} from './internal/change-feed-session.js';
import { DEFAULT_POSTGRES_SCHEMA } from './migrate.js';
import type { PostgresPool } from './postgres-connection.js';

export type {
  PGliteListener,
  PostgresListenClient,
  PostgresListenOwnClient,
  PostgresListenPoolClient,
  PostgresNotification,
} from './internal/change-feed-session.js';

/** The class named in messages. */
const OWNER = 'PostgresChangeFeed';

/** How a dropped LISTEN session is reopened: exponential backoff with jitter (p-retry). */
export interface PostgresChangeFeedReconnectOptions {
  /**
   * Delay before the second attempt, ms; each later delay doubles, times a random factor from 1
   * to 2, up to `maxDelayMs`. The first attempt is immediate.
   * @default 250
   */
  readonly minDelayMs?: number | undefined;
  /** Longest delay between two attempts, ms. @default 30_000 */
  readonly maxDelayMs?: number | undefined;
}

/**
 * Options of {@link PostgresChangeFeed}: the schema, and exactly one of `pool`, `connect` and
 * `pglite`, where each watch's LISTEN session comes from.
 */
export interface PostgresChangeFeedOptions {
  /**
   * The schema whose changes are watched: the one given to `migrate()` and to the storage. Each
   * schema has channels of its own, so two schemas on one database never wake each other.
   * @default 'novatrade_webhooks'
   */
  readonly schema?: string | undefined;
  /**
   * A `pg.Pool` (the storage's own, typically): each watch checks one client out and keeps it
   * while it is open, so the pool has one client fewer for queries (size it one larger). A pool
   * of one client (PGlite's) is refused: pass `pglite`.
   */
  readonly pool?: PostgresPool | undefined;
  /**
   * Opens a dedicated session for a watch, outside any pool: a connected `pg.Client` (end it
   * never yourself: the feed ends it on `close` or when it fails). For a pool you do not want to
   * shrink, or for connection settings of the LISTEN session's own (`keepAlive`).
   * @example () => { const client = new pg.Client(config); return client.connect().then(() => client); }
   */
  readonly connect?: (() => Promise<PostgresListenOwnClient>) | undefined;
  /**
   * The PGlite instance behind the storage's pool (`new pg.Pool(createPgConfig(pglite))`): the
   * feed listens through `pglite.listen`, which hears the commits of every client of the
   * instance. PGlite is one process, so this covers every sender on it.
   */
  readonly pglite?: PGliteListener | undefined;
  /** How a dropped session is reopened. */
  readonly reconnect?: PostgresChangeFeedReconnectOptions | undefined;
}

/** Every option of {@link PostgresChangeFeedOptions}. */
export const POSTGRES_CHANGE_FEED_OPTION_NAMES = [
  'schema',
  'pool',
  'connect',
  'pglite',
  'reconnect',
] as const satisfies readonly (keyof PostgresChangeFeedOptions)[];

const RECONNECT_OPTION_NAMES = [
  'minDelayMs',
  'maxDelayMs',
] as const satisfies readonly (keyof PostgresChangeFeedReconnectOptions)[];

/**
 * The change feed of a PostgreSQL (or PGlite) schema: what `PostgresStorage.watch` delegates to.
 * A watch holds one LISTEN session on the schema's two channels (`changeFeedSql(schema)`): due
 * work wakes idle senders at once, and endpoint changes reach every sender's cache at once. A
 * dropped session is reported to `listener.failed` (`connection_lost`), reopened with backoff
 * (each failed attempt reported as `reconnect`), and then `listener.resync()` is called once.
 * A notification on the endpoint channel that cannot be read is reported (`payload`) and treated
 * as a resync. Errors handed to the listener never hold a payload or a connection setting.
 *
 * @throws WebhookValidationError `invalid_option` at construction: not exactly one of `pool`,
 *   `connect`, `pglite`; a pool of one client; a bad `schema` or `reconnect` value.
 * @example
 * ```ts
 * const feed = new PostgresChangeFeed({ pool, schema: 'novatrade_webhooks' });
 * const watch = await feed.watch({ due: wake, endpointChanged, resync, failed: log });
 * await watch.close();
 * ```
 */
export class PostgresChangeFeed implements StorageWatcher {
  /** The channels and the notify SQL of this feed's schema, for the storage's statements. */
  readonly sql: ChangeFeedSql;
  readonly #open: OpenListenSession;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;

  constructor(options: PostgresChangeFeedOptions) {
    assertOptionsObject(options);
    assertKnownOptions(options, POSTGRES_CHANGE_FEED_OPTION_NAMES, OWNER);
    const schema = assertSchemaName(OWNER, options.schema ?? DEFAULT_POSTGRES_SCHEMA);
    this.sql = changeFeedSql(schema);
    this.#open = sessionSource(options, this.sql);
    const reconnect = options.reconnect ?? {};
    if (typeof reconnect !== 'object' || reconnect === null) {
      throw invalidOption(
        'reconnect',
        `${OWNER}: \`reconnect\` must be an object { minDelayMs?, maxDelayMs? }, got ${describeValue(reconnect)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(reconnect, RECONNECT_OPTION_NAMES, `${OWNER} reconnect`);
    this.#minDelayMs = integerOptionOr(OWNER, 'reconnect.minDelayMs', reconnect.minDelayMs, 250, {
      min: 0,
      max: MAX_TIMER_MS,
    });
    this.#maxDelayMs = integerOptionOr(
      OWNER,
      'reconnect.maxDelayMs',
      reconnect.maxDelayMs,
      Math.max(30_000, this.#minDelayMs),
      { min: this.#minDelayMs, max: MAX_TIMER_MS },
    );
  }

  /**
   * Listens to the schema's changes for `listener` on a session of its own. Resolves once
   * listening; until then each failed attempt is reported to `listener.failed` (`listen`) and
   * retried with backoff.
   *
   * @throws the signal's reason when `options.signal` aborts first.
   */
  async watch(
    listener: StorageChangeListener,
    options: StorageWatchOptions = {},
  ): Promise<StorageWatch> {
    const watch = new ChangeFeedWatch(this.#open, listener, this.sql, {
      minDelayMs: this.#minDelayMs,
      maxDelayMs: this.#maxDelayMs,
    });
    await watch.open(options.signal);
    return watch;
  }
}

/** The session source of the options: exactly one of `pool`, `connect`, `pglite`. */
function sessionSource(options: PostgresChangeFeedOptions, sql: ChangeFeedSql): OpenListenSession {
  const given = (['pool', 'connect', 'pglite'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw new WebhookValidationError(
      'invalid_option',
      `${OWNER}: pass exactly one of \`pool\` (a pg Pool), \`connect\` (a function that opens a pg Client) or \`pglite\` (a PGlite instance); got ${given.length === 0 ? 'none' : given.join(' and ')}.`,
      {
        issues: [
          {
            path: given[1] ?? 'pool',
            code: given.length === 0 ? 'required' : 'invalid_value',
            message: 'exactly one of pool, connect and pglite',
          },
        ],
      },
    );
  }
  const { pool, connect, pglite } = options;
  if (pool !== undefined) {
    if (typeof pool !== 'object' || pool === null || typeof pool.connect !== 'function') {
      throw invalidOption(
        'pool',
        `${OWNER}: \`pool\` must be a pg Pool (with connect()), got ${describeValue(pool)}.`,
        'invalid_type',
      );
    }
    if ((pool as { options?: { max?: unknown } }).options?.max === 1) {
      throw invalidOption(
        'pool',
        `${OWNER}: \`pool\` has one client, which a LISTEN session would keep from every query (a pool over PGlite has one); pass \`pglite\` (the PGlite instance) instead, or \`connect\`.`,
        'invalid_value',
      );
    }
    return clientSessions(
      async () => {
        const client = await pool.connect();
        if (!isListenClient(client)) {
          client.release(true);
          throw new AbortError(
            invalidOption(
              'pool',
              `${OWNER}: \`pool\` must hand out pg clients (with on and removeListener), got ${describeValue(client)}.`,
              'invalid_type',
            ),
          );
        }
        return client as PostgresListenPoolClient;
      },
      async (client) => client.release(true),
      sql.listen,
    );
  }
  if (connect !== undefined) {
    if (typeof connect !== 'function') {
      throw invalidOption(
        'connect',
        `${OWNER}: \`connect\` must be a function that resolves a connected pg Client, got ${describeValue(connect)}.`,
        'invalid_type',
      );
    }
    return clientSessions(
      async () => {
        const client = await connect();
        if (!isListenClient(client) || typeof client.end !== 'function') {
          // A programming error, not an outage: retrying would not help.
          throw new AbortError(
            invalidOption(
              'connect',
              `${OWNER}: \`connect\` must resolve a connected pg Client (query, on, end), got ${describeValue(client)}.`,
              'invalid_type',
            ),
          );
        }
        return client;
      },
      (client) => client.end(),
      sql.listen,
    );
  }
  if (typeof pglite !== 'object' || pglite === null || typeof pglite.listen !== 'function') {
    throw invalidOption(
      'pglite',
      `${OWNER}: \`pglite\` must be a PGlite instance (with listen()), got ${describeValue(pglite)}.`,
      'invalid_type',
    );
  }
  return pgliteSessions(pglite, [sql.channels.due, sql.channels.endpoints]);
}

/** Whether a client can LISTEN: pg's `query`, `on` and `removeListener`. */
function isListenClient(client: unknown): client is PostgresListenClient {
  const c = client as Partial<Record<'query' | 'on' | 'removeListener', unknown>> | null;
  return (
    typeof client === 'object' &&
    c !== null &&
    typeof c.query === 'function' &&
    typeof c.on === 'function' &&
    typeof c.removeListener === 'function'
  );
}

/** The feed's own error for a failed session, with the driver's error as `cause`. */
function sessionError(during: StorageWatchFailure['during'], cause: unknown): WebhookStorageError {
  const what =
    during === 'connection_lost'
      ? 'the LISTEN session of the change feed dropped'
      : 'could not open the LISTEN session of the change feed';
  return new WebhookStorageError('storage_unavailable', `${OWNER}: ${what} (see cause).`, {
    cause,
  });
}

/** Rejects with the signal's reason as soon as it aborts; a late session is closed. */
function unlessAborted(
  opening: Promise<ListenSession>,
  signal: AbortSignal,
): Promise<ListenSession> {
  if (signal.aborted) {
    void opening.then((session) => session.close(), ignore);
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      void opening.then((session) => session.close(), ignore);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    opening.then(
      (session) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) void session.close();
        else resolve(session);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function ignore(): void {}

/** One watch: its session, its reconnect loop, its listener. */
class ChangeFeedWatch implements StorageWatch {
  readonly #openSession: OpenListenSession;
  readonly #listener: StorageChangeListener;
  readonly #sql: ChangeFeedSql;
  readonly #delays: { readonly minDelayMs: number; readonly maxDelayMs: number };
  /** Aborted by `close`: ends a reconnect loop and a pending open. */
  readonly #closing = new AbortController();
  #session: ListenSession | undefined;
  /** The session attempt whose notifications count: older sessions' are dropped. */
  #live: object | undefined;
  #reconnecting: Promise<void> | undefined;
  #closed = false;

  constructor(
    openSession: OpenListenSession,
    listener: StorageChangeListener,
    sql: ChangeFeedSql,
    delays: { readonly minDelayMs: number; readonly maxDelayMs: number },
  ) {
    this.#openSession = openSession;
    this.#listener = listener;
    this.#sql = sql;
    this.#delays = delays;
  }

  /** Opens the first session, retrying with backoff; rejects when `signal` aborts first. */
  async open(signal: AbortSignal | undefined): Promise<void> {
    const stop =
      signal === undefined ? this.#closing.signal : AbortSignal.any([signal, this.#closing.signal]);
    try {
      await this.#connect('listen', stop);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#live = undefined;
    this.#closing.abort(
      new WebhookStorageError('storage_unavailable', `${OWNER}: the watch was closed.`),
    );
    await this.#reconnecting;
    const session = this.#session;
    this.#session = undefined;
    await session?.close();
  }

  /** Opens a session with p-retry: immediately, then after growing, jittered delays. */
  #connect(during: 'listen' | 'reconnect', signal: AbortSignal): Promise<ListenSession> {
    const retried = makeRetriable(
      async () => {
        const attempt = {};
        this.#live = attempt;
        try {
          const session = await unlessAborted(
            this.#openSession({
              notification: (channel, payload) => {
                if (this.#live === attempt) this.#notification(channel, payload);
              },
              lost: (error) => {
                if (this.#live === attempt) this.#lost(error);
              },
            }),
            signal,
          );
          // Kept before anything else runs: a drop reported from now on finds it.
          if (this.#live === attempt) this.#session = session;
          return session;
        } catch (error) {
          if (this.#live === attempt) this.#live = undefined;
          if (signal.aborted || error instanceof AbortError) throw error;
          // Never a TypeError, which p-retry would not retry.
          throw sessionError(during, error);
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        factor: 2,
        minTimeout: this.#delays.minDelayMs,
        maxTimeout: this.#delays.maxDelayMs,
        randomize: true,
        // A process with nothing else to do may exit while the feed waits to reconnect.
        unref: true,
        signal,
        onFailedAttempt: ({ error, attemptNumber }) => {
          if (!signal.aborted) this.#report({ during, error, attempt: attemptNumber });
        },
      },
    );
    return retried();
  }

  /** The live session dropped: report it, reopen it with backoff, then resync once. */
  #lost(error: unknown): void {
    if (this.#closed) return;
    this.#live = undefined;
    this.#session = undefined;
    this.#report({ during: 'connection_lost', error: sessionError('connection_lost', error) });
    this.#reconnecting = this.#connect('reconnect', this.#closing.signal).then(
      () => this.#call(() => this.#listener.resync()),
      ignore, // only close() ends the loop
    );
  }

  #notification(channel: string, payload: string | undefined): void {
    const read = safeParseChangeNotification(this.#sql.channels, channel, payload);
    const listener = this.#listener;
    switch (read.kind) {
      case 'due':
        this.#call(() => listener.due());
        return;
      case 'endpoint':
        this.#call(() =>
          listener.endpointChanged({
            organizationUuid: read.organizationUuid,
            endpointId: read.endpointId,
          }),
        );
        return;
      case 'garbled':
        this.#report({
          during: 'payload',
          error: new WebhookStorageError(
            'storage_corrupt',
            `${OWNER}: a notification on the endpoint channel is not {"v":1,"o":…,"e":…}; every cached endpoint is read again.`,
          ),
        });
        this.#call(() => listener.resync());
        return;
      case 'other':
        return;
    }
  }

  #report(failure: StorageWatchFailure): void {
    this.#call(() => this.#listener.failed(failure));
  }

  /** Calls the listener, which must not throw; a throw must not break the feed either way. */
  #call(act: () => void): void {
    if (this.#closed) return;
    try {
      act();
    } catch {
      // the listener's own failure
    }
  }
}
