import { describe, expect } from 'vitest';
import { HEALTHY } from '../../../src/core/retry/health-policy.js';
import { deliveryRecord, HOUR_MS, ORG_A, ORG_B, T0 } from '../sender-records.js';
import {
  addEndpoint,
  claim,
  delivery,
  endpointOf,
  idsOf,
  publish,
  type SenderStorageFactory,
  storageCases,
} from './fixtures.js';

/** Endpoints: insert, get, list, update (park and resume), delete. */
export function describeEndpoints(make: SenderStorageFactory): void {
  const { itWith } = storageCases(make);

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

    itWith("listEndpoints -> the organization's endpoints only, oldest first", async (storage) => {
      const second = await addEndpoint(storage, { createdAtMs: T0 + 2, updatedAtMs: T0 + 2 });
      const first = await addEndpoint(storage, { createdAtMs: T0, updatedAtMs: T0 });
      await addEndpoint(storage, { organizationUuid: ORG_B, createdAtMs: T0 + 1 });
      const middle = await addEndpoint(storage, { createdAtMs: T0 + 1, updatedAtMs: T0 + 1 });
      expect(await storage.listEndpoints(ORG_A)).toEqual([first, middle, second]);
      expect(await storage.listEndpoints('0b8f6a52-0000-4000-8000-000000000000')).toEqual([]);
    });

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
}
