// The rules of one recorded attempt, shared by every storage adapter: the delivery's status after
// the decision, and the endpoint's streak and status after the health policy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateEndpointHealth,
  type HealthPolicy,
} from '../../../../src/core/retry/health-policy.js';
import {
  type DeliveryState,
  healthAfterAttempt,
  stateAfterAttempt,
} from '../../../../src/sender/internal/attempt-outcome.js';
import type { AttemptDecision } from '../../../../src/sender/ports/sender-storage.js';
import type { AttemptRecord, EndpointRecord } from '../../../../src/sender/records.js';
import { endpointRecord, T0 } from '../../../helpers/sender-records.js';

const reason = fc.constantFrom('HTTP_ERROR', 'TIMEOUT', 'ENDPOINT_PAUSED', 'ENDPOINT_DELETED');
const time = fc.integer({ min: T0, max: T0 + 10 * 86_400_000 });

const state: fc.Arbitrary<DeliveryState> = fc.oneof(
  time.map((at) => ({ status: 'PENDING' as const, nextAttemptAtMs: at, failureReason: null })),
  fc.constant({ status: 'DELIVERED' as const, nextAttemptAtMs: null, failureReason: null }),
  reason.map((r) => ({ status: 'FAILED' as const, nextAttemptAtMs: null, failureReason: r })),
);

const decision: fc.Arbitrary<AttemptDecision> = fc.oneof(
  time.map((at) => ({ status: 'PENDING' as const, nextAttemptAtMs: at, failureReason: null })),
  fc.constant({ status: 'DELIVERED' as const, nextAttemptAtMs: null, failureReason: null }),
  reason.map((r) => ({ status: 'FAILED' as const, nextAttemptAtMs: null, failureReason: r })),
);

const policy: fc.Arbitrary<HealthPolicy> = fc.record(
  {
    maxConsecutiveFailures: fc.integer({ min: 1, max: 5 }),
    maxFailureDurationMs: fc.integer({ min: 1, max: 3 * 86_400_000 }),
    action: fc.constantFrom('PAUSED' as const, 'DISABLED' as const),
  },
  { requiredKeys: ['action'] },
);

const endpoint: fc.Arbitrary<EndpointRecord> = fc
  .record({
    status: fc.constantFrom('ACTIVE' as const, 'PAUSED' as const, 'DISABLED' as const),
    consecutiveFailures: fc.integer({ min: 0, max: 6 }),
    failingSinceMs: fc.option(time, { nil: null }),
  })
  .map(({ status, consecutiveFailures, failingSinceMs }) =>
    endpointRecord({
      status,
      health:
        consecutiveFailures === 0
          ? { consecutiveFailures: 0, failingSinceMs: null }
          : { consecutiveFailures, failingSinceMs: failingSinceMs ?? T0 },
    }),
  );

const attempt: fc.Arbitrary<AttemptRecord> = fc
  .record({ startedAtMs: time, durationMs: fc.integer({ min: 0, max: 10_000 }), ok: fc.boolean() })
  .map(({ startedAtMs, durationMs, ok }) => ({
    deliveryId: 'del_x',
    attempt: 1,
    startedAtMs,
    durationMs,
    statusCode: ok ? 204 : 500,
    failureReason: ok ? null : 'HTTP_ERROR',
    responseBody: '',
  }));

describe('stateAfterAttempt', () => {
  it('a PENDING delivery takes the decision; a parked one becomes DELIVERED on a success and stays otherwise', () => {
    fc.assert(
      fc.property(state, decision, (before, made) => {
        const after = stateAfterAttempt(before, made);
        if (before.status === 'PENDING') {
          expect(after).toEqual({
            status: made.status,
            nextAttemptAtMs: made.status === 'PENDING' ? made.nextAttemptAtMs : null,
            failureReason: made.status === 'FAILED' ? made.failureReason : null,
          });
        } else if (made.status === 'DELIVERED') {
          expect(after).toEqual({
            status: 'DELIVERED',
            nextAttemptAtMs: null,
            failureReason: null,
          });
        } else {
          expect(after).toBe(before);
        }
        // Whatever happens, the fields agree with each other.
        expect(after.status === 'PENDING').toBe(after.nextAttemptAtMs !== null);
      }),
    );
  });
});

describe('healthAfterAttempt', () => {
  it('follows the policy; only an ACTIVE endpoint trips; a new record only when something changed', () => {
    fc.assert(
      fc.property(endpoint, policy, attempt, (before, rule, made) => {
        const endedAtMs = made.startedAtMs + made.durationMs;
        const outcome = healthAfterAttempt(before, rule, made, endedAtMs);
        const expected = evaluateEndpointHealth(rule, {
          health: before.health,
          succeeded: made.failureReason === null,
          attemptAtMs: made.startedAtMs,
        });
        const trips = expected.transition !== 'stay' && before.status === 'ACTIVE';
        expect(outcome.transition).toBe(trips ? expected.transition : 'stay');
        expect(outcome.transitionReason).toBe(trips ? expected.reason : null);
        const unchanged =
          !trips &&
          expected.health.consecutiveFailures === before.health.consecutiveFailures &&
          expected.health.failingSinceMs === before.health.failingSinceMs;
        if (unchanged) {
          expect(outcome.changed).toBeNull();
        } else {
          expect(outcome.changed).toEqual({
            ...before,
            health: expected.health,
            ...(trips ? { status: rule.action, updatedAtMs: endedAtMs } : {}),
          });
        }
      }),
    );
  });
});
