// Claim ahead (docs/design.md §5.33): the running loop claims deliveries per endpoint beyond its free
// slots; they wait in this process and start the moment a slot of their endpoint frees, so claims
// come in batches. Driven through a gated transport (each request answers when the test says) over
// a MemoryStorage whose claims and releases are captured.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOVATRADE_CATALOG } from '../../../../src/core/catalog/novatrade-catalog.js';
import {
  NOVATRADE_HEADERS,
  NOVATRADE_PROFILE,
} from '../../../../src/core/profiles/novatrade-profile.js';
import { MAX_CLAIM_GAP_MS } from '../../../../src/sender/internal/claim-ahead.js';
import { Dispatcher, type DispatcherConfig } from '../../../../src/sender/internal/dispatcher.js';
import { HookBus } from '../../../../src/sender/internal/hook-bus.js';
import { MemoryStorage } from '../../../../src/sender/memory-storage.js';
import { originOf } from '../../../../src/sender/origin-of.js';
import type {
  ClaimDueInput,
  ClaimedDelivery,
  RecordAttemptInput,
  SenderStorage,
} from '../../../../src/sender/ports/sender-storage.js';
import type { Transport, TransportResult } from '../../../../src/sender/ports/transport.js';
import type { EndpointRecord } from '../../../../src/sender/records.js';
import { createFakeClock } from '../../../../src/testing/create-fake-clock.js';
import { recordingLogger } from '../../../helpers/log-capture.js';
import { OK_204, storageWith } from '../../../helpers/sender-doubles.js';
import {
  deliveryRecord,
  endpointRecord,
  eventRecord,
  T0,
} from '../../../helpers/sender-records.js';

const LEASE_MS = 60_000;
/** Long enough that the loop never claims on its poll during a test: only wake-ups make it claim. */
const NO_POLL_MS = 60_000;
const URL_A = 'https://a.example/hooks';
const URL_B = 'https://b.example/hooks';

const OK = OK_204;

/** A request held by the gated transport until the test answers it. */
interface HeldRequest {
  readonly deliveryId: string;
  readonly url: string;
  /** Answers 204, or `status` (a failed attempt). */
  readonly answer: (status?: number) => void;
}

/**
 * A transport whose every request waits until the test answers it (`answerOldest`, `answerAll`):
 * in-flight counts are exact. `log` interleaves sends with the storage's claims (`claim`).
 */
function gatedTransport(log: string[]) {
  const held: HeldRequest[] = [];
  const sent: string[] = [];
  const inFlightByUrl = new Map<string, number>();
  const mostByUrl = new Map<string, number>();
  let inFlight = 0;
  let most = 0;
  const transport: Transport = {
    send: (request) =>
      new Promise<TransportResult>((resolve) => {
        const deliveryId = request.headers[NOVATRADE_HEADERS.deliveryId] as string;
        inFlight++;
        most = Math.max(most, inFlight);
        const atUrl = (inFlightByUrl.get(request.url) ?? 0) + 1;
        inFlightByUrl.set(request.url, atUrl);
        mostByUrl.set(request.url, Math.max(mostByUrl.get(request.url) ?? 0, atUrl));
        sent.push(deliveryId);
        log.push(`send ${deliveryId}`);
        held.push({
          deliveryId,
          url: request.url,
          answer: (status = 204) => {
            inFlight--;
            inFlightByUrl.set(request.url, (inFlightByUrl.get(request.url) ?? 1) - 1);
            resolve(
              status === 204 ? OK : { ...OK, statusCode: status, failureReason: 'HTTP_ERROR' },
            );
          },
        });
      }),
  };
  const answerOldest = () => held.shift()?.answer();
  const answerAll = () => {
    for (const request of held.splice(0)) request.answer();
  };
  return {
    transport,
    held,
    sent,
    answerOldest,
    answerAll,
    inFlight: () => inFlight,
    most: () => most,
    mostAt: (url: string) => mostByUrl.get(url) ?? 0,
  };
}

/** One `claimDue` call: what the dispatcher asked, and what it got. */
interface CapturedClaim {
  readonly limit: number;
  readonly maxPerEndpoint: number | undefined;
  readonly maxPerOrigin: number | undefined;
  readonly inFlightByEndpoint: Map<string, number>;
  readonly inFlightByOrigin: Map<string, number>;
  readonly claimed: readonly ClaimedDelivery[];
}

