// RedisDedupeStore against the real Redis at 127.0.0.1:6379, through both client libraries it
// supports. Every store gets its own random key prefix, and its keys are deleted afterwards.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../src/core/errors.js';
import { RedisDedupeStore } from '../../src/receiver/redis-dedupe-store.js';
import { describeDedupeStore } from '../helpers/dedupe-store-suite.js';
import { thrown } from '../helpers/thrown.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_PREFIX = `novatrade24:webhooks:test:${randomUUID()}:`;

type RawCommand = (args: readonly string[]) => Promise<unknown>;

/** A fixture factory: a fresh prefix per store, and a cleanup that deletes its keys. */
function fixtures(store: (keyPrefix: string) => RedisDedupeStore, send: () => RawCommand) {
  return async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    return {
      store: store(keyPrefix),
      cleanup: async () => {
        const keys = (await send()(['KEYS', `${keyPrefix}*`])) as string[];
        if (keys.length > 0) await send()(['DEL', ...keys]);
      },
    };
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('RedisDedupeStore with node-redis', () => {
  let client: Awaited<ReturnType<ReturnType<typeof createClient>['connect']>>;
  beforeAll(async () => {
    client = await createClient({ url: REDIS_URL }).connect();
  });
  afterAll(async () => {
    await client.quit();
  });

  describeDedupeStore(
    'RedisDedupeStore (node-redis)',
    fixtures(
      (keyPrefix) => new RedisDedupeStore({ client, keyPrefix }),
      () => (args) => client.sendCommand(args),
    ),
  );

  it("reserve(key, lease) -> keyPrefix + key holds 'pending' with the lease as PTTL", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    await store.reserve('evt_1', 5_000);
    expect(await client.sendCommand(['GET', `${keyPrefix}evt_1`])).toBe('pending');
    const ttl = Number(await client.sendCommand(['PTTL', `${keyPrefix}evt_1`]));
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await client.sendCommand(['DEL', `${keyPrefix}evt_1`]);
  });

  it("complete(key, window) after reserve -> the key holds 'done' with the window as PTTL", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    await store.reserve('evt_1', 5_000);
    await store.complete('evt_1', 600_000);
    expect(await client.sendCommand(['GET', `${keyPrefix}evt_1`])).toBe('done');
    const ttl = Number(await client.sendCommand(['PTTL', `${keyPrefix}evt_1`]));
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    await client.sendCommand(['DEL', `${keyPrefix}evt_1`]);
  });

  it("reserve(key) on a key holding a foreign value -> 'in_progress' and the value is kept (fail safe)", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    await client.sendCommand(['SET', `${keyPrefix}evt_1`, '1', 'PX', '60000']);
    expect(await store.reserve('evt_1', 5_000)).toBe('in_progress');
    expect(await client.sendCommand(['GET', `${keyPrefix}evt_1`])).toBe('1');
    await client.sendCommand(['DEL', `${keyPrefix}evt_1`]);
  });

  it('reserve() on a closed client -> rejects with storage_unavailable and the client error as cause', async () => {
    const closed = await createClient({ url: REDIS_URL }).connect();
    await closed.quit();
    const store = new RedisDedupeStore({ client: closed });
    const error = await rejectionOf(store.reserve('evt_1', 1_000));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe('RedisDedupeStore with ioredis', () => {
  let client: Redis;
  beforeAll(async () => {
    client = new Redis(REDIS_URL, { lazyConnect: true });
    await client.connect();
  });
  afterAll(async () => {
    await client.quit();
  });

  describeDedupeStore(
    'RedisDedupeStore (ioredis)',
    fixtures(
      (keyPrefix) => new RedisDedupeStore({ client, keyPrefix }),
      () =>
        ([command, ...args]) =>
          client.call(command as string, ...args),
    ),
  );

  it('new RedisDedupeStore({ client }) with default keyPrefix -> keys under novatrade24:webhooks:dedupe:', async () => {
    const key = `test-${randomUUID()}`;
    const store = new RedisDedupeStore({ client });
    await store.reserve(key, 60_000);
    expect(await client.call('EXISTS', `novatrade24:webhooks:dedupe:${key}`)).toBe(1);
    await store.release(key);
    expect(await client.call('EXISTS', `novatrade24:webhooks:dedupe:${key}`)).toBe(0);
  });

  it("reserve, then complete -> 'pending' with the lease, then 'done' with the window", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const redisKey = `${keyPrefix}evt_1`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    expect(await store.reserve('evt_1', 5_000)).toBe('reserved');
    expect(await client.call('GET', redisKey)).toBe('pending');
    const lease = Number(await client.call('PTTL', redisKey));
    expect(lease).toBeGreaterThan(4_000);
    expect(lease).toBeLessThanOrEqual(5_000);
    await store.complete('evt_1', 600_000);
    expect(await client.call('GET', redisKey)).toBe('done');
    const window = Number(await client.call('PTTL', redisKey));
    expect(window).toBeGreaterThan(590_000);
    expect(window).toBeLessThanOrEqual(600_000);
    await store.release('evt_1');
    expect(await client.call('EXISTS', redisKey)).toBe(0);
  });

  it("complete(unknown key, window) -> the key holds 'done' with the window as PTTL", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const redisKey = `${keyPrefix}evt_1`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    await store.complete('evt_1', 600_000);
    expect(await client.call('GET', redisKey)).toBe('done');
    expect(Number(await client.call('PTTL', redisKey))).toBeGreaterThan(590_000);
    await client.call('DEL', redisKey);
  });

  it('complete() on a disconnected client -> rejects with storage_unavailable and a cause', async () => {
    const offline = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    const store = new RedisDedupeStore({ client: offline });
    const error = await rejectionOf(store.complete('evt_1', 1_000));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    offline.disconnect();
  });

  it('release() on a disconnected client -> rejects with storage_unavailable and a cause', async () => {
    const offline = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    const store = new RedisDedupeStore({ client: offline });
    const error = await rejectionOf(store.release('evt_1'));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    offline.disconnect();
  });
});

