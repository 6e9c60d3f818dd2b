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

/** Takes `key` and returns its token; throws unless the reservation succeeds. */
async function reserveToken(store: RedisDedupeStore, key: string, ttlMs: number): Promise<string> {
  const found = await store.reserve(key, ttlMs);
  if (found.status !== 'reserved') throw new Error(`expected 'reserved', got '${found.status}'`);
  return found.token;
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

  it("reserve(key, lease) -> keyPrefix + key holds 'pending:<token>' with the lease as PTTL", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    const token = await reserveToken(store, 'evt_1', 5_000);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await client.sendCommand(['GET', `${keyPrefix}evt_1`])).toBe(`pending:${token}`);
    const ttl = Number(await client.sendCommand(['PTTL', `${keyPrefix}evt_1`]));
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await client.sendCommand(['DEL', `${keyPrefix}evt_1`]);
  });

  it("complete(key, token, window) after reserve -> true, the key holds 'done' with the window as PTTL", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    const token = await reserveToken(store, 'evt_1', 5_000);
    expect(await store.complete('evt_1', token, 600_000)).toBe(true);
    expect(await client.sendCommand(['GET', `${keyPrefix}evt_1`])).toBe('done');
    const ttl = Number(await client.sendCommand(['PTTL', `${keyPrefix}evt_1`]));
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    await client.sendCommand(['DEL', `${keyPrefix}evt_1`]);
  });

  it('complete(key, wrong token) and release(key, wrong token) -> value and lease PTTL unchanged', async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const redisKey = `${keyPrefix}evt_1`;
    const store = new RedisDedupeStore({ client, keyPrefix, token: () => 'tok_a' });
    await reserveToken(store, 'evt_1', 5_000);
    expect(await store.complete('evt_1', 'tok_b', 600_000)).toBe(false);
    await store.release('evt_1', 'tok_b');
    // A token that is a prefix or extension of the real one does not match either.
    expect(await store.complete('evt_1', 'tok_', 600_000)).toBe(false);
    await store.release('evt_1', 'tok_ab');
    expect(await client.sendCommand(['GET', redisKey])).toBe('pending:tok_a');
    const ttl = Number(await client.sendCommand(['PTTL', redisKey]));
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await store.release('evt_1', 'tok_a');
    expect(await client.sendCommand(['EXISTS', redisKey])).toBe(0);
  });

  it("release(key, old token) of a done key -> still 'done' with its window", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const redisKey = `${keyPrefix}evt_1`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    const token = await reserveToken(store, 'evt_1', 5_000);
    await store.complete('evt_1', token, 600_000);
    await store.release('evt_1', token);
    expect(await client.sendCommand(['GET', redisKey])).toBe('done');
    expect(Number(await client.sendCommand(['PTTL', redisKey]))).toBeGreaterThan(590_000);
    await client.sendCommand(['DEL', redisKey]);
  });

  it("reserve(key) on a key holding a foreign value -> 'in_progress'; reserve, complete and release keep the value (fail safe)", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const redisKey = `${keyPrefix}evt_1`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    for (const foreign of ['1', 'pending', 'pending:']) {
      await client.sendCommand(['SET', redisKey, foreign, 'PX', '60000']);
      expect(await store.reserve('evt_1', 5_000)).toEqual({ status: 'in_progress' });
      expect(await store.complete('evt_1', '1', 5_000)).toBe(false);
      await store.release('evt_1', 'pending');
      expect(await client.sendCommand(['GET', redisKey])).toBe(foreign);
    }
    await client.sendCommand(['DEL', redisKey]);
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
    const token = await reserveToken(store, key, 60_000);
    expect(await client.call('EXISTS', `novatrade24:webhooks:dedupe:${key}`)).toBe(1);
    await store.release(key, token);
    expect(await client.call('EXISTS', `novatrade24:webhooks:dedupe:${key}`)).toBe(0);
  });

  it("reserve, then complete -> 'pending:<token>' with the lease, then 'done' with the window", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const redisKey = `${keyPrefix}evt_1`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    const token = await reserveToken(store, 'evt_1', 5_000);
    expect(await client.call('GET', redisKey)).toBe(`pending:${token}`);
    const lease = Number(await client.call('PTTL', redisKey));
    expect(lease).toBeGreaterThan(4_000);
    expect(lease).toBeLessThanOrEqual(5_000);
    expect(await store.complete('evt_1', token, 600_000)).toBe(true);
    expect(await client.call('GET', redisKey)).toBe('done');
    const window = Number(await client.call('PTTL', redisKey));
    expect(window).toBeGreaterThan(590_000);
    expect(window).toBeLessThanOrEqual(600_000);
    await store.release('evt_1', token);
    expect(await client.call('GET', redisKey)).toBe('done');
    await client.call('DEL', redisKey);
  });

  it("a lapsed lease -> the old token's complete and release leave the new 'pending:<token>' and its PTTL alone", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const redisKey = `${keyPrefix}evt_1`;
    let issued = 0;
    const store = new RedisDedupeStore({
      client,
      keyPrefix,
      token: () => {
        issued += 1;
        return `tok_${issued}`;
      },
    });
    await reserveToken(store, 'evt_1', 30);
    await new Promise<void>((resolve) => setTimeout(resolve, 60));
    expect(await reserveToken(store, 'evt_1', 5_000)).toBe('tok_2');
    expect(await store.complete('evt_1', 'tok_1', 600_000)).toBe(false);
    await store.release('evt_1', 'tok_1');
    expect(await client.call('GET', redisKey)).toBe('pending:tok_2');
    expect(Number(await client.call('PTTL', redisKey))).toBeLessThanOrEqual(5_000);
    await store.release('evt_1', 'tok_2');
    expect(await client.call('EXISTS', redisKey)).toBe(0);
  });

  it('complete(unknown key, token, window) -> false and no key is written', async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const redisKey = `${keyPrefix}evt_1`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    expect(await store.complete('evt_1', 'tok_1', 600_000)).toBe(false);
    expect(await client.call('EXISTS', redisKey)).toBe(0);
  });

  it('complete() on a disconnected client -> rejects with storage_unavailable and a cause', async () => {
    const offline = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    const store = new RedisDedupeStore({ client: offline });
    const error = await rejectionOf(store.complete('evt_1', 'tok_1', 1_000));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    offline.disconnect();
  });

  it('release() on a disconnected client -> rejects with storage_unavailable and a cause', async () => {
    const offline = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    const store = new RedisDedupeStore({ client: offline });
    const error = await rejectionOf(store.release('evt_1', 'tok_1'));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    offline.disconnect();
  });
});

