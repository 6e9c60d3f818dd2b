import { WebhookStorageError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import {
  type IoRedisClient,
  type NodeRedisClient,
  type RedisClient,
  type RedisCommand,
  redisCommand,
} from '../core/internal/redis-command.js';
import {
  assertDedupeKey,
  assertDedupeToken,
  checkDedupeTtlMs,
  tokenSource,
} from './internal/dedupe-arguments.js';
import type { DedupeReservation, DedupeStore } from './ports/dedupe-store.js';

/**
 * The part of a node-redis v4/v5 client (`createClient()` from `redis`) that
 * {@link RedisDedupeStore} uses: `sendCommand(args)` and, optionally, `isReady` (`false` while
 * the client is not connected and ready: the store then fails at once instead of queueing the
 * command). The node-redis cluster client is not supported; ioredis' `Cluster` is.
 */
export type NodeRedisDedupeClient = NodeRedisClient;

/**
 * The part of an ioredis v5 client (`new Redis()` or `new Cluster()`) that
 * {@link RedisDedupeStore} uses: `call(command, ...args)` and, optionally, `status` (anything but
 * `'ready'` makes the store fail at once instead of queueing the command).
 */
export type IoRedisDedupeClient = IoRedisClient;

/**
 * A connected Redis client from `redis` (node-redis v4/v5) or `ioredis` (v5), typed structurally
 * so either library's client is accepted without a cast and neither is a dependency.
 */
export type RedisDedupeClient = RedisClient;

/** Options of {@link RedisDedupeStore}. */
export interface RedisDedupeStoreOptions {
  /**
   * A connected node-redis or ioredis client. The store never connects, quits or configures it:
   * its lifecycle is yours. While the client is not ready (node-redis `isReady` false, ioredis
   * `status` not `'ready'`) every call rejects at once with `storage_unavailable` rather than
   * wait in the client's offline queue; see docs/receiver.md, "Store outages", for the client
   * settings that also bound a command sent over a connection that stopped answering.
   */
  readonly client: RedisDedupeClient;
  /**
   * Prepended to every dedupe key to form the Redis key (may be empty).
   * @default 'novatrade24:webhooks:dedupe:'
   */
  readonly keyPrefix?: string;
  /**
   * Makes the token of each reservation: a non-empty string that no other reservation of the
   * same key may share, across every process using the store (inject a counter in tests only).
   * @default 16 random bytes from `crypto.getRandomValues`, as unpadded base64url (22 characters)
   */
  readonly token?: () => string;
}

/** Every option of {@link RedisDedupeStoreOptions} (a type test keeps the list complete). */
export const REDIS_DEDUPE_STORE_OPTION_NAMES = [
  'client',
  'keyPrefix',
  'token',
] as const satisfies readonly (keyof RedisDedupeStoreOptions)[];

const DEFAULT_KEY_PREFIX = 'novatrade24:webhooks:dedupe:';

/** The Redis value of a key in progress is this prefix and the reservation's token. */
const PENDING_PREFIX = 'pending:';
/** The Redis value of a completed key. */
const DONE = 'done';

/**
 * `reserve` in one round trip. KEYS[1] is the Redis key, ARGV[1] the lease in milliseconds,
 * ARGV[2] the new token. Redis runs a script atomically: no other client's command runs between
 * the `SET NX` and the `GET`, and a key does not expire in the middle of a script, so the `GET`
 * reads the value that made `SET NX` fail. Every script here touches KEYS[1] only, so they are
 * Redis Cluster safe. Anything but `done` (even a nil the script cannot produce) answers
 * `in_progress`: the fail-safe answer, the sender retries later.
 */
const RESERVE_SCRIPT = [
  `if redis.call('SET', KEYS[1], '${PENDING_PREFIX}' .. ARGV[2], 'PX', ARGV[1], 'NX') then return 'reserved' end`,
  `if redis.call('GET', KEYS[1]) == '${DONE}' then return 'done' end`,
  `return 'in_progress'`,
].join('\n');

/**
 * `complete`: KEYS[1] is the Redis key, ARGV[1] the token, ARGV[2] the window in milliseconds.
 * Marks the key done only while it still holds this attempt's reservation (compare and set, in
 * one atomic script); answers 1 if it did, else 0.
 */
const COMPLETE_SCRIPT = [
  `if redis.call('GET', KEYS[1]) == '${PENDING_PREFIX}' .. ARGV[1] then`,
  `  redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[2])`,
  '  return 1',
  'end',
  'return 0',
].join('\n');

/**
 * `release`: KEYS[1] is the Redis key, ARGV[1] the token. Deletes the key only while it still
 * holds this attempt's reservation (compare and delete); answers the number of keys deleted.
 */
const RELEASE_SCRIPT = [
  `if redis.call('GET', KEYS[1]) == '${PENDING_PREFIX}' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end`,
  'return 0',
].join('\n');

const IN_PROGRESS: DedupeReservation = Object.freeze({ status: 'in_progress' });
const DONE_RESERVATION: DedupeReservation = Object.freeze({ status: 'done' });

/**
 * A {@link DedupeStore} on Redis, shared by any number of receiver processes. One Redis string
 * per key, under `<keyPrefix><key>`, with a millisecond TTL that Redis expires by itself (the
 * store holds no state and needs no sweeping). The value is `pending:<token>` while in progress
 * and `done` once completed. Each call is one `EVAL` (one round trip) of a short Lua script,
 * which Redis runs atomically:
 *
 * - `reserve` makes a random token and runs `SET key pending:<token> PX <ttlMs> NX`; if the key
 *   already exists, it answers `done` when its value is `done`, else `in_progress`.
 * - `complete` runs `SET key done PX <ttlMs>` only if the value is still `pending:<token>`.
 * - `release` runs `DEL key` only if the value is still `pending:<token>`.
 *
 * So an attempt whose lease lapsed (a handler slower than the lease, then a redelivery reserved
 * the key again under a new token) can neither complete nor free the later reservation.
 *
 * The Redis user needs `EVAL` and the commands the scripts call, `GET`, `SET` and `DEL` (ACL
 * categories `@scripting`, `@read` and `@write`), on the keys under `keyPrefix`. Works with
 * node-redis v4/v5 (`client.sendCommand`) and ioredis v5 (`client.call`), detected at
 * construction; neither library is imported (both are optional peer dependencies).
 *
 * **Fails fast.** A call made while the client is not ready (node-redis `isReady` false, ioredis
 * `status` other than `'ready'`: connecting, reconnecting, closed) rejects at once with
 * `storage_unavailable` and sends nothing: a command must not wait in the client's offline queue
 * for a reconnect that may take minutes, and run long after the receiver gave up on it. A command
 * sent over a connection that then goes silent is bounded by the receiver's `storeTimeoutMs`
 * (docs/design.md §5.19); client settings that bound it too are in docs/receiver.md.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * client.on('error', (error) => log.warn({ err: error }, 'redis')); // an unheard 'error' crashes
 * await client.connect();
 * const store = new RedisDedupeStore({ client });
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
export class RedisDedupeStore implements DedupeStore {
  readonly #redis: RedisCommand;
  readonly #keyPrefix: string;
  readonly #token: () => string;

  /**
   * @param options - `client` (node-redis or ioredis), `keyPrefix`
   *   (default `'novatrade24:webhooks:dedupe:'`) and `token` (default: 16 random bytes as
   *   base64url).
   * @throws WebhookValidationError `invalid_option` naming `options`, `client` (it has neither
   *   `call` nor `sendCommand`), `keyPrefix` (not a string), `token` (not a function) or an
   *   unknown option (with the nearest known name).
   */
  constructor(options: RedisDedupeStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidOption(
        'options',
        `Expected { client, keyPrefix?, token? }; got ${describeValue(options)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(options, REDIS_DEDUPE_STORE_OPTION_NAMES, 'RedisDedupeStore');
    const { client, keyPrefix = DEFAULT_KEY_PREFIX, token } = options;
    const redis = redisCommand(client);
    if (redis === undefined) {
      throw invalidOption(
        'client',
        `client must be a connected node-redis client (with sendCommand) or ioredis client (with call); got ${describeValue(client)}.`,
        client === undefined ? 'required' : 'invalid_type',
      );
    }
    this.#redis = redis;
    if (typeof keyPrefix !== 'string') {
      throw invalidOption(
        'keyPrefix',
        `keyPrefix must be a string; got ${describeValue(keyPrefix)}.`,
        'invalid_type',
      );
    }
    this.#keyPrefix = keyPrefix;
    this.#token = tokenSource(token);
  }

  /**
   * Takes `key` in progress for `ttlMs` milliseconds under a new token unless Redis holds it.
   *
   * One `EVAL` of a script that runs `SET <key> pending:<token> PX <ttlMs> NX` and, when the key
   * exists, `GET`s its state. Redis runs the script atomically, so there is no check-then-act
   * race: across any number of processes, concurrent reservations of one key give exactly one
   * `'reserved'`.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param ttlMs - the in-progress lease, in milliseconds: a finite number ≥ 1, floored.
   * @returns `{ status: 'reserved', token }` if this call took the key (pass `token` to
   *   `complete` or `release`); `{ status: 'done' }` if Redis holds it completed;
   *   `{ status: 'in_progress' }` if Redis holds it with any other value (fail safe: the sender
   *   retries).
   * @throws WebhookValidationError `invalid_option` naming `key` or `ttlMs`, or `token` if the
   *   token function returned something that is not a non-empty string; WebhookStorageError
   *   `storage_unavailable` at once, sending nothing, if the client is not ready; if the command
   *   fails (the client's error is the `cause`); or if it answers something the script cannot
   *   return. All as rejections.
   * @example
   * ```ts
   * await store.reserve('evt_1', 60_000); // { status: 'reserved', token: '…' }
   * await store.reserve('evt_1', 60_000); // { status: 'in_progress' }
   * ```
   */
  async reserve(key: string, ttlMs: number): Promise<DedupeReservation> {
    assertDedupeKey(key);
    const ttl = checkDedupeTtlMs(ttlMs, 'RedisDedupeStore.reserve');
    const token = this.#token();
    const reply = await this.#eval('reserve', 'EVAL (SET NX PX, then GET)', [
      'EVAL',
      RESERVE_SCRIPT,
      '1',
      this.#keyPrefix + key,
      String(ttl),
      token,
    ]);
    // A Buffer when the client maps replies to buffers.
    const text = reply instanceof Uint8Array ? new TextDecoder().decode(reply) : reply;
    if (text === 'reserved') return { status: 'reserved', token };
    if (text === 'in_progress') return IN_PROGRESS;
    if (text === DONE) return DONE_RESERVATION;
    throw new WebhookStorageError(
      'storage_unavailable',
      `RedisDedupeStore.reserve: expected "reserved", "in_progress" or "done" from the reserve script; got ${describeValue(reply)}. Pass a plain node-redis or ioredis client.`,
    );
  }

  /**
   * Marks `key` done for `ttlMs` milliseconds from now, if Redis still holds it in progress with
   * `token`: one `EVAL` of a script that runs `SET <key> done PX <ttlMs>` only when the value is
   * `pending:<token>`. Otherwise (the lease lapsed, another attempt holds the key, it is done or
   * unknown) nothing changes.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param token - the token `reserve` returned to this attempt (a non-empty string).
   * @param ttlMs - the dedupe window, in milliseconds from now: a finite number ≥ 1, floored.
   * @returns `true` if the key is now done; `false` if the reservation had lapsed or belongs to
   *   another attempt.
   * @throws WebhookValidationError `invalid_option` naming `key`, `token` or `ttlMs`;
   *   WebhookStorageError `storage_unavailable` at once, sending nothing, if the client is not
   *   ready; if the command fails (the client's error is the `cause`); or if it answers something
   *   other than 1 or 0. Both as rejections.
   * @example
   * ```ts
   * await store.complete('evt_1', found.token, 30 * 24 * 60 * 60 * 1000); // true: 'done' for 30 days
   * ```
   */
  async complete(key: string, token: string, ttlMs: number): Promise<boolean> {
    assertDedupeKey(key);
    assertDedupeToken(token);
    const ttl = checkDedupeTtlMs(ttlMs, 'RedisDedupeStore.complete');
    const reply = await this.#eval('complete', 'EVAL (GET, then SET PX)', [
      'EVAL',
      COMPLETE_SCRIPT,
      '1',
      this.#keyPrefix + key,
      token,
      String(ttl),
    ]);
    if (reply === 1) return true;
    if (reply === 0) return false;
    throw new WebhookStorageError(
      'storage_unavailable',
      `RedisDedupeStore.complete: expected 1 or 0 from the complete script; got ${describeValue(reply)}. Pass a plain node-redis or ioredis client.`,
    );
  }

  /**
   * Deletes `key` from Redis if it still holds it in progress with `token`: one `EVAL` of a
   * script that runs `DEL <key>` only when the value is `pending:<token>`. Anything else (an
   * unknown key, a done key, another attempt's reservation) is left alone.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param token - the token `reserve` returned to this attempt (a non-empty string).
   * @throws WebhookValidationError `invalid_option` naming `key` or `token`; WebhookStorageError
   *   `storage_unavailable` at once, sending nothing, if the client is not ready, or if the
   *   command fails (the client's error is the `cause`). Both as rejections.
   * @example
   * ```ts
   * await store.release('evt_1', found.token); // the sender's next retry is processed again
   * ```
   */
  async release(key: string, token: string): Promise<void> {
    assertDedupeKey(key);
    assertDedupeToken(token);
    await this.#eval('release', 'EVAL (GET, then DEL)', [
      'EVAL',
      RELEASE_SCRIPT,
      '1',
      this.#keyPrefix + key,
      token,
    ]);
  }

  /**
   * Sends one command, unless the client is not ready: then it rejects at once, before the client
   * can queue the command for after a reconnect.
   */
  #eval(operation: string, command: string, args: readonly string[]): Promise<unknown> {
    return this.#redis.sendWhenReady(`RedisDedupeStore.${operation}`, command, args);
  }
}
