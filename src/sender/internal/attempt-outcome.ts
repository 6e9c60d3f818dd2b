// What one recorded attempt does to its delivery and to its endpoint, as pure functions: the one
// home of these rules for every SenderStorage adapter (MemoryStorage, PostgresStorage), which
// apply them inside their own atomic operation (docs/design.md §5.2, §5.3, §5.26).

import { evaluateEndpointHealth, type HealthPolicy } from '../../core/retry/health-policy.js';
import type { AttemptDecision, RecordAttemptResult } from '../ports/sender-storage.js';
import type {
  AttemptRecord,
  DeliveryStatus,
  EndpointRecord,
  StoredFailureReason,
} from '../records.js';

/** A delivery's status fields, before or after an attempt. */
export interface DeliveryState {
  readonly status: DeliveryStatus;
  readonly nextAttemptAtMs: number | null;
  readonly failureReason: StoredFailureReason | null;
}

/**
 * The delivery's status after an attempt with `decision`: a PENDING delivery takes the decision;
 * a delivery parked (or whose endpoint was deleted) while its attempt was in flight becomes
 * DELIVERED on a success, and stays as it is on a failure.
 */
export function stateAfterAttempt(before: DeliveryState, decision: AttemptDecision): DeliveryState {
  if (before.status === 'PENDING') {
    return {
      status: decision.status,
      nextAttemptAtMs: decision.status === 'PENDING' ? decision.nextAttemptAtMs : null,
      failureReason: decision.status === 'FAILED' ? decision.failureReason : null,
    };
  }
  if (decision.status === 'DELIVERED') {
    return { status: 'DELIVERED', nextAttemptAtMs: before.nextAttemptAtMs, failureReason: null };
  }
  return before;
}

/** The endpoint after an attempt counted by a health policy. */
export interface HealthOutcome {
  /** The endpoint's new record, or `null` when neither its health nor its status changed. */
  readonly changed: EndpointRecord | null;
  /** `pause` / `disable` when this attempt tripped the policy on an ACTIVE endpoint. */
  readonly transition: RecordAttemptResult['transition'];
  readonly transitionReason: RecordAttemptResult['transitionReason'];
}

/**
 * Counts `attempt` (at its start, a success when it has no failure reason) in the endpoint's
 * failure streak under `policy`. Only an ACTIVE endpoint trips: it takes the policy's status,
 * with `updatedAtMs` at the attempt's end (`endedAtMs`); the caller parks its PENDING deliveries.
 * The record changes only when the streak or the status does (a success on a healthy endpoint,
 * the usual attempt, changes nothing).
 */
export function healthAfterAttempt(
  endpoint: EndpointRecord,
  policy: HealthPolicy,
  attempt: AttemptRecord,
  endedAtMs: number,
): HealthOutcome {
  const evaluation = evaluateEndpointHealth(policy, {
    health: endpoint.health,
    succeeded: attempt.failureReason === null,
    attemptAtMs: attempt.startedAtMs,
  });
  const trips = evaluation.transition !== 'stay' && endpoint.status === 'ACTIVE';
  const same =
    evaluation.health.consecutiveFailures === endpoint.health.consecutiveFailures &&
    evaluation.health.failingSinceMs === endpoint.health.failingSinceMs;
  return {
    changed:
      !trips && same
        ? null
        : {
            ...endpoint,
            health: evaluation.health,
            ...(trips ? { status: policy.action, updatedAtMs: endedAtMs } : {}),
          },
    transition: trips ? evaluation.transition : 'stay',
    transitionReason: trips ? evaluation.reason : null,
  };
}
