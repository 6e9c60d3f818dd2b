import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeliveryQuery, SenderStorage } from '../../../src/sender/ports/sender-storage.js';
import type { DeliveryRecord } from '../../../src/sender/records.js';
import {
  DAY_MS,
  DELIVERED,
  deliveryRecord,
  eventRecord,
  finalDeliveryRecord,
  ORG_A,
  ORG_B,
  parkedDeliveryRecord,
  T0,
} from '../sender-records.js';
import {
  addEndpoint,
  at,
  claim,
  delivery,
  idsOf,
  only,
  publish,
  record,
  type SenderStorageFactory,
  storageCases,
} from './fixtures.js';

/** Retention: `purgeBefore`. */
export function describeRetention(make: SenderStorageFactory): void {
  const { withStorage, itWith } = storageCases(make);

  describe('retention', () => {
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
  });
}
