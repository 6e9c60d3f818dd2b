// A delivery's slot is freed when its HTTP attempt ends, not when its record commits, while at most
// `maxInFlight` records wait (docs/sender.md, "In-flight slots"). Driven through a slow storage: a
// MemoryStorage whose recordAttempt waits on a gate the test opens.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOVATRADE_CATALOG } from '../../../../src/core/catalog/novatrade-catalog.js';
import { NOVATRADE_PROFILE } from '../../../../src/core/profiles/novatrade-profile.js';
import { Dispatcher, type DispatcherConfig } from '../../../../src/sender/internal/dispatcher.js';
import { HookBus } from '../../../../src/sender/internal/hook-bus.js';
import { RecordBacklog, type Slot } from '../../../../src/sender/internal/record-backlog.js';
import { MemoryStorage } from '../../../../src/sender/memory-storage.js';
import type {
  ClaimDueInput,
  RecordAttemptInput,
  RecordAttemptResult,
  SenderStorage,
} from '../../../../src/sender/ports/sender-storage.js';
import type { Transport, TransportResult } from '../../../../src/sender/ports/transport.js';
import type { EndpointRecord } from '../../../../src/sender/records.js';
import { createFakeClock } from '../../../../src/testing/create-fake-clock.js';
import { recordingLogger } from '../../../helpers/log-capture.js';
import { OK_204 } from '../../../helpers/sender-doubles.js';
import {
  deliveryRecord,
  endpointRecord,
  eventRecord,
  T0,
} from '../../../helpers/sender-records.js';

const LEASE_MS = 60_000;

/** A record held at its gate: `open` lets MemoryStorage record it, `fail` rejects it. */
interface GatedRecord {
  readonly input: RecordAttemptInput;
  readonly open: () => void;
  readonly fail: (error: Error) => void;
}

