import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebhookConflictError } from '../../../src/core/errors.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { DeliveryRecord, EndpointRecord } from '../../../src/sender/records.js';
import { fairClaimOrder, type WaitingDelivery } from '../../helpers/fair-claim-reference.js';
import { measureHeap } from '../../helpers/heap-measure.js';
import {
  attemptRecord,
  DAY_MS,
  DELIVERED,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  failedFinally,
  finalDeliveryRecord,
  ORG_A,
  parkedDeliveryRecord,
  retryAt,
  T0,
} from '../../helpers/sender-records.js';
import { describeSenderStorage } from '../../helpers/storage-conformance/index.js';

describeSenderStorage('MemoryStorage', async () => ({ storage: new MemoryStorage() }));

const LEASE_MS = 1_000;
const URL_A = 'https://a.example/hooks';
const URL_B = 'https://b.example:8443/hooks';

/** A storage with `endpointCount` endpoints; `add(i, dueMs)` stores one delivery for endpoint i. */
async function setup(endpointCount: number, urlOf: (index: number) => string = () => URL_A) {
  const storage = new MemoryStorage();
  const endpoints: EndpointRecord[] = [];
  for (let i = 0; i < endpointCount; i++) {
    const endpoint = endpointRecord({ url: urlOf(i) });
    endpoints.push(endpoint);
    await storage.insertEndpoint(endpoint);
  }
  const add = async (endpointIndex: number, dueMs: number): Promise<DeliveryRecord> => {
    const event = eventRecord({ createdAtMs: T0 });
    const endpoint = endpoints[endpointIndex % endpointCount] as EndpointRecord;
    const delivery = deliveryRecord(event, endpoint, { nextAttemptAtMs: dueMs });
    await storage.insertEvent(event, [delivery]);
    return delivery;
  };
  return { storage, endpoints, add };
}

