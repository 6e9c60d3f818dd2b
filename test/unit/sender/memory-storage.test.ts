import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { EndpointRecord } from '../../../src/sender/records.js';
import { measureHeap } from '../../helpers/heap-measure.js';
import {
  attemptRecord,
  DAY_MS,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  failedFinally,
  finalDeliveryRecord,
  ORG_A,
  parkedDeliveryRecord,
  T0,
} from '../../helpers/sender-records.js';
import { setupIn } from '../../helpers/storage-conformance/claim-order.js';
import { describeSenderStorage } from '../../helpers/storage-conformance/index.js';

describeSenderStorage('MemoryStorage', async () => ({ storage: new MemoryStorage() }));

const LEASE_MS = 1_000;
describe('MemoryStorage — due heaps', () => {
  it('skipping an endpoint with a large backlog costs per endpoint, not per waiting delivery', async () => {
    const { storage, endpoints, add } = await setupIn(new MemoryStorage(), 2);
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
});

describe('MemoryStorage — copies', () => {
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
        for (const { delivery, leaseToken } of batch) {
          await storage.recordAttempt({
            deliveryId: delivery.id,
            leaseToken,
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
