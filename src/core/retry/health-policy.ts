import type { ValidationIssueCode } from '../errors.js';
import { integerIssueCode } from '../internal/integer-option.js';
import { invalidOption } from '../internal/invalid-option.js';
import { positiveNumberIssueCode } from '../internal/number-option.js';
import { typeIssueCode } from '../internal/type-issue-code.js';

/**
 * When failing endpoints are taken out of rotation, as data (docs/design.md §4, §5.2).
 * Either limit may be omitted; at least one must be set.
 */
export interface HealthPolicy {
  /** Trip after this many failed attempts in a row (any 2xx resets the streak). */
  readonly maxConsecutiveFailures?: number;
  /** Trip when a failed attempt comes this long (ms) after the streak's first failure. */
  readonly maxFailureDurationMs?: number;
  /** The status the endpoint takes when the policy trips. */
  readonly action: 'PAUSED' | 'DISABLED';
}

/**
 * Novatrade24: PAUSED after 20 consecutive failed attempts, or once failing continuously for
 * 72 h since the streak's first failure with no success since (docs/design.md §5.2, docs/design.md §7, A-4).
 */
export const NOVATRADE_HEALTH_POLICY: HealthPolicy = Object.freeze({
  maxConsecutiveFailures: 20,
  maxFailureDurationMs: 72 * 60 * 60 * 1000,
  action: 'PAUSED',
});

/** N'entropy EUDR: DISABLED after 10 consecutive failed attempts (docs/design.md §6.12, docs/design.md §7, N-5). */
export const EUDR_HEALTH_POLICY: HealthPolicy = Object.freeze({
  maxConsecutiveFailures: 10,
  action: 'DISABLED',
});

/** An endpoint's failure streak, as stored next to the endpoint. */
export interface EndpointHealth {
  /** Failed attempts since the last success (or since creation/resume). */
  readonly consecutiveFailures: number;
  /** When the current streak's first failure happened (epoch ms), or `null` when not failing. */
  readonly failingSinceMs: number | null;
}

/** A healthy endpoint: no streak. The state after creation, a success, or a resume. */
export const HEALTHY: EndpointHealth = Object.freeze({
  consecutiveFailures: 0,
  failingSinceMs: null,
});

/** What the health policy decided after one attempt. */
export interface HealthEvaluation {
  /** The endpoint's new streak, to store. */
  readonly health: EndpointHealth;
  /** `stay`: keep the current status; `pause` / `disable`: take the endpoint out of rotation. */
  readonly transition: 'stay' | 'pause' | 'disable';
  /** Why the policy tripped, or `null` when it did not. */
  readonly reason: 'consecutive_failures' | 'failure_duration' | null;
}

/** The outcome of one attempt, as the health policy sees it. */
export interface HealthAttempt {
  /** The endpoint's streak before this attempt. */
  readonly health: EndpointHealth;
  /** `true` for any 2xx; `false` for every other status, a timeout or a network error (§5.2). */
  readonly succeeded: boolean;
  /** When the attempt was made, epoch ms. */
  readonly attemptAtMs: number;
}

/**
 * The endpoint's new health after one counted attempt, and whether the policy trips.
 *
 * Every failed HTTP attempt counts, any 2xx resets the streak, and the duration rule runs from the
 * streak's first failure (docs/design.md §5.2). Test fires are not counted (§5.8): do not call this
 * for them.
 *
 * @param policy - e.g. {@link NOVATRADE_HEALTH_POLICY}.
 * @param attempt - the streak before, the outcome and its time (epoch ms).
 * @example
 * ```ts
 * const { health, transition } = evaluateEndpointHealth(NOVATRADE_HEALTH_POLICY, {
 *   health: HEALTHY, succeeded: false, attemptAtMs: Date.now(),
 * });
 * // transition === 'stay', health.consecutiveFailures === 1
 * ```
 */
export function evaluateEndpointHealth(
  policy: HealthPolicy,
  attempt: HealthAttempt,
): HealthEvaluation {
  if (attempt.succeeded) return { health: HEALTHY, transition: 'stay', reason: null };
  const previous = attempt.health;
  const health: EndpointHealth = {
    consecutiveFailures: previous.consecutiveFailures + 1,
    failingSinceMs: previous.failingSinceMs ?? attempt.attemptAtMs,
  };
  const trip = policy.action === 'PAUSED' ? 'pause' : 'disable';
  if (
    policy.maxConsecutiveFailures !== undefined &&
    health.consecutiveFailures >= policy.maxConsecutiveFailures
  ) {
    return { health, transition: trip, reason: 'consecutive_failures' };
  }
  if (
    policy.maxFailureDurationMs !== undefined &&
    attempt.attemptAtMs - (health.failingSinceMs as number) >= policy.maxFailureDurationMs
  ) {
    return { health, transition: trip, reason: 'failure_duration' };
  }
  return { health, transition: 'stay', reason: null };
}

/**
 * Checks a health policy once, at construction time.
 *
 * @throws WebhookValidationError `invalid_option` — a policy that is not an object or sets no
 *   limit (at `policy`), a limit not a positive whole number (failures) or positive number (ms),
 *   or an unknown action.
 */
export function assertHealthPolicy(policy: HealthPolicy): void {
  const fail = (path: string, expected: string, code: ValidationIssueCode) =>
    invalidOption(path, `Invalid health ${path}: expected ${expected}.`, code);
  if (typeof policy !== 'object' || policy === null) {
    throw fail('policy', 'a HealthPolicy object', typeIssueCode(policy));
  }
  const { maxConsecutiveFailures: count, maxFailureDurationMs: duration, action } = policy;
  if (count === undefined && duration === undefined) {
    throw fail('policy', 'maxConsecutiveFailures or maxFailureDurationMs (or both)', 'required');
  }
  const countProblem = count === undefined ? undefined : integerIssueCode(count);
  if (countProblem !== undefined) {
    throw fail('maxConsecutiveFailures', 'a whole number >= 1', countProblem);
  }
  const durationProblem = duration === undefined ? undefined : positiveNumberIssueCode(duration);
  if (durationProblem !== undefined) {
    throw fail('maxFailureDurationMs', 'a positive number of ms', durationProblem);
  }
  if (action !== 'PAUSED' && action !== 'DISABLED') {
    const code = typeof action === 'string' ? 'invalid_value' : typeIssueCode(action);
    throw fail('action', "'PAUSED' or 'DISABLED'", code);
  }
}
