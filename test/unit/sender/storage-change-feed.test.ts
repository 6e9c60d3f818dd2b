// The running sender on a storage with a change feed (`SenderStorage.watch`): two senders share
// one MemoryStorage as two processes would share a database, and the "feed" is a controllable
// `watch` on a proxy of it. Due work from the other sender wakes a sleeping dispatcher without
// waiting for the poll; an endpoint change reaches the next publish inside the cache's TTL; a
// resync drops every cached organization and claims once; stop() closes the feed; feed failures
// are logged once a minute without secrets (docs/design.md §5.23).
import { describe, expect, it, vi } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { SenderStorage } from '../../../src/sender/ports/sender-storage.js';
import type {
  StorageChangeListener,
  StorageWatchOptions,
} from '../../../src/sender/ports/storage-changes.js';
import type { SenderEventMap } from '../../../src/sender/sender-events.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { recordingLogger } from '../../helpers/log-capture.js';
import { OK_204 } from '../../helpers/sender-doubles.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const OTHER_ORG = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const fixture = EVENT_FIXTURES['compliance.decision_made'];
const SECRET_CANARY = 'Pw9sCanaryConnSecret4Xq';
/** Far longer than any test runs: a claim that happens came from a wake-up, not from a poll. */
const POLL_MS = 600_000;

/** A controllable change feed on top of `memory`: the listener it was given, its closes. */
interface FakeFeed {
  readonly storage: SenderStorage;
  readonly listeners: StorageChangeListener[];
  readonly signals: (AbortSignal | undefined)[];
  closes: number;
  claims: number;
  /** Resolves at the next `nextDueAtMs` call: the dispatcher is about to sleep. */
  nextSleep(): Promise<void>;
  /** Resolves at the next `claimDue` call. */
  nextClaim(): Promise<void>;
  /** Makes `watch` resolve only when the returned function is called. */
  holdWatch(): () => void;
}

