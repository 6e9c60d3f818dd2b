// A receiver whose Redis dedupe store is down answers fast, holds nothing and loses nothing
// (docs/design.md §5.19), against the real Redis on 127.0.0.1:6379, a silent TCP proxy in front
// of it and a private redis-server that is killed mid-run, through node-redis and ioredis with
// their default settings, over real HTTP. Every failure is a 503 `dedupe_unavailable` with
// Retry-After within storeTimeoutMs plus a margin; once the store is back the sender's retry is
// processed exactly once, even when a timed-out reserve reached Redis late.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebhookStorageError } from '../../src/core/errors.js';
import { RedisDedupeStore } from '../../src/receiver/redis-dedupe-store.js';
import { hasRedisServer, redisServerProcess } from '../helpers/redis-server-process.js';
import {
  type Attempt,
  attempt,
  type Delivery,
  delivery,
  type OutageClient,
  type OutageReceiver,
  REDIS_CLIENT_KINDS,
  startOutageReceiver,
} from '../helpers/store-outage-kit.js';
import { freePort, startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const STORE_TIMEOUT_MS = 250;
/** Loopback HTTP, signature check and parsing on a busy 2-core machine. */
const MARGIN_MS = 1_000;
const REDIS_PORT = 6379;

let sequence = 0;
function newDelivery(): Delivery {
  sequence += 1;
  return delivery(`evt_outage_${process.pid}_${sequence}`);
}

/** A 503 dedupe_unavailable with Retry-After, answered within the deadline plus the margin. */
function expectFastUnavailable(answer: Attempt): void {
  expect({ status: answer.status, code: answer.code, retryAfter: answer.retryAfter }).toEqual({
    status: 503,
    code: 'dedupe_unavailable',
    retryAfter: '60',
  });
  expect(answer.elapsedMs).toBeLessThan(STORE_TIMEOUT_MS + MARGIN_MS);
}

/**
 * The sender's retry: redelivers until the answer is not 409 (a reservation that reached Redis
 * late is released right after it lands, so a 409 can precede it), at most 20 times.
 */
async function retryUntilSettled(url: string, sent: Delivery): Promise<Attempt> {
  for (let tries = 0; ; tries++) {
    const answer = await attempt(url, sent);
    if (answer.status !== 409 || tries === 20) return answer;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The store is back: the retry of `sent` is processed, and its handler ran exactly once. */
async function expectProcessedOnce(receiver: OutageReceiver, sent: Delivery): Promise<void> {
  const retry = await retryUntilSettled(receiver.url, sent);
  expect([retry.status, retry.code]).toEqual([200, undefined]);
  expect(receiver.runs.get(sent.id)).toBe(1);
  // And it stays done: a later redelivery is a duplicate.
  expect((await attempt(receiver.url, sent)).status).toBe(200);
  expect(receiver.runs.get(sent.id)).toBe(1);
}

describe.each(REDIS_CLIENT_KINDS)('a receiver on RedisDedupeStore with $name', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A client through a proxy to the shared Redis, and a receiver on it. */
  async function throughProxy(): Promise<{
    proxy: TcpProxy;
    client: OutageClient;
    receiver: OutageReceiver;
  }> {
    const proxy = await startTcpProxy({ targetPort: REDIS_PORT });
    cleanups.push(() => proxy.close());
    const client = await kind.connect(proxy.port);
    cleanups.push(() => client.close());
    const receiver = await startOutageReceiver(client, { storeTimeoutMs: STORE_TIMEOUT_MS });
    cleanups.push(() => receiver.close());
    // Sanity: the store works before the outage.
    expect((await attempt(receiver.url, newDelivery())).status).toBe(200);
    return { proxy, client, receiver };
  }

  it('nothing listening (the connection dropped, connects refused) -> 503 within the deadline; after Redis returns the retry is processed once', async () => {
    const { proxy, client, receiver } = await throughProxy();
    await proxy.stopListening();
    proxy.destroyConnections();
    const sent = newDelivery();
    expectFastUnavailable(await attempt(receiver.url, sent));
    expectFastUnavailable(await attempt(receiver.url, sent));
    expect(receiver.runs.get(sent.id)).toBeUndefined();
    expect(receiver.reports.at(-1)).toEqual({
      stage: 'dedupe',
      status: 503,
      code: 'storage_unavailable',
    });

    await proxy.listen();
    await client.ready();
    await expectProcessedOnce(receiver, sent);
  });

  it('RedisDedupeStore while the client reconnects -> rejects at once with storage_unavailable, and nothing reaches Redis after the reconnect', async () => {
    const { proxy, client, receiver } = await throughProxy();
    const store = new RedisDedupeStore({ client: client.client, keyPrefix: receiver.keyPrefix });
    await proxy.stopListening();
    proxy.destroyConnections();
    await vi.waitFor(() => expect(client.isReady()).toBe(false));
    const started = performance.now();
    const error = await store.reserve('evt_offline', 60_000).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    // At once: far below STORE_TIMEOUT_MS, without waiting for a reconnect.
    expect(performance.now() - started).toBeLessThan(STORE_TIMEOUT_MS);
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).message).toContain('the Redis client is not ready');
    await proxy.listen();
    await client.ready();
    // Not queued for after the reconnect: the key was never written.
    expect(await client.command(['EXISTS', `${receiver.keyPrefix}evt_offline`])).toBe(0);
  });

  it('a client that never connected (nothing listening on its port) -> 503 within the deadline, not after the client’s own retries', async () => {
    const client = await kind.connect(await freePort(), { connected: false });
    cleanups.push(() => client.close());
    const receiver = await startOutageReceiver(client, { storeTimeoutMs: STORE_TIMEOUT_MS });
    cleanups.push(() => receiver.close());
    const sent = newDelivery();
    expectFastUnavailable(await attempt(receiver.url, sent));
    expect(receiver.runs.size).toBe(0);
  });

  it('connection open but silent -> 503 at the deadline, no handler run; the late reserves are released and the retries are processed once each', async () => {
    const { proxy, receiver } = await throughProxy();
    proxy.silent();
    const sent = Array.from({ length: 5 }, newDelivery);
    const answers = await Promise.all(sent.map((d) => attempt(receiver.url, d)));
    for (const answer of answers) {
      expectFastUnavailable(answer);
      // The client was ready, so this is the receiver's deadline, not the store failing fast.
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(STORE_TIMEOUT_MS - 5);
    }
    expect(receiver.runs.size).toBe(1); // the sanity delivery only

    // Redis answers again: the buffered reserves run late and take the keys; each is released.
    proxy.forward();
    for (const d of sent) await expectProcessedOnce(receiver, d);
  });

  it.skipIf(!hasRedisServer())(
    'Redis killed mid-run -> every answer is 200 or a fast 503; after a restart the retries of the 503s are processed, every event exactly once',
    async () => {
      const server = await redisServerProcess();
      cleanups.push(() => server.kill());
      await server.start();
      const client = await kind.connect(server.port);
      cleanups.push(() => client.close());
      const receiver = await startOutageReceiver(client, { storeTimeoutMs: STORE_TIMEOUT_MS });
      cleanups.push(() => receiver.close());

      const before = Array.from({ length: 5 }, newDelivery);
      for (const answer of await Promise.all(before.map((d) => attempt(receiver.url, d)))) {
        expect(answer.status).toBe(200);
      }
      // Kill Redis while a wave of deliveries is in flight, then send another wave while it is down.
      const during = Array.from({ length: 10 }, newDelivery);
      const inFlight = Promise.all(during.map((d) => attempt(receiver.url, d)));
      await server.kill();
      const after = Array.from({ length: 5 }, newDelivery);
      const answers = [
        ...(await inFlight),
        ...(await Promise.all(after.map((d) => attempt(receiver.url, d)))),
      ];
      for (const answer of answers) {
        if (answer.status !== 200) expectFastUnavailable(answer);
      }
      const failed = [...during, ...after].filter((_, i) => answers[i]?.status !== 200);
      expect(failed.length).toBeGreaterThanOrEqual(after.length);

      await server.start();
      await client.ready();
      // The sender retries what failed; what was answered 200 it does not send again.
      for (const d of failed) {
        const retry = await retryUntilSettled(receiver.url, d);
        expect([retry.status, retry.code]).toEqual([200, undefined]);
      }
      for (const d of [...before, ...during, ...after]) expect(receiver.runs.get(d.id)).toBe(1);
    },
  );
});

