import { WebhookStorageError } from '../core/errors.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { assertDedupeKey, checkDedupeTtlMs } from './internal/dedupe-arguments.js';
import type { DedupeReservation, DedupeStore } from './ports/dedupe-store.js';

/**
 * The part of a node-redis v4/v5 client (`createClient()` from `redis`) that
 * {@link RedisDedupeStore} uses. The node-redis cluster client is not supported; ioredis'
 * `Cluster` is.
 */
export interface NodeRedisDedupeClient {
  /** Sends a raw command, e.g. `['SET', key, 'done', 'PX', '60000']`. */
  sendCommand(args: readonly string[]): Promise<unknown>;
}

/** The part of an ioredis v5 client (`new Redis()` or `new Cluster()`) that {@link RedisDedupeStore} uses. */
export interface IoRedisDedupeClient {
  /** Sends a raw command, e.g. `call('SET', key, 'done', 'PX', '60000')`. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/**
 * A connected Redis client from `redis` (node-redis v4/v5) or `ioredis` (v5), typed structurally
 * so either library's client is accepted without a cast and neither is a dependency.
 */
export type RedisDedupeClient = NodeRedisDedupeClient | IoRedisDedupeClient;

/** Options of {@link RedisDedupeStore}. */
export interface RedisDedupeStoreOptions {
  /**
   * A connected node-redis or ioredis client. The store never connects, quits or configures it:
   * its lifecycle is yours.
   */
  readonly client: RedisDedupeClient;
  /**
   * Prepended to every dedupe key to form the Redis key (may be empty).
   * @default 'novatrade24:webhooks:dedupe:'
   */
  readonly keyPrefix?: string;
}

const DEFAULT_KEY_PREFIX = 'novatrade24:webhooks:dedupe:';

/** The Redis value of a key in progress (written by `reserve`). */
const PENDING = 'pending';
/** The Redis value of a completed key (written by `complete`). */
const DONE = 'done';

/**
 * `reserve` in one round trip. KEYS[1] is the Redis key, ARGV[1] the lease in milliseconds.
 * Redis runs a script atomically: no other client's command runs between the `SET NX` and the
 * `GET`, and a key does not expire in the middle of a script, so the `GET` reads the value that
 * made `SET NX` fail. The script touches KEYS[1] only, so it is Redis Cluster safe. Anything but
 * `done` (even a nil the script cannot produce) answers `in_progress`: the fail-safe answer, the
 * sender retries later.
 */
const RESERVE_SCRIPT = [
  `if redis.call('SET', KEYS[1], '${PENDING}', 'PX', ARGV[1], 'NX') then return 'reserved' end`,
  `if redis.call('GET', KEYS[1]) == '${DONE}' then return 'done' end`,
  `return 'in_progress'`,
].join('\n');

const RESERVATIONS: ReadonlySet<string> = new Set<DedupeReservation>([
  'reserved',
  'in_progress',
  'done',
]);

/**
 * A {@link DedupeStore} on Redis, shared by any number of receiver processes. One Redis string
 * per key, under `<keyPrefix><key>`, with a millisecond TTL that Redis expires by itself (the
 * store holds no state and needs no sweeping):
 *
 * - `reserve` runs a three-line Lua script with `EVAL` (one round trip): `SET key pending PX
 *   <ttlMs> NX`; if the key already exists, it answers `done` when its value is `done`, else
 *   `in_progress`.
 * - `complete` is `SET key done PX <ttlMs>` (unconditional: it also records an unknown key).
 * - `release` is `DEL key`.
 *
 * The Redis user needs the `EVAL`, `SET` and `DEL` commands (ACL categories `@scripting` and
 * `@write`). Works with node-redis v4/v5 (`client.sendCommand`) and ioredis v5 (`client.call`),
 * detected at construction; neither library is imported (both are optional peer dependencies).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = new RedisDedupeStore({ client });
 * const found = await store.reserve(event.id, 5 * 60 * 1000); // a 5-minute lease
 * if (found === 'reserved') {
 *   await handle(event);
 *   await store.complete(event.id, 30 * 24 * 60 * 60 * 1000); // done for 30 days
 * }
 * ```
 */
export class RedisDedupeStore implements DedupeStore {
  readonly #send: (args: readonly string[]) => Promise<unknown>;
  readonly #keyPrefix: string;

  /**
   * @param options - `client` (node-redis or ioredis) and `keyPrefix`
   *   (default `'novatrade24:webhooks:dedupe:'`).
   * @throws WebhookValidationError `invalid_option` naming `options`, `client` (it has neither
   *   `call` nor `sendCommand`) or `keyPrefix` (not a string).
   */
  constructor(options: RedisDedupeStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidOption(
        'options',
        `Expected { client, keyPrefix? }; got ${describeValue(options)}.`,
      );
    }
    const { client, keyPrefix = DEFAULT_KEY_PREFIX } = options;
    this.#send = commandSender(client);
    if (typeof keyPrefix !== 'string') {
      throw invalidOption(
        'keyPrefix',
        `keyPrefix must be a string; got ${describeValue(keyPrefix)}.`,
      );
    }
    this.#keyPrefix = keyPrefix;
  }

