// The SenderStorage contract (src/sender/ports/sender-storage.ts), as one suite that runs against
// every adapter (docs/design.md §2, CONTRIBUTING.md "Tests"): MemoryStorage now, PostgresStorage later. Times
// are passed in (`nowMs`, attempt times), so no case depends on a clock or sleeps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EUDR_HEALTH_POLICY,
  HEALTHY,
  type HealthPolicy,
  NOVATRADE_HEALTH_POLICY,
} from '../src/core/retry/health-policy.js';
import type {
  AttemptDecision,
  ClaimedDelivery,
  CompleteIdempotentInput,
  DeliveryQuery,
  IdempotencyBegin,
  RecordAttemptResult,
  SenderStorage,
} from '../src/sender/ports/sender-storage.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  EndpointRecord,
  EventRecord,
} from '../src/sender/records.js';
import {
  ATTEMPT_DURATION_MS,
  attemptRecord,
  bodyHash,
  DAY_MS,
  DELIVERED,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  failedFinally,
  finalDeliveryRecord,
  HOUR_MS,
  idempotencyScope,
  MINUTE_MS,
  ORG_A,
  ORG_B,
  parkedDeliveryRecord,
  retryAt,
  T0,
} from './helpers/sender-records.js';

/** A fresh, empty storage for one test, and how to clean up after it. */
export interface SenderStorageFixture {
  readonly storage: SenderStorage;
  readonly cleanup?: () => Promise<void>;
}

const LEASE_MS = 30_000;
/** How long a completed idempotency record lives (docs/design.md §5.10: 24 h). */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long an in-flight idempotency record holds its key. */
const IN_FLIGHT_TTL_MS = 5 * 60 * 1000;

/** The one item of `items`; fails the test otherwise. */
function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

/** Item `index` of `items`; fails the test when there is none. */
function at<T>(items: readonly T[], index: number): T {
  expect(items.length).toBeGreaterThan(index);
  return items[index] as T;
}

function idsOf(items: readonly { readonly delivery: DeliveryRecord }[]): string[] {
  return items.map((item) => item.delivery.id);
}

