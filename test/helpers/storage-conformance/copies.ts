import { describe, expect } from 'vitest';
import {
  ATTEMPT_DURATION_MS,
  attemptRecord,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  ORG_A,
  retryAt,
  T0,
} from '../sender-records.js';
import { at, claim, record, type SenderStorageFactory, storageCases } from './fixtures.js';

/** Copies: what goes in or comes out of a storage is never shared with what it keeps. */
export function describeCopies(make: SenderStorageFactory): void {
  const { itWith } = storageCases(make);

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
            if (typeof (value as Mutable)[key] !== 'object') (value as Mutable)[key] = 'scribbled';
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
}