/** `memory` whose recordAttempt waits until the test opens its gate; claims are captured. */
function slowStorage(memory: MemoryStorage) {
  const gated: GatedRecord[] = [];
  const claims: { inFlightByEndpoint: Map<string, number>; limit: number }[] = [];
  let committed = 0;
  const overrides: Partial<SenderStorage> = {
    claimDue: (input: ClaimDueInput) => {
      claims.push({ inFlightByEndpoint: new Map(input.inFlightByEndpoint), limit: input.limit });
      return memory.claimDue(input);
    },
    recordAttempt: (input: RecordAttemptInput) =>
      new Promise<RecordAttemptResult | null>((resolve, reject) => {
        gated.push({
          input,
          open: () => {
            committed++;
            resolve(memory.recordAttempt(input));
          },
          fail: reject,
        });
      }),
  };
  const storage = new Proxy(memory, {
    get(target, key) {
      const own = (overrides as Record<PropertyKey, unknown>)[key];
      if (own !== undefined) return own;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as SenderStorage;
  /** Opens the gates of the records waiting now (not of those that arrive later). */
  const openAll = () => {
    for (const record of gated.splice(0)) record.open();
  };
  return { storage, gated, claims, openAll, committed: () => committed };
}

/** Answers 204 after a tick; counts the requests, and the most in flight at once. */
function countingTransport() {
  let inFlight = 0;
  let most = 0;
  const sent: string[] = [];
  const transport: Transport = {
    send: async (request): Promise<TransportResult> => {
      inFlight++;
      most = Math.max(most, inFlight);
      sent.push(request.url);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return OK_204;
    },
  };
  return { transport, sent, inFlight: () => inFlight, most: () => most };
}

function setup(transport: Transport, overrides: Partial<DispatcherConfig> = {}) {
  const clock = createFakeClock({ nowMs: T0 });
  const memory = new MemoryStorage();
  const slow = slowStorage(memory);
  const logger = recordingLogger();
  const hooks = new HookBus(logger, clock);
  const dispatcher = new Dispatcher({
    config: {
      profile: NOVATRADE_PROFILE,
      catalog: NOVATRADE_CATALOG,
      owner: 'worker-test',
      leaseMs: LEASE_MS,
      maxInFlight: 10,
      reservedInFlight: 0,
      maxInFlightPerEndpoint: 10,
      maxInFlightPerOrigin: Number.POSITIVE_INFINITY,
      claimAhead: 0,
      pollIntervalMs: 5,
      purgeIntervalMs: 3_600_000,
      ...overrides,
    },
    ports: {
      storage: slow.storage,
      transport,
      clock,
      logger,
      hooks,
      random: (n) => new Uint8Array(n),
    },
    host: {
      endpointChanged: () => undefined,
      emitMeta: async () => {},
      purge: async () => 0,
    },
  });
  return { dispatcher, memory, clock, logger, hooks, ...slow };
}

/** Stores an endpoint and `count` events with one delivery each, due now. */
async function due(memory: MemoryStorage, count: number, url = 'https://a.example/hooks') {
  const endpoint: EndpointRecord = endpointRecord({ url });
  await memory.insertEndpoint(endpoint);
  const deliveryIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = eventRecord();
    const delivery = deliveryRecord(event, endpoint);
    deliveryIds.push(delivery.id);
    await memory.insertEvent(event, [delivery]);
  }
  return { endpoint, deliveryIds };
}

/** Lets the loop run a few turns of the event loop (real timers; the clock is the fake one). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('Dispatcher slots: freed at the end of the HTTP attempt', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('the next request starts at the response while the record is still running; the cap still counts requests, and the recording delivery stays claimed', async () => {
    const http = countingTransport();
    const { dispatcher, memory, gated, claims, openAll, hooks, clock } = setup(http.transport, {
      maxInFlightPerEndpoint: 1,
    });
    const succeeded: string[] = [];
    hooks.on('delivery.succeeded', ({ delivery }) => void succeeded.push(delivery.id));
    const { endpoint, deliveryIds } = await due(memory, 3);
    dispatcher.start();
    stop = async () => {
      openAll();
      await dispatcher.stop(1000);
    };
    // All three requests are sent while not one record has committed.
    await vi.waitFor(() => expect(http.sent).toHaveLength(3));
    expect(gated).toHaveLength(3);
    expect(http.most()).toBe(1);
    // Hooks follow the record, not the response.
    expect(succeeded).toEqual([]);
    // A claim while the records wait does not see their deliveries: still leased.
    expect(
      await memory.claimDue({ nowMs: clock.now(), limit: 10, leaseMs: LEASE_MS, owner: 'other' }),
    ).toEqual([]);
    // Recording deliveries are not in flight for the claim's rooms: the endpoint's room was 1
    // again at each claim that took one of them.
    expect(claims.some((c) => (c.inFlightByEndpoint.get(endpoint.id) ?? 0) > 0)).toBe(false);
    openAll();
    await vi.waitFor(() => expect(succeeded).toHaveLength(3));
    for (const id of deliveryIds) {
      expect((await memory.getDelivery(endpoint.organizationUuid, id))?.status).toBe('DELIVERED');
    }
  });

  it('at most maxInFlight records wait with their slots freed: beyond that the slot is held until a record ends, so claiming slows', async () => {
    const http = countingTransport();
    const { dispatcher, memory, gated, committed, openAll } = setup(http.transport, {
      maxInFlight: 2,
      maxInFlightPerEndpoint: 2,
    });
    const { endpoint, deliveryIds } = await due(memory, 10);
    dispatcher.start();
    stop = async () => {
      openAll();
      await dispatcher.stop(1000);
    };
    // 2 requests whose records run with their slots freed, then 2 more that keep their slots.
    await vi.waitFor(() => expect(http.sent).toHaveLength(4));
    await settle();
    expect(http.sent).toHaveLength(4);
    expect(gated).toHaveLength(4);
    // One record ends: the oldest held slot is freed, and one more request goes out.
    gated.shift()?.open();
    await vi.waitFor(() => expect(http.sent).toHaveLength(5));
    await settle();
    expect(http.sent).toHaveLength(5);
    // Never more than 2 freed records plus the 2 slots' own.
    expect(gated).toHaveLength(4);
    // Open every gate as it arrives: everything is delivered.
    const draining = setInterval(openAll, 1);
    try {
      await vi.waitFor(() => expect(committed()).toBe(10));
    } finally {
      clearInterval(draining);
    }
    expect(http.most()).toBeLessThanOrEqual(2);
    await vi.waitFor(async () => {
      for (const id of deliveryIds) {
        expect((await memory.getDelivery(endpoint.organizationUuid, id))?.status).toBe('DELIVERED');
      }
    });
  });

  it('stop() waits for records still running after their slot was freed', async () => {
    const http = countingTransport();
    const { dispatcher, memory, gated, openAll } = setup(http.transport);
    const { endpoint, deliveryIds } = await due(memory, 2);
    dispatcher.start();
    await vi.waitFor(() => expect(gated).toHaveLength(2));
    expect(http.inFlight()).toBe(0);
    let stopped = false;
    const stopping = dispatcher.stop(5_000).then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    openAll();
    await stopping;
    for (const id of deliveryIds) {
      expect((await memory.getDelivery(endpoint.organizationUuid, id))?.status).toBe('DELIVERED');
    }
  });

  it('processDue() resolves once the records of what it claimed have ended', async () => {
    const http = countingTransport();
    const { dispatcher, memory, gated } = setup(http.transport);
    await due(memory, 2);
    let done = false;
    const processing = dispatcher.processDue().then((n) => {
      done = true;
      return n;
    });
    await vi.waitFor(() => expect(gated).toHaveLength(2));
    await settle();
    expect(done).toBe(false);
    for (const record of gated.splice(0)) record.open();
    expect(await processing).toBe(2);
  });

  it('a record that fails after its slot was freed is logged and reported as before; the lease lapses and the delivery is claimed again', async () => {
    const http = countingTransport();
    const { dispatcher, memory, gated, hooks, logger, clock } = setup(http.transport, {
      maxInFlightPerEndpoint: 1,
    });
    const errors: string[] = [];
    hooks.on('sender.error', ({ during }) => void errors.push(during));
    const { endpoint, deliveryIds } = await due(memory, 2);
    dispatcher.start();
    stop = () => dispatcher.stop(1000);
    // Both sent (one slot), neither recorded.
    await vi.waitFor(() => expect(gated).toHaveLength(2));
    for (const record of gated.splice(0)) record.fail(new Error('database gone'));
    // Each failure is reported; the log line is written once a minute per call (§5.23).
    await vi.waitFor(() =>
      expect(errors).toEqual(['storage.recordAttempt', 'storage.recordAttempt']),
    );
    const lines = logger.calls.filter((c) => c.fields.call === 'storage.recordAttempt');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line?.level).toBe('error');
    expect(line?.message).toBe(
      'storage.recordAttempt failed; the attempt is not recorded; the delivery is claimed again when its lease lapses',
    );
    expect(line?.fields.endpointId).toBe(endpoint.id);
    await stop();
    stop = undefined;
    // Unrecorded, still claimed until the lease lapses; then claimable again.
    const [id] = deliveryIds;
    expect((await memory.getDelivery(endpoint.organizationUuid, id as string))?.attempts).toBe(0);
    expect(
      await memory.claimDue({ nowMs: clock.now(), limit: 10, leaseMs: LEASE_MS, owner: 'other' }),
    ).toEqual([]);
    clock.advance(LEASE_MS);
    const again = await memory.claimDue({
      nowMs: clock.now(),
      limit: 10,
      leaseMs: LEASE_MS,
      owner: 'other',
    });
    expect(again.map((c) => c.delivery.id).sort()).toEqual([...deliveryIds].sort());
  });

  it('a record that makes a retry due at once wakes the loop, which claims it without waiting for the poll', async () => {
    let calls = 0;
    const transport: Transport = {
      send: async (): Promise<TransportResult> => {
        calls++;
        return {
          statusCode: calls === 1 ? 503 : 204,
          failureReason: calls === 1 ? 'HTTP_ERROR' : null,
          responseBody: '',
          retryAfter: null,
          durationMs: 1,
        };
      },
    };
    const profile = {
      ...NOVATRADE_PROFILE,
      retryPolicy: {
        schedule: { kind: 'intervals', intervalsMs: [1, 1] },
        maxRetryAfterMs: 1000,
      },
    } satisfies typeof NOVATRADE_PROFILE;
    const { dispatcher, memory, gated, clock, openAll } = setup(transport, {
      profile,
      pollIntervalMs: 60_000,
    });
    const { endpoint, deliveryIds } = await due(memory, 1);
    dispatcher.start();
    stop = async () => {
      openAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(gated).toHaveLength(1));
    // The loop has claimed since the slot was freed (nothing: the delivery is leased) and sleeps.
    await settle();
    clock.advance(10);
    gated.shift()?.open();
    await vi.waitFor(() => expect(calls).toBe(2), { timeout: 500 });
    await vi.waitFor(() => expect(gated).toHaveLength(1));
    openAll();
    await vi.waitFor(async () =>
      expect(
        (await memory.getDelivery(endpoint.organizationUuid, deliveryIds[0] as string))?.status,
      ).toBe('DELIVERED'),
    );
  });

  it('a record refused because the claim lapsed logs "claim lapsed" as before', async () => {
    const http = countingTransport();
    const { dispatcher, memory, gated, logger, clock } = setup(http.transport);
    await due(memory, 1);
    dispatcher.start();
    stop = () => dispatcher.stop(1000);
    await vi.waitFor(() => expect(gated).toHaveLength(1));
    // Another worker claims the delivery once the lease lapsed, before the record commits.
    clock.advance(LEASE_MS);
    expect(
      await memory.claimDue({ nowMs: clock.now(), limit: 10, leaseMs: LEASE_MS, owner: 'other' }),
    ).toHaveLength(1);
    gated.shift()?.open();
    await vi.waitFor(() =>
      expect(logger.calls.some((c) => c.message.startsWith('the claim lapsed'))).toBe(true),
    );
  });
});

describe('RecordBacklog', () => {
  const slot = (freed: string[], name: string): Slot => ({
    state: 'sending',
    free: () => void freed.push(name),
  });

  it('frees slots at the end of their attempt up to the limit, holds the rest, and frees the oldest held slot as each record ends', () => {
    const freed: string[] = [];
    const backlog = new RecordBacklog(2);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => slot(freed, name)) as [
      Slot,
      Slot,
      Slot,
      Slot,
    ];
    for (const s of [a, b, c, d]) backlog.sent(s);
    expect(freed).toEqual(['a', 'b']);
    expect([backlog.recording, backlog.held]).toEqual([2, 2]);
    backlog.done(a);
    expect(freed).toEqual(['a', 'b', 'c']);
    expect([backlog.recording, backlog.held]).toEqual([2, 1]);
    // A held slot whose own record ends first is freed then, and leaves the line.
    backlog.done(d);
    expect(freed).toEqual(['a', 'b', 'c', 'd']);
    expect([backlog.recording, backlog.held]).toEqual([2, 0]);
    backlog.done(b);
    backlog.done(c);
    expect([backlog.recording, backlog.held]).toEqual([0, 0]);
    // Each slot was freed once.
    expect(freed).toHaveLength(4);
  });

  it('a delivery that ends without an attempt result frees its slot once; done twice is a no-op', () => {
    const freed: string[] = [];
    const backlog = new RecordBacklog(1);
    const s = slot(freed, 's');
    backlog.done(s);
    backlog.done(s);
    backlog.sent(s);
    expect(freed).toEqual(['s']);
    expect([backlog.recording, backlog.held]).toEqual([0, 0]);
  });
});