  /**
   * Takes `key` in progress for `ttlMs` milliseconds unless Redis holds it.
   *
   * One `EVAL` of a script that runs `SET <key> pending PX <ttlMs> NX` and, when the key exists,
   * `GET`s its state. Redis runs the script atomically, so there is no check-then-act race: across
   * any number of processes, concurrent reservations of one key give exactly one `'reserved'`.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param ttlMs - the in-progress lease, in milliseconds: a finite number ≥ 1, floored.
   * @returns `'reserved'` if this call took the key; `'done'` if Redis holds it completed;
   *   `'in_progress'` if Redis holds it with any other value (fail safe: the sender retries).
   * @throws WebhookValidationError `invalid_option` naming `key` or `ttlMs`;
   *   WebhookStorageError `storage_unavailable` if the command fails (the client's error is the
   *   `cause`) or answers something the script cannot return. Both as rejections.
   * @example
   * ```ts
   * await store.reserve('evt_1', 60_000); // 'reserved'
   * await store.reserve('evt_1', 60_000); // 'in_progress'
   * ```
   */
  async reserve(key: string, ttlMs: number): Promise<DedupeReservation> {
    assertDedupeKey(key);
    const ttl = checkDedupeTtlMs(ttlMs);
    let reply: unknown;
    try {
      reply = await this.#send(['EVAL', RESERVE_SCRIPT, '1', this.#keyPrefix + key, String(ttl)]);
    } catch (error) {
      throw unavailable('reserve', 'EVAL (SET NX PX, then GET)', error);
    }
    // A Buffer when the client maps replies to buffers.
    const text = reply instanceof Uint8Array ? new TextDecoder().decode(reply) : reply;
    if (typeof text === 'string' && RESERVATIONS.has(text)) return text as DedupeReservation;
    throw new WebhookStorageError(
      'storage_unavailable',
      `RedisDedupeStore.reserve: expected "reserved", "in_progress" or "done" from the reserve script; got ${describeValue(reply)}. Pass a plain node-redis or ioredis client.`,
    );
  }

  /**
   * Marks `key` done for `ttlMs` milliseconds from now with `SET <key> done PX <ttlMs>`: it
   * replaces the in-progress lease, or records an unknown key as done.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param ttlMs - the dedupe window, in milliseconds from now: a finite number ≥ 1, floored.
   * @throws WebhookValidationError `invalid_option` naming `key` or `ttlMs`;
   *   WebhookStorageError `storage_unavailable` if `SET` fails (the client's error is the
   *   `cause`). Both as rejections.
   * @example
   * ```ts
   * await store.complete('evt_1', 30 * 24 * 60 * 60 * 1000); // duplicates for 30 days are 'done'
   * ```
   */
  async complete(key: string, ttlMs: number): Promise<void> {
    assertDedupeKey(key);
    const ttl = checkDedupeTtlMs(ttlMs);
    try {
      await this.#send(['SET', this.#keyPrefix + key, DONE, 'PX', String(ttl)]);
    } catch (error) {
      throw unavailable('complete', 'SET PX', error);
    }
  }

  /**
   * Deletes `key` from Redis in either state; unknown keys are ignored.
   *
   * @param key - the dedupe key (a non-empty string).
   * @throws WebhookValidationError `invalid_option` naming `key`; WebhookStorageError
   *   `storage_unavailable` if `DEL` fails (the client's error is the `cause`). Both as rejections.
   * @example
   * ```ts
   * await store.release('evt_1'); // the sender's next retry is processed again
   * ```
   */
  async release(key: string): Promise<void> {
    assertDedupeKey(key);
    try {
      await this.#send(['DEL', this.#keyPrefix + key]);
    } catch (error) {
      throw unavailable('release', 'DEL', error);
    }
  }
}

/**
 * A function sending one raw command through whichever API `client` has. ioredis clients have
 * `sendCommand` too (with another signature), so `call` is checked first.
 */
function commandSender(client: unknown): (args: readonly string[]) => Promise<unknown> {
  if (typeof client === 'object' && client !== null) {
    const candidate = client as { call?: unknown; sendCommand?: unknown };
    if (typeof candidate.call === 'function') {
      const io = client as IoRedisDedupeClient;
      return ([command, ...args]) => io.call(command as string, ...args);
    }
    if (typeof candidate.sendCommand === 'function') {
      const node = client as NodeRedisDedupeClient;
      return (args) => node.sendCommand(args);
    }
  }
  throw invalidOption(
    'client',
    `client must be a connected node-redis client (with sendCommand) or ioredis client (with call); got ${describeValue(client)}.`,
  );
}

function unavailable(operation: string, command: string, cause: unknown): WebhookStorageError {
  return new WebhookStorageError(
    'storage_unavailable',
    `RedisDedupeStore.${operation}: Redis ${command} failed; check the connection (see cause).`,
    { cause },
  );
}
