// The one adapter the Redis stores (the receiver's dedupe store, the server's rate-limit store) send
// their commands through. It imports neither Redis library: it types the part of a client it uses
// and calls its methods, so it stays runtime-neutral.
//
// The node-redis cluster client (`createCluster()`) is not supported: its `sendCommand` takes a
// routing key and other arguments, unlike the client's. ioredis' `Cluster` is supported (it has
// the same `call` and `status` as a standalone client).

import { WebhookStorageError } from '../errors.js';

/**
 * The part of a node-redis v4/v5 client (`createClient()` from `redis`) a Redis store uses. The
 * node-redis cluster client (`createCluster()`) is not supported; ioredis' `Cluster` is.
 */
export interface NodeRedisClient {
  /** Sends a raw command, e.g. `['EVAL', script, '1', key, '60000', token]`. */
  sendCommand(args: readonly string[]): Promise<unknown>;
  /**
   * `false` while the client is not connected and ready (connecting, reconnecting, closed): the
   * store then fails at once instead of queueing the command.
   */
  readonly isReady?: boolean;
}

/** The part of an ioredis v5 client (`new Redis()` or `new Cluster()`) a Redis store uses. */
export interface IoRedisClient {
  /** Sends a raw command, e.g. `call('EVAL', script, '1', key, '60000', token)`. */
  call(command: string, ...args: string[]): Promise<unknown>;
  /**
   * The connection state; anything but `'ready'` (`'wait'`, `'connecting'`, `'reconnecting'`,
   * `'end'`, …) makes the store fail at once instead of queueing the command.
   */
  readonly status?: string;
}

/**
 * A connected Redis client from `redis` (node-redis v4/v5) or `ioredis` (v5), typed structurally
 * so either library's client is accepted without a cast and neither is a dependency.
 */
export type RedisClient = NodeRedisClient | IoRedisClient;

/** One client's commands, whichever library it comes from. */
export interface RedisCommand {
  /**
   * Why the client cannot take a command now (`'isReady false'`, `'status "reconnecting"'`), or
   * `undefined` when it can or does not say (a client without `isReady` or `status` is trusted).
   */
  notReady(): string | undefined;
  /**
   * Sends one raw command (`['EVAL', script, …]`) through the client's own API. The client's
   * rejection surfaces unchanged.
   */
  send(args: readonly string[]): Promise<unknown>;
  /**
   * Sends one command unless the client is not ready: then it rejects at once, before the client
   * can queue the command for after a reconnect. Both failures are WebhookStorageError
   * `storage_unavailable`: `where` (`'RedisDedupeStore.reserve'`) starts the message, and a failed
   * command is named by `command` (`'EVAL (SET NX PX, then GET)'`) with the client's error as the
   * `cause`.
   */
  sendWhenReady(where: string, command: string, args: readonly string[]): Promise<unknown>;
}

/**
 * The commands of `client`: through `call` for an ioredis client, `sendCommand` for a node-redis
 * one (ioredis clients have `sendCommand` too, with another signature, so `call` is checked
 * first). `undefined` when `client` has neither, for the caller to refuse with its own message.
 */
export function redisCommand(client: unknown): RedisCommand | undefined {
  if (typeof client !== 'object' || client === null) return undefined;
  const candidate = client as { call?: unknown; sendCommand?: unknown };
  if (typeof candidate.call === 'function') {
    const io = client as IoRedisClient;
    return withFailFast({
      notReady: () => {
        const status: unknown = io.status;
        return typeof status === 'string' && status !== 'ready'
          ? `status "${status.slice(0, 20)}"`
          : undefined;
      },
      send: ([command, ...args]) => io.call(command as string, ...args),
    });
  }
  if (typeof candidate.sendCommand === 'function') {
    const node = client as NodeRedisClient;
    return withFailFast({
      notReady: () => (node.isReady === false ? 'isReady false' : undefined),
      send: (args) => node.sendCommand(args),
    });
  }
  return undefined;
}

function withFailFast(redis: Pick<RedisCommand, 'notReady' | 'send'>): RedisCommand {
  return {
    ...redis,
    async sendWhenReady(where, command, args) {
      const state = redis.notReady();
      if (state !== undefined) {
        throw new WebhookStorageError(
          'storage_unavailable',
          `${where}: the Redis client is not ready (${state}); the command was not sent. Connect the client before use; it reconnects by itself after an outage.`,
          { cause: new Error(`Redis client not ready: ${state}`) },
        );
      }
      try {
        return await redis.send(args);
      } catch (error) {
        throw new WebhookStorageError(
          'storage_unavailable',
          `${where}: Redis ${command} failed; check the connection (see cause).`,
          { cause: error },
        );
      }
    },
  };
}