function fakeFeed(memory: MemoryStorage, claimCost?: SenderStorage['claimCost']): FakeFeed {
  let sleepWaiters: (() => void)[] = [];
  let claimWaiters: (() => void)[] = [];
  let hold: Promise<void> | undefined;
  const feed: FakeFeed = {
    listeners: [],
    signals: [],
    closes: 0,
    claims: 0,
    storage: undefined as unknown as SenderStorage,
    nextSleep: () => new Promise((resolve) => sleepWaiters.push(resolve)),
    nextClaim: () => new Promise((resolve) => claimWaiters.push(resolve)),
    holdWatch: () => {
      let release = () => {};
      hold = new Promise((resolve) => {
        release = resolve;
      });
      return release;
    },
  };
  const overrides: Partial<SenderStorage> = {
    ...(claimCost === undefined ? {} : { claimCost }),
    async watch(listener: StorageChangeListener, options?: StorageWatchOptions) {
      feed.listeners.push(listener);
      feed.signals.push(options?.signal);
      await hold;
      return {
        close: async () => {
          feed.closes++;
        },
      };
    },
    async claimDue(input) {
      feed.claims++;
      const waiters = claimWaiters;
      claimWaiters = [];
      for (const wake of waiters) wake();
      return memory.claimDue(input);
    },
    async nextDueAtMs() {
      const result = await memory.nextDueAtMs();
      const waiters = sleepWaiters;
      sleepWaiters = [];
      for (const wake of waiters) wake();
      return result;
    },
  };
  (feed as { storage: SenderStorage }).storage = new Proxy(memory, {
    get(target, key) {
      const own = (overrides as Record<PropertyKey, unknown>)[key];
      if (own !== undefined) return own;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as SenderStorage;
  return feed;
}

/** Rejects after `ms` of real time: a bound on a wait for an event, not a sleep. */
function within<T>(promise: Promise<T>, ms = 2_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Lets every pending macrotask and its microtasks run (the loop settles into its sleep). */
async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const publish = (sender: WebhookSender, organizationUuid = ORG) =>
  sender.publish({
    organizationUuid,
    type: 'compliance.decision_made',
    partnerUuid: fixture.partnerUuid,
    data: fixture.data,
  });

/** Two senders on one storage: `worker` (started, with the feed) and `other` (another process). */
function twoSenders(options: { endpointCacheTtlMs?: number } = {}) {
  const memory = new MemoryStorage();
  const feed = fakeFeed(memory);
  const clock = createFakeClock();
  const transport = createRecordingTransport();
  const logger = recordingLogger();
  const worker = new WebhookSender({
    storage: feed.storage,
    transport,
    clock,
    logger,
    pollIntervalMs: POLL_MS,
    endpointCacheTtlMs: options.endpointCacheTtlMs ?? 5_000,
  });
  const other = new WebhookSender({
    storage: memory,
    transport: createRecordingTransport(),
    clock,
    logger: 'silent',
  });
  return { memory, feed, clock, transport, logger, worker, other };
}

const endpoint = (sender: WebhookSender, organizationUuid = ORG, host = 'a') =>
  sender.createEndpoint(organizationUuid, {
    url: `https://${host}.example/hooks`,
    events: ['compliance.*'],
  });

describe('WebhookSender on a storage with a change feed', () => {
  it('subscribes at start(), once however often start() is called', async () => {
    const { feed, worker } = twoSenders();
    expect(feed.listeners).toHaveLength(0);
    worker.start();
    worker.start();
    expect(feed.listeners).toHaveLength(1);
    await worker.stop({ deadlineMs: 0 });
  });

  it('due(): a sleeping dispatcher claims work another process stored, without waiting for pollIntervalMs', async () => {
    const { feed, transport, worker, other } = twoSenders();
    await endpoint(other);
    const sleeping = feed.nextSleep();
    worker.start();
    await within(sleeping);
    await settle();
    const claimsBefore = feed.claims;
    await publish(other); // stored by the other sender: this one's dispatcher is not told
    await settle();
    expect(feed.claims).toBe(claimsBefore); // asleep for POLL_MS: nothing claimed yet

    const claimed = feed.nextClaim();
    const [listener] = feed.listeners;
    listener?.due();
    await within(claimed);
    await within(
      (async () => {
        while (transport.requests.length === 0) await settle(1);
      })(),
    );
    expect(transport.requests).toHaveLength(1);
    await worker.stop({ deadlineMs: 1_000 });
  });

  it('endpointChanged(): the next publish sees an endpoint another process created, inside the cache TTL', async () => {
    const { feed, worker, other } = twoSenders();
    await endpoint(other, ORG, 'first');
    worker.start();
    await settle(1); // the feed listens
    expect((await publish(worker)).deliveries).toBe(1); // the organization is cached now
    const { endpoint: created } = await endpoint(other, ORG, 'second');
    // Within the TTL (the clock has not moved) the cached index misses it: the window the feed closes.
    expect((await publish(worker)).deliveries).toBe(1);

    feed.listeners[0]?.endpointChanged({ organizationUuid: ORG, endpointId: created.id });
    expect((await publish(worker)).deliveries).toBe(2);
    await worker.stop({ deadlineMs: 1_000 });
  });

  it('indexes cached before start() are read again once the feed listens', async () => {
    const { feed, worker, other } = twoSenders();
    await endpoint(other, ORG, 'first');
    expect((await publish(worker)).deliveries).toBe(1); // cached, before any feed
    await endpoint(other, ORG, 'second'); // never notified to the worker
    worker.start();
    await settle(1);
    expect(feed.listeners).toHaveLength(1);
    expect((await publish(worker)).deliveries).toBe(2);
    await worker.stop({ deadlineMs: 1_000 });
  });

  it('endpointChanged(): a pause or resume by another process applies to the next publish', async () => {
    const { feed, worker, other } = twoSenders();
    const { endpoint: ep } = await endpoint(other);
    worker.start();
    await settle(1);
    const before = await publish(worker);
    expect(before.deliveries).toBe(1);
    await other.updateEndpoint(ORG, ep.id, { status: 'PAUSED' });
    await other.updateEndpoint(ORG, ep.id, { events: ['kyc.*'] }); // unsubscribed meanwhile
    feed.listeners[0]?.endpointChanged({ organizationUuid: ORG, endpointId: ep.id });
    expect((await publish(worker)).deliveries).toBe(0);
    await worker.stop({ deadlineMs: 1_000 });
  });

  it('endpointChanged(): deliveries claimed ahead for an endpoint another process paused go back unsent and are parked, not sent to it', async () => {
    const memory = new MemoryStorage();
    const feed = fakeFeed(memory, 'round-trip');
    const gates: (() => void)[] = [];
    let requests = 0;
    const worker = new WebhookSender({
      storage: feed.storage,
      transport: {
        async send() {
          requests++;
          await new Promise<void>((resolve) => gates.push(resolve));
          return OK_204;
        },
      },
      logger: 'silent',
      pollIntervalMs: POLL_MS,
      maxInFlightPerEndpoint: 1,
    });
    const other = new WebhookSender({
      storage: memory,
      transport: createRecordingTransport(),
      logger: 'silent',
    });
    const { endpoint: ep } = await endpoint(other);
    for (let i = 0; i < 3; i++) await publish(other);
    worker.start();
    try {
      // One request in flight; the two other deliveries claimed ahead, waiting in the worker.
      await vi.waitFor(() => expect(gates).toHaveLength(1));
      await other.updateEndpoint(ORG, ep.id, { status: 'PAUSED' });
      feed.listeners[0]?.endpointChanged({ organizationUuid: ORG, endpointId: ep.id });
      gates.shift()?.();
      const everyPage = () =>
        memory.listDeliveries({
          organizationUuid: ORG,
          page: 0,
          size: 10,
          sortField: 'createdAt',
          sortDirection: 'asc',
        });
      await vi.waitFor(async () =>
        expect((await everyPage()).items.filter((d) => d.status === 'PENDING')).toEqual([]),
      );
      const page = await everyPage();
      // The one in flight was delivered; the two waiting were parked by the pause, never sent.
      // (Published in one millisecond: sorted by status, not by creation.)
      const outcomes = page.items.map((d) => [d.status, d.failureReason, d.attempts]).sort();
      expect(outcomes).toEqual([
        ['DELIVERED', null, 1],
        ['FAILED', 'ENDPOINT_PAUSED', 0],
        ['FAILED', 'ENDPOINT_PAUSED', 0],
      ]);
      expect(requests).toBe(1);
    } finally {
      for (const open of gates.splice(0)) open();
      await worker.stop({ deadlineMs: 1_000 });
    }
  });

  it('resync(): every cached organization is read again, and the dispatcher claims once', async () => {
    const { feed, worker, other } = twoSenders();
    await endpoint(other, ORG);
    await endpoint(other, OTHER_ORG);
    const sleeping = feed.nextSleep();
    worker.start();
    await within(sleeping);
    expect((await publish(worker, ORG)).deliveries).toBe(1);
    expect((await publish(worker, OTHER_ORG)).deliveries).toBe(1);
    await endpoint(other, ORG, 'second');
    await endpoint(other, OTHER_ORG, 'second');
    await settle();

    const claimed = feed.nextClaim();
    feed.listeners[0]?.resync();
    await within(claimed);
    expect((await publish(worker, ORG)).deliveries).toBe(2);
    expect((await publish(worker, OTHER_ORG)).deliveries).toBe(2);
    await worker.stop({ deadlineMs: 1_000 });
  });

  it('stop() closes the watch; calls after it change nothing; start() again opens a new one', async () => {
    const { feed, worker, other } = twoSenders();
    await endpoint(other);
    worker.start();
    await settle(1);
    expect((await publish(worker)).deliveries).toBe(1);
    await worker.stop({ deadlineMs: 0 });
    expect(feed.closes).toBe(1);

    await endpoint(other, ORG, 'second');
    const [first] = feed.listeners;
    first?.endpointChanged({ organizationUuid: ORG, endpointId: 'ep_unknown' });
    first?.resync();
    // The stopped subscription's listener is inert: the cache still holds one endpoint.
    expect((await publish(worker)).deliveries).toBe(1);

    worker.start();
    expect(feed.listeners).toHaveLength(2);
    feed.listeners[1]?.resync();
    expect((await publish(worker)).deliveries).toBe(2);
    await worker.stop({ deadlineMs: 0 });
    expect(feed.closes).toBe(2);
  });

  it('stop() while the feed is still connecting aborts it, and a watch that resolves late is closed', async () => {
    const { feed, worker } = twoSenders();
    const release = feed.holdWatch();
    worker.start();
    const stopping = worker.stop({ deadlineMs: 0 });
    expect(feed.signals[0]?.aborted).toBe(true);
    release();
    await stopping;
    expect(feed.closes).toBe(1);
  });

  it('a sender never started subscribes to nothing, and its stop() closes nothing', async () => {
    const { feed, worker } = twoSenders();
    await worker.stop({ deadlineMs: 0 });
    expect(feed.listeners).toHaveLength(0);
    expect(feed.closes).toBe(0);
  });

  it('failed(): logged once a minute per phase with the error summary only, and reported as sender.error', async () => {
    const { feed, clock, logger, worker } = twoSenders();
    const reported: SenderEventMap['sender.error'][] = [];
    worker.on('sender.error', (payload) => reported.push(payload));
    worker.start();
    const listener = feed.listeners[0];
    const failure = () =>
      new WebhookStorageError(
        'storage_unavailable',
        'PostgresChangeFeed: the LISTEN session of the change feed dropped (see cause).',
        { cause: new Error(`connection to postgres://app:${SECRET_CANARY}@db failed`) },
      );
    listener?.failed({ during: 'connection_lost', error: failure() });
    listener?.failed({ during: 'connection_lost', error: failure() });
    listener?.failed({ during: 'reconnect', error: failure(), attempt: 1 });
    clock.advance(60_000);
    listener?.failed({ during: 'connection_lost', error: failure() });

    const lines = logger.calls.filter((call) => call.fields.call === 'storage.watch');
    expect(lines.map((line) => [line.level, line.fields.phase, line.fields.suppressed])).toEqual([
      ['error', 'connection_lost', undefined],
      ['error', 'reconnect', undefined],
      ['error', 'connection_lost', 1],
    ]);
    expect(lines[1]?.fields.attempt).toBe(1);
    expect(lines[0]?.fields.error).toEqual({
      name: 'WebhookStorageError',
      code: 'storage_unavailable',
      message: 'PostgresChangeFeed: the LISTEN session of the change feed dropped (see cause).',
    });
    expect(lines[0]?.message).toMatch(/reconnecting with backoff/);
    expect(JSON.stringify(logger.calls)).not.toContain(SECRET_CANARY);
    expect(reported.map((r) => r.during)).toEqual([
      'storage.watch',
      'storage.watch',
      'storage.watch',
      'storage.watch',
    ]);
    await worker.stop({ deadlineMs: 0 });
  });

  it('a feed that gives up (watch rejects) is logged, and the sender keeps polling', async () => {
    const memory = new MemoryStorage();
    const logger = recordingLogger();
    const clock = createFakeClock();
    const transport = createRecordingTransport();
    const storage = new Proxy(memory, {
      get(target, key) {
        if (key === 'watch') {
          return () => Promise.reject(new WebhookStorageError('storage_unavailable', 'gave up'));
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SenderStorage;
    const sender = new WebhookSender({ storage, transport, clock, logger });
    await endpoint(sender);
    sender.start();
    await publish(sender);
    await within(
      (async () => {
        while (transport.requests.length === 0 || logger.calls.length === 0) await settle(1);
      })(),
    );
    expect(logger.calls[0]?.fields).toMatchObject({ call: 'storage.watch', phase: 'listen' });
    await sender.stop({ deadlineMs: 1_000 });
  });
});