describe('MemoryStorage — due heaps', () => {
  it('claimDue in batches -> every delivery exactly once, in fair order (turns over endpoints, (due time, insertion) inside one)', async () => {
    // 2,000 deliveries over 7 endpoints with colliding random due times, against a sorted copy.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 2000, maxLength: 2000 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
        async (dues, limits) => {
          const { storage, endpoints, add } = await setup(7);
          const inserted: { id: string; dueMs: number; order: number }[] = [];
          for (const [order, due] of dues.entries()) {
            const delivery = await add(order, T0 + due);
            inserted.push({ id: delivery.id, dueMs: T0 + due, order });
          }
          const waiting: WaitingDelivery[] = inserted.map((d) => ({
            id: d.id,
            endpointId: endpoints[d.order % endpoints.length]?.id as string,
            dueMs: d.dueMs,
            seq: d.order,
          }));
          const lastClaim = new Map<string, number>();
          let claimNumber = 0;
          const reference: string[] = [];
          const claimedIds: string[] = [];
          for (let round = 0; claimedIds.length < inserted.length; round++) {
            const limit = limits[round % limits.length] as number;
            const expected = fairClaimOrder(waiting, {
              nowMs: T0 + 500,
              limit,
              lastClaim,
              nextClaimNumber: () => ++claimNumber,
            });
            const taken = new Set(expected.map((d) => d.id));
            waiting.splice(0, waiting.length, ...waiting.filter((d) => !taken.has(d.id)));
            reference.push(...expected.map((d) => d.id));
            const batch = await storage.claimDue({
              nowMs: T0 + 500,
              limit,
              leaseMs: LEASE_MS,
              owner: 'w',
            });
            expect(batch.length).toBe(Math.min(limit, inserted.length - claimedIds.length));
            claimedIds.push(...batch.map((item) => item.delivery.id));
          }
          expect(claimedIds).toEqual(reference);
          expect(
            await storage.claimDue({ nowMs: T0 + 500, limit: 10, leaseMs: LEASE_MS, owner: 'w' }),
          ).toEqual([]);
        },
      ),
      { numRuns: 5 },
    );
  });

  it('claim, retry, release and lapse in any order -> claimDue always equals a naive scan of the same state', async () => {
    type Op =
      | {
          kind: 'claim';
          limit: number;
          skip: number;
          dtMs: number;
          maxPerEndpoint: number | undefined;
          maxPerOrigin: number | undefined;
          reserve: number;
        }
      | { kind: 'move'; which: number; toB: boolean }
      | { kind: 'retry'; which: number; inMs: number }
      | { kind: 'done'; which: number }
      | { kind: 'release'; which: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('claim' as const),
        limit: fc.integer({ min: 1, max: 8 }),
        skip: fc.integer({ min: -1, max: 3 }),
        dtMs: fc.integer({ min: 0, max: 2 * LEASE_MS }),
        maxPerEndpoint: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        maxPerOrigin: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        reserve: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({ kind: fc.constant('move' as const), which: fc.nat(3), toB: fc.boolean() }),
      fc.record({
        kind: fc.constant('retry' as const),
        which: fc.nat(),
        inMs: fc.integer({ min: 0, max: 3 * LEASE_MS }),
      }),
      fc.record({ kind: fc.constant('done' as const), which: fc.nat() }),
      fc.record({ kind: fc.constant('release' as const), which: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 * LEASE_MS }), { minLength: 1, maxLength: 30 }),
        fc.array(op, { maxLength: 60 }),
        async (dues, ops) => {
          const { storage, endpoints, add } = await setup(4, (i) => (i < 2 ? URL_A : URL_B));
          const urls = new Map(endpoints.map((e) => [e.id, e.url]));
          const origin = (endpointId: string) => new URL(urls.get(endpointId) as string).origin;
          // The naive model: every delivery with its due time, order key and claim.
          interface Model {
            id: string;
            endpointId: string;
            dueMs: number | null;
            seq: number;
            leaseUntilMs: number | null;
            claimSeq: number;
            attempts: number;
          }
          const model: Model[] = [];
          let seq = 0;
          for (const [i, due] of dues.entries()) {
            const delivery = await add(i, T0 + due);
            model.push({
              id: delivery.id,
              endpointId: delivery.endpointId,
              dueMs: T0 + due,
              seq: seq++,
              leaseUntilMs: null,
              claimSeq: 0,
              attempts: 0,
            });
          }
          let now = T0;
          const lastClaim = new Map<string, number>();
          const held = () => model.filter((m) => m.leaseUntilMs !== null && m.dueMs !== null);
          for (const step of ops) {
            if (step.kind === 'move') {
              const endpoint = endpoints[step.which] as EndpointRecord;
              const url = step.toB ? URL_B : URL_A;
              await storage.updateEndpoint({
                organizationUuid: endpoint.organizationUuid,
                endpointId: endpoint.id,
                changes: { url },
                nowMs: now,
              });
              urls.set(endpoint.id, url);
            } else if (step.kind === 'claim') {
              now += step.dtMs;
              const skipId = step.skip < 0 ? undefined : endpoints[step.skip]?.id;
              // Lapsed claims wait again at their due time, behind deliveries already waiting,
              // taken back in the order their leases end.
              const lapsed = model
                .filter((m) => m.leaseUntilMs !== null && m.leaseUntilMs <= now)
                .sort(
                  (a, b) =>
                    (a.leaseUntilMs as number) - (b.leaseUntilMs as number) ||
                    a.claimSeq - b.claimSeq,
                );
              for (const m of lapsed) {
                m.leaseUntilMs = null;
                m.seq = seq++;
              }
              const waiting = model.flatMap((m) =>
                m.dueMs !== null && m.leaseUntilMs === null
                  ? [{ id: m.id, endpointId: m.endpointId, dueMs: m.dueMs, seq: m.seq }]
                  : [],
              );
              // The caller's in flight: the model's live claims (as a dispatcher counts its own).
              const inFlightByEndpoint = new Map<string, number>();
              const inFlightByOrigin = new Map<string, number>();
              for (const m of held()) {
                if ((m.leaseUntilMs as number) <= now) continue;
                inFlightByEndpoint.set(
                  m.endpointId,
                  (inFlightByEndpoint.get(m.endpointId) ?? 0) + 1,
                );
                const o = origin(m.endpointId);
                inFlightByOrigin.set(o, (inFlightByOrigin.get(o) ?? 0) + 1);
              }
              const rooms = {
                skipEndpointIds: skipId === undefined ? undefined : new Set([skipId]),
                maxPerEndpoint: step.maxPerEndpoint,
                inFlightByEndpoint,
                maxPerOrigin: step.maxPerOrigin,
                inFlightByOrigin,
                reservedForIdle: step.reserve,
              };
              const expected = fairClaimOrder(waiting, {
                nowMs: now,
                limit: step.limit,
                ...rooms,
                originOf: origin,
                lastClaim,
                nextClaimNumber: () => seq++,
              }).map((d) => model.find((m) => m.id === d.id) as Model);
              const claimed = await storage.claimDue({
                nowMs: now,
                limit: step.limit,
                leaseMs: LEASE_MS,
                owner: 'w',
                ...rooms,
              });
              expect(claimed.map((c) => c.delivery.id)).toEqual(expected.map((m) => m.id));
              for (const m of expected) {
                m.leaseUntilMs = now + LEASE_MS;
                m.claimSeq = seq++;
              }
            } else {
              const candidates = held();
              const m = candidates[step.which % Math.max(1, candidates.length)];
              if (m === undefined) continue;
              if (step.kind === 'release') {
                await storage.releaseClaim(m.id, 'w');
                m.leaseUntilMs = null;
                m.seq = seq++;
                continue;
              }
              const decision = step.kind === 'done' ? DELIVERED : retryAt(now + step.inMs);
              const result = await storage.recordAttempt({
                deliveryId: m.id,
                owner: 'w',
                attempt: attemptRecord(
                  { id: m.id, attempts: m.attempts },
                  now,
                  step.kind === 'done',
                ),
                decision,
                healthPolicy: null,
              });
              expect(result).not.toBeNull();
              m.attempts += 1;
              m.leaseUntilMs = null;
              m.dueMs = decision.nextAttemptAtMs;
              m.seq = seq++;
            }
            // A claimed delivery counts at its lease expiry.
            const pending = model.flatMap((m) =>
              m.dueMs === null ? [] : [m.leaseUntilMs ?? m.dueMs],
            );
            expect(await storage.nextDueAtMs()).toBe(
              pending.length === 0 ? null : Math.min(...pending),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('skipping an endpoint with a large backlog costs per endpoint, not per waiting delivery', async () => {
    const { storage, endpoints, add } = await setup(2);
    for (let i = 0; i < 50_000; i++) await add(0, T0 + (i % 100));
    const busy = new Set([(endpoints[0] as EndpointRecord).id]);
    const started = performance.now();
    for (let i = 0; i < 2_000; i++) {
      expect(
        await storage.claimDue({
          nowMs: T0 + 1_000,
          limit: 10,
          leaseMs: LEASE_MS,
          owner: 'w',
          skipEndpointIds: busy,
        }),
      ).toEqual([]);
    }
    // A scan of the backlog on each call would take minutes; the per-endpoint heaps take ms.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(
      await storage.claimDue({ nowMs: T0 + 1_000, limit: 3, leaseMs: LEASE_MS, owner: 'w' }),
    ).toHaveLength(3);
  });

  it('parking, deleting and recording leave nothing behind in the heaps', async () => {
    const { storage, endpoints, add } = await setup(3);
    const [paused, deleted, active] = endpoints as [EndpointRecord, EndpointRecord, EndpointRecord];
    for (let i = 0; i < 300; i++) await add(i, T0 + i);
    // Some claimed, some lapsed and waiting again, some waiting.
    await storage.claimDue({ nowMs: T0 + 100, limit: 50, leaseMs: LEASE_MS, owner: 'w' });
    await storage.claimDue({
      nowMs: T0 + 150 + LEASE_MS,
      limit: 10,
      leaseMs: LEASE_MS,
      owner: 'v',
    });
    await storage.updateEndpoint({
      organizationUuid: paused.organizationUuid,
      endpointId: paused.id,
      changes: { status: 'PAUSED' },
      nowMs: T0,
      parkPending: 'ENDPOINT_PAUSED',
    });
    await storage.deleteEndpoint(deleted.organizationUuid, deleted.id, T0);
    for (;;) {
      const batch = await storage.claimDue({
        nowMs: T0 + 10 * LEASE_MS,
        limit: 7,
        leaseMs: LEASE_MS,
        owner: 'x',
      });
      if (batch.length === 0) break;
      for (const item of batch) {
        expect(item.endpoint.id).toBe(active.id);
        await storage.recordAttempt({
          deliveryId: item.delivery.id,
          owner: 'x',
          attempt: attemptRecord(item.delivery, T0, true),
          decision: DELIVERED,
          healthPolicy: null,
        });
      }
    }
    // Claims from 'w' and 'v' on the active endpoint lapsed and were taken over by 'x'.
    expect(await storage.nextDueAtMs()).toBeNull();
    const delivered = await storage.listDeliveries({
      organizationUuid: active.organizationUuid,
      endpointId: active.id,
      status: 'DELIVERED',
      page: 0,
      size: 100,
      sortField: 'createdAt',
      sortDirection: 'asc',
    });
    expect(delivered.totalElements).toBe(100);
  });
});

describe('MemoryStorage — inserts and copies', () => {
  it('insertEvent with an event id already stored -> WebhookConflictError invalid_state', async () => {
    const storage = new MemoryStorage();
    const event = eventRecord();
    await storage.insertEvent(event, []);
    await expect(storage.insertEvent(event, [])).rejects.toMatchObject({
      name: 'WebhookConflictError',
      code: 'invalid_state',
    });
  });

  it('insertDeliveries of an unknown event -> WebhookConflictError not_found', async () => {
    const storage = new MemoryStorage();
    const endpoint = endpointRecord();
    await storage.insertEndpoint(endpoint);
    const error = await storage
      .insertDeliveries([deliveryRecord(eventRecord(), endpoint)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookConflictError);
    expect(error).toMatchObject({ code: 'not_found' });
  });

  it('a PENDING delivery without a due time, or of another organization than its event -> invalid_state', async () => {
    const storage = new MemoryStorage();
    const endpoint = endpointRecord();
    await storage.insertEndpoint(endpoint);
    const event = eventRecord();
    await expect(
      storage.insertEvent(event, [deliveryRecord(event, endpoint, { nextAttemptAtMs: null })]),
    ).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(
      storage.insertEvent(event, [
        deliveryRecord(event, endpoint, { organizationUuid: 'other-org' }),
      ]),
    ).rejects.toMatchObject({ code: 'invalid_state' });
    expect(await storage.getEvent(event.organizationUuid, event.id)).toBeNull();
  });

  it('a PENDING retry decision without a time -> invalid_state, nothing written', async () => {
    const storage = new MemoryStorage();
    const endpoint = endpointRecord();
    await storage.insertEndpoint(endpoint);
    const event = eventRecord();
    const delivery = deliveryRecord(event, endpoint);
    await storage.insertEvent(event, [delivery]);
    await storage.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS, owner: 'w' });
    await expect(
      storage.recordAttempt({
        deliveryId: delivery.id,
        owner: 'w',
        attempt: attemptRecord(delivery, T0, false),
        decision: { status: 'PENDING', nextAttemptAtMs: null, failureReason: null },
        healthPolicy: null,
      }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
    expect(await storage.listAttempts(delivery.id)).toEqual([]);
  });

  it('times that are not whole milliseconds round-trip exactly', async () => {
    const storage = new MemoryStorage();
    const endpoint = endpointRecord();
    await storage.insertEndpoint(endpoint);
    const event = eventRecord({ createdAtMs: T0 + 0.1 });
    const delivery = deliveryRecord(event, endpoint, {
      createdAtMs: T0 + 0.7,
      updatedAtMs: 0.3,
      nextAttemptAtMs: Number.MAX_SAFE_INTEGER,
    });
    await storage.insertEvent(event, [delivery]);
    expect(await storage.getDelivery(event.organizationUuid, delivery.id)).toEqual(delivery);
    expect(await storage.nextDueAtMs()).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("claimDue shares one deep-frozen copy of the event: never the caller's object, never writable", async () => {
    const storage = new MemoryStorage();
    const endpoint = endpointRecord();
    await storage.insertEndpoint(endpoint);
    const event = eventRecord({ data: { nested: { list: [1, 2] } } });
    await storage.insertEvent(event, [
      deliveryRecord(event, endpoint),
      deliveryRecord(event, endpoint),
    ]);
    const [a, b] = await storage.claimDue({ nowMs: T0, limit: 2, leaseMs: LEASE_MS, owner: 'w' });
    expect(a?.event).toEqual(event);
    expect(a?.event.data).not.toBe(event.data);
    expect(a?.event).toBe(b?.event);
    expect(Object.isFrozen(a?.event)).toBe(true);
    expect(Object.isFrozen((a?.event.data as { nested: { list: number[] } }).nested.list)).toBe(
      true,
    );
    expect(() => {
      (a?.event.data as { nested: { list: number[] } }).nested.list.push(3);
    }).toThrow(TypeError);
  });
});

describe('MemoryStorage constructor', () => {
  it.each([
    [5],
    ['{}'],
    [null],
    [[]],
  ])('options %j -> invalid_option at options, code invalid_type', (options) => {
    expect(() => new MemoryStorage(options as never)).toThrow(
      expect.objectContaining({
        code: 'invalid_option',
        issues: [
          {
            path: 'options',
            code: 'invalid_type',
            message: expect.stringContaining('expected an options object or nothing'),
          },
        ],
      }),
    );
  });
});

describe('MemoryStorage — retention memory', () => {
  it('purgeBefore in batches -> purged deliveries, attempts, events and their index entries are all freed', async () => {
    const storage = new MemoryStorage();
    const endpoints = [endpointRecord(), endpointRecord(), endpointRecord()];
    for (const endpoint of endpoints) await storage.insertEndpoint(endpoint);
    // Every 100th event stays PENDING for good (on every endpoint, between purged rows).
    const keptEvent = eventRecord();
    await storage.insertEvent(
      keptEvent,
      endpoints.map((endpoint) =>
        deliveryRecord(keptEvent, endpoint, { nextAttemptAtMs: T0 + DAY_MS }),
      ),
    );
    let round = 0;
    const fill = async () => {
      round += 1;
      // 20,000 events to 3 endpoints: two deliveries attempted once, one parked; and 5,000
      // events that reached no endpoint.
      for (let e = 0; e < 25_000; e++) {
        const event = eventRecord({ createdAtMs: T0 + e });
        if (e >= 20_000) {
          await storage.insertEvent(event, []);
          continue;
        }
        await storage.insertEvent(
          event,
          endpoints.map((endpoint, i) =>
            i === 2 ? parkedDeliveryRecord(event, endpoint) : deliveryRecord(event, endpoint),
          ),
        );
      }
      for (;;) {
        const batch = await storage.claimDue({
          nowMs: T0 + 1_000_000,
          limit: 1_000,
          leaseMs: 1_000,
          owner: `w${round}`,
        });
        if (batch.length === 0) break;
        for (const { delivery } of batch) {
          await storage.recordAttempt({
            deliveryId: delivery.id,
            owner: `w${round}`,
            attempt: attemptRecord(delivery, T0, false),
            decision: failedFinally(),
            healthPolicy: null,
          });
        }
      }
    };
    let purged = 0;
    const empty = async () => {
      purged = 0;
      for (;;) {
        const deleted = await storage.purgeBefore(T0 + 2 * DAY_MS, 997);
        purged += deleted;
        if (deleted < 997) break;
      }
    };
    const { filled, left } = await measureHeap(fill, empty);
    expect(purged).toBe(60_000);
    // About 1 KiB per event with its deliveries and attempts: a leak of the rows would show.
    expect(filled).toBeGreaterThan(20_000_000);
    expect(left).toBeLessThan(filled * 0.02);
    expect(await storage.getEvent(ORG_A, keptEvent.id)).toEqual(keptEvent);
    const page = await storage.listDeliveries({
      organizationUuid: ORG_A,
      page: 0,
      size: 100,
      sortField: 'createdAt',
      sortDirection: 'asc',
    });
    expect(page.items.map((d) => d.eventId)).toEqual(endpoints.map(() => keptEvent.id));
  });

  it('purgeBefore(cutoff, limit) takes the oldest inserted eligible deliveries first', async () => {
    const storage = new MemoryStorage();
    const endpoint = endpointRecord();
    await storage.insertEndpoint(endpoint);
    const event = eventRecord();
    const records = [
      deliveryRecord(event, endpoint),
      ...Array.from({ length: 6 }, (_, i) =>
        finalDeliveryRecord(event, endpoint, 'DELIVERED', T0 + 10 - i),
      ),
    ];
    await storage.insertEvent(event, records);
    const ids = async () =>
      (
        await storage.listDeliveries({
          organizationUuid: ORG_A,
          endpointId: endpoint.id,
          page: 0,
          size: 100,
          sortField: 'createdAt',
          sortDirection: 'asc',
        })
      ).items.map((d) => d.id);
    expect(await storage.purgeBefore(T0 + DAY_MS, 4)).toBe(4);
    expect(await ids()).toEqual([records[0], records[5], records[6]].map((d) => d?.id));
    expect(await storage.purgeBefore(T0 + DAY_MS, 4)).toBe(2);
    expect(await ids()).toEqual([records[0]?.id]);
    expect(await storage.getEvent(ORG_A, event.id)).toEqual(event);
  });
});