/** Runs the shared SenderStorage contract against the storages `make` creates. */
export function describeSenderStorage(
  name: string,
  make: () => Promise<SenderStorageFixture>,
): void {
  /** Runs `body` with a fresh storage and always cleans it up. */
  async function withStorage(body: (storage: SenderStorage) => Promise<void>): Promise<void> {
    const fixture = await make();
    try {
      await body(fixture.storage);
    } finally {
      await fixture.cleanup?.();
    }
  }

  /** A case with a fresh storage. */
  const itWith = (title: string, body: (storage: SenderStorage) => Promise<void>) =>
    it(title, () => withStorage(body));

  async function addEndpoint(
    storage: SenderStorage,
    overrides: Partial<EndpointRecord> = {},
  ): Promise<EndpointRecord> {
    const endpoint = endpointRecord(overrides);
    await storage.insertEndpoint(endpoint);
    return endpoint;
  }

  /** Stores one event with one PENDING delivery per endpoint, all due at `atMs`. */
  async function publish(
    storage: SenderStorage,
    endpoints: readonly EndpointRecord[],
    atMs = T0,
    deliveryOverrides: Partial<DeliveryRecord> = {},
  ): Promise<{ event: EventRecord; deliveries: DeliveryRecord[] }> {
    const event = eventRecord({
      organizationUuid: endpoints[0]?.organizationUuid ?? ORG_A,
      createdAtMs: atMs,
    });
    const deliveries = endpoints.map((endpoint) =>
      deliveryRecord(event, endpoint, { nextAttemptAtMs: atMs, ...deliveryOverrides }),
    );
    await storage.insertEvent(event, deliveries);
    return { event, deliveries };
  }

  function claim(
    storage: SenderStorage,
    nowMs: number,
    owner = 'worker-a',
    options: { limit?: number; skip?: readonly string[] } = {},
  ): Promise<readonly ClaimedDelivery[]> {
    return storage.claimDue({
      nowMs,
      limit: options.limit ?? 100,
      leaseMs: LEASE_MS,
      owner,
      skipEndpointIds: options.skip === undefined ? undefined : new Set(options.skip),
    });
  }

  /** Records one attempt of a claimed delivery (a 204 when `ok`, else a 500) at `atMs`. */
  function record(
    storage: SenderStorage,
    claimed: DeliveryRecord,
    input: {
      owner?: string;
      atMs: number;
      ok: boolean;
      decision: AttemptDecision;
      healthPolicy?: HealthPolicy | null;
    },
  ): Promise<RecordAttemptResult | null> {
    return storage.recordAttempt({
      deliveryId: claimed.id,
      owner: input.owner ?? 'worker-a',
      attempt: attemptRecord(claimed, input.atMs, input.ok),
      decision: input.decision,
      healthPolicy: input.healthPolicy === undefined ? NOVATRADE_HEALTH_POLICY : input.healthPolicy,
    });
  }

  /** Claims `delivery` (it must be the only one due) and records a failed attempt with a retry. */
  async function failOnce(
    storage: SenderStorage,
    atMs: number,
    healthPolicy: HealthPolicy,
  ): Promise<RecordAttemptResult | null> {
    const claimed = only(await claim(storage, atMs, 'worker-a', { limit: 1 }));
    return record(storage, claimed.delivery, {
      atMs,
      ok: false,
      decision: retryAt(atMs + MINUTE_MS),
      healthPolicy,
    });
  }

  /** Begins `scope` at `nowMs` with the suite's time-to-live values. */
  function begin(
    storage: SenderStorage,
    scope: string,
    hash: string,
    nowMs: number,
  ): Promise<IdempotencyBegin> {
    return storage.beginIdempotent({
      scope,
      bodyHash: hash,
      nowMs,
      ttlMs: IDEMPOTENCY_TTL_MS,
      inFlightTtlMs: IN_FLIGHT_TTL_MS,
    });
  }

  async function delivery(storage: SenderStorage, id: string, org = ORG_A) {
    const found = await storage.getDelivery(org, id);
    expect(found).not.toBeNull();
    return found as DeliveryRecord;
  }

  async function endpointOf(storage: SenderStorage, id: string, org = ORG_A) {
    const found = await storage.getEndpoint(org, id);
    expect(found).not.toBeNull();
    return found as EndpointRecord;
  }

  describe(`${name} — SenderStorage contract`, () => {
    // ------------------------------------------------------------------------------ endpoints
    describe('endpoints', () => {
      itWith('insertEndpoint, then getEndpoint -> an equal record', async (storage) => {
        const endpoint = await addEndpoint(storage, { partnerIds: ['p-1'], description: null });
        expect(await storage.getEndpoint(ORG_A, endpoint.id)).toEqual(endpoint);
      });

      itWith('getEndpoint of another organization or an unknown id -> null', async (storage) => {
        const endpoint = await addEndpoint(storage);
        expect(await storage.getEndpoint(ORG_B, endpoint.id)).toBeNull();
        expect(await storage.getEndpoint(ORG_A, 'wh_unknown')).toBeNull();
      });

      itWith('insertEndpoint with an id already stored -> rejects', async (storage) => {
        const endpoint = await addEndpoint(storage);
        await expect(
          storage.insertEndpoint({ ...endpoint, url: 'https://other.example' }),
        ).rejects.toThrow();
        expect((await endpointOf(storage, endpoint.id)).url).toBe(endpoint.url);
      });

      itWith(
        "listEndpoints -> the organization's endpoints only, oldest first",
        async (storage) => {
          const second = await addEndpoint(storage, { createdAtMs: T0 + 2, updatedAtMs: T0 + 2 });
          const first = await addEndpoint(storage, { createdAtMs: T0, updatedAtMs: T0 });
          await addEndpoint(storage, { organizationUuid: ORG_B, createdAtMs: T0 + 1 });
          const middle = await addEndpoint(storage, { createdAtMs: T0 + 1, updatedAtMs: T0 + 1 });
          expect(await storage.listEndpoints(ORG_A)).toEqual([first, middle, second]);
          expect(await storage.listEndpoints('0b8f6a52-0000-4000-8000-000000000000')).toEqual([]);
        },
      );

      itWith("listAllEndpoints -> every organization's endpoints", async (storage) => {
        const a = await addEndpoint(storage);
        const b = await addEndpoint(storage, { organizationUuid: ORG_B, createdAtMs: T0 + 1 });
        const all = await storage.listAllEndpoints();
        expect(all.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
      });

      const changes = [
        { url: 'https://new.example/hook' },
        { description: 'renamed' },
        { description: null },
        { events: ['order.created', 'compliance.*'] },
        { partnerIds: ['partner-1', 'partner-2'] },
        { partnerIds: null },
        { acceptedSchemaVersions: [1, 2] },
        { status: 'DISABLED' as const },
        { secrets: [{ secret: 'whsec_new', createdAtMs: T0 + 5, expiresAtMs: null }] },
      ];
      for (const change of changes) {
        itWith(
          `updateEndpoint(${JSON.stringify(change)}) -> that field replaced, updatedAtMs stamped, the rest unchanged`,
          async (storage) => {
            const endpoint = await addEndpoint(storage, { partnerIds: ['partner-0'] });
            const updated = await storage.updateEndpoint({
              organizationUuid: ORG_A,
              endpointId: endpoint.id,
              changes: change,
              nowMs: T0 + HOUR_MS,
            });
            const expected = { ...endpoint, ...change, updatedAtMs: T0 + HOUR_MS };
            expect(updated).toEqual(expected);
            expect(await storage.getEndpoint(ORG_A, endpoint.id)).toEqual(expected);
          },
        );
      }

      itWith(
        'updateEndpoint of another organization or an unknown id -> null, nothing changed',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const update = { changes: { url: 'https://x.example' }, nowMs: T0 + 1 };
          expect(
            await storage.updateEndpoint({
              organizationUuid: ORG_B,
              endpointId: endpoint.id,
              ...update,
            }),
          ).toBeNull();
          expect(
            await storage.updateEndpoint({
              organizationUuid: ORG_A,
              endpointId: 'wh_unknown',
              ...update,
            }),
          ).toBeNull();
          expect(await storage.getEndpoint(ORG_A, endpoint.id)).toEqual(endpoint);
        },
      );

      itWith(
        'updateEndpoint with parkPending -> every PENDING delivery (waiting or in flight) FAILED with the reason; final ones and other endpoints untouched',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const other = await addEndpoint(storage);
          const {
            deliveries: [inFlight],
          } = await publish(storage, [endpoint], T0);
          const {
            deliveries: [waiting],
          } = await publish(storage, [endpoint], T0 + HOUR_MS);
          const { event } = await publish(storage, [other], T0);
          const delivered = deliveryRecord(event, endpoint, {
            status: 'DELIVERED',
            nextAttemptAtMs: null,
            attempts: 1,
            firstAttemptAtMs: T0,
            lastAttemptAtMs: T0,
            lastStatusCode: 200,
          });
          const failed = deliveryRecord(event, endpoint, {
            status: 'FAILED',
            nextAttemptAtMs: null,
            failureReason: 'TIMEOUT',
          });
          await storage.insertDeliveries([delivered, failed]);
          const claimed = await claim(storage, T0, 'worker-a', { skip: [other.id] });
          expect(idsOf(claimed)).toEqual([inFlight?.id]);

          const updated = await storage.updateEndpoint({
            organizationUuid: ORG_A,
            endpointId: endpoint.id,
            changes: { status: 'PAUSED' },
            nowMs: T0 + 10,
            parkPending: 'ENDPOINT_PAUSED',
          });
          expect(updated?.status).toBe('PAUSED');
          for (const parked of [inFlight, waiting]) {
            expect(await delivery(storage, parked?.id ?? '')).toEqual({
              ...parked,
              status: 'FAILED',
              failureReason: 'ENDPOINT_PAUSED',
              nextAttemptAtMs: null,
              updatedAtMs: T0 + 10,
            });
          }
          expect(await delivery(storage, delivered.id)).toEqual(delivered);
          expect(await delivery(storage, failed.id)).toEqual(failed);
          const rest = await claim(storage, T0 + 2 * HOUR_MS, 'worker-b');
          expect(rest.map((item) => item.endpoint.id)).toEqual([other.id]);
        },
      );

      itWith(
        'updateEndpoint with resetHealth -> HEALTHY; without it -> the streak is kept',
        async (storage) => {
          const streak = { consecutiveFailures: 7, failingSinceMs: T0 - HOUR_MS };
          const endpoint = await addEndpoint(storage, { status: 'PAUSED', health: streak });
          const kept = await storage.updateEndpoint({
            organizationUuid: ORG_A,
            endpointId: endpoint.id,
            changes: { description: 'still paused' },
            nowMs: T0 + 1,
          });
          expect(kept?.health).toEqual(streak);
          const resumed = await storage.updateEndpoint({
            organizationUuid: ORG_A,
            endpointId: endpoint.id,
            changes: { status: 'ACTIVE' },
            nowMs: T0 + 2,
            resetHealth: true,
          });
          expect(resumed).toMatchObject({ status: 'ACTIVE', health: HEALTHY, updatedAtMs: T0 + 2 });
          expect((await endpointOf(storage, endpoint.id)).health).toEqual(HEALTHY);
        },
      );

      itWith(
        'deleteEndpoint -> true and gone; its PENDING deliveries FAILED ENDPOINT_DELETED; final ones and other endpoints untouched',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const other = await addEndpoint(storage);
          const {
            event,
            deliveries: [pending, otherPending],
          } = await publish(storage, [endpoint, other]);
          const delivered = deliveryRecord(event, endpoint, {
            status: 'DELIVERED',
            nextAttemptAtMs: null,
            attempts: 1,
            lastStatusCode: 204,
          });
          await storage.insertDeliveries([delivered]);

          expect(await storage.deleteEndpoint(ORG_A, endpoint.id, T0 + 5)).toBe(true);
          expect(await storage.getEndpoint(ORG_A, endpoint.id)).toBeNull();
          expect((await storage.listEndpoints(ORG_A)).map((e) => e.id)).toEqual([other.id]);
          expect(await delivery(storage, pending?.id ?? '')).toEqual({
            ...pending,
            status: 'FAILED',
            failureReason: 'ENDPOINT_DELETED',
            nextAttemptAtMs: null,
            updatedAtMs: T0 + 5,
          });
          expect(await delivery(storage, delivered.id)).toEqual(delivered);
          expect(await delivery(storage, otherPending?.id ?? '')).toEqual(otherPending);
          expect(idsOf(await claim(storage, T0 + 10))).toEqual([otherPending?.id]);
          expect(await storage.deleteEndpoint(ORG_A, endpoint.id, T0 + 6)).toBe(false);
        },
      );

      itWith(
        'deleteEndpoint of another organization or an unknown id -> false, nothing changed',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const {
            deliveries: [pending],
          } = await publish(storage, [endpoint]);
          expect(await storage.deleteEndpoint(ORG_B, endpoint.id, T0 + 1)).toBe(false);
          expect(await storage.deleteEndpoint(ORG_A, 'wh_unknown', T0 + 1)).toBe(false);
          expect(await storage.getEndpoint(ORG_A, endpoint.id)).toEqual(endpoint);
          expect(await delivery(storage, pending?.id ?? '')).toEqual(pending);
        },
      );
    });

    // ------------------------------------------------------------------- events and deliveries
    describe('events and deliveries', () => {
      itWith(
        'insertEvent with a PENDING delivery for a PAUSED or DISABLED endpoint -> stored parked (the stored status decides); a test delivery may stay PENDING for a PAUSED one',
        async (storage) => {
          const paused = await addEndpoint(storage, { status: 'PAUSED' });
          const disabled = await addEndpoint(storage, { status: 'DISABLED' });
          const { deliveries } = await publish(storage, [paused, disabled]);
          const [toPaused, toDisabled] = deliveries;
          expect(await storage.getDelivery(ORG_A, toPaused?.id ?? '')).toMatchObject({
            status: 'FAILED',
            failureReason: 'ENDPOINT_PAUSED',
            nextAttemptAtMs: null,
          });
          expect(await storage.getDelivery(ORG_A, toDisabled?.id ?? '')).toMatchObject({
            status: 'FAILED',
            failureReason: 'ENDPOINT_DISABLED',
          });
          const tests = await publish(storage, [paused, disabled], T0, { test: true });
          expect(await storage.getDelivery(ORG_A, tests.deliveries[0]?.id ?? '')).toMatchObject({
            status: 'PENDING',
          });
          expect(await storage.getDelivery(ORG_A, tests.deliveries[1]?.id ?? '')).toMatchObject({
            status: 'FAILED',
            failureReason: 'ENDPOINT_DISABLED',
          });
          expect(idsOf(await claim(storage, T0 + 1))).toEqual([tests.deliveries[0]?.id]);
        },
      );

      itWith(
        'insertEvent stores the event and its deliveries; getEvent and getDelivery return equal records',
        async (storage) => {
          const a = await addEndpoint(storage);
          const b = await addEndpoint(storage);
          const { event, deliveries } = await publish(storage, [a, b]);
          expect(await storage.getEvent(ORG_A, event.id)).toEqual(event);
          for (const stored of deliveries) {
            expect(await storage.getDelivery(ORG_A, stored.id)).toEqual(stored);
          }
          expect(await storage.listAttempts(at(deliveries, 0).id)).toEqual([]);
        },
      );

      itWith(
        'getEvent and getDelivery of another organization or unknown ids -> null',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { event, deliveries } = await publish(storage, [endpoint]);
          expect(await storage.getEvent(ORG_B, event.id)).toBeNull();
          expect(await storage.getDelivery(ORG_B, only(deliveries).id)).toBeNull();
          expect(await storage.getEvent(ORG_A, 'evt_unknown')).toBeNull();
          expect(await storage.getDelivery(ORG_A, 'del_unknown')).toBeNull();
        },
      );

      itWith('insertEvent with no deliveries -> the event alone', async (storage) => {
        const event = eventRecord();
        await storage.insertEvent(event, []);
        expect(await storage.getEvent(ORG_A, event.id)).toEqual(event);
        expect(await storage.nextDueAtMs()).toBeNull();
      });

      itWith(
        'insertEvent is all or nothing: a delivery id already stored -> rejects, neither the event nor any delivery stored',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { deliveries } = await publish(storage, [endpoint]);
          const taken = only(deliveries);
          const event = eventRecord();
          const fresh = deliveryRecord(event, endpoint);
          await expect(
            storage.insertEvent(event, [fresh, deliveryRecord(event, endpoint, { id: taken.id })]),
          ).rejects.toThrow();
          expect(await storage.getEvent(ORG_A, event.id)).toBeNull();
          expect(await storage.getDelivery(ORG_A, fresh.id)).toBeNull();
          expect(await delivery(storage, taken.id)).toEqual(taken);
          expect(idsOf(await claim(storage, T0))).toEqual([taken.id]);
        },
      );

      itWith(
        'insertDeliveries adds claimable deliveries to a stored event; of an unknown event -> rejects, nothing stored',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const event = eventRecord();
          await storage.insertEvent(event, []);
          const replay = deliveryRecord(event, endpoint, {
            replayOf: 'del_original',
            createdAtMs: T0 + HOUR_MS,
            updatedAtMs: T0 + HOUR_MS,
            nextAttemptAtMs: T0 + HOUR_MS,
          });
          const testFire = deliveryRecord(event, endpoint, { test: true });
          await storage.insertDeliveries([replay, testFire]);
          expect(await delivery(storage, replay.id)).toEqual(replay);
          expect(await delivery(storage, testFire.id)).toEqual(testFire);
          expect(idsOf(await claim(storage, T0 + HOUR_MS))).toEqual([testFire.id, replay.id]);

          const orphan = deliveryRecord(eventRecord(), endpoint);
          const sibling = deliveryRecord(event, endpoint);
          await expect(storage.insertDeliveries([sibling, orphan])).rejects.toThrow();
          expect(await storage.getDelivery(ORG_A, sibling.id)).toBeNull();
          expect(await storage.getDelivery(ORG_A, orphan.id)).toBeNull();
        },
      );

      itWith(
        'a PENDING delivery inserted for an endpoint that is not stored -> FAILED ENDPOINT_DELETED, never claimed',
        async (storage) => {
          const gone = endpointRecord();
          const { deliveries } = await publish(storage, [gone]);
          expect(await delivery(storage, only(deliveries).id)).toEqual({
            ...only(deliveries),
            status: 'FAILED',
            failureReason: 'ENDPOINT_DELETED',
            nextAttemptAtMs: null,
          });
          expect(await claim(storage, T0)).toEqual([]);
          expect(await storage.nextDueAtMs()).toBeNull();
        },
      );

      itWith('parked deliveries are stored as given and never claimed', async (storage) => {
        const endpoint = await addEndpoint(storage, { status: 'PAUSED' });
        const event = eventRecord();
        const parked = parkedDeliveryRecord(event, endpoint);
        await storage.insertEvent(event, [parked]);
        expect(await delivery(storage, parked.id)).toEqual(parked);
        expect(await claim(storage, T0 + HOUR_MS)).toEqual([]);
      });

      itWith('listAttempts -> every attempt, first first, as recorded', async (storage) => {
        const endpoint = await addEndpoint(storage);
        await publish(storage, [endpoint]);
        const first = only(await claim(storage, T0)).delivery;
        await record(storage, first, { atMs: T0, ok: false, decision: retryAt(T0 + MINUTE_MS) });
        const second = only(await claim(storage, T0 + MINUTE_MS)).delivery;
        await record(storage, second, { atMs: T0 + MINUTE_MS, ok: true, decision: DELIVERED });
        expect(await storage.listAttempts(first.id)).toEqual([
          attemptRecord(first, T0, false),
          attemptRecord(second, T0 + MINUTE_MS, true),
        ]);
        expect(second.attempts).toBe(1);
        expect(await storage.listAttempts('del_unknown')).toEqual([]);
      });
    });

    // ------------------------------------------------------------------------------- history
    describe('listDeliveries', () => {
      async function history(storage: SenderStorage) {
        const a = await addEndpoint(storage);
        const b = await addEndpoint(storage);
        const e1 = await publish(storage, [a, b], T0);
        const e2 = await publish(storage, [a], T0 + 10);
        const e3 = await publish(storage, [a, b], T0 + 20);
        const foreignEndpoint = await addEndpoint(storage, { organizationUuid: ORG_B });
        await publish(storage, [foreignEndpoint], T0 + 5);
        return { a, b, e1, e2, e3 };
      }
      const query = (overrides: Partial<DeliveryQuery> = {}): DeliveryQuery => ({
        organizationUuid: ORG_A,
        page: 0,
        size: 100,
        sortField: 'createdAt',
        sortDirection: 'asc',
        ...overrides,
      });

      itWith(
        "listDeliveries -> the organization's deliveries, filtered by endpoint, event, status and since (exclusive)",
        async (storage) => {
          const { a, e1, e2, e3 } = await history(storage);
          const all = await storage.listDeliveries(query());
          expect(all.totalElements).toBe(5);
          expect(all.items.every((d) => d.organizationUuid === ORG_A)).toBe(true);

          const ofA = await storage.listDeliveries(query({ endpointId: a.id }));
          expect(ofA.items.map((d) => d.eventId)).toEqual([e1.event.id, e2.event.id, e3.event.id]);
          const ofE1 = await storage.listDeliveries(query({ eventId: e1.event.id }));
          expect(ofE1.items.map((d) => d.id).sort()).toEqual(e1.deliveries.map((d) => d.id).sort());
          const both = await storage.listDeliveries(
            query({ eventId: e3.event.id, endpointId: a.id }),
          );
          expect(both.items).toEqual([at(e3.deliveries, 0)]);
          const since = await storage.listDeliveries(query({ sinceMs: T0 + 10 }));
          expect(since.items.map((d) => d.eventId)).toEqual([e3.event.id, e3.event.id]);

          await storage.updateEndpoint({
            organizationUuid: ORG_A,
            endpointId: a.id,
            changes: { status: 'PAUSED' },
            nowMs: T0 + 30,
            parkPending: 'ENDPOINT_PAUSED',
          });
          const failed = await storage.listDeliveries(query({ status: 'FAILED' }));
          expect(failed.totalElements).toBe(3);
          expect(failed.items.every((d) => d.endpointId === a.id)).toBe(true);
          expect((await storage.listDeliveries(query({ status: 'PENDING' }))).totalElements).toBe(
            2,
          );
          expect(
            await storage.listDeliveries(
              query({ organizationUuid: '0b8f6a52-0000-4000-8000-00000000000f' }),
            ),
          ).toEqual({ items: [], totalElements: 0 });
        },
      );

      itWith(
        'listDeliveries pages are zero-based slices of the sorted matches, ties by id',
        async (storage) => {
          await history(storage);
          const asc = (await storage.listDeliveries(query())).items;
          const expectedAsc = [...asc].sort(
            (x, y) => x.createdAtMs - y.createdAtMs || (x.id < y.id ? -1 : 1),
          );
          expect(asc).toEqual(expectedAsc);
          const desc = (await storage.listDeliveries(query({ sortDirection: 'desc' }))).items;
          expect(desc).toEqual([...expectedAsc].reverse());
          const pages = [0, 1, 2].map((page) => storage.listDeliveries(query({ page, size: 2 })));
          const [p0, p1, p2] = await Promise.all(pages);
          expect([p0, p1, p2].map((p) => p?.totalElements)).toEqual([5, 5, 5]);
          expect([...(p0?.items ?? []), ...(p1?.items ?? []), ...(p2?.items ?? [])]).toEqual(asc);
          expect(p2?.items).toHaveLength(1);
          expect((await storage.listDeliveries(query({ page: 3, size: 2 }))).items).toEqual([]);
        },
      );

      itWith(
        'listDeliveries by lastAttemptAt -> never-attempted deliveries last, in both directions',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint], T0);
          await publish(storage, [endpoint], T0);
          const {
            deliveries: [never],
          } = await publish(storage, [endpoint], T0 + HOUR_MS);
          const claimed = await claim(storage, T0, 'worker-a');
          const first = at(claimed, 0).delivery;
          const second = at(claimed, 1).delivery;
          await record(storage, first, { atMs: T0 + 100, ok: true, decision: DELIVERED });
          await record(storage, second, { atMs: T0 + 50, ok: true, decision: DELIVERED });
          const byAttempt = (sortDirection: 'asc' | 'desc') =>
            storage
              .listDeliveries(query({ sortField: 'lastAttemptAt', sortDirection }))
              .then((page) => page.items.map((d) => d.id));
          expect(await byAttempt('asc')).toEqual([second.id, first.id, never?.id]);
          expect(await byAttempt('desc')).toEqual([first.id, second.id, never?.id]);
        },
      );
    });

    // ------------------------------------------------------------------------------ claimDue
    describe('claimDue', () => {
      itWith(
        'claimDue with maxPerEndpoint and inFlightByEndpoint -> at most the room left per endpoint; the rest stays claimable',
        async (storage) => {
          const busy = await addEndpoint(storage);
          const quiet = await addEndpoint(storage);
          for (let i = 0; i < 6; i++) await publish(storage, [busy], T0 + i);
          await publish(storage, [quiet], T0 + 10);
          const claimed = await storage.claimDue({
            nowMs: T0 + 1000,
            limit: 100,
            leaseMs: LEASE_MS,
            owner: 'worker-a',
            maxPerEndpoint: 3,
            inFlightByEndpoint: new Map([[busy.id, 1]]),
          });
          expect(claimed.filter((c) => c.endpoint.id === busy.id)).toHaveLength(2);
          expect(claimed.filter((c) => c.endpoint.id === quiet.id)).toHaveLength(1);
          const next = await claim(storage, T0 + 1000, 'worker-b');
          expect(next).toHaveLength(4);
          expect(next.every((c) => c.endpoint.id === busy.id)).toBe(true);
        },
      );

      itWith(
        'claimDue -> due deliveries, endpoints in turn by their oldest due work, with their event and endpoint',
        async (storage) => {
          const a = await addEndpoint(storage);
          const b = await addEndpoint(storage);
          const late = await publish(storage, [a], T0 + 300);
          const early = await publish(storage, [b], T0 + 100);
          const middle = await publish(storage, [a, b], T0 + 200);
          const claimed = await claim(storage, T0 + 1000);
          expect(idsOf(claimed)).toEqual([
            only(early.deliveries).id,
            ...middle.deliveries.map((d) => d.id),
            only(late.deliveries).id,
          ]);
          expect(at(claimed, 0)).toEqual({
            delivery: only(early.deliveries),
            event: early.event,
            endpoint: b,
          });
        },
      );

      itWith('claimDue takes at most `limit`; the rest stays claimable', async (storage) => {
        const endpoint = await addEndpoint(storage);
        const published = [];
        for (let i = 0; i < 5; i++) published.push(await publish(storage, [endpoint], T0 + i));
        const ids = published.map((p) => only(p.deliveries).id);
        expect(idsOf(await claim(storage, T0 + 10, 'worker-a', { limit: 2 }))).toEqual(
          ids.slice(0, 2),
        );
        expect(idsOf(await claim(storage, T0 + 10, 'worker-b', { limit: 2 }))).toEqual(
          ids.slice(2, 4),
        );
        expect(idsOf(await claim(storage, T0 + 10, 'worker-c', { limit: 2 }))).toEqual(
          ids.slice(4),
        );
        expect(await claim(storage, T0 + 10, 'worker-d', { limit: 0 })).toEqual([]);
      });

      itWith(
        'claimDue leaves deliveries not yet due; one due exactly at nowMs is claimed',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const now = await publish(storage, [endpoint], T0 + 100);
          await publish(storage, [endpoint], T0 + 101);
          expect(await claim(storage, T0 + 99)).toEqual([]);
          expect(idsOf(await claim(storage, T0 + 100))).toEqual([only(now.deliveries).id]);
        },
      );

      itWith(
        'a claimed delivery is not claimed again until its lease lapses at nowMs + leaseMs',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { deliveries } = await publish(storage, [endpoint]);
          expect(idsOf(await claim(storage, T0, 'worker-a'))).toEqual([only(deliveries).id]);
          expect(await claim(storage, T0, 'worker-a')).toEqual([]);
          expect(await claim(storage, T0 + LEASE_MS - 1, 'worker-b')).toEqual([]);
          const again = await claim(storage, T0 + LEASE_MS, 'worker-b');
          expect(idsOf(again)).toEqual([only(deliveries).id]);
          expect(only(again).delivery).toEqual(only(deliveries));
        },
      );

      itWith(
        'claimDue orders a lapsed claim by its due time among waiting deliveries',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const first = await publish(storage, [endpoint], T0);
          await claim(storage, T0, 'worker-a');
          const second = await publish(storage, [endpoint], T0 + 10);
          const claimed = await claim(storage, T0 + LEASE_MS + 10, 'worker-b');
          expect(idsOf(claimed)).toEqual([only(first.deliveries).id, only(second.deliveries).id]);
        },
      );

      itWith(
        'skipEndpointIds -> that endpoint is not claimed for, and its deliveries stay claimable',
        async (storage) => {
          const busy = await addEndpoint(storage);
          const free = await addEndpoint(storage);
          const one = await publish(storage, [busy, free], T0);
          const two = await publish(storage, [busy, free], T0 + 1);
          const skipped = await claim(storage, T0 + 5, 'worker-a', { skip: [busy.id] });
          expect(idsOf(skipped)).toEqual([at(one.deliveries, 1).id, at(two.deliveries, 1).id]);
          const later = await claim(storage, T0 + 5, 'worker-a', { skip: [free.id] });
          expect(idsOf(later)).toEqual([at(one.deliveries, 0).id, at(two.deliveries, 0).id]);
        },
      );

      itWith('skipEndpointIds does not count against limit', async (storage) => {
        const busy = await addEndpoint(storage);
        const free = await addEndpoint(storage);
        for (let i = 0; i < 3; i++) await publish(storage, [busy], T0 + i);
        const { deliveries } = await publish(storage, [free], T0 + 10);
        const claimed = await claim(storage, T0 + 10, 'worker-a', { limit: 1, skip: [busy.id] });
        expect(idsOf(claimed)).toEqual([only(deliveries).id]);
      });

      // Fair dispatch (docs/design.md §5.17): endpoints with due work take turns, least recently
      // claimed first; inside one endpoint, the earliest due delivery first.
      itWith(
        'claimDue takes turns over endpoints: one delivery each per round, oldest first inside one',
        async (storage) => {
          const [a, b, c] = [
            await addEndpoint(storage),
            await addEndpoint(storage),
            await addEndpoint(storage),
          ];
          const byEndpoint = new Map<string, string[]>();
          // a's backlog is the oldest, c's the newest; each has three due deliveries.
          for (const [offset, endpoint] of [a, b, c].entries()) {
            for (let i = 0; i < 3; i++) {
              const { deliveries } = await publish(storage, [endpoint], T0 + offset * 10 + i);
              byEndpoint.set(endpoint.id, [
                ...(byEndpoint.get(endpoint.id) ?? []),
                only(deliveries).id,
              ]);
            }
          }
          const claimed = await claim(storage, T0 + 100, 'worker-a', { limit: 7 });
          expect(claimed.map((item) => item.endpoint.id)).toEqual([
            a.id,
            b.id,
            c.id,
            a.id,
            b.id,
            c.id,
            a.id,
          ]);
          for (const endpoint of [a, b, c]) {
            const ids = claimed
              .filter((x) => x.endpoint.id === endpoint.id)
              .map((x) => x.delivery.id);
            expect(ids).toEqual(byEndpoint.get(endpoint.id)?.slice(0, ids.length));
          }
        },
      );

      itWith(
        "an endpoint's one due delivery is claimed within one claim, however large the older backlogs of others",
        async (storage) => {
          const slow = [];
          for (let i = 0; i < 5; i++) slow.push(await addEndpoint(storage));
          for (let i = 0; i < 40; i++) await publish(storage, slow, T0 + i);
          // Every slow endpoint has been served once (the dispatcher's steady state).
          expect(await claim(storage, T0 + 1_000, 'worker-a', { limit: 5 })).toHaveLength(5);
          const healthy = await addEndpoint(storage);
          const { deliveries } = await publish(storage, [healthy], T0 + 999);
          const next = only(await claim(storage, T0 + 1_000, 'worker-b', { limit: 1 }));
          expect(next.delivery.id).toBe(only(deliveries).id);
        },
      );

      itWith(
        'turns span claims and workers: the least recently claimed endpoint goes first',
        async (storage) => {
          const [a, b, c] = [
            await addEndpoint(storage),
            await addEndpoint(storage),
            await addEndpoint(storage),
          ];
          for (let i = 0; i < 4; i++) await publish(storage, [a, b, c], T0 + i);
          const order: string[] = [];
          for (let i = 0; i < 6; i++) {
            const owner = i % 2 === 0 ? 'worker-a' : 'worker-b';
            order.push(only(await claim(storage, T0 + 10, owner, { limit: 1 })).endpoint.id);
          }
          expect(order).toEqual([a.id, b.id, c.id, a.id, b.id, c.id]);
          // The next round starts again with a, however the claims were split.
          const [x, y] = await claim(storage, T0 + 10, 'worker-a', { limit: 2 });
          expect([x?.endpoint.id, y?.endpoint.id]).toEqual([a.id, b.id]);
        },
      );

      itWith(
        'an endpoint skipped for its cap keeps its place in line for the next claim',
        async (storage) => {
          const a = await addEndpoint(storage);
          const b = await addEndpoint(storage);
          for (let i = 0; i < 3; i++) await publish(storage, [a, b], T0 + i);
          expect(only(await claim(storage, T0 + 10, 'worker-a', { limit: 1 })).endpoint.id).toBe(
            a.id,
          );
          // b's turn, but b is at its cap: a goes instead; b is still first afterwards.
          expect(
            only(await claim(storage, T0 + 10, 'worker-a', { limit: 1, skip: [b.id] })).endpoint.id,
          ).toBe(a.id);
          expect(only(await claim(storage, T0 + 10, 'worker-a', { limit: 1 })).endpoint.id).toBe(
            b.id,
          );
        },
      );

      itWith(
        'maxPerOrigin with inFlightByOrigin -> at most the room left per origin (scheme, host, port)',
        async (storage) => {
          const one = await addEndpoint(storage, { url: 'https://hooks.example/a' });
          const two = await addEndpoint(storage, { url: 'https://HOOKS.example:443/b?x=1' });
          const other = await addEndpoint(storage, { url: 'https://hooks.example:8443/a' });
          const plain = await addEndpoint(storage, { url: 'http://hooks.example/a' });
          for (let i = 0; i < 4; i++) await publish(storage, [one, two, other, plain], T0 + i);
          const claimed = await storage.claimDue({
            nowMs: T0 + 10,
            limit: 100,
            leaseMs: LEASE_MS,
            owner: 'worker-a',
            maxPerOrigin: 3,
            inFlightByOrigin: new Map([
              ['https://hooks.example', 1],
              ['http://hooks.example', 3],
            ]),
          });
          const count = (ids: readonly string[]) =>
            claimed.filter((item) => ids.includes(item.endpoint.id)).length;
          expect(count([one.id, two.id])).toBe(2);
          expect(count([other.id])).toBe(3);
          expect(count([plain.id])).toBe(0);
          // Turns still alternate inside the shared origin.
          expect(count([one.id])).toBe(1);
          const rest = await claim(storage, T0 + 10, 'worker-b');
          expect(rest).toHaveLength(16 - claimed.length);
        },
      );

      itWith(
        'reservedForIdle -> the last places go only to endpoints with nothing in flight',
        async (storage) => {
          const busy = await addEndpoint(storage);
          const idle = await addEndpoint(storage);
          const fresh = await addEndpoint(storage);
          for (let i = 0; i < 5; i++) await publish(storage, [busy, idle], T0 + i);
          await publish(storage, [fresh], T0 + 10);
          const claimed = await storage.claimDue({
            nowMs: T0 + 100,
            limit: 5,
            leaseMs: LEASE_MS,
            owner: 'worker-a',
            inFlightByEndpoint: new Map([[busy.id, 1]]),
            reservedForIdle: 3,
          });
          // Turns: busy (2 places left above the reserve), idle, fresh; then 2 places are left,
          // both reserved, and every endpoint with due work now has something in flight.
          const ids = claimed.map((item) => item.endpoint.id);
          expect(ids).toEqual([busy.id, idle.id, fresh.id]);
          const again = await storage.claimDue({
            nowMs: T0 + 100,
            limit: 4,
            leaseMs: LEASE_MS,
            owner: 'worker-a',
            reservedForIdle: 0,
          });
          expect(again).toHaveLength(4);
        },
      );

      itWith('an endpoint whose URL changes moves to the new origin', async (storage) => {
        const moving = await addEndpoint(storage, { url: 'https://old.example/a' });
        const staying = await addEndpoint(storage, { url: 'https://new.example/a' });
        await storage.updateEndpoint({
          organizationUuid: ORG_A,
          endpointId: moving.id,
          changes: { url: 'https://new.example/b' },
          nowMs: T0,
        });
        await publish(storage, [moving, staying], T0);
        const claimed = await storage.claimDue({
          nowMs: T0,
          limit: 10,
          leaseMs: LEASE_MS,
          owner: 'worker-a',
          maxPerOrigin: 1,
          inFlightByOrigin: new Map([['https://old.example', 1]]),
        });
        expect(claimed).toHaveLength(1);
      });
    });

    // -------------------------------------------------------------------------- recordAttempt
    describe('recordAttempt', () => {
      itWith(
        'recordAttempt by another owner -> null, nothing written, the claim still held',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { deliveries } = await publish(storage, [endpoint]);
          const claimed = only(await claim(storage, T0, 'worker-a')).delivery;
          expect(
            await record(storage, claimed, {
              owner: 'worker-b',
              atMs: T0,
              ok: true,
              decision: DELIVERED,
            }),
          ).toBeNull();
          expect(await delivery(storage, claimed.id)).toEqual(only(deliveries));
          expect(await storage.listAttempts(claimed.id)).toEqual([]);
          expect((await endpointOf(storage, endpoint.id)).health).toEqual(HEALTHY);
          expect(
            await record(storage, claimed, { atMs: T0, ok: true, decision: DELIVERED }),
          ).not.toBeNull();
        },
      );

      itWith('recordAttempt for a delivery never claimed, or twice -> null', async (storage) => {
        const endpoint = await addEndpoint(storage);
        const { deliveries } = await publish(storage, [endpoint]);
        const pending = only(deliveries);
        expect(
          await record(storage, pending, { atMs: T0, ok: true, decision: DELIVERED }),
        ).toBeNull();
        expect(await delivery(storage, pending.id)).toEqual(pending);
        const claimed = only(await claim(storage, T0)).delivery;
        expect(
          await record(storage, claimed, {
            atMs: T0,
            ok: false,
            decision: retryAt(T0 + MINUTE_MS),
          }),
        ).not.toBeNull();
        expect(
          await record(storage, claimed, {
            atMs: T0,
            ok: false,
            decision: retryAt(T0 + MINUTE_MS),
          }),
        ).toBeNull();
        expect(await storage.listAttempts(claimed.id)).toHaveLength(1);
      });

      itWith(
        'a lapsed claim taken over by B: recordAttempt by A -> null, nothing written; B records',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          const byA = only(await claim(storage, T0, 'worker-a')).delivery;
          const byB = only(await claim(storage, T0 + LEASE_MS, 'worker-b')).delivery;
          expect(
            await record(storage, byA, {
              owner: 'worker-a',
              atMs: T0,
              ok: true,
              decision: DELIVERED,
            }),
          ).toBeNull();
          expect((await delivery(storage, byA.id)).status).toBe('PENDING');
          expect(await storage.listAttempts(byA.id)).toEqual([]);
          const recorded = await record(storage, byB, {
            owner: 'worker-b',
            atMs: T0 + LEASE_MS,
            ok: true,
            decision: DELIVERED,
          });
          expect(recorded?.delivery.status).toBe('DELIVERED');
        },
      );

      itWith(
        'a lapsed claim nobody took over: recordAttempt by its owner is recorded',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          const claimed = only(await claim(storage, T0, 'worker-a')).delivery;
          expect(await storage.nextDueAtMs()).toBe(T0 + LEASE_MS);
          const recorded = await record(storage, claimed, {
            atMs: T0 + 2 * LEASE_MS,
            ok: true,
            decision: DELIVERED,
          });
          expect(recorded?.delivery.status).toBe('DELIVERED');
          expect(await claim(storage, T0 + 3 * LEASE_MS, 'worker-b')).toEqual([]);
        },
      );

      itWith(
        'success -> DELIVERED with the attempt counted, the streak reset, the claim freed',
        async (storage) => {
          const streak = { consecutiveFailures: 3, failingSinceMs: T0 - HOUR_MS };
          const endpoint = await addEndpoint(storage, { health: streak });
          const { deliveries } = await publish(storage, [endpoint]);
          const claimed = only(await claim(storage, T0)).delivery;
          const recorded = await record(storage, claimed, {
            atMs: T0 + 7,
            ok: true,
            decision: DELIVERED,
          });
          const expected: DeliveryRecord = {
            ...only(deliveries),
            status: 'DELIVERED',
            attempts: 1,
            nextAttemptAtMs: null,
            firstAttemptAtMs: T0 + 7,
            lastAttemptAtMs: T0 + 7,
            lastStatusCode: 204,
            failureReason: null,
            updatedAtMs: T0 + 7 + ATTEMPT_DURATION_MS,
          };
          expect(recorded).toEqual({
            delivery: expected,
            endpoint: { ...endpoint, health: HEALTHY },
            transition: 'stay',
            transitionReason: null,
          });
          expect(await delivery(storage, claimed.id)).toEqual(expected);
          expect(await endpointOf(storage, endpoint.id)).toEqual({ ...endpoint, health: HEALTHY });
          expect(await claim(storage, T0 + HOUR_MS)).toEqual([]);
          expect(await storage.nextDueAtMs()).toBeNull();
        },
      );

      itWith(
        'failure with a retry -> PENDING at the new time, claimable then and not before',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          const claimed = only(await claim(storage, T0)).delivery;
          const recorded = await record(storage, claimed, {
            atMs: T0,
            ok: false,
            decision: retryAt(T0 + 5 * MINUTE_MS),
          });
          expect(recorded?.delivery).toMatchObject({
            status: 'PENDING',
            attempts: 1,
            nextAttemptAtMs: T0 + 5 * MINUTE_MS,
            lastStatusCode: 500,
            failureReason: null,
          });
          expect(recorded?.endpoint?.health).toEqual({
            consecutiveFailures: 1,
            failingSinceMs: T0,
          });
          expect(recorded?.transition).toBe('stay');
          expect(await storage.nextDueAtMs()).toBe(T0 + 5 * MINUTE_MS);
          expect(await claim(storage, T0 + 5 * MINUTE_MS - 1, 'worker-b')).toEqual([]);
          const again = only(await claim(storage, T0 + 5 * MINUTE_MS, 'worker-b'));
          expect(again.delivery).toMatchObject({
            id: claimed.id,
            attempts: 1,
            firstAttemptAtMs: T0,
          });
        },
      );

      itWith(
        "lastFailureReason: a failed attempt's reason while the delivery waits for its retry (failureReason stays null), on every read; a later success clears it",
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          const claimed = only(await claim(storage, T0)).delivery;
          expect(claimed.lastFailureReason).toBeNull();
          const blocked: AttemptRecord = {
            deliveryId: claimed.id,
            attempt: 1,
            startedAtMs: T0,
            durationMs: 0,
            statusCode: null,
            failureReason: 'BLOCKED_DESTINATION',
            responseBody: '',
          };
          const recorded = await storage.recordAttempt({
            deliveryId: claimed.id,
            owner: 'worker-a',
            attempt: blocked,
            decision: retryAt(T0 + MINUTE_MS),
            healthPolicy: NOVATRADE_HEALTH_POLICY,
          });
          const waiting = {
            status: 'PENDING',
            attempts: 1,
            lastStatusCode: null,
            lastFailureReason: 'BLOCKED_DESTINATION',
            failureReason: null,
          };
          expect(recorded?.delivery).toMatchObject(waiting);
          expect(await delivery(storage, claimed.id)).toMatchObject(waiting);
          const page = await storage.listDeliveries({
            organizationUuid: ORG_A,
            endpointId: endpoint.id,
            page: 0,
            size: 10,
            sortField: 'createdAt',
            sortDirection: 'desc',
          });
          expect(only(page.items)).toMatchObject(waiting);
          const again = only(await claim(storage, T0 + MINUTE_MS)).delivery;
          expect(again).toMatchObject(waiting);

          const delivered = await record(storage, again, {
            atMs: T0 + MINUTE_MS,
            ok: true,
            decision: DELIVERED,
          });
          expect(delivered?.delivery).toMatchObject({
            status: 'DELIVERED',
            attempts: 2,
            lastStatusCode: 204,
            lastFailureReason: null,
            failureReason: null,
          });
        },
      );

      itWith(
        'lastFailureReason: kept when a delivery with failed attempts is parked, and as inserted',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { event } = await publish(storage, [endpoint]);
          const claimed = only(await claim(storage, T0)).delivery;
          await record(storage, claimed, {
            atMs: T0,
            ok: false,
            decision: retryAt(T0 + MINUTE_MS),
          });
          await storage.updateEndpoint({
            organizationUuid: ORG_A,
            endpointId: endpoint.id,
            changes: { status: 'PAUSED' },
            nowMs: T0 + 10,
            parkPending: 'ENDPOINT_PAUSED',
          });
          expect(await delivery(storage, claimed.id)).toMatchObject({
            status: 'FAILED',
            failureReason: 'ENDPOINT_PAUSED',
            lastStatusCode: 500,
            lastFailureReason: 'HTTP_ERROR',
          });

          const inserted = deliveryRecord(event, endpoint, {
            status: 'FAILED',
            nextAttemptAtMs: null,
            attempts: 3,
            firstAttemptAtMs: T0,
            lastAttemptAtMs: T0 + HOUR_MS,
            lastStatusCode: null,
            lastFailureReason: 'TIMEOUT',
            failureReason: 'TIMEOUT',
          });
          await storage.insertDeliveries([inserted]);
          expect(await delivery(storage, inserted.id)).toEqual(inserted);
        },
      );

      itWith(
        "final failure -> FAILED with the decision's reason, never claimed again",
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          const claimed = only(await claim(storage, T0)).delivery;
          const recorded = await record(storage, claimed, {
            atMs: T0,
            ok: false,
            decision: failedFinally('TIMEOUT'),
          });
          expect(recorded?.delivery).toMatchObject({
            status: 'FAILED',
            failureReason: 'TIMEOUT',
            nextAttemptAtMs: null,
            attempts: 1,
          });
          expect(await claim(storage, T0 + 100 * HOUR_MS)).toEqual([]);
        },
      );

      itWith(
        'the failure streak counts attempts across the deliveries of an endpoint, and only its own',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const other = await addEndpoint(storage);
          await publish(storage, [endpoint, other], T0);
          await publish(storage, [endpoint], T0 + 1);
          const claimed = await claim(storage, T0 + 10);
          for (const [i, item] of claimed.entries()) {
            await record(storage, item.delivery, {
              atMs: T0 + 10 + i,
              ok: item.endpoint.id === other.id,
              decision: retryAt(T0 + HOUR_MS),
            });
          }
          expect((await endpointOf(storage, endpoint.id)).health).toEqual({
            consecutiveFailures: 2,
            failingSinceMs: T0 + 10,
          });
          expect((await endpointOf(storage, other.id)).health).toEqual(HEALTHY);
        },
      );

      itWith(
        'the 20th consecutive failure with NOVATRADE_HEALTH_POLICY -> pause: endpoint PAUSED, all its PENDING deliveries (waiting, in flight, this one) parked ENDPOINT_PAUSED, other endpoints untouched',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const other = await addEndpoint(storage);
          const {
            deliveries: [, otherPending],
          } = await publish(storage, [endpoint, other], T0);
          const {
            deliveries: [waiting],
          } = await publish(storage, [endpoint], T0 + 100 * HOUR_MS);
          // Attempts at T0 + k minutes, each failing with a retry a minute later.
          for (let k = 0; k < 19; k++) {
            const claimed = only(
              await claim(storage, T0 + k * MINUTE_MS, 'worker-a', { limit: 1, skip: [other.id] }),
            );
            const result = await record(storage, claimed.delivery, {
              atMs: T0 + k * MINUTE_MS,
              ok: false,
              decision: retryAt(T0 + (k + 1) * MINUTE_MS),
            });
            expect(result?.transition).toBe('stay');
          }
          // Another delivery of the endpoint is in flight when the 20th failure comes in.
          const atMs = T0 + 19 * MINUTE_MS;
          const {
            deliveries: [inFlight],
          } = await publish(storage, [endpoint], atMs - 1);
          const [held, failing] = await claim(storage, atMs, 'worker-a', { skip: [other.id] });
          expect(held?.delivery.id).toBe(inFlight?.id);
          const result = await record(storage, failing?.delivery as DeliveryRecord, {
            atMs,
            ok: false,
            decision: retryAt(atMs + MINUTE_MS),
          });
          expect(result).toMatchObject({
            transition: 'pause',
            transitionReason: 'consecutive_failures',
            endpoint: { status: 'PAUSED', health: { consecutiveFailures: 20, failingSinceMs: T0 } },
            delivery: {
              status: 'FAILED',
              failureReason: 'ENDPOINT_PAUSED',
              nextAttemptAtMs: null,
              attempts: 20,
            },
          });
          expect(await endpointOf(storage, endpoint.id)).toMatchObject({
            status: 'PAUSED',
            updatedAtMs: atMs + ATTEMPT_DURATION_MS,
          });
          for (const parked of [waiting, inFlight]) {
            expect(await delivery(storage, parked?.id ?? '')).toMatchObject({
              status: 'FAILED',
              failureReason: 'ENDPOINT_PAUSED',
              nextAttemptAtMs: null,
              updatedAtMs: atMs + ATTEMPT_DURATION_MS,
            });
          }
          expect(await delivery(storage, otherPending?.id ?? '')).toEqual(otherPending);
          expect((await endpointOf(storage, other.id)).status).toBe('ACTIVE');
          expect(idsOf(await claim(storage, T0 + 200 * HOUR_MS, 'worker-c'))).toEqual([
            otherPending?.id,
          ]);
        },
      );

      itWith(
        'failing for 72 h with NOVATRADE_HEALTH_POLICY -> pause for failure_duration',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          expect((await failOnce(storage, T0, NOVATRADE_HEALTH_POLICY))?.transition).toBe('stay');
          const claimed = only(await claim(storage, T0 + 72 * HOUR_MS)).delivery;
          const result = await record(storage, claimed, {
            atMs: T0 + 72 * HOUR_MS,
            ok: false,
            decision: retryAt(T0 + 80 * HOUR_MS),
          });
          expect(result).toMatchObject({
            transition: 'pause',
            transitionReason: 'failure_duration',
            endpoint: { status: 'PAUSED', health: { consecutiveFailures: 2, failingSinceMs: T0 } },
            delivery: { status: 'FAILED', failureReason: 'ENDPOINT_PAUSED' },
          });
        },
      );

      itWith(
        'the 10th consecutive failure with EUDR_HEALTH_POLICY -> disable: endpoint DISABLED, PENDING deliveries parked ENDPOINT_DISABLED',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint], T0);
          const {
            deliveries: [waiting],
          } = await publish(storage, [endpoint], T0 + 100 * HOUR_MS);
          let result: RecordAttemptResult | null = null;
          for (let i = 0; i < 10; i++) {
            expect(result?.transition ?? 'stay').toBe('stay');
            result = await failOnce(storage, T0 + i * MINUTE_MS, EUDR_HEALTH_POLICY);
          }
          expect(result).toMatchObject({
            transition: 'disable',
            transitionReason: 'consecutive_failures',
            endpoint: { status: 'DISABLED' },
            delivery: { status: 'FAILED', failureReason: 'ENDPOINT_DISABLED' },
          });
          expect(await delivery(storage, waiting?.id ?? '')).toMatchObject({
            status: 'FAILED',
            failureReason: 'ENDPOINT_DISABLED',
          });
        },
      );

      itWith(
        'a policy trip on an endpoint already out of rotation -> stay: its status is kept, the streak still counts',
        async (storage) => {
          const streak = { consecutiveFailures: 19, failingSinceMs: T0 - HOUR_MS };
          const endpoint = await addEndpoint(storage, { health: streak });
          // A PENDING delivery of a DISABLED endpoint: stored while ACTIVE, then an update without
          // parking.
          await publish(storage, [endpoint]);
          await storage.updateEndpoint({
            organizationUuid: endpoint.organizationUuid,
            endpointId: endpoint.id,
            changes: { status: 'DISABLED' },
            nowMs: T0 - 1,
          });
          const claimed = only(await claim(storage, T0)).delivery;
          const result = await record(storage, claimed, {
            atMs: T0,
            ok: false,
            decision: failedFinally(),
          });
          expect(result).toMatchObject({
            transition: 'stay',
            transitionReason: null,
            endpoint: {
              status: 'DISABLED',
              updatedAtMs: T0 - 1, // a streak update is not a status change
              health: { consecutiveFailures: 20, failingSinceMs: T0 - HOUR_MS },
            },
            delivery: { status: 'FAILED', failureReason: 'HTTP_ERROR' },
          });
        },
      );

      itWith('healthPolicy null -> the health is left alone', async (storage) => {
        const streak = { consecutiveFailures: 19, failingSinceMs: T0 - HOUR_MS };
        const endpoint = await addEndpoint(storage, { health: streak });
        await publish(storage, [endpoint], T0, { test: true });
        await publish(storage, [endpoint], T0 + 1, { test: true });
        const [failing, succeeding] = await claim(storage, T0 + 1);
        const failed = await record(storage, failing?.delivery as DeliveryRecord, {
          atMs: T0 + 1,
          ok: false,
          decision: failedFinally(),
          healthPolicy: null,
        });
        const delivered = await record(storage, succeeding?.delivery as DeliveryRecord, {
          atMs: T0 + 2,
          ok: true,
          decision: DELIVERED,
          healthPolicy: null,
        });
        expect(failed).toMatchObject({
          transition: 'stay',
          endpoint: { status: 'ACTIVE', health: streak },
        });
        expect(delivered).toMatchObject({ transition: 'stay', endpoint: { health: streak } });
        expect((await endpointOf(storage, endpoint.id)).health).toEqual(streak);
      });

      for (const [status, reason] of [
        ['PAUSED', 'ENDPOINT_PAUSED'],
        ['DISABLED', 'ENDPOINT_DISABLED'],
      ] as const) {
        itWith(
          `a retry decision for an endpoint that became ${status} meanwhile -> parked ${reason}`,
          async (storage) => {
            const endpoint = await addEndpoint(storage);
            await publish(storage, [endpoint]);
            const claimed = only(await claim(storage, T0)).delivery;
            // Changed without parking (as a test fire on a PAUSED endpoint would find it).
            await storage.updateEndpoint({
              organizationUuid: ORG_A,
              endpointId: endpoint.id,
              changes: { status },
              nowMs: T0 + 1,
            });
            const result = await record(storage, claimed, {
              atMs: T0 + 2,
              ok: false,
              decision: retryAt(T0 + HOUR_MS),
            });
            expect(result).toMatchObject({
              transition: 'stay',
              delivery: {
                status: 'FAILED',
                failureReason: reason,
                nextAttemptAtMs: null,
                attempts: 1,
              },
              endpoint: { status },
            });
            expect(await storage.nextDueAtMs()).toBeNull();
          },
        );
      }

      itWith(
        'parked while in flight: the attempt is appended; a success -> DELIVERED',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          const claimed = only(await claim(storage, T0)).delivery;
          await storage.updateEndpoint({
            organizationUuid: ORG_A,
            endpointId: endpoint.id,
            changes: { status: 'PAUSED' },
            nowMs: T0 + 1,
            parkPending: 'ENDPOINT_PAUSED',
          });
          const result = await record(storage, claimed, {
            atMs: T0,
            ok: true,
            decision: DELIVERED,
          });
          expect(result?.delivery).toMatchObject({
            status: 'DELIVERED',
            failureReason: null,
            nextAttemptAtMs: null,
            attempts: 1,
            lastStatusCode: 204,
          });
          expect(result?.endpoint?.status).toBe('PAUSED');
          expect(await storage.listAttempts(claimed.id)).toHaveLength(1);
        },
      );

      itWith(
        'parked while in flight: a failure (retry or final) leaves it parked, with the attempt appended',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          await publish(storage, [endpoint]);
          const [retried, ended] = await claim(storage, T0);
          await storage.updateEndpoint({
            organizationUuid: ORG_A,
            endpointId: endpoint.id,
            changes: { status: 'DISABLED' },
            nowMs: T0 + 1,
            parkPending: 'ENDPOINT_DISABLED',
          });
          const parked = {
            status: 'FAILED',
            failureReason: 'ENDPOINT_DISABLED',
            nextAttemptAtMs: null,
            attempts: 1,
            lastStatusCode: 500,
          };
          const afterRetry = await record(storage, retried?.delivery as DeliveryRecord, {
            atMs: T0,
            ok: false,
            decision: retryAt(T0 + HOUR_MS),
          });
          const afterFinal = await record(storage, ended?.delivery as DeliveryRecord, {
            atMs: T0,
            ok: false,
            decision: failedFinally('TIMEOUT'),
          });
          expect(afterRetry?.delivery).toMatchObject(parked);
          expect(afterFinal?.delivery).toMatchObject(parked);
          expect(await storage.listAttempts(retried?.delivery.id ?? '')).toHaveLength(1);
          expect(await claim(storage, T0 + 2 * HOUR_MS)).toEqual([]);
          expect(await storage.nextDueAtMs()).toBeNull();
        },
      );

      itWith(
        'endpoint deleted while in flight -> endpoint null; a success -> DELIVERED, a failure stays ENDPOINT_DELETED',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          await publish(storage, [endpoint]);
          const [ok, ko] = await claim(storage, T0);
          await storage.deleteEndpoint(ORG_A, endpoint.id, T0 + 1);
          const delivered = await record(storage, ok?.delivery as DeliveryRecord, {
            atMs: T0,
            ok: true,
            decision: DELIVERED,
          });
          const failed = await record(storage, ko?.delivery as DeliveryRecord, {
            atMs: T0,
            ok: false,
            decision: retryAt(T0 + HOUR_MS),
          });
          expect(delivered).toMatchObject({
            endpoint: null,
            transition: 'stay',
            delivery: { status: 'DELIVERED' },
          });
          expect(failed).toMatchObject({
            endpoint: null,
            transition: 'stay',
            delivery: { status: 'FAILED', failureReason: 'ENDPOINT_DELETED', attempts: 1 },
          });
        },
      );
    });

    // --------------------------------------------------------------- releaseClaim, nextDueAtMs
    describe('releaseClaim and nextDueAtMs', () => {
      itWith(
        'releaseClaim -> the delivery is due again at once, for any owner',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { deliveries } = await publish(storage, [endpoint]);
          await claim(storage, T0, 'worker-a');
          await storage.releaseClaim(only(deliveries).id, 'worker-a');
          expect(await storage.nextDueAtMs()).toBe(T0);
          const again = only(await claim(storage, T0 + 1, 'worker-b'));
          expect(again.delivery).toEqual(only(deliveries));
          expect(
            await record(storage, again.delivery, {
              owner: 'worker-a',
              atMs: T0,
              ok: true,
              decision: DELIVERED,
            }),
          ).toBeNull();
        },
      );

      itWith(
        'releaseClaim by another owner, or of an unclaimed delivery -> nothing changes',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { deliveries } = await publish(storage, [endpoint]);
          await storage.releaseClaim(only(deliveries).id, 'worker-a');
          await claim(storage, T0, 'worker-a');
          await storage.releaseClaim(only(deliveries).id, 'worker-b');
          await storage.releaseClaim('del_unknown', 'worker-a');
          expect(await claim(storage, T0 + 1, 'worker-b')).toEqual([]);
          expect(await storage.nextDueAtMs()).toBe(T0 + LEASE_MS);
        },
      );

      itWith(
        'nextDueAtMs -> null when nothing is pending, else the earliest due time; final deliveries do not count',
        async (storage) => {
          expect(await storage.nextDueAtMs()).toBeNull();
          const endpoint = await addEndpoint(storage);
          const event = eventRecord();
          await storage.insertEvent(event, [
            parkedDeliveryRecord(event, endpoint),
            deliveryRecord(event, endpoint, { nextAttemptAtMs: T0 + 300 }),
            deliveryRecord(event, endpoint, { nextAttemptAtMs: T0 + 200 }),
          ]);
          expect(await storage.nextDueAtMs()).toBe(T0 + 200);
        },
      );

      itWith(
        'nextDueAtMs counts a claimed delivery at its lease expiry (when it may be claimed again)',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint], T0);
          await publish(storage, [endpoint], T0 + 10 * LEASE_MS);
          const claimed = only(await claim(storage, T0 + 5)).delivery;
          expect(await storage.nextDueAtMs()).toBe(T0 + 5 + LEASE_MS);
          await record(storage, claimed, { atMs: T0 + 5, ok: true, decision: DELIVERED });
          expect(await storage.nextDueAtMs()).toBe(T0 + 10 * LEASE_MS);
        },
      );
    });

    // ------------------------------------------------------------------------------ retention
    describe('purgeBefore', () => {
      const CUTOFF = T0 + 30 * DAY_MS;
      const everything = (organizationUuid = ORG_A): DeliveryQuery => ({
        organizationUuid,
        page: 0,
        size: 100,
        sortField: 'createdAt',
        sortDirection: 'asc',
      });
      const listedIds = async (storage: SenderStorage, query: Partial<DeliveryQuery> = {}) =>
        (await storage.listDeliveries({ ...everything(), ...query })).items.map((d) => d.id).sort();

      itWith(
        'purgeBefore -> final deliveries updated before the cutoff are gone with their attempts; PENDING, newer and cutoff-exact ones stay',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const {
            event,
            deliveries: [attempted, pending],
          } = await publish(storage, [endpoint, endpoint]);
          // One final through a real attempt (its attempt is stored), one left PENDING for good.
          const claimed = await claim(storage, T0, 'worker-a', { limit: 1 });
          expect(idsOf(claimed)).toEqual([attempted?.id]);
          await record(storage, at(claimed, 0).delivery, {
            atMs: T0,
            ok: true,
            decision: DELIVERED,
          });
          const parked = parkedDeliveryRecord(event, endpoint);
          const failedOld = finalDeliveryRecord(event, endpoint, 'FAILED', CUTOFF - 1);
          const atCutoff = finalDeliveryRecord(event, endpoint, 'DELIVERED', CUTOFF);
          const newer = finalDeliveryRecord(event, endpoint, 'FAILED', CUTOFF + DAY_MS);
          await storage.insertDeliveries([parked, failedOld, atCutoff, newer]);

          expect(await storage.purgeBefore(CUTOFF, 100)).toBe(3);
          for (const gone of [attempted?.id ?? '', parked.id, failedOld.id]) {
            expect(await storage.getDelivery(ORG_A, gone)).toBeNull();
            expect(await storage.listAttempts(gone)).toEqual([]);
          }
          const kept = [pending?.id, atCutoff.id, newer.id].sort();
          expect(await listedIds(storage)).toEqual(kept);
          expect(await listedIds(storage, { endpointId: endpoint.id })).toEqual(kept);
          expect(await listedIds(storage, { eventId: event.id })).toEqual(kept);
          expect(await listedIds(storage, { status: 'FAILED' })).toEqual([newer.id]);
          expect((await storage.listDeliveries(everything())).totalElements).toBe(3);
          expect(await delivery(storage, pending?.id ?? '')).toEqual(pending);
          expect(await delivery(storage, newer.id)).toEqual(newer);
          // Its event still has deliveries: kept. The PENDING one is still claimable.
          expect(await storage.getEvent(ORG_A, event.id)).toEqual(event);
          expect(idsOf(await claim(storage, CUTOFF + 2 * DAY_MS, 'worker-b'))).toEqual([
            pending?.id,
          ]);
        },
      );

      itWith(
        'purgeBefore never deletes a PENDING delivery, however old, waiting or claimed',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { deliveries: waiting } = await publish(storage, [endpoint], T0);
          const { deliveries: claimed } = await publish(storage, [endpoint], T0 + 1);
          expect(idsOf(await claim(storage, T0, 'worker-a'))).toEqual([only(waiting).id]);
          expect(await storage.purgeBefore(CUTOFF, 100)).toBe(0);
          expect(await delivery(storage, only(waiting).id)).toEqual(only(waiting));
          expect(await delivery(storage, only(claimed).id)).toEqual(only(claimed));
          expect(await storage.nextDueAtMs()).toBe(T0 + 1);
        },
      );

      itWith(
        'purgeBefore(cutoff, limit) deletes at most limit per call; repeated until less than limit, every eligible delivery is gone',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const other = await addEndpoint(storage, { organizationUuid: ORG_B });
          const { event, deliveries } = await publish(storage, [endpoint]);
          const foreign = await publish(storage, [other]);
          const old = [
            ...Array.from({ length: 4 }, (_, i) =>
              finalDeliveryRecord(event, endpoint, i % 2 === 0 ? 'DELIVERED' : 'FAILED', T0 + i),
            ),
            finalDeliveryRecord(foreign.event, other, 'DELIVERED', T0),
          ];
          await storage.insertDeliveries(old);
          const counts = [];
          for (;;) {
            const deleted = await storage.purgeBefore(CUTOFF, 2);
            counts.push(deleted);
            if (deleted < 2) break;
          }
          expect(counts).toEqual([2, 2, 1]);
          for (const gone of old)
            expect(await storage.getDelivery(gone.organizationUuid, gone.id)).toBeNull();
          expect(await listedIds(storage)).toEqual([only(deliveries).id]);
          expect(await listedIds(storage, { organizationUuid: ORG_B })).toEqual([
            only(foreign.deliveries).id,
          ]);
          expect(await storage.purgeBefore(CUTOFF, 2)).toBe(0);
          expect(await storage.purgeBefore(CUTOFF, 0)).toBe(0);
        },
      );

      itWith(
        'purgeBefore deletes events created before the cutoff once they have no delivery; newer events and events with deliveries stay',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const withOldOnly = eventRecord();
          const oldOnly = finalDeliveryRecord(withOldOnly, endpoint, 'DELIVERED', T0);
          await storage.insertEvent(withOldOnly, [oldOnly]);
          const neverDelivered = eventRecord(); // no endpoint matched it
          await storage.insertEvent(neverDelivered, []);
          const mixed = eventRecord();
          const mixedOld = finalDeliveryRecord(mixed, endpoint, 'FAILED', T0);
          const mixedNew = finalDeliveryRecord(mixed, endpoint, 'DELIVERED', CUTOFF + 1);
          await storage.insertEvent(mixed, [mixedOld, mixedNew]);
          const newerEmpty = eventRecord({ createdAtMs: CUTOFF });
          await storage.insertEvent(newerEmpty, []);
          // Created after the cutoff, its only delivery last changed before it: the delivery goes,
          // the event (not older than the cutoff) stays.
          const newerEvent = eventRecord({ createdAtMs: CUTOFF + 1 });
          const oddDelivery = finalDeliveryRecord(newerEvent, endpoint, 'DELIVERED', CUTOFF - 1);
          await storage.insertEvent(newerEvent, [oddDelivery]);

          expect(await storage.purgeBefore(CUTOFF, 100)).toBe(3);
          expect(await storage.getEvent(ORG_A, withOldOnly.id)).toBeNull();
          expect(await storage.getEvent(ORG_A, neverDelivered.id)).toBeNull();
          expect(await storage.getEvent(ORG_A, mixed.id)).toEqual(mixed);
          expect(await storage.getEvent(ORG_A, newerEmpty.id)).toEqual(newerEmpty);
          expect(await storage.getEvent(ORG_A, newerEvent.id)).toEqual(newerEvent);
          expect(await listedIds(storage, { eventId: mixed.id })).toEqual([mixedNew.id]);
          expect(await listedIds(storage, { eventId: withOldOnly.id })).toEqual([]);
          // Purged rows are gone: a purged event takes no new delivery (e.g. a replay).
          await expect(
            storage.insertDeliveries([deliveryRecord(withOldOnly, endpoint)]),
          ).rejects.toThrow();
        },
      );

      itWith("purgeBefore removes a deleted endpoint's old history too", async (storage) => {
        const endpoint = await addEndpoint(storage);
        const { deliveries } = await publish(storage, [endpoint]);
        await storage.deleteEndpoint(ORG_A, endpoint.id, T0 + 1);
        expect(await storage.purgeBefore(CUTOFF, 100)).toBe(1);
        expect(await storage.getDelivery(ORG_A, only(deliveries).id)).toBeNull();
        expect(await listedIds(storage, { endpointId: endpoint.id })).toEqual([]);
      });

      itWith(
        'purgeBefore drops idempotency records expired at the cutoff and keeps live ones',
        async (storage) => {
          const expired = idempotencyScope('expired');
          const live = idempotencyScope('live');
          const hash = bodyHash('{"url":"https://a.example"}');
          const response = { status: 201, body: '{"id":"wh_1"}' };
          for (const [scope, nowMs] of [
            [expired, CUTOFF - IDEMPOTENCY_TTL_MS],
            [live, CUTOFF - IDEMPOTENCY_TTL_MS + 1],
          ] as const) {
            await begin(storage, scope, hash, nowMs);
            await storage.completeIdempotent({
              scope,
              bodyHash: hash,
              response,
              nowMs,
              ttlMs: IDEMPOTENCY_TTL_MS,
            });
          }
          await storage.purgeBefore(CUTOFF, 100);
          // Seen from a time before either expiry, only the purged record is missing.
          const before = CUTOFF - IDEMPOTENCY_TTL_MS + 2;
          expect(await begin(storage, expired, bodyHash('other body'), before)).toEqual({
            outcome: 'started',
          });
          expect(await begin(storage, live, hash, before)).toEqual({ outcome: 'replay', response });
        },
      );

      it('random histories purged in random batches -> exactly the final deliveries before the cutoff are gone, the rest intact', () =>
        fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.record({
                status: fc.constantFrom(
                  'PENDING' as const,
                  'DELIVERED' as const,
                  'FAILED' as const,
                ),
                updatedInDays: fc.integer({ min: 0, max: 4 }),
                event: fc.nat(3),
                endpoint: fc.nat(2),
              }),
              { maxLength: 25 },
            ),
            fc.integer({ min: 0, max: 4 }),
            fc.integer({ min: 1, max: 6 }),
            (specs, cutoffInDays, limit) =>
              withStorage(async (storage) => {
                const endpoints = [
                  await addEndpoint(storage),
                  await addEndpoint(storage),
                  await addEndpoint(storage),
                ];
                const events = Array.from({ length: 4 }, () => eventRecord());
                for (const event of events) await storage.insertEvent(event, []);
                const inserted = specs.map((spec) => {
                  const event = at(events, spec.event);
                  const endpoint = at(endpoints, spec.endpoint);
                  const updatedAtMs = T0 + spec.updatedInDays * DAY_MS;
                  return spec.status === 'PENDING'
                    ? deliveryRecord(event, endpoint, { updatedAtMs })
                    : finalDeliveryRecord(event, endpoint, spec.status, updatedAtMs);
                });
                await storage.insertDeliveries(inserted);
                const cutoffMs = T0 + cutoffInDays * DAY_MS;
                const eligible = (d: DeliveryRecord) =>
                  d.status !== 'PENDING' && d.updatedAtMs < cutoffMs;
                const expectedGone = inserted.filter(eligible).length;
                let total = 0;
                for (;;) {
                  const deleted = await storage.purgeBefore(cutoffMs, limit);
                  expect(deleted).toBeLessThanOrEqual(limit);
                  expect(deleted).toBe(Math.min(limit, expectedGone - total));
                  total += deleted;
                  if (deleted < limit) break;
                }
                const survivors = inserted.filter((d) => !eligible(d));
                for (const d of inserted) {
                  expect(await storage.getDelivery(ORG_A, d.id)).toEqual(eligible(d) ? null : d);
                }
                const ids = (list: readonly DeliveryRecord[]) => list.map((d) => d.id).sort();
                expect(await listedIds(storage)).toEqual(ids(survivors));
                for (const endpoint of endpoints) {
                  expect(await listedIds(storage, { endpointId: endpoint.id })).toEqual(
                    ids(survivors.filter((d) => d.endpointId === endpoint.id)),
                  );
                }
                for (const event of events) {
                  expect(await listedIds(storage, { eventId: event.id })).toEqual(
                    ids(survivors.filter((d) => d.eventId === event.id)),
                  );
                  // Events are created at T0: before any cutoff but T0 itself.
                  const keep = cutoffMs <= T0 || survivors.some((d) => d.eventId === event.id);
                  expect(await storage.getEvent(ORG_A, event.id)).toEqual(keep ? event : null);
                }
                expect(await storage.nextDueAtMs()).toBe(
                  survivors.some((d) => d.status === 'PENDING') ? T0 : null,
                );
              }),
          ),
          { numRuns: 40 },
        ));
    });

    // ---------------------------------------------------------------------------- idempotency
    describe('idempotency records', () => {
      const SCOPE = idempotencyScope('key-1');
      const BODY = bodyHash('{"url":"https://receiver.example/webhooks","events":["order.*"]}');
      const OTHER_BODY = bodyHash('{"url":"https://other.example/webhooks","events":["order.*"]}');
      // A create response carries the endpoint's one-time secret: it must replay verbatim.
      const CREATED = {
        status: 201,
        body: '{"id":"wh_000001","secret":"whsec_one-time-secret"}',
      };
      const complete = (
        storage: SenderStorage,
        nowMs: number,
        overrides: Partial<CompleteIdempotentInput> = {},
      ) =>
        storage.completeIdempotent({
          scope: SCOPE,
          bodyHash: BODY,
          response: CREATED,
          nowMs,
          ttlMs: IDEMPOTENCY_TTL_MS,
          ...overrides,
        });

      itWith(
        'beginIdempotent on a new scope -> started; again with the same body -> in_flight; with another body -> mismatch',
        async (storage) => {
          expect(await begin(storage, SCOPE, BODY, T0)).toEqual({ outcome: 'started' });
          expect(await begin(storage, SCOPE, BODY, T0 + 1)).toEqual({ outcome: 'in_flight' });
          expect(await begin(storage, SCOPE, OTHER_BODY, T0 + 2)).toEqual({ outcome: 'mismatch' });
          expect(await begin(storage, SCOPE, BODY, T0 + 3)).toEqual({ outcome: 'in_flight' });
        },
      );

      itWith(
        'completeIdempotent -> the same body replays the stored response (one-time secret included), every time; another body -> mismatch',
        async (storage) => {
          await begin(storage, SCOPE, BODY, T0);
          await complete(storage, T0 + 100);
          expect(await begin(storage, SCOPE, BODY, T0 + 200)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
          expect(await begin(storage, SCOPE, OTHER_BODY, T0 + 300)).toEqual({
            outcome: 'mismatch',
          });
          const again = await begin(storage, SCOPE, BODY, T0 + 400);
          expect(again).toEqual({ outcome: 'replay', response: CREATED });
          // What came out is a copy.
          if (again.outcome === 'replay') (again.response as { status: number }).status = 500;
          expect(await begin(storage, SCOPE, BODY, T0 + 500)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
        },
      );

      itWith(
        'a completed record lives until completion + ttlMs: replayed just before, started again (any body) from then on',
        async (storage) => {
          await begin(storage, SCOPE, BODY, T0);
          await complete(storage, T0 + 100);
          const expiresAtMs = T0 + 100 + IDEMPOTENCY_TTL_MS;
          expect(await begin(storage, SCOPE, OTHER_BODY, expiresAtMs - 1)).toEqual({
            outcome: 'mismatch',
          });
          expect(await begin(storage, SCOPE, BODY, expiresAtMs - 1)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
          expect(await begin(storage, SCOPE, OTHER_BODY, expiresAtMs)).toEqual({
            outcome: 'started',
          });
          expect(await begin(storage, SCOPE, BODY, expiresAtMs + 1)).toEqual({
            outcome: 'mismatch',
          });
        },
      );

      itWith(
        'an in-flight record never completed (a crashed request) expires at begin + inFlightTtlMs -> started',
        async (storage) => {
          await begin(storage, SCOPE, BODY, T0);
          expect(await begin(storage, SCOPE, BODY, T0 + IN_FLIGHT_TTL_MS - 1)).toEqual({
            outcome: 'in_flight',
          });
          expect(await begin(storage, SCOPE, BODY, T0 + IN_FLIGHT_TTL_MS)).toEqual({
            outcome: 'started',
          });
          expect(await begin(storage, SCOPE, OTHER_BODY, T0 + IN_FLIGHT_TTL_MS + 1)).toEqual({
            outcome: 'mismatch',
          });
        },
      );

      itWith(
        'abandonIdempotent -> the key is free again: started, with any body',
        async (storage) => {
          await begin(storage, SCOPE, BODY, T0);
          await storage.abandonIdempotent(SCOPE, BODY);
          expect(await begin(storage, SCOPE, OTHER_BODY, T0 + 1)).toEqual({ outcome: 'started' });
        },
      );

      itWith(
        'abandonIdempotent with another body, of a completed record or of an unknown scope -> nothing changes',
        async (storage) => {
          await begin(storage, SCOPE, BODY, T0);
          await storage.abandonIdempotent(SCOPE, OTHER_BODY);
          await storage.abandonIdempotent(idempotencyScope('unknown'), BODY);
          expect(await begin(storage, SCOPE, BODY, T0 + 1)).toEqual({ outcome: 'in_flight' });
          await complete(storage, T0 + 2);
          await storage.abandonIdempotent(SCOPE, BODY);
          expect(await begin(storage, SCOPE, BODY, T0 + 3)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
        },
      );

      itWith(
        'completeIdempotent on a completed record -> the first response wins',
        async (storage) => {
          await begin(storage, SCOPE, BODY, T0);
          await complete(storage, T0 + 1);
          await complete(storage, T0 + 2, { response: { status: 500, body: 'late' } });
          expect(await begin(storage, SCOPE, BODY, T0 + 3)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
          // …and its expiry is still the first completion's.
          expect(await begin(storage, SCOPE, OTHER_BODY, T0 + 1 + IDEMPOTENCY_TTL_MS)).toEqual({
            outcome: 'started',
          });
        },
      );

      itWith(
        'completeIdempotent after its in-flight record expired -> stored; unless another body began the key meanwhile',
        async (storage) => {
          const late = T0 + IN_FLIGHT_TTL_MS + 1;
          await begin(storage, SCOPE, BODY, T0);
          await complete(storage, late);
          expect(await begin(storage, SCOPE, BODY, late + 1)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });

          const other = idempotencyScope('key-2');
          await begin(storage, other, BODY, T0);
          expect(await begin(storage, other, OTHER_BODY, late)).toEqual({ outcome: 'started' });
          await complete(storage, late + 1, { scope: other });
          expect(await begin(storage, other, OTHER_BODY, late + 2)).toEqual({
            outcome: 'in_flight',
          });
          expect(await begin(storage, other, BODY, late + 2)).toEqual({ outcome: 'mismatch' });
        },
      );

      itWith('scopes are independent: organizations, routes and keys', async (storage) => {
        const scopes = [
          SCOPE,
          idempotencyScope('key-1', ORG_B),
          idempotencyScope('key-2'),
          `${ORG_A} PATCH /v1/webhooks/wh_000001 key-1`,
        ];
        for (const scope of scopes) {
          expect(await begin(storage, scope, BODY, T0)).toEqual({ outcome: 'started' });
        }
        await complete(storage, T0 + 1);
        await storage.abandonIdempotent(at(scopes, 1), BODY);
        expect(await begin(storage, at(scopes, 0), BODY, T0 + 2)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
        expect(await begin(storage, at(scopes, 1), OTHER_BODY, T0 + 2)).toEqual({
          outcome: 'started',
        });
        expect(await begin(storage, at(scopes, 2), BODY, T0 + 2)).toEqual({ outcome: 'in_flight' });
        expect(await begin(storage, at(scopes, 3), OTHER_BODY, T0 + 2)).toEqual({
          outcome: 'mismatch',
        });
      });

      itWith(
        '20 concurrent beginIdempotent with the same scope and body -> exactly one started, the others in_flight',
        async (storage) => {
          const results = await Promise.all(
            Array.from({ length: 20 }, () => begin(storage, SCOPE, BODY, T0)),
          );
          const outcomes = results.map((r) => r.outcome);
          expect(outcomes.filter((o) => o === 'started')).toHaveLength(1);
          expect(outcomes.filter((o) => o === 'in_flight')).toHaveLength(19);
        },
      );
    });

    // ---------------------------------------------------------------------------------- copies
    describe('copies', () => {
      itWith('mutating what went in or came out changes nothing stored', async (storage) => {
        type Mutable = Record<string, unknown>;
        const scribble = (value: unknown): void => {
          // Writes into every object and array reachable from `value` (frozen ones cannot change).
          if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
          if (Array.isArray(value)) {
            for (const item of value) scribble(item);
            value.push('x');
          } else {
            for (const item of Object.values(value)) scribble(item);
            (value as Mutable).scribbled = true;
            for (const key of Object.keys(value)) {
              if (typeof (value as Mutable)[key] !== 'object')
                (value as Mutable)[key] = 'scribbled';
            }
          }
        };
        const endpoint = endpointRecord({ partnerIds: ['p-1'] });
        const pristineEndpoint = structuredClone(endpoint);
        await storage.insertEndpoint(endpoint);
        const event = eventRecord();
        const pristineEvent = structuredClone(event);
        const first = deliveryRecord(event, endpoint);
        const second = deliveryRecord(event, endpoint, { nextAttemptAtMs: T0 + 1 });
        const pristineFirst = structuredClone(first);
        await storage.insertEvent(event, [first, second]);
        scribble(endpoint);
        scribble(event);
        scribble(first);

        const claimed = await claim(storage, T0, 'worker-a', { limit: 1 });
        const recorded = await record(storage, at(claimed, 0).delivery, {
          atMs: T0,
          ok: false,
          decision: retryAt(T0 + 5),
        });
        scribble(claimed);
        scribble(recorded);
        scribble(await storage.getEndpoint(ORG_A, pristineEndpoint.id));
        scribble(await storage.listEndpoints(ORG_A));
        scribble(await storage.listAllEndpoints());
        scribble(await storage.getEvent(ORG_A, pristineEvent.id));
        scribble(await storage.getDelivery(ORG_A, pristineFirst.id));
        scribble(await storage.listAttempts(pristineFirst.id));
        scribble(
          await storage.listDeliveries({
            organizationUuid: ORG_A,
            page: 0,
            size: 10,
            sortField: 'createdAt',
            sortDirection: 'asc',
          }),
        );

        expect(await storage.getEndpoint(ORG_A, pristineEndpoint.id)).toEqual({
          ...pristineEndpoint,
          health: { consecutiveFailures: 1, failingSinceMs: T0 },
        });
        expect(await storage.getEvent(ORG_A, pristineEvent.id)).toEqual(pristineEvent);
        expect(await storage.getDelivery(ORG_A, pristineFirst.id)).toEqual({
          ...pristineFirst,
          attempts: 1,
          nextAttemptAtMs: T0 + 5,
          firstAttemptAtMs: T0,
          lastAttemptAtMs: T0,
          lastStatusCode: 500,
          lastFailureReason: 'HTTP_ERROR',
          updatedAtMs: T0 + ATTEMPT_DURATION_MS,
        });
        expect(await storage.listAttempts(pristineFirst.id)).toEqual([
          attemptRecord(pristineFirst, T0, false),
        ]);
        const again = await claim(storage, T0 + 10, 'worker-b');
        expect(again.map((c) => c.event)).toEqual([pristineEvent, pristineEvent]);
      });
    });

    // ---------------------------------------------------------------------------------- ledger
    describe('ledger property', () => {
      type Op =
        | { kind: 'claim'; owner: string; limit: number; dtMs: number }
        | {
            kind: 'record';
            owner: string;
            which: number;
            outcome: 'success' | 'retry' | 'final';
            dtMs: number;
          }
        | { kind: 'release'; owner: string; which: number; dtMs: number };
      const owner = fc.constantFrom('worker-a', 'worker-b');
      const dtMs = fc.integer({ min: 0, max: 2 * LEASE_MS });
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.record({
          kind: fc.constant('claim' as const),
          owner,
          limit: fc.integer({ min: 1, max: 4 }),
          dtMs,
        }),
        fc.record({
          kind: fc.constant('record' as const),
          owner,
          which: fc.nat(3),
          outcome: fc.constantFrom('success' as const, 'retry' as const, 'final' as const),
          dtMs,
        }),
        fc.record({ kind: fc.constant('release' as const), owner, which: fc.nat(3), dtMs }),
      );
      // A policy that trips quickly, so that parking happens inside short runs.
      const policy: HealthPolicy = { maxConsecutiveFailures: 4, action: 'PAUSED' };

      it('random claims, records and releases keep every delivery PENDING xor final, final for good, with its attempts listed', () =>
        fc.assert(
          fc.asyncProperty(fc.array(op, { maxLength: 40 }), (ops) =>
            withStorage(async (storage) => {
              const a = await addEndpoint(storage);
              const b = await addEndpoint(storage);
              const { deliveries: first } = await publish(storage, [a, b], T0);
              const { deliveries: second } = await publish(storage, [a, b], T0 + 1_000);
              const ids = [...first, ...second].map((d) => d.id);
              const holder = new Map<string, { owner: string; leaseUntilMs: number }>();
              const finals = new Map<string, DeliveryRecord['status']>();
              let now = T0;
              const snapshot = () => Promise.all(ids.map((id) => delivery(storage, id)));

              for (const step of ops) {
                now += step.dtMs;
                const before = await snapshot();
                if (step.kind === 'claim') {
                  const claimable = before
                    .filter((d) => d.status === 'PENDING' && (d.nextAttemptAtMs as number) <= now)
                    .filter(
                      (d) => (holder.get(d.id)?.leaseUntilMs ?? Number.NEGATIVE_INFINITY) <= now,
                    );
                  const claimed = await claim(storage, now, step.owner, { limit: step.limit });
                  expect(claimed.length).toBe(Math.min(step.limit, claimable.length));
                  const claimableIds = new Set(claimable.map((d) => d.id));
                  for (const item of claimed) {
                    expect(claimableIds.has(item.delivery.id)).toBe(true);
                    holder.set(item.delivery.id, {
                      owner: step.owner,
                      leaseUntilMs: now + LEASE_MS,
                    });
                  }
                  // Oldest first inside one endpoint (fair dispatch takes turns across them).
                  for (const endpoint of [a, b]) {
                    const dues = claimed
                      .filter((item) => item.endpoint.id === endpoint.id)
                      .map((item) => item.delivery.nextAttemptAtMs as number);
                    expect(dues).toEqual([...dues].sort((x, y) => x - y));
                  }
                } else {
                  const id = at(ids, step.which);
                  const held = holder.get(id)?.owner === step.owner;
                  if (step.kind === 'release') {
                    await storage.releaseClaim(id, step.owner);
                    if (held) holder.delete(id);
                  } else {
                    const current = at(before, step.which);
                    const decision =
                      step.outcome === 'success'
                        ? DELIVERED
                        : step.outcome === 'retry'
                          ? retryAt(now + MINUTE_MS)
                          : failedFinally();
                    const result = await record(storage, current, {
                      owner: step.owner,
                      atMs: now,
                      ok: step.outcome === 'success',
                      decision,
                      healthPolicy: policy,
                    });
                    expect(result !== null).toBe(held);
                    if (held) holder.delete(id);
                  }
                }
                const after = await snapshot();
                for (const [i, d] of after.entries()) {
                  const previous = at(before, i);
                  expect(d.status === 'PENDING').toBe(d.nextAttemptAtMs !== null);
                  expect(d.status === 'FAILED').toBe(d.failureReason !== null);
                  expect(d.attempts).toBeGreaterThanOrEqual(previous.attempts);
                  expect((await storage.listAttempts(d.id)).map((x) => x.attempt)).toEqual(
                    Array.from({ length: d.attempts }, (_, k) => k + 1),
                  );
                  const final = finals.get(d.id);
                  if (final === 'DELIVERED') expect(d.status).toBe('DELIVERED');
                  if (final === 'FAILED') expect(d.status).not.toBe('PENDING');
                  if (d.status !== 'PENDING') finals.set(d.id, d.status);
                }
              }
            }),
          ),
          { numRuns: 60 },
        ));
    });
  });
}
