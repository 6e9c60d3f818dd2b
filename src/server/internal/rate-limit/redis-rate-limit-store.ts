// The rate-limit store for several processes: the counters live in Redis, and each hit is one
// EVAL of one Lua script, which Redis runs atomically, so any number of API instances share one
// budget per organization and category with no check-then-act race.
//
// Redis Cluster: the counters of one key share one hash tag (the key, percent-encoded so it never
// holds a brace), so the script's keys are in one slot. That claim holds for a standalone client
// of either library and for ioredis' `Cluster`. The node-redis cluster client
// (`createCluster()`) is not supported, as with the receiver's Redis dedupe store: its
// `sendCommand` takes a routing key and other arguments, unlike the client's.

import { WebhookStorageError } from '../../../core/errors.js';
import { assertKnownOptions } from '../../../core/internal/assert-known-options.js';
import { describeValue } from '../../../core/internal/describe-value.js';
import { invalidOption } from '../../../core/internal/invalid-option.js';
import {
  type RedisClient,
  type RedisCommand,
  redisCommand,
} from '../../../core/internal/redis-command.js';
import type {
  RateLimitHitOptions,
  RateLimitHitResult,
  RateLimitStore,
} from './rate-limit-store.js';
import { checkHitArguments, windowStartMs } from './rate-limit-window.js';

/**
 * A connected Redis client from `redis` (node-redis v4/v5) or `ioredis` (v5), typed structurally
 * so either library's client is accepted without a cast and neither is a dependency.
 */
export type RedisRateLimitClient = RedisClient;

/** Options of {@link RedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** A connected node-redis or ioredis client; the store never connects, quits or configures it. */
  readonly client: RedisRateLimitClient;
  /**
   * Prepended to every Redis key (may be empty).
   * @default 'novatrade24:webhooks:ratelimit:'
   */
  readonly keyPrefix?: string | undefined;
}

/** Every option of {@link RedisRateLimitStoreOptions}. */
export const REDIS_RATE_LIMIT_STORE_OPTION_NAMES = [
  'client',
  'keyPrefix',
] as const satisfies readonly (keyof RedisRateLimitStoreOptions)[];

const DEFAULT_KEY_PREFIX = 'novatrade24:webhooks:ratelimit:';

/**
 * `hit` in one round trip. KEYS[i] is the counter of window i; ARGV[2i-1] its limit and ARGV[2i]
 * its time to live in milliseconds. The script first reads and checks every counter (a missing
 * key counts 0); a counter holding anything but a canonical non-negative integer Redis can INCR
 * (`0`, or 1 to 15 digits without a leading zero: not `1.5`, `1e3`, `0x10`, ` 1` or `007`, which
 * Lua's `tonumber` would take and INCR refuse) fails the script with an error reply before any
 * write, so a bad counter never leaves the others half-incremented, and is not overwritten. Only
 * if each counter is below its limit does it INCR each and (re)set its PEXPIRE. It answers
 * `{allowed (1 or 0), count of window 1, count of window 2, …}`: the counts after the hit when
 * allowed, unchanged when refused. All KEYS share one hash tag, so the script is Redis Cluster
 * safe (with ioredis' `Cluster`; see the module comment).
 */
export const RATE_LIMIT_HIT_SCRIPT = [
  'local counts = {}',
  'for i = 1, #KEYS do',
  "  local value = redis.call('GET', KEYS[i])",
  '  if value == false then',
  '    counts[i] = 0',
  "  elseif #value <= 15 and (value == '0' or string.match(value, '^[1-9]%d*$') ~= nil) then",
  '    counts[i] = tonumber(value)',
  '  else',
  "    return redis.error_reply('rate-limit counter is not a non-negative integer')",
  '  end',
  'end',
  'local allowed = 1',
  'for i = 1, #KEYS do',
  '  if counts[i] >= tonumber(ARGV[2 * i - 1]) then allowed = 0 end',
  'end',
  'if allowed == 1 then',
  '  for i = 1, #KEYS do',
  "    counts[i] = redis.call('INCR', KEYS[i])",
  "    redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])",
  '  end',
  'end',
  'table.insert(counts, 1, allowed)',
  'return counts',
].join('\n');

