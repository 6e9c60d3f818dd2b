// Shared by the store-outage integration tests and their memory probe (a child process run with
// --expose-gc, so this module imports nothing from vitest): the two Redis client libraries behind
// one shape, a receiver on RedisDedupeStore served over real HTTP, and large signed deliveries.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createSampleEvent } from '../../src/core/catalog/sample-events.js';
import { isWebhooksError } from '../../src/core/errors.js';
import { toNodeListener } from '../../src/receiver/adapters/node-listener.js';
import type { ReceiverErrorContext } from '../../src/receiver/receiver-options.js';
import { RedisDedupeStore } from '../../src/receiver/redis-dedupe-store.js';
import { WebhookReceiver } from '../../src/receiver/webhook-receiver.node.js';
import { signNovatradePayload } from '../../src/signature/sign-novatrade-payload.node.js';

export const OUTAGE_SECRET = 'whsec_store_outage_secret';

type NodeRedisClient = ReturnType<typeof createClient>;

/** One of the two Redis client libraries RedisDedupeStore supports, behind one shape. */
export interface RedisClientKind {
  readonly name: 'node-redis' | 'ioredis';
  /**
   * A client of 127.0.0.1:`port` with the library's defaults (as the docs' own quick start), an
   * error listener (node-redis throws on an unheard 'error'), and a connect already started.
   * Resolves once it is ready; `connected: false` resolves at once (nothing listens there).
   */
  connect(port: number, options?: { connected?: boolean }): Promise<OutageClient>;
}

/** A client, with what the tests need of it. */
export interface OutageClient {
  /** The library's own client object, for RedisDedupeStore. */
  readonly client: NodeRedisClient | Redis;
  /** node-redis `isReady`, ioredis `status === 'ready'`. */
  isReady(): boolean;
  /** Resolves once the client is ready again (after a reconnect). */
  ready(): Promise<void>;
  /** Sends a raw command. */
  command(args: readonly string[]): Promise<unknown>;
  /** Closes the client, whatever its state. */
  close(): Promise<void>;
}

const ignore = (): void => {};

function nodeRedisClient(client: NodeRedisClient): OutageClient {
  return {
    client,
    isReady: () => client.isReady,
    ready: () =>
      client.isReady ? Promise.resolve() : new Promise((resolve) => client.once('ready', resolve)),
    command: (args) => client.sendCommand([...args]),
    close: async () => {
      if (client.isOpen) client.destroy();
    },
  };
}

function ioRedisClient(client: Redis): OutageClient {
  return {
    client,
    isReady: () => client.status === 'ready',
    ready: () =>
      client.status === 'ready'
        ? Promise.resolve()
        : new Promise((resolve) => client.once('ready', resolve)),
    command: ([command, ...args]) => client.call(command as string, ...args),
    close: async () => {
      client.disconnect();
    },
  };
}

export const REDIS_CLIENT_KINDS: readonly RedisClientKind[] = [
  {
    name: 'node-redis',
    async connect(port, { connected = true } = {}) {
      const client = createClient({ url: `redis://127.0.0.1:${port}` });
      client.on('error', ignore);
      const connecting = client.connect();
      if (!connected) {
        connecting.catch(ignore);
        return nodeRedisClient(client);
      }
      await connecting;
      return nodeRedisClient(client);
    },
  },
  {
    name: 'ioredis',
    async connect(port, { connected = true } = {}) {
      const client = new Redis({ host: '127.0.0.1', port });
      client.on('error', ignore);
      const outage = ioRedisClient(client);
      if (connected) await outage.ready();
      return outage;
    },
  },
];

/** A receiver on RedisDedupeStore, served by toNodeListener on 127.0.0.1. */
export interface OutageReceiver {
  readonly url: string;
  /** How many times the handler ran, per event id. */
  readonly runs: Map<string, number>;
  /** What onError heard: stage, status and the error's code (or `other`). */
  readonly reports: Array<{ stage: string; status: number | null; code: string }>;
  /** The Redis key prefix of this receiver's dedupe keys. */
  readonly keyPrefix: string;
  close(): Promise<void>;
}

/** Starts a receiver whose dedupe store is Redis through `client`. */
export async function startOutageReceiver(
  client: OutageClient,
  options: { storeTimeoutMs: number; processingLeaseMs?: number },
): Promise<OutageReceiver> {
  const keyPrefix = `novatrade24:webhooks:outage-test:${randomUUID()}:`;
  const runs = new Map<string, number>();
  const reports: OutageReceiver['reports'] = [];
  const receiver = new WebhookReceiver({
    secret: OUTAGE_SECRET,
    dedupe: new RedisDedupeStore({ client: client.client, keyPrefix }),
    storeTimeoutMs: options.storeTimeoutMs,
    processingLeaseMs: options.processingLeaseMs ?? 60_000,
  })
    .onAny((event) => {
      runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
    })
    .onError((error: unknown, context: ReceiverErrorContext<unknown>) => {
      const code = isWebhooksError(error) ? error.code : 'other';
      reports.push({ stage: context.stage, status: context.status, code });
    });
  const server = createServer(toNodeListener(receiver));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    runs,
    reports,
    keyPrefix,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A signed delivery: the body and headers the sender sends. */
export interface Delivery {
  readonly id: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * A signed delivery of a new event, about `bytes` long: an event type this SDK does not know yet
 * (it reaches `onAny`, parsed with all its data), padded so the body and the event are large.
 */
export function delivery(id: string, bytes = 1_000): Delivery {
  const sample = createSampleEvent('prospect.submitted', { id });
  const padding = 'x'.repeat(Math.max(0, bytes - 400));
  const body = JSON.stringify({ ...sample, type: 'prospect.outage_probe', data: { padding } });
  const headers = {
    'content-type': 'application/json',
    'x-novatrade-signature': signNovatradePayload(body, OUTAGE_SECRET, {
      timestamp: Math.floor(Date.now() / 1000),
    }),
  };
  return { id, body, headers };
}

/** What the sender saw of one attempt. */
export interface Attempt {
  /** The HTTP status, or 0 when the attempt got no answer within `giveUpMs`. */
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfter: string | null;
  readonly elapsedMs: number;
}

/** POSTs `delivery` once, giving up after `giveUpMs` (the sender's own timeout). */
export async function attempt(
  url: string,
  { body, headers }: Delivery,
  giveUpMs = 10_000,
): Promise<Attempt> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(giveUpMs),
    });
    const text = await response.text();
    const problem = response.headers.get('content-type')?.startsWith('application/problem+json');
    return {
      status: response.status,
      code: problem === true ? (JSON.parse(text) as { code?: string }).code : undefined,
      retryAfter: response.headers.get('retry-after'),
      elapsedMs: performance.now() - started,
    };
  } catch {
    return { status: 0, code: undefined, retryAfter: null, elapsedMs: performance.now() - started };
  }
}
