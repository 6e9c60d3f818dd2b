// Inserts: what an insert refuses (a conflict with a stable code, nothing of the batch written)
// and what it keeps exactly (times that are not whole milliseconds). Part of the SenderStorage
// contract suite.
import { describe, expect } from 'vitest';
import { WebhookConflictError } from '../../../src/core/errors.js';
import {
  attemptRecord,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  T0,
} from '../sender-records.js';
import { LEASE_MS, only, type SenderStorageFactory, storageCases } from './fixtures.js';

/** Inserts: conflicts and exact round trips. */
export function describeInserts(make: SenderStorageFactory): void {
  const { itWith } = storageCases(make);

  describe('inserts', () => {
    itWith(
      'insertEvent with an event id already stored -> WebhookConflictError invalid_state',
      async (storage) => {
        const event = eventRecord();
        await storage.insertEvent(event, []);
        await expect(storage.insertEvent(event, [])).rejects.toMatchObject({
          name: 'WebhookConflictError',
          code: 'invalid_state',
        });
      },
    );

    itWith(
      'insertDeliveries of an unknown event -> WebhookConflictError not_found',
      async (storage) => {
        const endpoint = endpointRecord();
        await storage.insertEndpoint(endpoint);
        const error = await storage
          .insertDeliveries([deliveryRecord(eventRecord(), endpoint)])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WebhookConflictError);
        expect(error).toMatchObject({ code: 'not_found' });
      },
    );

    itWith(
      'a PENDING delivery without a due time, or of another organization than its event -> invalid_state',
      async (storage) => {
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
      },
    );

    itWith(
      'a PENDING retry decision without a time -> invalid_state, nothing written',
      async (storage) => {
        const endpoint = endpointRecord();
        await storage.insertEndpoint(endpoint);
        const event = eventRecord();
        const delivery = deliveryRecord(event, endpoint);
        await storage.insertEvent(event, [delivery]);
        const claimed = only(
          await storage.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS, owner: 'w' }),
        );
        await expect(
          storage.recordAttempt({
            deliveryId: delivery.id,
            leaseToken: claimed.leaseToken,
            attempt: attemptRecord(delivery, T0, false),
            decision: { status: 'PENDING', nextAttemptAtMs: null, failureReason: null },
            healthPolicy: null,
          }),
        ).rejects.toMatchObject({ code: 'invalid_state' });
        expect(await storage.listAttempts(delivery.id)).toEqual([]);
      },
    );

    itWith('times that are not whole milliseconds round-trip exactly', async (storage) => {
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
  });
}