describe('RedisDedupeStore — failures and options', () => {
  const boom = new Error('connection reset');

  it('reserve() with a node-redis-shaped client whose command rejects -> storage_unavailable, cause forwarded, key not in message', async () => {
    const store = new RedisDedupeStore({ client: { sendCommand: () => Promise.reject(boom) } });
    const error = await rejectionOf(store.reserve('evt_secretish_id', 1_000));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable', cause: boom });
    expect((error as Error).message).toContain('reserve');
    expect((error as Error).message).not.toContain('evt_secretish_id');
  });

  it('release() with an ioredis-shaped client whose command throws synchronously -> storage_unavailable', async () => {
    const client = {
      call: () => {
        throw boom;
      },
    };
    const error = await rejectionOf(new RedisDedupeStore({ client }).release('evt_1'));
    expect(error).toMatchObject({ code: 'storage_unavailable', cause: boom });
    expect((error as Error).message).toContain('release');
  });

  it('complete() with a client whose command rejects -> storage_unavailable, cause forwarded, key not in message', async () => {
    const store = new RedisDedupeStore({ client: { sendCommand: () => Promise.reject(boom) } });
    const error = await rejectionOf(store.complete('evt_secretish_id', 1_000));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable', cause: boom });
    expect((error as Error).message).toContain('complete');
    expect((error as Error).message).not.toContain('evt_secretish_id');
  });

  for (const reply of ['OK', 1, null, 'pending', ['reserved']]) {
    it(`reserve() with a client answering ${JSON.stringify(reply)} -> storage_unavailable`, async () => {
      const store = new RedisDedupeStore({ client: { sendCommand: async () => reply } });
      const error = await rejectionOf(store.reserve('evt_1', 1_000));
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable' });
      expect((error as Error).message).toContain('reserve');
    });
  }

  for (const found of ['reserved', 'in_progress', 'done'] as const) {
    it(`reserve() with a client answering the Buffer ${JSON.stringify(found)} -> '${found}'`, async () => {
      const store = new RedisDedupeStore({
        client: { sendCommand: async () => new TextEncoder().encode(found) },
      });
      expect(await store.reserve('evt_1', 1_000)).toBe(found);
    });
  }

  it('a client with both call and sendCommand -> call is used (ioredis has both), with the documented commands', async () => {
    const calls: string[][] = [];
    const client = {
      call: async (...args: string[]) => {
        calls.push(args);
        return args[0] === 'EVAL' ? 'reserved' : 'OK';
      },
      sendCommand: async () => {
        calls.push(['sendCommand']);
        return 'OK';
      },
    };
    const store = new RedisDedupeStore({ client, keyPrefix: 'p:' });
    expect(await store.reserve('evt_1', 1_500.9)).toBe('reserved');
    await store.complete('evt_1', 86_400_000.5);
    await store.release('evt_1');
    expect(calls).toHaveLength(3);
    const [evalCall, completeCall, releaseCall] = calls;
    // EVAL <script> 1 <key> <lease>: one key, so Redis Cluster routes it by that key.
    expect(evalCall?.[0]).toBe('EVAL');
    expect(evalCall?.slice(2)).toEqual(['1', 'p:evt_1', '1500']);
    expect(evalCall?.[1]).toContain("redis.call('SET', KEYS[1], 'pending', 'PX', ARGV[1], 'NX')");
    expect(completeCall).toEqual(['SET', 'p:evt_1', 'done', 'PX', '86400000']);
    expect(releaseCall).toEqual(['DEL', 'p:evt_1']);
  });

  for (const [label, client] of [
    ['an empty object', {}],
    ['null', null],
    ['undefined', undefined],
    ['a client whose sendCommand is not a function', { sendCommand: 'SET' }],
  ] as const) {
    it(`new RedisDedupeStore({ client: ${label} }) -> invalid_option naming client`, () => {
      const error = thrown(() => new RedisDedupeStore({ client: client as never }));
      expect(error.code).toBe('invalid_option');
      expect(error.issues[0]?.path).toBe('client');
    });
  }

  it('new RedisDedupeStore() without options -> invalid_option naming options', () => {
    expect(thrown(() => new RedisDedupeStore(undefined as never)).issues[0]?.path).toBe('options');
  });

  it('new RedisDedupeStore({ keyPrefix: 1 }) -> invalid_option naming keyPrefix', () => {
    const client = { sendCommand: async () => 'OK' };
    const error = thrown(() => new RedisDedupeStore({ client, keyPrefix: 1 as never }));
    expect(error.issues[0]?.path).toBe('keyPrefix');
  });
});
