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

  it('reserve(key) -> SET under keyPrefix + key with a PX TTL', async () => {
    const keyPrefix = `${RUN_PREFIX}${randomUUID()}:`;
    const store = new RedisDedupeStore({ client, keyPrefix });
    await store.reserve('evt_1', 60_000);
    const ttl = Number(await client.sendCommand(['PTTL', `${keyPrefix}evt_1`]));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
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

  it('reserve() with a client answering something other than OK or nil -> storage_unavailable', async () => {
    const store = new RedisDedupeStore({ client: { sendCommand: async () => 1 } });
    const error = await rejectionOf(store.reserve('evt_1', 1_000));
    expect(error).toMatchObject({ code: 'storage_unavailable' });
  });

  it('a client with both call and sendCommand -> call is used (ioredis has both)', async () => {
    const calls: string[] = [];
    const client = {
      call: async (...args: string[]) => {
        calls.push(`call ${args.join(' ')}`);
        return 'OK';
      },
      sendCommand: async () => {
        calls.push('sendCommand');
        return 'OK';
      },
    };
    const store = new RedisDedupeStore({ client, keyPrefix: 'p:' });
    expect(await store.reserve('evt_1', 1_500.9)).toBe(true);
    expect(calls).toEqual(['call SET p:evt_1 1 PX 1500 NX']);
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
