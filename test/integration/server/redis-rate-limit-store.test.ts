// RedisRateLimitStore against the real Redis at 127.0.0.1:6379, through both client libraries.
// Every test uses its own key prefix under one random prefix for this file, and the file deletes
// its keys afterwards. Time is the fake clock's (passed as nowMs), so nothing waits.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { RateLimiter } from '../../../src/server/internal/rate-limit/rate-limiter.js';
import {
  RATE_LIMIT_HIT_SCRIPT,
  RedisRateLimitStore,
} from '../../../src/server/internal/rate-limit/redis-rate-limit-store.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { thrown } from '../../helpers/thrown.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_PREFIX = `novatrade24:webhooks:test:ratelimit:${randomUUID()}:`;
const START_MS = Date.UTC(2026, 0, 1);
const WEBHOOK = { organizationUuid: 'org-a', tier: 'STANDARD', category: 'webhook' } as const;

let nodeClient: Awaited<ReturnType<ReturnType<typeof createClient>['connect']>>;
let nodeClient2: Awaited<ReturnType<ReturnType<typeof createClient>['connect']>>;
let ioClient: Redis;

beforeAll(async () => {
  nodeClient = await createClient({ url: REDIS_URL }).connect();
  nodeClient2 = await createClient({ url: REDIS_URL }).connect();
  ioClient = new Redis(REDIS_URL, { lazyConnect: true });
  await ioClient.connect();
});

afterAll(async () => {
  const keys = (await nodeClient.sendCommand(['KEYS', `${RUN_PREFIX}*`])) as string[];
  if (keys.length > 0) await nodeClient.sendCommand(['DEL', ...keys]);
  await Promise.all([nodeClient.quit(), nodeClient2.quit(), ioClient.quit()]);
});

const freshPrefix = (): string => `${RUN_PREFIX}${randomUUID()}:`;

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/**
 * The Redis Cluster hash tag of `key` (the Cluster specification's rule): the text between the
 * first `{` and the first `}` after it when non-empty, else the whole key.
 */
function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}

/** Two API instances: two limiters on two clients (any mix of libraries), one budget. */
function twoInstances(clients: readonly [() => unknown, () => unknown]) {
  const keyPrefix = freshPrefix();
  const clock = createFakeClock({ nowMs: START_MS });
  const [a, b] = clients.map(
    (client) =>
      new RateLimiter({
        now: clock.now,
        store: new RedisRateLimitStore({ client: client() as never, keyPrefix }),
      }),
  ) as [RateLimiter, RateLimiter];
  return { clock, a, b, keyPrefix };
}

describe.each([
  ['node-redis + node-redis', [() => nodeClient, () => nodeClient2]],
  ['ioredis + node-redis', [() => ioClient, () => nodeClient]],
] as const)('RedisRateLimitStore shared by two API instances (%s)', (_, clients) => {
  it('10 STANDARD webhook calls across both -> allowed; the 11th -> 429 in either, Retry-After to the minute end', async () => {
    const { clock, a, b } = twoInstances(clients);
    // Remaining: min(minute left, burst left), two calls per 10-second window.
    const remaining = [2, 1, 2, 1, 2, 1, 2, 1, 1, 0];
    for (let call = 0; call < 10; call += 1) {
      clock.set(START_MS + call * 5_000);
      const decision = await (call % 2 === 0 ? a : b).check(WEBHOOK);
      expect(decision.allowed).toBe(true);
      expect(decision.headers['X-RateLimit-Remaining']).toBe(String(remaining[call]));
    }
    clock.set(START_MS + 51_000);
    for (const instance of [a, b]) {
      expect(await instance.check(WEBHOOK)).toEqual({
        allowed: false,
        headers: {
          'X-RateLimit-Limit': '10',
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': String(START_MS / 1000 + 60),
          'X-RateLimit-Category': 'webhook',
        },
        retryAfterSeconds: 9,
        exceeded: 'minute',
        limit: { perMinute: 10, burstPer10s: 3 },
      });
    }
    clock.set(START_MS + 60_000);
    expect((await b.check(WEBHOOK)).headers['X-RateLimit-Remaining']).toBe('2');
  });

  it('a burst across both -> 3 allowed, the 4th refused until the 10-second window ends', async () => {
    const { clock, a, b } = twoInstances(clients);
    const allowed = [];
    for (const instance of [a, b, a, b]) allowed.push((await instance.check(WEBHOOK)).allowed);
    expect(allowed).toEqual([true, true, true, false]);
    const refused = await a.check(WEBHOOK);
    expect(refused).toMatchObject({ exceeded: 'burst', retryAfterSeconds: 10 });
    expect(refused.headers['X-RateLimit-Remaining']).toBe('0');
    clock.set(START_MS + 10_000);
    expect((await a.check(WEBHOOK)).allowed).toBe(true);
  });

  it('concurrent checks from both instances -> exactly 3 allowed (the script is atomic)', async () => {
    const { a, b } = twoInstances(clients);
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).check(WEBHOOK)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
  });
});