describe('RedisDedupeStore across connections', () => {
  it("50 concurrent reserve(key) over 5 connections (3 node-redis, 2 ioredis) -> exactly one 'reserved', and Redis holds its token", async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const redisKey = `${keyPrefix}evt_race`;
    const nodeClients = await Promise.all(
      Array.from({ length: 3 }, () => createClient({ url: REDIS_URL }).connect()),
    );
    const ioClients = Array.from({ length: 2 }, () => new Redis(REDIS_URL, { lazyConnect: true }));
    try {
      await Promise.all(ioClients.map((c) => c.connect()));
      const stores = [...nodeClients, ...ioClients].map(
        (client) => new RedisDedupeStore({ client, keyPrefix }),
      );
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (stores[i % stores.length] as RedisDedupeStore).reserve('evt_race', 60_000),
        ),
      );
      const tokens = results.flatMap((found) => (found.status === 'reserved' ? [found.token] : []));
      expect(tokens).toHaveLength(1);
      expect(results.filter((found) => found.status === 'in_progress')).toHaveLength(49);
      expect(await nodeClients[0]?.sendCommand(['GET', redisKey])).toBe(`pending:${tokens[0]}`);
      // Any connection can complete with the winner's token.
      expect(await stores[4]?.complete('evt_race', tokens[0] ?? '', 60_000)).toBe(true);
      expect(await nodeClients[0]?.sendCommand(['GET', redisKey])).toBe('done');
    } finally {
      await nodeClients[0]?.sendCommand(['DEL', redisKey]);
      await Promise.all(nodeClients.map((c) => c.quit()));
      await Promise.all(ioClients.map((c) => c.quit()));
    }
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

  it('release() with an ioredis-shaped client whose command throws synchronously -> storage_unavailable, token not in message', async () => {
    const client = {
      call: () => {
        throw boom;
      },
    };
    const error = await rejectionOf(
      new RedisDedupeStore({ client }).release('evt_1', 'tok_secretish'),
    );
    expect(error).toMatchObject({ code: 'storage_unavailable', cause: boom });
    expect((error as Error).message).toContain('release');
    expect((error as Error).message).not.toContain('tok_secretish');
  });

  it('complete() with a client whose command rejects -> storage_unavailable, cause forwarded, key and token not in message', async () => {
    const store = new RedisDedupeStore({ client: { sendCommand: () => Promise.reject(boom) } });
    const error = await rejectionOf(store.complete('evt_secretish_id', 'tok_secretish', 1_000));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable', cause: boom });
    expect((error as Error).message).toContain('complete');
    expect((error as Error).message).not.toContain('evt_secretish_id');
    expect((error as Error).message).not.toContain('tok_secretish');
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

  for (const [found, expected] of [
    ['reserved', { status: 'reserved', token: 'tok_1' }],
    ['in_progress', { status: 'in_progress' }],
    ['done', { status: 'done' }],
  ] as const) {
    it(`reserve() with a client answering the Buffer ${JSON.stringify(found)} -> ${JSON.stringify(expected)}`, async () => {
      const store = new RedisDedupeStore({
        client: { sendCommand: async () => new TextEncoder().encode(found) },
        token: () => 'tok_1',
      });
      expect(await store.reserve('evt_1', 1_000)).toEqual(expected);
    });
  }

  for (const [reply, expected] of [
    [1, true],
    [0, false],
  ] as const) {
    it(`complete() with a client answering ${reply} -> ${expected}`, async () => {
      const store = new RedisDedupeStore({ client: { sendCommand: async () => reply } });
      expect(await store.complete('evt_1', 'tok_1', 1_000)).toBe(expected);
    });
  }

  for (const reply of ['OK', '1', null, true, 2]) {
    it(`complete() with a client answering ${JSON.stringify(reply)} -> storage_unavailable`, async () => {
      const store = new RedisDedupeStore({ client: { sendCommand: async () => reply } });
      const error = await rejectionOf(store.complete('evt_1', 'tok_1', 1_000));
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable' });
      expect((error as Error).message).toContain('complete');
    });
  }

  it('a client with both call and sendCommand -> call is used (ioredis has both), with the documented scripts', async () => {
    const calls: string[][] = [];
    const client = {
      call: async (...args: string[]) => {
        calls.push(args);
        return args[1]?.includes("'NX'") === true ? 'reserved' : 1;
      },
      sendCommand: async () => {
        calls.push(['sendCommand']);
        return 'OK';
      },
    };
    const store = new RedisDedupeStore({ client, keyPrefix: 'p:', token: () => 'tok_1' });
    expect(await store.reserve('evt_1', 1_500.9)).toEqual({ status: 'reserved', token: 'tok_1' });
    expect(await store.complete('evt_1', 'tok_1', 86_400_000.5)).toBe(true);
    await store.release('evt_1', 'tok_1');
    expect(calls).toHaveLength(3);
    const [reserveCall, completeCall, releaseCall] = calls;
    // EVAL <script> 1 <key> …: one key, so Redis Cluster routes it by that key.
    expect(reserveCall?.[0]).toBe('EVAL');
    expect(reserveCall?.slice(2)).toEqual(['1', 'p:evt_1', '1500', 'tok_1']);
    expect(reserveCall?.[1]).toContain(
      "redis.call('SET', KEYS[1], 'pending:' .. ARGV[2], 'PX', ARGV[1], 'NX')",
    );
    expect(completeCall?.[0]).toBe('EVAL');
    expect(completeCall?.slice(2)).toEqual(['1', 'p:evt_1', 'tok_1', '86400000']);
    expect(completeCall?.[1]).toContain("redis.call('GET', KEYS[1]) == 'pending:' .. ARGV[1]");
    expect(completeCall?.[1]).toContain("redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])");
    expect(releaseCall?.[0]).toBe('EVAL');
    expect(releaseCall?.slice(2)).toEqual(['1', 'p:evt_1', 'tok_1']);
    expect(releaseCall?.[1]).toContain("redis.call('GET', KEYS[1]) == 'pending:' .. ARGV[1]");
    expect(releaseCall?.[1]).toContain("redis.call('DEL', KEYS[1])");
  });

  it('default tokens -> 22 base64url characters, a new one per reservation', async () => {
    const sent: string[] = [];
    const store = new RedisDedupeStore({
      client: {
        sendCommand: async (args: readonly string[]) => {
          sent.push(args[5] ?? '');
          return 'reserved';
        },
      },
    });
    const first = await reserveToken(store, 'evt_1', 1_000);
    const second = await reserveToken(store, 'evt_1', 1_000);
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second).not.toBe(first);
    expect(sent).toEqual([first, second]);
  });

  it("new RedisDedupeStore({ token: 'abc' }) -> invalid_option naming token", () => {
    const client = { sendCommand: async () => 'OK' };
    const error = thrown(() => new RedisDedupeStore({ client, token: 'abc' as never }));
    expect(error.issues[0]?.path).toBe('token');
  });

  it('reserve() with a token function returning "" -> invalid_option naming token, no command sent', async () => {
    let sent = 0;
    const client = {
      sendCommand: async () => {
        sent += 1;
        return 'reserved';
      },
    };
    const store = new RedisDedupeStore({ client, token: () => '' });
    const error = await rejectionOf(store.reserve('evt_1', 1_000));
    expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'token' }] });
    expect(sent).toBe(0);
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
