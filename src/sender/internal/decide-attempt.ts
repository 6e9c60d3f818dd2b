// What one attempt's outcome means for its delivery (docs/design.md §5.1, §5.8, §5.13): a pure
// function of the attempt and the profile's retry policy, so the dispatcher only records it.

import {
  nextAttemptAt,
  parseRetryAfter,
  RETRY_AFTER_STATUSES,
  type RetryPolicy,
} from '../../core/retry/retry-policy.js';
import type { AttemptDecision } from '../ports/sender-storage.js';
import type { TransportResult } from '../ports/transport.js';

/** Input of {@link decideAttempt}. */
export interface AttemptOutcome {
  /** A test fire: one attempt, never retried (docs/design.md §5.8). */
  readonly test: boolean;
  /** Attempts made so far, this one included. */
  readonly attempts: number;
  /** When the delivery's first attempt started, epoch ms (this one's start for a first attempt). */
  readonly firstAttemptAtMs: number;
  /** When this attempt started, epoch ms. */
  readonly lastAttemptAtMs: number;
  readonly result: TransportResult;
  readonly retryPolicy: RetryPolicy;
  /** A uniform number in [0, 1), for the policy's jitter. */
  readonly random: () => number;
}

/**
 * DELIVERED on a 2xx; FAILED with the attempt's reason for a failed test fire or when the
 * schedule has run out; otherwise PENDING at the schedule's next time, never earlier than a
 * `Retry-After` on 429 or 503.
 */
export function decideAttempt(outcome: AttemptOutcome): AttemptDecision {
  const { result } = outcome;
  if (result.failureReason === null) {
    return { status: 'DELIVERED', nextAttemptAtMs: null, failureReason: null };
  }
  if (outcome.test) {
    return { status: 'FAILED', nextAttemptAtMs: null, failureReason: result.failureReason };
  }
  const retryAfterMs =
    result.statusCode !== null && RETRY_AFTER_STATUSES.has(result.statusCode)
      ? parseRetryAfter(result.retryAfter, outcome.lastAttemptAtMs)
      : null;
  const next = nextAttemptAt(outcome.retryPolicy, {
    attempts: outcome.attempts,
    firstAttemptAtMs: outcome.firstAttemptAtMs,
    lastAttemptAtMs: outcome.lastAttemptAtMs,
    retryAfterMs,
    random: outcome.random,
  });
  return next === null
    ? { status: 'FAILED', nextAttemptAtMs: null, failureReason: result.failureReason }
    : { status: 'PENDING', nextAttemptAtMs: next, failureReason: null };
}