/**
 * `memory` with its `claimDue`, `releaseClaim` and `recordAttempt` calls captured; `claimDue` may
 * be replaced (a storage that ignores the rooms).
 */
function capturingStorage(
  memory: MemoryStorage,
  log: string[],
  claimDue: (input: ClaimDueInput) => Promise<readonly ClaimedDelivery[]> = (input) =>
    memory.claimDue(input),
) {
  const claims: CapturedClaim[] = [];
  const released: { deliveryId: string; leaseToken: string }[] = [];
  const recorded: { deliveryId: string; leaseToken: string }[] = [];
  const overrides: Partial<SenderStorage> = {
    claimDue: async (input: ClaimDueInput) => {
      log.push('claim');
      const claimed = await claimDue(input);
      claims.push({
        limit: input.limit,
        maxPerEndpoint: input.maxPerEndpoint,
        maxPerOrigin: input.maxPerOrigin,
        inFlightByEndpoint: new Map(input.inFlightByEndpoint),
        inFlightByOrigin: new Map(input.inFlightByOrigin),
        claimed,
      });
      return claimed;
    },
    releaseClaim: (deliveryId: string, leaseToken: string) => {
      released.push({ deliveryId, leaseToken });
      return memory.releaseClaim(deliveryId, leaseToken);
    },
    recordAttempt: (input: RecordAttemptInput) => {
      recorded.push({ deliveryId: input.deliveryId, leaseToken: input.leaseToken });
      return memory.recordAttempt(input);
    },
  };
  const storage: SenderStorage = storageWith(memory, overrides);
  return { storage, claims, released, recorded };
}

function setup(
  overrides: Partial<DispatcherConfig> = {},
  claimDue?: (
    memory: MemoryStorage,
  ) => (input: ClaimDueInput) => Promise<readonly ClaimedDelivery[]>,
) {
  const clock = createFakeClock({ nowMs: T0 });
  const memory = new MemoryStorage();
  const log: string[] = [];
  const http = gatedTransport(log);
  const captured = capturingStorage(memory, log, claimDue?.(memory));
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
      pollIntervalMs: NO_POLL_MS,
      purgeIntervalMs: 3_600_000,
      ...overrides,
    },
    ports: {
      storage: captured.storage,
      transport: http.transport,
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
  return { dispatcher, memory, clock, logger, http, log, ...captured };
}

/** Stores an endpoint (unless given one) and `count` events with one delivery each, due now. */
async function due(memory: MemoryStorage, count: number, target: string | EndpointRecord = URL_A) {
  let endpoint: EndpointRecord;
  if (typeof target === 'string') {
    endpoint = endpointRecord({ url: target });
    await memory.insertEndpoint(endpoint);
  } else endpoint = target;
  const deliveryIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = eventRecord();
    const delivery = deliveryRecord(event, endpoint);
    deliveryIds.push(delivery.id);
    await memory.insertEvent(event, [delivery]);
  }
  return { endpoint, deliveryIds };
}

/** Status and attempts of each delivery, by id. */
async function outcomes(memory: MemoryStorage, endpoint: EndpointRecord, ids: readonly string[]) {
  const out: Record<string, string> = {};
  for (const id of ids) {
    const delivery = await memory.getDelivery(endpoint.organizationUuid, id);
    out[id] = `${delivery?.status} x${delivery?.attempts}`;
  }
  return out;
}

/** Every id `DELIVERED` after exactly one attempt. */
const deliveredOnce = (ids: readonly string[]) =>
  Object.fromEntries(ids.map((id) => [id, 'DELIVERED x1']));

/** Answers every request as it arrives (each every millisecond) until `done` passes. */
async function answerUntil(http: ReturnType<typeof gatedTransport>, done: () => Promise<void>) {
  const answering = setInterval(http.answerAll, 1);
  try {
    await vi.waitFor(done, { timeout: 1500, interval: 2 });
  } finally {
    clearInterval(answering);
  }
}

/** Lets the loop run a few turns of the event loop (real timers; the clock is the fake one). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A claim by another worker, right now. */
const claimAsOther = (memory: MemoryStorage, nowMs: number) =>
  memory.claimDue({ nowMs, limit: 100, leaseMs: LEASE_MS, owner: 'other' });

const quick = { timeout: 1000, interval: 1 };

