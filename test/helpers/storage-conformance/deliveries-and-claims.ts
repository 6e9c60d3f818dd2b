import { describe, expect } from 'vitest';
import {
  attemptRecord,
  DELIVERED,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  HOUR_MS,
  MINUTE_MS,
  ORG_A,
  ORG_B,
  parkedDeliveryRecord,
  retryAt,
  T0,
} from '../sender-records.js';
import {
  addEndpoint,
  at,
  claim,
  delivery,
  idsOf,
  LEASE_MS,
  NEVER_ISSUED_TOKEN,
  only,
  publish,
  record,
  type SenderStorageFactory,
  storageCases,
} from './fixtures.js';

/** Deliveries and claims: events with their deliveries, `claimDue` (fairness, rooms, leases), `releaseClaim` and `nextDueAtMs`. */
export function describeDeliveriesAndClaims(make: SenderStorageFactory): void {
  const { itWith } = storageCases(make);

  describe('deliveries and claims', () => {
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
            leaseToken: expect.any(String),
          });
          // Every claim has a token of its own.
          expect(new Set(claimed.map((item) => item.leaseToken)).size).toBe(claimed.length);
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

    // --------------------------------------------------------------- releaseClaim, nextDueAtMs
    describe('releaseClaim and nextDueAtMs', () => {
      itWith(
        "releaseClaim with the claim's token -> the delivery is due again at once, for any owner; the released token is dead",
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { deliveries } = await publish(storage, [endpoint]);
          const first = only(await claim(storage, T0, 'worker-a'));
          await storage.releaseClaim(first.delivery.id, first.leaseToken);
          expect(await storage.nextDueAtMs()).toBe(T0);
          const again = only(await claim(storage, T0 + 1, 'worker-b'));
          expect(again.delivery).toEqual(only(deliveries));
          expect(again.leaseToken).not.toBe(first.leaseToken);
          expect(
            await record(storage, again.delivery, {
              leaseToken: first.leaseToken,
              atMs: T0,
              ok: true,
              decision: DELIVERED,
            }),
          ).toBeNull();
          await storage.releaseClaim(first.delivery.id, first.leaseToken);
          expect(await claim(storage, T0 + 2, 'worker-a')).toEqual([]);
        },
      );

      itWith(
        'releaseClaim with another token, or of an unclaimed delivery -> nothing changes',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { deliveries } = await publish(storage, [endpoint]);
          await storage.releaseClaim(only(deliveries).id, NEVER_ISSUED_TOKEN);
          const claimed = only(await claim(storage, T0, 'worker-a'));
          await storage.releaseClaim(only(deliveries).id, NEVER_ISSUED_TOKEN);
          await storage.releaseClaim(only(deliveries).id, `${claimed.leaseToken}0`);
          await storage.releaseClaim('del_unknown', claimed.leaseToken);
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
  });
}
