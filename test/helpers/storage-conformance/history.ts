import { describe, expect } from 'vitest';
import type { DeliveryQuery, SenderStorage } from '../../../src/sender/ports/sender-storage.js';
import { DELIVERED, HOUR_MS, ORG_A, ORG_B, T0 } from '../sender-records.js';
import {
  addEndpoint,
  at,
  claim,
  publish,
  record,
  type SenderStorageFactory,
  storageCases,
} from './fixtures.js';

/** History: `listDeliveries`, its filters, sorting and pages. */
export function describeHistory(make: SenderStorageFactory): void {
  const { itWith } = storageCases(make);

  describe('history', () => {
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
  });
}