describe('Dispatcher: claim ahead (§5.33)', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('claims maxInFlightPerEndpoint + claimAhead, sends only the cap at once, and starts a waiting delivery at a freed slot without claiming', async () => {
    const { dispatcher, memory, http, claims, released, log } = setup({
      claimAhead: 3,
      maxInFlightPerEndpoint: 2,
      maxInFlightPerOrigin: 4,
    });
    const origin = originOf(URL_A);
    const { endpoint, deliveryIds } = await due(memory, 10);
    dispatcher.start();
    stop = async () => {
      http.answerAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(http.held).toHaveLength(2), quick);
    // One claim: free slots (10) plus the room for waiting ones (10); the endpoint's and the
    // origin's rooms larger by claimAhead. It took 5: 2 sent, 3 waiting.
    expect(claims).toHaveLength(1);
    const [first] = claims;
    expect(first?.limit).toBe(20);
    expect(first?.maxPerEndpoint).toBe(5);
    expect(first?.maxPerOrigin).toBe(7);
    expect(first?.claimed.map((c) => c.delivery.id)).toEqual(deliveryIds.slice(0, 5));
    expect(http.sent).toEqual(deliveryIds.slice(0, 2));

    // The first answer: the next waiting delivery is sent from the line, with no claim between.
    http.answerOldest();
    await vi.waitFor(() => expect(http.sent).toHaveLength(3), quick);
    expect(log).toEqual(['claim', ...deliveryIds.slice(0, 3).map((id) => `send ${id}`)]);
    await vi.waitFor(
      async () =>
        expect(await outcomes(memory, endpoint, deliveryIds.slice(0, 1))).toEqual(
          deliveredOnce(deliveryIds.slice(0, 1)),
        ),
      quick,
    );
    // The line still holds 2 (half of claimAhead, rounded up): no claim at all yet.
    await settle();
    expect(claims).toHaveLength(1);

    // The second answer leaves 1 waiting, below half: the loop claims, counting waiting
    // deliveries as held (2 in flight + 1 waiting), and tops the line up to 3 again.
    http.answerOldest();
    await vi.waitFor(() => expect(claims).toHaveLength(2), quick);
    expect(http.sent).toEqual(deliveryIds.slice(0, 4));
    const second = claims[1];
    expect(second?.maxPerEndpoint).toBe(5);
    expect(second?.inFlightByEndpoint.get(endpoint.id)).toBe(3);
    expect(second?.inFlightByOrigin.get(origin)).toBe(3);
    expect(second?.claimed.map((c) => c.delivery.id)).toEqual(deliveryIds.slice(5, 7));

    // Answer one request at a time to the end.
    while (http.sent.length < 10 || http.held.length > 0) {
      await vi.waitFor(() => expect(http.held.length).toBeGreaterThan(0), quick);
      expect(http.inFlight()).toBeLessThanOrEqual(2);
      http.answerOldest();
    }
    await vi.waitFor(
      async () =>
        expect(await outcomes(memory, endpoint, deliveryIds)).toEqual(deliveredOnce(deliveryIds)),
      quick,
    );
    // In claim order, each once; never more than the endpoint's cap in flight; nothing handed back.
    expect(http.sent).toEqual(deliveryIds);
    expect(http.most()).toBe(2);
    expect(released).toEqual([]);
  });

  it('claims in batches: far fewer claims than deliveries, where claimAhead 0 claims once per freed slot', async () => {
    const claimsFor = async (claimAhead: number) => {
      const { dispatcher, memory, http, claims } = setup({ claimAhead, maxInFlightPerEndpoint: 1 });
      const { endpoint, deliveryIds } = await due(memory, 20);
      dispatcher.start();
      try {
        await answerUntil(http, async () =>
          expect(await outcomes(memory, endpoint, deliveryIds)).toEqual(deliveredOnce(deliveryIds)),
        );
      } finally {
        http.answerAll();
        await dispatcher.stop(1000);
      }
      expect(http.most()).toBe(1);
      expect(http.sent).toEqual(deliveryIds);
      return claims.length;
    };
    const ahead = await claimsFor(4);
    const single = await claimsFor(0);
    // One claim per freed slot without claim ahead; with it, one per 3 deliveries (a line of 4
    // topped up when below 2) and a few at the end: 9, with room for a claim that runs late.
    expect(single).toBeGreaterThanOrEqual(20);
    expect(ahead).toBeLessThanOrEqual(12);
  });

  it('processDue() never claims ahead: it claims for its free slots only, and leaves the rest claimable', async () => {
    const { dispatcher, memory, http, claims, released, clock } = setup({
      claimAhead: 3,
      maxInFlightPerEndpoint: 2,
      maxInFlightPerOrigin: 4,
    });
    const { endpoint, deliveryIds } = await due(memory, 10);
    const processing = dispatcher.processDue();
    await vi.waitFor(() => expect(http.held).toHaveLength(2), quick);
    http.answerAll();
    expect(await processing).toBe(2);
    expect(claims).toHaveLength(1);
    expect(claims[0]?.limit).toBe(10);
    expect(claims[0]?.maxPerEndpoint).toBe(2);
    expect(claims[0]?.maxPerOrigin).toBe(4);
    expect(claims[0]?.claimed).toHaveLength(2);
    expect(released).toEqual([]);
    expect(await outcomes(memory, endpoint, deliveryIds.slice(0, 2))).toEqual(
      deliveredOnce(deliveryIds.slice(0, 2)),
    );
    // Nothing is held: another worker claims the other 8 at once.
    const other = await claimAsOther(memory, clock.now());
    expect(other.map((c) => c.delivery.id)).toEqual(deliveryIds.slice(2));
    expect(other.every((c) => c.delivery.attempts === 0)).toBe(true);
  });

  it('a waiting delivery whose lease could lapse during an attempt is handed back unsent, then claimed again and sent once', async () => {
    // A lease only 1 s longer than an attempt's timeout plus the 5 s margin.
    const leaseMs = NOVATRADE_PROFILE.timeoutMs + 6_000;
    const { dispatcher, memory, http, claims, released, recorded, clock } = setup({
      leaseMs,
      claimAhead: 2,
      maxInFlightPerEndpoint: 1,
    });
    const { endpoint, deliveryIds } = await due(memory, 3);
    const [d1, d2, d3] = deliveryIds as [string, string, string];
    dispatcher.start();
    stop = async () => {
      http.answerAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(http.held).toHaveLength(1), quick);
    expect(claims[0]?.claimed.map((c) => c.delivery.id)).toEqual(deliveryIds);
    const firstTokens = new Map(claims[0]?.claimed.map((c) => [c.delivery.id, c.leaseToken]));
    // The first request is held past the point where the others' leases would outlast an attempt.
    clock.advance(1_001);
    http.answerOldest();
    // The waiting two go back unsent with their first claim's tokens, and are claimed again.
    await vi.waitFor(() => expect(http.sent).toEqual([d1, d2]), quick);
    expect(released).toEqual([
      { deliveryId: d2, leaseToken: firstTokens.get(d2) },
      { deliveryId: d3, leaseToken: firstTokens.get(d3) },
    ]);
    expect(claims.length).toBeGreaterThanOrEqual(2);
    expect(claims.at(-1)?.claimed.map((c) => c.delivery.id)).toEqual([d2, d3]);
    http.answerOldest();
    await vi.waitFor(() => expect(http.sent).toEqual(deliveryIds), quick);
    http.answerOldest();
    await vi.waitFor(
      async () =>
        expect(await outcomes(memory, endpoint, deliveryIds)).toEqual(deliveredOnce(deliveryIds)),
      quick,
    );
    // Recorded with the second claim's tokens: nothing was sent on the first one.
    for (const { deliveryId, leaseToken } of recorded.filter((r) => r.deliveryId !== d1)) {
      expect(leaseToken).not.toBe(firstTokens.get(deliveryId));
    }
    expect(recorded.map((r) => r.deliveryId)).toEqual(deliveryIds);
    expect(released).toHaveLength(2);
  });

  it("endpointChanged(id) hands back that endpoint's waiting deliveries only, and wakes the loop to claim them again", async () => {
    const { dispatcher, memory, http, claims, released, clock } = setup({
      claimAhead: 2,
      maxInFlightPerEndpoint: 1,
    });
    const a = await due(memory, 3, URL_A);
    const b = await due(memory, 3, URL_B);
    const [a1, a2, a3] = a.deliveryIds as [string, string, string];
    const [b1, b2, b3] = b.deliveryIds as [string, string, string];
    dispatcher.start();
    stop = async () => {
      http.answerAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(http.held).toHaveLength(2), quick);
    expect(http.sent.slice().sort()).toEqual([a1, b1].sort());
    expect(claims).toHaveLength(1);
    expect(claims[0]?.claimed).toHaveLength(6);

    dispatcher.endpointChanged(a.endpoint.id);
    // At once: another worker sees A's waiting deliveries, not B's (still held by this one).
    const other = await claimAsOther(memory, clock.now());
    expect(other.map((c) => c.delivery.id)).toEqual([a2, a3]);
    expect(released.map((r) => r.deliveryId)).toEqual([a2, a3]);
    // The other worker lets them go before the loop claims (it waits for a macrotask).
    for (const c of other) await memory.releaseClaim(c.delivery.id, c.leaseToken);
    // The loop wakes (its poll is a minute away) and claims them again for A's line.
    await vi.waitFor(() => expect(claims).toHaveLength(2), quick);
    expect(claims[1]?.inFlightByEndpoint.get(a.endpoint.id)).toBe(1);
    expect(claims[1]?.inFlightByEndpoint.get(b.endpoint.id)).toBe(3);
    expect(claims[1]?.claimed.map((c) => c.delivery.id)).toEqual([a2, a3]);

    await answerUntil(http, async () => {
      expect(await outcomes(memory, a.endpoint, a.deliveryIds)).toEqual(
        deliveredOnce(a.deliveryIds),
      );
      expect(await outcomes(memory, b.endpoint, b.deliveryIds)).toEqual(
        deliveredOnce(b.deliveryIds),
      );
    });
    expect(http.sent.slice().sort()).toEqual([a1, a2, a3, b1, b2, b3].sort());
    expect(http.mostAt(URL_A)).toBe(1);
    expect(http.mostAt(URL_B)).toBe(1);
    // B's waiting deliveries were never handed back.
    expect(released.map((r) => r.deliveryId)).toEqual([a2, a3]);
  });

  it('an endpoint that changes while a claim runs: what that claim brings for it (the old record) goes back unsent and is claimed again', async () => {
    let gate: (() => void) | undefined;
    let holdNext = false;
    const { dispatcher, memory, http, claims, released } = setup(
      { claimAhead: 2, maxInFlightPerEndpoint: 1 },
      (memory) => async (input) => {
        if (holdNext) {
          holdNext = false;
          await new Promise<void>((resolve) => {
            gate = resolve;
          });
        }
        return memory.claimDue(input);
      },
    );
    const a = await due(memory, 2, URL_A);
    const b = await due(memory, 2, URL_B);
    const [a1, a2] = a.deliveryIds as [string, string];
    const [b1, b2] = b.deliveryIds as [string, string];
    holdNext = true;
    dispatcher.start();
    stop = async () => {
      gate?.();
      http.answerAll();
      await dispatcher.stop(1000);
    };
    // The first claim is under way (its answer held): A changes meanwhile.
    await vi.waitFor(() => expect(gate).toBeDefined(), quick);
    dispatcher.endpointChanged(a.endpoint.id);
    gate?.();
    // A's deliveries came back with A's old record: handed back, never sent from that claim.
    await vi.waitFor(
      () => expect(released.map((r) => r.deliveryId).sort()).toEqual([a1, a2].sort()),
      quick,
    );
    expect(claims[0]?.claimed.map((c) => c.delivery.id).sort()).toEqual([a1, a2, b1, b2].sort());
    // B's were not affected: one sent, one waiting. The loop claims A's again (woken by the change).
    await vi.waitFor(() => expect(claims.length).toBeGreaterThanOrEqual(2), quick);
    await answerUntil(http, async () => {
      expect(await outcomes(memory, a.endpoint, a.deliveryIds)).toEqual(
        deliveredOnce(a.deliveryIds),
      );
      expect(await outcomes(memory, b.endpoint, b.deliveryIds)).toEqual(
        deliveredOnce(b.deliveryIds),
      );
    });
    expect(http.sent.slice().sort()).toEqual([a1, a2, b1, b2].sort());
    expect(released.map((r) => r.deliveryId).sort()).toEqual([a1, a2].sort());
  });

  it('stop() hands back the waiting deliveries at once, unsent, and waits for the one in flight', async () => {
    const { dispatcher, memory, http, released, clock } = setup({
      claimAhead: 2,
      maxInFlightPerEndpoint: 1,
    });
    const { endpoint, deliveryIds } = await due(memory, 3);
    const [d1, d2, d3] = deliveryIds as [string, string, string];
    dispatcher.start();
    await vi.waitFor(() => expect(http.held).toHaveLength(1), quick);
    let stopped = false;
    const stopping = dispatcher.stop(5_000).then(() => {
      stopped = true;
    });
    // The waiting two go back while the request is still in flight.
    await vi.waitFor(() => expect(released.map((r) => r.deliveryId)).toEqual([d2, d3]), quick);
    expect(stopped).toBe(false);
    expect(http.held.map((r) => r.deliveryId)).toEqual([d1]);
    http.answerOldest();
    await stopping;
    expect(http.sent).toEqual([d1]);
    expect(await outcomes(memory, endpoint, deliveryIds)).toEqual({
      [d1]: 'DELIVERED x1',
      [d2]: 'PENDING x0',
      [d3]: 'PENDING x0',
    });
    // Not leased any more: another worker claims them right away, without waiting for a lapse.
    const other = await claimAsOther(memory, clock.now());
    expect(other.map((c) => c.delivery.id)).toEqual([d2, d3]);
  });

  it('the reserved slots stay free for idle endpoints even while a busy endpoint has deliveries waiting', async () => {
    const { dispatcher, memory, http, claims } = setup({
      maxInFlight: 3,
      reservedInFlight: 1,
      maxInFlightPerEndpoint: 3,
      claimAhead: 3,
    });
    const a = await due(memory, 6, URL_A);
    dispatcher.start();
    stop = async () => {
      http.answerAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(http.held).toHaveLength(2), quick);
    // 5 claimed (the claim keeps its last place for idle endpoints too): 2 sent, 3 waiting for a
    // slot that only an idle endpoint may take.
    expect(claims[0]?.claimed).toHaveLength(5);
    await settle();
    expect(http.held).toHaveLength(2);
    expect(http.mostAt(URL_A)).toBe(2);

    const b = await due(memory, 1, URL_B);
    dispatcher.wake();
    await vi.waitFor(
      () => expect(http.held.map((r) => r.deliveryId)).toContain(b.deliveryIds[0]),
      quick,
    );
    expect(http.held.filter((r) => r.url === URL_A)).toHaveLength(2);

    await answerUntil(http, async () => {
      expect(await outcomes(memory, a.endpoint, a.deliveryIds)).toEqual(
        deliveredOnce(a.deliveryIds),
      );
      expect(await outcomes(memory, b.endpoint, b.deliveryIds)).toEqual(
        deliveredOnce(b.deliveryIds),
      );
    });
    expect(http.mostAt(URL_A)).toBe(2);
    expect(http.most()).toBe(3);
    expect(http.sent).toHaveLength(7);
  });

  it('a storage that ignores the rooms: what is claimed beyond cap + claimAhead is handed back, never queued', async () => {
    const { dispatcher, memory, http, claims, released } = setup(
      { claimAhead: 2, maxInFlightPerEndpoint: 1 },
      // Every due delivery, whatever the dispatcher asks.
      (memory) => async (input) => [
        ...(await memory.claimDue({ ...input, limit: 1000, maxPerEndpoint: undefined })),
      ],
    );
    const { endpoint, deliveryIds } = await due(memory, 10);
    dispatcher.start();
    stop = async () => {
      http.answerAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(released).toHaveLength(7), quick);
    // All 10 came back from the claim: 1 sent, 2 waiting, the other 7 released.
    expect(claims[0]?.claimed).toHaveLength(10);
    expect(released.map((r) => r.deliveryId)).toEqual(deliveryIds.slice(3));
    expect(http.sent).toEqual(deliveryIds.slice(0, 1));

    await answerUntil(http, async () =>
      expect(await outcomes(memory, endpoint, deliveryIds)).toEqual(deliveredOnce(deliveryIds)),
    );
    // At every claim, in flight plus waiting stayed within cap + claimAhead.
    for (const claim of claims) {
      expect(claim.inFlightByEndpoint.get(endpoint.id) ?? 0).toBeLessThanOrEqual(3);
    }
    expect(http.most()).toBe(1);
    expect(http.sent.slice().sort()).toEqual([...deliveryIds].sort());
    expect(new Set(http.sent).size).toBe(10);
  });

  it('an attempt that pauses its endpoint (health policy) hands back the deliveries waiting for it: they are parked, never sent', async () => {
    const profile = {
      ...NOVATRADE_PROFILE,
      healthPolicy: { ...NOVATRADE_PROFILE.healthPolicy, maxConsecutiveFailures: 1 },
    } satisfies typeof NOVATRADE_PROFILE;
    const { dispatcher, memory, http, released } = setup({
      profile,
      claimAhead: 4,
      maxInFlightPerEndpoint: 1,
    });
    const { endpoint, deliveryIds } = await due(memory, 5, URL_A);
    const [d1] = deliveryIds as [string];
    dispatcher.start();
    stop = async () => {
      http.answerAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(http.held).toHaveLength(1), quick);
    // The one request fails: the endpoint is paused by its record. Its slot freed at the response
    // (§5.32), so one more delivery of the line may go out before the pause commits; after it,
    // none (with claimAhead 0 it would be the same one more, never the whole line).
    http.held.shift()?.answer(503);
    await vi.waitFor(
      async () =>
        expect((await memory.getEndpoint(endpoint.organizationUuid, endpoint.id))?.status).toBe(
          'PAUSED',
        ),
      quick,
    );
    await answerUntil(http, async () => {
      const out = Object.values(await outcomes(memory, endpoint, deliveryIds));
      expect(out.filter((o) => o.startsWith('PENDING'))).toEqual([]);
    });
    expect(http.sent[0]).toBe(d1);
    expect(http.sent.length).toBeLessThanOrEqual(2);
    // The rest went back to storage unsent and were parked there.
    const unsent = deliveryIds.filter((id) => !http.sent.includes(id));
    expect(unsent.length).toBeGreaterThanOrEqual(3);
    expect(released.map((r) => r.deliveryId)).toEqual(expect.arrayContaining(unsent));
    for (const id of unsent) {
      const delivery = await memory.getDelivery(endpoint.organizationUuid, id);
      expect([delivery?.status, delivery?.failureReason, delivery?.attempts]).toEqual([
        'FAILED',
        'ENDPOINT_PAUSED',
        0,
      ]);
    }
  });

  it('a lease that leaves no time to wait (leaseMs - timeoutMs - 5 s < 1 s): nothing is claimed ahead', async () => {
    const { dispatcher, memory, http, claims, released } = setup({
      claimAhead: 4,
      maxInFlightPerEndpoint: 1,
      leaseMs: NOVATRADE_PROFILE.timeoutMs + 5_500,
    });
    const a = await due(memory, 3, URL_A);
    const b = await due(memory, 3, URL_B);
    dispatcher.start();
    stop = async () => {
      http.answerAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(http.held).toHaveLength(2), quick);
    expect(claims[0]?.maxPerEndpoint).toBe(1);
    expect(claims[0]?.claimed).toHaveLength(2);
    await answerUntil(http, async () => {
      expect(await outcomes(memory, a.endpoint, a.deliveryIds)).toEqual(
        deliveredOnce(a.deliveryIds),
      );
      expect(await outcomes(memory, b.endpoint, b.deliveryIds)).toEqual(
        deliveredOnce(b.deliveryIds),
      );
    });
    // No claim, release or hand-back churn: one claim per round of freed slots, nothing released.
    expect(released).toEqual([]);
    expect(claims.every((c) => c.maxPerEndpoint === 1)).toBe(true);
  });

  it("work of another endpoint that becomes due while lines refill every freed slot is claimed within MAX_CLAIM_GAP_MS of the loop's last claim", async () => {
    const { dispatcher, memory, http, claims, clock } = setup({
      claimAhead: 10,
      maxInFlightPerEndpoint: 1,
    });
    const a = await due(memory, 20, URL_A);
    const b = endpointRecord({ url: URL_B });
    await memory.insertEndpoint(b);
    const event = eventRecord();
    const later = deliveryRecord(event, b, { nextAttemptAtMs: T0 + 2 * MAX_CLAIM_GAP_MS });
    await memory.insertEvent(event, [later]);
    dispatcher.start();
    stop = async () => {
      http.answerAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(http.held).toHaveLength(1), quick);
    expect(claims).toHaveLength(1);
    // A's slot turns over from its line (at least half full): no claim while the clock stands.
    http.answerOldest();
    await vi.waitFor(() => expect(http.sent).toHaveLength(2), quick);
    expect(claims).toHaveLength(1);
    // B's delivery becomes due; nothing publishes or wakes the loop, whose poll is a minute away.
    clock.advance(2 * MAX_CLAIM_GAP_MS);
    http.answerOldest();
    await vi.waitFor(() => expect(http.sent).toContain(later.id), quick);
    expect(claims.length).toBe(2);
    expect(http.sent.filter((id) => a.deliveryIds.includes(id)).length).toBeGreaterThanOrEqual(3);
  });

  it('a line whose requests cannot be built (a throwing signer) is worked off in a loop, not by recursion: the stack stays flat and every delivery gets its attempt', async () => {
    let deepest = 0;
    let built = 0;
    const profile = {
      ...NOVATRADE_PROFILE,
      buildHeaders: (...args: Parameters<typeof NOVATRADE_PROFILE.buildHeaders>) => {
        // The first request is sent (and held), so the others line up behind it.
        if (built++ === 0) return NOVATRADE_PROFILE.buildHeaders(...args);
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = Number.POSITIVE_INFINITY;
        const depth = (new Error().stack ?? '').split('\n').length;
        Error.stackTraceLimit = limit;
        deepest = Math.max(deepest, depth);
        throw new Error('signer bug');
      },
    } satisfies typeof NOVATRADE_PROFILE;
    const LINE = 400;
    const { dispatcher, memory, recorded, http } = setup({
      profile,
      claimAhead: LINE,
      maxInFlight: LINE,
      maxInFlightPerEndpoint: 1,
    });
    const { endpoint, deliveryIds } = await due(memory, LINE, URL_A);
    dispatcher.start();
    stop = () => dispatcher.stop(1000);
    await vi.waitFor(() => expect(http.held).toHaveLength(1), quick);
    // Its slot frees: the whole line fails to build, one after another, from that one call.
    http.answerOldest();
    await vi.waitFor(() => expect(recorded.length).toBeGreaterThanOrEqual(LINE), {
      timeout: 5_000,
      interval: 5,
    });
    // Recursion would nest a few frames per delivery of the line: thousands here.
    expect(deepest).toBeLessThan(150);
    const first = await memory.getDelivery(endpoint.organizationUuid, deliveryIds[0] as string);
    expect(first?.attempts).toBe(1);
  });

  it("stop() while the loop's claim is still running, past its deadline: what the claim brings back later goes back at once, none of it sent or left leased", async () => {
    let gate: (() => void) | undefined;
    const { dispatcher, memory, http, released, clock } = setup(
      { claimAhead: 3, maxInFlightPerEndpoint: 1 },
      (memory) => async (input) => {
        await new Promise<void>((resolve) => {
          gate = resolve;
        });
        return memory.claimDue(input);
      },
    );
    const { deliveryIds } = await due(memory, 4, URL_A);
    dispatcher.start();
    await vi.waitFor(() => expect(gate).toBeDefined(), quick);
    // The claim outlives stop()'s deadline; it answers after stop() returned.
    await dispatcher.stop(10);
    gate?.();
    await vi.waitFor(
      () => expect(released.map((r) => r.deliveryId).sort()).toEqual([...deliveryIds].sort()),
      quick,
    );
    expect(http.sent).toEqual([]);
    const again = await claimAsOther(memory, clock.now());
    expect(again.map((c) => c.delivery.id).sort()).toEqual([...deliveryIds].sort());
  });

  it('an origin room binds across two endpoints of one host: their lines together stay within maxPerOrigin + claimAhead, and in flight within the origin room', async () => {
    const storageIgnoringRooms = (memory: MemoryStorage) => (input: ClaimDueInput) =>
      memory.claimDue({
        ...input,
        limit: 1000,
        maxPerEndpoint: undefined,
        maxPerOrigin: undefined,
      });
    const { dispatcher, memory, http, released } = setup(
      {
        claimAhead: 2,
        maxInFlightPerEndpoint: 5,
        maxInFlightPerOrigin: 1,
        maxInFlight: 20,
      },
      storageIgnoringRooms,
    );
    const a = await due(memory, 4, 'https://shared.example/a');
    const b = await due(memory, 4, 'https://shared.example/b');
    dispatcher.start();
    stop = async () => {
      http.answerAll();
      await dispatcher.stop(1000);
    };
    await vi.waitFor(() => expect(http.held).toHaveLength(1), quick);
    // 1 in flight + 2 waiting for the origin (1 + claimAhead 2): the other 5 handed back.
    expect(released).toHaveLength(5);
    await answerUntil(http, async () => {
      expect(await outcomes(memory, a.endpoint, a.deliveryIds)).toEqual(
        deliveredOnce(a.deliveryIds),
      );
      expect(await outcomes(memory, b.endpoint, b.deliveryIds)).toEqual(
        deliveredOnce(b.deliveryIds),
      );
    });
    expect(http.most()).toBe(1);
  });
});