describe('RedisRateLimitStore keys and replies', () => {
  it('hit -> one counter per window at <prefix>{<key>}:<windowMs>:<windowStart>, PTTL within the window plus one; a refusal writes nothing', async () => {
    const keyPrefix = freshPrefix();
    const store = new RedisRateLimitStore({ client: nodeClient, keyPrefix });
    const windows = [
      { windowMs: 60_000, limit: 2 },
      { windowMs: 10_000, limit: 1 },
    ];
    const nowMs = START_MS + 65_000;
    expect(await store.hit('org-a:read', { windows, nowMs })).toEqual({
      allowed: true,
      counts: [1, 1],
    });
    const minuteKey = `${keyPrefix}{org-a:read}:60000:${START_MS + 60_000}`;
    const burstKey = `${keyPrefix}{org-a:read}:10000:${START_MS + 60_000}`;
    expect(await nodeClient.sendCommand(['GET', minuteKey])).toBe('1');
    expect(await nodeClient.sendCommand(['GET', burstKey])).toBe('1');
    const minuteTtl = Number(await nodeClient.sendCommand(['PTTL', minuteKey]));
    expect(minuteTtl).toBeGreaterThan(100_000);
    expect(minuteTtl).toBeLessThanOrEqual(115_000);
    const burstTtl = Number(await nodeClient.sendCommand(['PTTL', burstKey]));
    expect(burstTtl).toBeGreaterThan(10_000);
    expect(burstTtl).toBeLessThanOrEqual(15_000);
    expect(await store.hit('org-a:read', { windows, nowMs: nowMs + 1 })).toEqual({
      allowed: false,
      counts: [1, 1],
    });
    expect(await nodeClient.sendCommand(['GET', minuteKey])).toBe('1');
    expect(await ioClient.keys(`${keyPrefix}*`)).toHaveLength(2);
  });

  it('the script by hand -> {allowed, counts…} as integers', async () => {
    const key = `${freshPrefix()}{k}:1000:0`;
    expect(await ioClient.call('EVAL', RATE_LIMIT_HIT_SCRIPT, '1', key, '1', '5000')).toEqual([
      1, 1,
    ]);
    expect(await ioClient.call('EVAL', RATE_LIMIT_HIT_SCRIPT, '1', key, '1', '5000')).toEqual([
      0, 1,
    ]);
  });

  it('a counter holding a foreign value -> rejects with storage_unavailable, the value kept', async () => {
    const keyPrefix = freshPrefix();
    const store = new RedisRateLimitStore({ client: ioClient, keyPrefix });
    const redisKey = `${keyPrefix}{k}:60000:${START_MS}`;
    await ioClient.set(redisKey, 'not-a-number', 'PX', 60_000);
    const error = await rejectionOf(
      store.hit('k', { windows: [{ windowMs: 60_000, limit: 5 }], nowMs: START_MS }),
    );
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).message).not.toContain('not-a-number');
    expect(await ioClient.get(redisKey)).toBe('not-a-number');
  });

  it.each([
    '1.5',
    '1e3',
    '0x10',
    ' 1',
    '1 ',
    '007',
    '-1',
    '',
    '1234567890123456',
  ])('a second counter holding %j -> rejects with storage_unavailable, and the first counter is not incremented (nothing written)', async (value) => {
    const keyPrefix = freshPrefix();
    const store = new RedisRateLimitStore({ client: ioClient, keyPrefix });
    const windows = [
      { windowMs: 60_000, limit: 5 },
      { windowMs: 10_000, limit: 5 },
    ];
    const minuteKey = `${keyPrefix}{org-a:write}:60000:${START_MS}`;
    const burstKey = `${keyPrefix}{org-a:write}:10000:${START_MS}`;
    await ioClient.set(minuteKey, '2', 'PX', 60_000);
    await ioClient.set(burstKey, value, 'PX', 60_000);
    const error = await rejectionOf(store.hit('org-a:write', { windows, nowMs: START_MS }));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect(await ioClient.get(minuteKey)).toBe('2');
    expect(await ioClient.get(burstKey)).toBe(value);
  });

  it('the largest counter the script takes (15 digits) -> counted', async () => {
    const keyPrefix = freshPrefix();
    const store = new RedisRateLimitStore({ client: ioClient, keyPrefix });
    const redisKey = `${keyPrefix}{k}:60000:${START_MS}`;
    await ioClient.set(redisKey, '100000000000000', 'PX', 60_000);
    expect(
      await store.hit('k', { windows: [{ windowMs: 60_000, limit: 10 ** 15 }], nowMs: START_MS }),
    ).toEqual({ allowed: true, counts: [100_000_000_000_001] });
  });

  it.each([
    '}org-a:webhook',
    '{org-a}:webhook',
    'org-a}:{webhook',
    '{}',
    '%7D',
  ])('a key %j with braces or a percent sign -> counted, both counters sharing one hash tag that holds no brace', async (key) => {
    const keyPrefix = freshPrefix();
    const store = new RedisRateLimitStore({ client: nodeClient, keyPrefix });
    const windows = [
      { windowMs: 60_000, limit: 2 },
      { windowMs: 10_000, limit: 1 },
    ];
    expect(await store.hit(key, { windows, nowMs: START_MS })).toEqual({
      allowed: true,
      counts: [1, 1],
    });
    expect(await store.hit(key, { windows, nowMs: START_MS + 1 })).toEqual({
      allowed: false,
      counts: [1, 1],
    });
    const keys = (await nodeClient.sendCommand(['KEYS', `${keyPrefix}*`])) as string[];
    expect(keys).toHaveLength(2);
    const tags = keys.map((redisKey) => hashTagOf(redisKey.slice(keyPrefix.length)));
    expect(tags[0]).toBe(tags[1]);
    expect(tags[0]).not.toMatch(/[{}]/);
    expect(keys.map((redisKey) => redisKey.slice(keyPrefix.length)).sort()).toEqual([
      `{${tags[0]}}:10000:${START_MS}`,
      `{${tags[0]}}:60000:${START_MS}`,
    ]);
  });

  it('keys differing only in braces and their percent-encoding -> separate counters', async () => {
    const keyPrefix = freshPrefix();
    const store = new RedisRateLimitStore({ client: nodeClient, keyPrefix });
    const windows = [{ windowMs: 60_000, limit: 1 }];
    for (const key of ['a{b', 'a%7Bb', 'a%257Bb', 'a}b', 'a%7Db']) {
      expect(await store.hit(key, { windows, nowMs: START_MS })).toEqual({
        allowed: true,
        counts: [1],
      });
    }
    expect(await nodeClient.sendCommand(['KEYS', `${keyPrefix}*`])).toHaveLength(5);
  });

  it('a node-redis client not ready (isReady false) -> rejects with storage_unavailable at once, nothing sent', async () => {
    const sent: unknown[] = [];
    const client = {
      isReady: false,
      sendCommand: (args: readonly string[]) => {
        sent.push(args);
        return Promise.resolve([1, 1, 1]);
      },
    };
    const limiter = new RateLimiter({ store: new RedisRateLimitStore({ client }) });
    const error = await rejectionOf(limiter.check(WEBHOOK));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(sent).toEqual([]);
  });

  it('an ioredis client not ready (status reconnecting) -> rejects with storage_unavailable at once, nothing sent', async () => {
    const sent: unknown[] = [];
    const client = {
      status: 'reconnecting',
      call: (...args: string[]) => {
        sent.push(args);
        return Promise.resolve([1, 1, 1]);
      },
    };
    const store = new RedisRateLimitStore({ client });
    const error = await rejectionOf(
      store.hit('k', { windows: [{ windowMs: 1_000, limit: 1 }], nowMs: 0 }),
    );
    expect(error).toMatchObject({ name: 'WebhookStorageError', code: 'storage_unavailable' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(sent).toEqual([]);
  });

  it('a closed node-redis client -> rejects with storage_unavailable, its cause an Error', async () => {
    const closed = await createClient({ url: REDIS_URL }).connect();
    await closed.quit();
    const limiter = new RateLimiter({ store: new RedisRateLimitStore({ client: closed }) });
    const error = await rejectionOf(limiter.check(WEBHOOK));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('a disconnected ioredis client -> rejects with storage_unavailable and a cause', async () => {
    const offline = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    const store = new RedisRateLimitStore({ client: offline });
    const error = await rejectionOf(
      store.hit('k', { windows: [{ windowMs: 1_000, limit: 1 }], nowMs: 0 }),
    );
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ name: 'WebhookStorageError', code: 'storage_unavailable' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    offline.disconnect();
  });

  it("a client whose command fails -> rejects with storage_unavailable, the client's error as cause", async () => {
    const cause = new Error("READONLY You can't write against a read only replica.");
    const store = new RedisRateLimitStore({ client: { sendCommand: () => Promise.reject(cause) } });
    const error = await rejectionOf(
      store.hit('k', { windows: [{ windowMs: 1_000, limit: 1 }], nowMs: 0 }),
    );
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable', cause });
  });

  it('a client answering something else -> rejects with storage_unavailable', async () => {
    const store = new RedisRateLimitStore({ client: { sendCommand: async () => 'OK' } });
    expect(
      await rejectionOf(store.hit('k', { windows: [{ windowMs: 1_000, limit: 1 }], nowMs: 0 })),
    ).toMatchObject({ code: 'storage_unavailable' });
  });

  it.each<[string, unknown, string]>([
    ['no options', undefined, 'options'],
    ['no client', {}, 'client'],
    ['a client without call or sendCommand', { client: {} }, 'client'],
    ['a numeric keyPrefix', { client: { call: () => 0 }, keyPrefix: 1 }, 'keyPrefix'],
    ['a keyPrefix with {', { client: { call: () => 0 }, keyPrefix: 'app{1}:' }, 'keyPrefix'],
    ['a keyPrefix with }', { client: { call: () => 0 }, keyPrefix: 'app}:' }, 'keyPrefix'],
    ['an unknown option', { client: { call: () => 0 }, prefix: 'x' }, 'prefix'],
  ])('new RedisRateLimitStore(%s) -> invalid_option at %s', (_, options, path) => {
    const error = thrown(() => new RedisRateLimitStore(options as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe(path);
  });
});

describe('RedisRateLimitStore property', () => {
  it('short random (advance, hit) sequences -> the same answers as a naive reference model', async () => {
    const keyPrefix = freshPrefix();
    const store = new RedisRateLimitStore({ client: nodeClient, keyPrefix });
    const windows = [
      { windowMs: 60_000, limit: 5 },
      { windowMs: 10_000, limit: 2 },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            advanceMs: fc.integer({ min: 0, max: 12_000 }),
            key: fc.constantFrom('a', 'b'),
          }),
          { maxLength: 15 },
        ),
        async (steps) => {
          const run = randomUUID(); // fresh counters for every run
          const accepted = new Map<string, number[]>();
          let nowMs = START_MS;
          for (const { advanceMs, key } of steps) {
            nowMs += advanceMs;
            const times = accepted.get(key) ?? [];
            const counts = windows.map(
              ({ windowMs }) => times.filter((t) => t >= nowMs - (nowMs % windowMs)).length,
            );
            const allowed = counts.every((count, i) => count < (windows[i]?.limit ?? 0));
            if (allowed) accepted.set(key, [...times, nowMs]);
            expect(await store.hit(`${run}:${key}`, { windows, nowMs })).toEqual({
              allowed,
              counts: allowed ? counts.map((count) => count + 1) : counts,
            });
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
