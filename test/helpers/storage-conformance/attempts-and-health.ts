import { describe, expect } from 'vitest';
import {
  EUDR_HEALTH_POLICY,
  HEALTHY,
  NOVATRADE_HEALTH_POLICY,
} from '../../../src/core/retry/health-policy.js';
import type { RecordAttemptResult } from '../../../src/sender/ports/sender-storage.js';
import type { AttemptRecord, DeliveryRecord } from '../../../src/sender/records.js';
import {
  ATTEMPT_DURATION_MS,
  DELIVERED,
  deliveryRecord,
  failedFinally,
  HOUR_MS,
  MINUTE_MS,
  ORG_A,
  retryAt,
  T0,
} from '../sender-records.js';
import {
  addEndpoint,
  claim,
  delivery,
  endpointOf,
  failOnce,
  idsOf,
  LEASE_MS,
  NEVER_ISSUED_TOKEN,
  only,
  publish,
  record,
  type SenderStorageFactory,
  storageCases,
  tokenOf,
} from './fixtures.js';

/** Attempts and health: `recordAttempt`, its decisions and the endpoint health it moves. */
export function describeAttemptsAndHealth(make: SenderStorageFactory): void {
  const { itWith } = storageCases(make);

  describe('attempts and health', () => {
    // -------------------------------------------------------------------------- recordAttempt
    describe('recordAttempt', () => {
      itWith(
        "recordAttempt with a token that is not the claim's -> null, nothing written, the claim still held",
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          const { deliveries } = await publish(storage, [endpoint]);
          const claimed = only(await claim(storage, T0, 'worker-a'));
          expect(claimed.leaseToken).toBeTypeOf('string');
          for (const leaseToken of [NEVER_ISSUED_TOKEN, '', `${claimed.leaseToken}0`]) {
            expect(
              await record(storage, claimed.delivery, {
                leaseToken,
                atMs: T0,
                ok: true,
                decision: DELIVERED,
              }),
            ).toBeNull();
          }
          expect(await delivery(storage, claimed.delivery.id)).toEqual(only(deliveries));
          expect(await storage.listAttempts(claimed.delivery.id)).toEqual([]);
          expect((await endpointOf(storage, endpoint.id)).health).toEqual(HEALTHY);
          expect(
            await record(storage, claimed.delivery, {
              leaseToken: claimed.leaseToken,
              atMs: T0,
              ok: true,
              decision: DELIVERED,
            }),
          ).not.toBeNull();
        },
      );

      itWith(
        'every claim has a new token: the same owner claiming again after its own lapse is fenced off its first claim',
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          const first = only(await claim(storage, T0, 'worker-a'));
          const second = only(await claim(storage, T0 + LEASE_MS, 'worker-a'));
          expect(second.delivery.id).toBe(first.delivery.id);
          expect(second.leaseToken).not.toBe(first.leaseToken);
          expect(
            await record(storage, first.delivery, {
              leaseToken: first.leaseToken,
              atMs: T0,
              ok: true,
              decision: DELIVERED,
            }),
          ).toBeNull();
          await storage.releaseClaim(first.delivery.id, first.leaseToken);
          expect(await claim(storage, T0 + LEASE_MS + 1, 'worker-b')).toEqual([]);
          expect(await storage.listAttempts(first.delivery.id)).toEqual([]);
          const recorded = await record(storage, second.delivery, {
            leaseToken: second.leaseToken,
            atMs: T0 + LEASE_MS,
            ok: true,
            decision: DELIVERED,
          });
          expect(recorded?.delivery).toMatchObject({ status: 'DELIVERED', attempts: 1 });
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
        "a lapsed claim taken over by B: recordAttempt with A's token -> null, nothing written; B records",
        async (storage) => {
          const endpoint = await addEndpoint(storage);
          await publish(storage, [endpoint]);
          const byA = only(await claim(storage, T0, 'worker-a'));
          const byB = only(await claim(storage, T0 + LEASE_MS, 'worker-b'));
          expect(
            await record(storage, byA.delivery, {
              leaseToken: byA.leaseToken,
              atMs: T0,
              ok: true,
              decision: DELIVERED,
            }),
          ).toBeNull();
          expect((await delivery(storage, byA.delivery.id)).status).toBe('PENDING');
          expect(await storage.listAttempts(byA.delivery.id)).toEqual([]);
          const recorded = await record(storage, byB.delivery, {
            leaseToken: byB.leaseToken,
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
            leaseToken: tokenOf(storage, claimed.id),
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
  });
}