/**
 * A {@link RateLimitStore} on Redis, shared by any number of API processes.
 *
 * One Redis integer per key and window instance, named
 * `<keyPrefix>{<encoded key>}:<windowMs>:<windowStartMs>` (the braces are a Redis Cluster hash
 * tag: the counters of one key are in one slot, as a multi-key script needs). The key is
 * percent-encoded inside the tag (`%` as `%25`, `{` as `%7B`, `}` as `%7D`; everything else as
 * is, so `org-1:webhook` stays readable) and `keyPrefix` may hold no brace, so no key (an
 * organization id starting with `}`, say) can end the tag early or move it. The window start in the
 * name makes a new window start from zero without a reset; the PEXPIRE (the rest of the window
 * plus one more window, tolerating clocks of different processes that disagree by up to a
 * window) only reclaims the memory, so the store needs no sweeping.
 *
 * Each `hit` is one `EVAL` of {@link RATE_LIMIT_HIT_SCRIPT}: read every counter, and only when
 * each has room INCR each and PEXPIRE it. A refused hit writes nothing. The time is the caller's
 * `nowMs`, not Redis' clock, so tests drive it with a fake clock.
 *
 * The Redis user needs `EVAL` and `GET`, `INCR`, `PEXPIRE` (ACL categories `@scripting`,
 * `@read`, `@write`) on the keys under `keyPrefix`. Works with node-redis v4/v5
 * (`client.sendCommand`) and ioredis v5 (`client.call`), detected at construction. A call made
 * while the client is not ready rejects at once with `storage_unavailable` instead of waiting in
 * the client's offline queue.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = new RedisRateLimitStore({ client });
 * await store.hit('org-1:webhook', { windows: [{ windowMs: 60_000, limit: 10 }], nowMs: Date.now() });
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: RedisCommand;
  readonly #keyPrefix: string;

  /**
   * @param options - `client` (node-redis or ioredis) and `keyPrefix`
   *   (default `'novatrade24:webhooks:ratelimit:'`).
   * @throws WebhookValidationError `invalid_option` naming `options`, `client` (it has neither
   *   `call` nor `sendCommand`), `keyPrefix` (not a string, or holding `{` or `}`, which would
   *   move the Redis Cluster hash tag) or an unknown option.
   */
  constructor(options: RedisRateLimitStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidOption(
        'options',
        `RedisRateLimitStore: expected { client, keyPrefix? }; got ${describeValue(options)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(options, REDIS_RATE_LIMIT_STORE_OPTION_NAMES, 'RedisRateLimitStore');
    const { client, keyPrefix = DEFAULT_KEY_PREFIX } = options;
    const redis = redisCommand(client);
    if (redis === undefined) {
      throw invalidOption(
        'client',
        `RedisRateLimitStore: \`client\` must be a connected node-redis client (with sendCommand) or ioredis client (with call); got ${describeValue(client)}.`,
        client === undefined ? 'required' : 'invalid_type',
      );
    }
    this.#redis = redis;
    if (typeof keyPrefix !== 'string') {
      throw invalidOption(
        'keyPrefix',
        `RedisRateLimitStore: \`keyPrefix\` must be a string; got ${describeValue(keyPrefix)}.`,
        'invalid_type',
      );
    }
    if (keyPrefix.includes('{') || keyPrefix.includes('}')) {
      throw invalidOption(
        'keyPrefix',
        `RedisRateLimitStore: \`keyPrefix\` must not contain \`{\` or \`}\` (the store puts each key in a Redis Cluster hash tag after it); got ${describeValue(keyPrefix)}.`,
        'invalid_format',
      );
    }
    this.#keyPrefix = keyPrefix;
  }

  /**
   * Counts one hit of `key` in every window if each has room, atomically across every process
   * sharing the Redis; a refused hit writes nothing.
   *
   * @param key - a non-empty string of at most 512 characters.
   * @param options - `windows` (1 to 4 of `{ windowMs, limit }`, positive integers) and `nowMs`
   *   (epoch milliseconds, a non-negative integer; the windows are those holding it).
   * @returns `{ allowed, counts }`, counts in the order of `windows`.
   * @throws WebhookValidationError `invalid_option` naming `key`, `options`, `windows`,
   *   `windows[i].windowMs`, `windows[i].limit` or `nowMs`; WebhookStorageError
   *   `storage_unavailable` at once, sending nothing, if the client is not ready; if the command
   *   fails (the client's error is the `cause`); or if the reply is not what the script returns.
   *   All as rejections.
   * @example
   * ```ts
   * await store.hit('org-1:webhook', { windows: [{ windowMs: 60_000, limit: 10 }], nowMs: 0 });
   * // { allowed: true, counts: [1] }
   * ```
   */
  async hit(key: string, options: RateLimitHitOptions): Promise<RateLimitHitResult> {
    const checked = checkHitArguments('RedisRateLimitStore.hit', key, options);
    const { windows, nowMs } = checked;
    const keys = windows.map(
      ({ windowMs }) =>
        `${this.#keyPrefix}{${hashTagOf(checked.key)}}:${windowMs}:${windowStartMs(nowMs, windowMs)}`,
    );
    const args = windows.flatMap(({ windowMs, limit }) => {
      const ttlMs = windowStartMs(nowMs, windowMs) + windowMs - nowMs + windowMs;
      return [String(limit), String(ttlMs)];
    });
    const reply = await this.#redis.sendWhenReady(
      'RedisRateLimitStore.hit',
      'EVAL (GET, then INCR and PEXPIRE)',
      ['EVAL', RATE_LIMIT_HIT_SCRIPT, String(keys.length), ...keys, ...args],
    );
    const parsed = parseReply(reply, windows.length);
    if (parsed === undefined) {
      throw new WebhookStorageError(
        'storage_unavailable',
        `RedisRateLimitStore.hit: expected an array of ${windows.length + 1} integers from the rate-limit script; got ${describeValue(reply)}. Pass a plain node-redis or ioredis client.`,
      );
    }
    return parsed;
  }
}

/**
 * `key` percent-encoded for a Redis Cluster hash tag: `%`, `{` and `}` become `%25`, `%7B` and
 * `%7D`, so the result holds no brace and two different keys never encode alike.
 */
function hashTagOf(key: string): string {
  return key.replace(/[%{}]/g, (char) => (char === '%' ? '%25' : char === '{' ? '%7B' : '%7D'));
}

/** The script's reply as a result, or `undefined` when it has another shape. */
function parseReply(reply: unknown, windowCount: number): RateLimitHitResult | undefined {
  if (!Array.isArray(reply) || reply.length !== windowCount + 1) return undefined;
  const numbers = reply.map((item: unknown) => (typeof item === 'number' ? item : Number.NaN));
  if (!numbers.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  const [allowed, ...counts] = numbers;
  if (allowed !== 0 && allowed !== 1) return undefined;
  return { allowed: allowed === 1, counts };
}
