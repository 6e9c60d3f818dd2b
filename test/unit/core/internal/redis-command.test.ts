// The one Redis adapter both Redis stores send through: fake clients of each library's shape.
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../../src/core/errors.js';
import { redisCommand } from '../../../../src/core/internal/redis-command.js';
import { RedisDedupeStore } from '../../../../src/receiver/redis-dedupe-store.js';
import { RedisRateLimitStore } from '../../../../src/server/internal/rate-limit/redis-rate-limit-store.js';
import { thrown } from '../../../helpers/thrown.js';

/** A node-redis-shaped fake that records what it was sent. */
function nodeClient(reply: () => Promise<unknown> = async () => 'OK') {
  const sent: (readonly string[])[] = [];
  const client = {
    isReady: true as boolean | undefined,
    sendCommand(args: readonly string[]) {
      sent.push(args);
      return reply();
    },
  };
  return { client, sent };
}

/** An ioredis-shaped fake that records what it was sent. */
function ioClient(reply: () => Promise<unknown> = async () => 'OK') {
  const sent: string[][] = [];
  const client = {
    status: 'ready' as string | undefined,
    call(command: string, ...args: string[]) {
      sent.push([command, ...args]);
      return reply();
    },
  };
  return { client, sent };
}

/** What `promise` rejects with, which must be a WebhookStorageError (a fulfilment fails). */
async function storageError(promise: Promise<unknown>): Promise<WebhookStorageError> {
  const error: unknown = await promise.then(
    () => 'fulfilled',
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WebhookStorageError);
  return error as WebhookStorageError;
}

describe('redisCommand', () => {
  it('node-redis: sends the arguments as one array through sendCommand, strings unchanged', async () => {
    const { client, sent } = nodeClient(async () => 'reserved');
    const redis = redisCommand(client);
    expect(await redis?.send(['EVAL', 'return 1', '1', 'k', '60000', 'tok'])).toBe('reserved');
    expect(sent).toEqual([['EVAL', 'return 1', '1', 'k', '60000', 'tok']]);
  });

  it('ioredis: sends the command and its arguments through call, strings unchanged', async () => {
    const { client, sent } = ioClient(async () => 1);
    const redis = redisCommand(client);
    expect(await redis?.send(['EVAL', 'return 1', '2', 'a', 'b', ''])).toBe(1);
    expect(sent).toEqual([['EVAL', 'return 1', '2', 'a', 'b', '']]);
  });

  it('a client with both call and sendCommand is an ioredis client: call is used', async () => {
    const io = ioClient();
    const node = nodeClient();
    const redis = redisCommand({ ...io.client, sendCommand: node.client.sendCommand });
    await redis?.send(['PING']);
    expect(io.sent).toEqual([['PING']]);
    expect(node.sent).toEqual([]);
  });

  it('node-redis readiness: isReady false is not ready; true or absent is trusted', () => {
    const { client } = nodeClient();
    const redis = redisCommand(client);
    expect(redis?.notReady()).toBeUndefined();
    client.isReady = false;
    expect(redis?.notReady()).toBe('isReady false'); // read on each call, not at construction
    client.isReady = undefined;
    expect(redis?.notReady()).toBeUndefined();
  });

  it('ioredis readiness: any status but ready is not ready (quoted, at most 20 characters); none is trusted', () => {
    const { client } = ioClient();
    const redis = redisCommand(client);
    expect(redis?.notReady()).toBeUndefined();
    for (const status of ['wait', 'connecting', 'reconnecting', 'end']) {
      client.status = status;
      expect(redis?.notReady()).toBe(`status "${status}"`);
    }
    client.status = 'x'.repeat(50);
    expect(redis?.notReady()).toBe(`status "${'x'.repeat(20)}"`);
    client.status = undefined;
    expect(redis?.notReady()).toBeUndefined();
  });

  it('send: a rejected command surfaces unchanged', async () => {
    const boom = new Error('ECONNRESET');
    for (const { client } of [
      nodeClient(() => Promise.reject(boom)),
      ioClient(() => Promise.reject(boom)),
    ]) {
      await expect(redisCommand(client)?.send(['PING'])).rejects.toBe(boom);
    }
  });

  it('sendWhenReady: not ready -> storage_unavailable at once, nothing sent, the state in the cause', async () => {
    const node = nodeClient();
    node.client.isReady = false;
    const io = ioClient();
    io.client.status = 'reconnecting';
    for (const [{ client, sent }, state] of [
      [node, 'isReady false'],
      [io, 'status "reconnecting"'],
    ] as const) {
      const error = await storageError(
        redisCommand(client)?.sendWhenReady('Store.op', 'EVAL (x)', ['EVAL']) ?? Promise.resolve(),
      );
      expect(error.code).toBe('storage_unavailable');
      expect(error.message).toBe(
        `Store.op: the Redis client is not ready (${state}); the command was not sent. Connect the client before use; it reconnects by itself after an outage.`,
      );
      expect((error.cause as Error).message).toBe(`Redis client not ready: ${state}`);
      expect(sent).toEqual([]);
    }
  });

  it('sendWhenReady: a rejected command -> storage_unavailable naming the command, the error as cause', async () => {
    const boom = new Error('ECONNRESET');
    const error = await storageError(
      redisCommand(nodeClient(() => Promise.reject(boom)).client)?.sendWhenReady(
        'Store.op',
        'EVAL (GET, then DEL)',
        ['EVAL'],
      ) ?? Promise.resolve(),
    );
    expect(error.message).toBe(
      'Store.op: Redis EVAL (GET, then DEL) failed; check the connection (see cause).',
    );
    expect(error.cause).toBe(boom);
  });

  it('sendWhenReady: ready -> the reply as is', async () => {
    const reply = ['1', 2];
    const { client } = ioClient(async () => reply);
    expect(await redisCommand(client)?.sendWhenReady('Store.op', 'EVAL', ['EVAL'])).toBe(reply);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'redis://localhost'],
    ['an object with neither call nor sendCommand', { send: async () => 'OK' }],
    ['call that is not a function', { call: 'EVAL' }],
  ])('a client that is neither shape (%s) -> undefined', (_, client) => {
    expect(redisCommand(client)).toBeUndefined();
  });
});

describe('the stores refuse a client of neither shape, each with its own message', () => {
  it.each([
    [undefined, 'required'],
    [{ send: async () => 'OK' }, 'invalid_type'],
  ])('%o -> invalid_option `client` (%s)', (client, code) => {
    const options = { client } as never;
    const dedupe = thrown(() => new RedisDedupeStore(options));
    expect(dedupe.code).toBe('invalid_option');
    expect(dedupe.issues).toEqual([{ path: 'client', code, message: dedupe.message }]);
    expect(dedupe.message).toMatch(
      /^client must be a connected node-redis client \(with sendCommand\) or ioredis client \(with call\); got /,
    );
    const rateLimit = thrown(() => new RedisRateLimitStore(options));
    expect(rateLimit.code).toBe('invalid_option');
    expect(rateLimit.issues).toEqual([{ path: 'client', code, message: rateLimit.message }]);
    expect(rateLimit.message).toMatch(
      /^RedisRateLimitStore: `client` must be a connected node-redis client \(with sendCommand\) or ioredis client \(with call\); got /,
    );
  });
});