describe('RedisDedupeStore readiness check', () => {
  const clients = [
    [
      'node-redis',
      (ready: boolean, send: () => Promise<unknown>) => ({ isReady: ready, sendCommand: send }),
      'isReady false',
    ],
    [
      'ioredis',
      (ready: boolean, send: () => Promise<unknown>) => ({
        status: ready ? 'ready' : 'reconnecting',
        call: send,
      }),
      'status "reconnecting"',
    ],
  ] as const;

  it.each(
    clients,
  )('a %s client that is not ready -> reserve, complete and release reject with storage_unavailable naming the state, and send nothing', async (_name, make, state) => {
    const send = vi.fn(async () => 'reserved');
    const store = new RedisDedupeStore({ client: make(false, send) });
    for (const call of [
      () => store.reserve('evt_secretish', 1_000),
      () => store.complete('evt_secretish', 'tok_secretish', 1_000),
      () => store.release('evt_secretish', 'tok_secretish'),
    ]) {
      const error = await call().then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable' });
      expect((error as Error).message).toContain(`the Redis client is not ready (${state})`);
      expect((error as Error).message).not.toMatch(/secretish/);
    }
    expect(send).not.toHaveBeenCalled();
  });

  it.each(clients)('a ready %s client -> the command is sent', async (_name, make) => {
    const send = vi.fn(async () => 'reserved');
    const store = new RedisDedupeStore({ client: make(true, send), token: () => 'tok_1' });
    expect(await store.reserve('evt_1', 1_000)).toEqual({ status: 'reserved', token: 'tok_1' });
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('memory while the store is silent (child process with --expose-gc)', () => {
  const probe = fileURLToPath(new URL('../helpers/store-outage-memory-probe.ts', import.meta.url));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let results: Record<string, ProbeResult>;

  interface ProbeResult {
    warmStatuses: number[];
    statuses: Record<string, number>;
    slowestMs: number;
    heapGrowth: number;
    arrayBufferGrowth: number;
    handlerRuns: number;
  }

  beforeAll(async () => {
    // Both clients at once: one child each, on the two cores.
    const outputs = await Promise.all(
      REDIS_CLIENT_KINDS.map((kind) =>
        promisify(execFile)(
          process.execPath,
          ['--expose-gc', '--import', 'tsx', probe, kind.name],
          { cwd: root, timeout: 60_000 },
        ),
      ),
    );
    results = Object.fromEntries(
      REDIS_CLIENT_KINDS.map((kind, i) => [
        kind.name,
        JSON.parse(outputs[i]?.stdout.trim() ?? '') as ProbeResult,
      ]),
    );
  }, 60_000);

  it.each(
    REDIS_CLIENT_KINDS.map((kind) => kind.name),
  )('%s: 300 signed deliveries of 200 KB -> all 503 dedupe_unavailable, no handler run, heap and ArrayBuffers flat', (name) => {
    const result = results[name] as ProbeResult;
    expect(result.warmStatuses.every((status) => status === 200)).toBe(true);
    expect(result.statuses).toEqual({ '503 dedupe_unavailable': 300 });
    expect(result.handlerRuns).toBe(10); // the warm-up deliveries, before the outage
    // 50 concurrent 200 KB requests share one thread with their own sender, next to the other
    // probe: latency here measures the CPU, so only "well inside the sender's 10 s" is asserted
    // (the deadline itself is asserted one request at a time above).
    expect(result.slowestMs).toBeLessThan(4_000);
    // 300 held bodies would be 60 MB of ArrayBuffers and more heap.
    expect(result.arrayBufferGrowth).toBeLessThan(4 * 1024 * 1024);
    expect(result.heapGrowth).toBeLessThan(8 * 1024 * 1024);
  });
});
