// Claim order at scale, against a naive reference (test/helpers/fair-claim-reference.ts): fair
// turns over many claims, and random claims, retries, releases, lapses and URL moves, where every
// claim must take exactly what the reference takes (docs/design.md §5.17). Part of the
// SenderStorage contract suite: every adapter runs it.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { SenderStorage } from '../../../src/sender/ports/sender-storage.js';
import type { DeliveryRecord, EndpointRecord } from '../../../src/sender/records.js';
import { fairClaimOrder, type WaitingDelivery } from '../fair-claim-reference.js';
import {
  attemptRecord,
  DELIVERED,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  retryAt,
  T0,
} from '../sender-records.js';
import type { SenderStorageFactory } from './fixtures.js';

const LEASE_MS = 1_000;
/**
 * The model cases make thousands of storage calls: a database adapter on two busy cores needs
 * more than the default 20 s (a bound against hangs, not a performance target).
 */
const MODEL_TIMEOUT_MS = 120_000;
const URL_A = 'https://a.example/hooks';
const URL_B = 'https://b.example:8443/hooks';

/**
 * A time offset up to `maxMs`, mostly on a coarse grid (quarters of the lease), so that due times,
 * lease ends and claim times often tie: ties are where the order keys (the order deliveries became
 * due, a lapsed claim keeping its place) decide.
 */
function coarseMs(maxMs: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: maxMs / 250 }).map((k) => k * 250) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: maxMs }) },
  );
}

/** `endpointCount` endpoints in `storage`; `add(i, dueMs)` stores one delivery for endpoint i. */
export async function setupIn(
  storage: SenderStorage,
  endpointCount: number,
  urlOf: (index: number) => string = () => URL_A,
) {
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

/** Claim order: fair turns over many claims, and equality with the reference under random steps. */
export function describeClaimOrder(make: SenderStorageFactory): void {
  // A fresh storage per property run; each fixture is cleaned up after its case.
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const setup = async (endpointCount: number, urlOf?: (index: number) => string) => {
    const fixture = await make();
    if (fixture.cleanup !== undefined) cleanups.push(fixture.cleanup);
    return setupIn(fixture.storage, endpointCount, urlOf);
  };

  describe('claim order against the reference', () => {
    it(
      'claimDue in batches -> every delivery exactly once, in fair order (turns over endpoints, (due time, insertion) inside one)',
      async () => {
        // 2,000 deliveries over 7 endpoints with colliding random due times, against a sorted copy.
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 2000, maxLength: 2000 }),
            fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
            async (dues, limits) => {
              const { storage, endpoints } = await setup(7);
              // Stored in events of 1 to 97 deliveries: the order inside one insert counts as the
              // order they became due, as the order of the inserts does.
              const inserted: { id: string; dueMs: number; order: number }[] = [];
              for (let start = 0; start < dues.length; start += (start % 97) + 1) {
                const event = eventRecord({ createdAtMs: T0 });
                const chunk = dues.slice(start, start + (start % 97) + 1);
                const deliveries = chunk.map((due, i) =>
                  deliveryRecord(
                    event,
                    endpoints[(start + i) % endpoints.length] as EndpointRecord,
                    {
                      nextAttemptAtMs: T0 + due,
                    },
                  ),
                );
                await storage.insertEvent(event, deliveries);
                for (const [i, delivery] of deliveries.entries()) {
                  inserted.push({
                    id: delivery.id,
                    dueMs: T0 + (chunk[i] as number),
                    order: start + i,
                  });
                }
              }
              expect(inserted).toHaveLength(dues.length);
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
                await storage.claimDue({
                  nowMs: T0 + 500,
                  limit: 10,
                  leaseMs: LEASE_MS,
                  owner: 'w',
                }),
              ).toEqual([]);
            },
          ),
          { numRuns: 5 },
        );
      },
      MODEL_TIMEOUT_MS,
    );

    it(
      'claim, retry, release and lapse in any order -> claimDue always equals a naive scan of the same state',
      async () => {
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
            dtMs: coarseMs(2 * LEASE_MS),
            maxPerEndpoint: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
            maxPerOrigin: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
            reserve: fc.integer({ min: 0, max: 3 }),
          }),
          fc.record({ kind: fc.constant('move' as const), which: fc.nat(3), toB: fc.boolean() }),
          fc.record({
            kind: fc.constant('retry' as const),
            which: fc.nat(),
            inMs: coarseMs(3 * LEASE_MS),
          }),
          fc.record({ kind: fc.constant('done' as const), which: fc.nat() }),
          fc.record({ kind: fc.constant('release' as const), which: fc.nat() }),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.array(coarseMs(3 * LEASE_MS), { minLength: 1, maxLength: 30 }),
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
                /** The lease token of its latest claim. */
                token: string;
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
                  token: '',
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
                  // A lapsed claim's delivery waits again at its due time, in the place it had in
                  // its endpoint's line before the claim (its order key is unchanged).
                  for (const m of model) {
                    if (m.leaseUntilMs !== null && m.leaseUntilMs <= now) m.leaseUntilMs = null;
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
                  for (const [i, m] of expected.entries()) {
                    m.leaseUntilMs = now + LEASE_MS;
                    m.token = claimed[i]?.leaseToken as string;
                  }
                } else {
                  const candidates = held();
                  const m = candidates[step.which % Math.max(1, candidates.length)];
                  if (m === undefined) continue;
                  if (step.kind === 'release') {
                    await storage.releaseClaim(m.id, m.token);
                    m.leaseUntilMs = null;
                    m.seq = seq++;
                    continue;
                  }
                  const decision = step.kind === 'done' ? DELIVERED : retryAt(now + step.inMs);
                  const result = await storage.recordAttempt({
                    deliveryId: m.id,
                    leaseToken: m.token,
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
      },
      MODEL_TIMEOUT_MS,
    );

    it('parking, deleting and recording leave no due work behind', async () => {
      const { storage, endpoints, add } = await setup(3);
      const [paused, deleted, active] = endpoints as [
        EndpointRecord,
        EndpointRecord,
        EndpointRecord,
      ];
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
            leaseToken: item.leaseToken,
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
}
