import { WebhookStorageError } from '../core/errors.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { assertDedupeKey, checkDedupeTtlMs } from './internal/dedupe-arguments.js';
import type { DedupeStore } from './ports/dedupe-store.js';

/**
 * The part of a node-redis v4/v5 client (`createClient()` from `redis`) that
 * {@link RedisDedupeStore} uses. The node-redis cluster client is not supported; ioredis'
 * `Cluster` is.
 */
export interface NodeRedisDedupeClient {
  /** Sends a raw command, e.g. `['SET', key, '1', 'PX', '60000', 'NX']`. */
  sendCommand(args: readonly string[]): Promise<unknown>;
}

/** The part of an ioredis v5 client (`new Redis()` or `new Cluster()`) that {@link RedisDedupeStore} uses. */
export interface IoRedisDedupeClient {
  /** Sends a raw command, e.g. `call('SET', key, '1', 'PX', '60000', 'NX')`. */
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

/**
 * A {@link DedupeStore} on Redis, shared by any number of receiver processes. A reservation is
 * `SET <keyPrefix><key> 1 PX <ttlMs> NX`; a release is `DEL`. Redis expires keys by itself, so
 * the store holds no state and needs no sweeping.
 *
 * Works with node-redis v4/v5 (`client.sendCommand`) and ioredis v5 (`client.call`), detected at
 * construction; neither library is imported (both are optional peer dependencies).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = new RedisDedupeStore({ client });
 * if (await store.reserve(event.id, 24 * 60 * 60 * 1000)) await handle(event);
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
   * Records `key` for `ttlMs` milliseconds unless Redis already holds it.
   *
   * `SET … NX PX` tests and writes in one atomic command, so there is no check-then-act race:
   * across any number of processes, concurrent reservations of one key give exactly one `true`.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param ttlMs - how long to remember it, in milliseconds: a finite number ≥ 1, floored.
   * @returns `true` for the first reservation, `false` while Redis holds the key.
   * @throws WebhookValidationError `invalid_option` naming `key` or `ttlMs`;
   *   WebhookStorageError `storage_unavailable` if the command fails (the client's error is the
   *   `cause`). Both as rejections.
   * @example
   * ```ts
   * await store.reserve('evt_1', 60_000); // true
   * await store.reserve('evt_1', 60_000); // false
   * ```
   */
  async reserve(key: string, ttlMs: number): Promise<boolean> {
    assertDedupeKey(key);
    const ttl = checkDedupeTtlMs(ttlMs);
    let reply: unknown;
    try {
      reply = await this.#send(['SET', this.#keyPrefix + key, '1', 'PX', String(ttl), 'NX']);
    } catch (error) {
      throw unavailable('reserve', 'SET NX PX', error);
    }
    // NX: `OK` when this call set the key, nil when it already existed.
    if (reply === null || reply === undefined) return false;
    if (reply === 'OK' || reply instanceof Uint8Array) return true; // a Buffer with a type mapping
    throw new WebhookStorageError(
      'storage_unavailable',
      `RedisDedupeStore.reserve: expected "OK" or nil from SET NX PX; got ${describeValue(reply)}. Pass a plain node-redis or ioredis client.`,
    );
  }

  /**
   * Deletes `key` from Redis; unknown keys are ignored.
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
