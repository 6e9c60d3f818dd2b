// The nested option objects of a sender where a typo is likely: the retry and health policies of
// its profile, written by hand when a profile is customised (`{ ...NOVATRADE_PROFILE, retryPolicy:
// { … } }`, docs/retries.md). Their keys are checked like the sender's own options, so `jiter` or
// `maxConsecutiveFailure` is refused with the nearest name instead of leaving jitter off or the
// endpoint never paused. The profile itself is not checked: it is a port-like object that may
// carry more than `WireProfile` (a wrapper's own fields), as storage and transport do. The values
// are the core's to check (`assertRetryPolicy`, `assertHealthPolicy`); `checkProfilePart` puts
// their issues under the profile's paths, in the same form as the key check's.

import { WebhookValidationError } from '../../core/errors.js';
import { assertKnownOptions } from '../../core/internal/assert-known-options.js';
import type { WireProfile } from '../../core/profiles/wire-profile.js';
import type { HealthPolicy } from '../../core/retry/health-policy.js';
import type { RetryJitter, RetryPolicy, RetrySchedule } from '../../core/retry/retry-policy.js';

/** Every key of {@link RetryPolicy} (a type test keeps the lists here complete). */
export const RETRY_POLICY_KEYS = [
  'schedule',
  'jitter',
  'maxRetryAfterMs',
] as const satisfies readonly (keyof RetryPolicy)[];

/** Every key of an offsets {@link RetrySchedule}. */
export const OFFSETS_SCHEDULE_KEYS = [
  'kind',
  'offsetsMs',
] as const satisfies readonly (keyof Extract<RetrySchedule, { kind: 'offsets' }>)[];

/** Every key of an intervals {@link RetrySchedule}. */
export const INTERVALS_SCHEDULE_KEYS = [
  'kind',
  'intervalsMs',
] as const satisfies readonly (keyof Extract<RetrySchedule, { kind: 'intervals' }>)[];

/** Every key of {@link RetryJitter}. */
export const RETRY_JITTER_KEYS = ['maxRatio'] as const satisfies readonly (keyof RetryJitter)[];

/** Every key of {@link HealthPolicy}. */
export const HEALTH_POLICY_KEYS = [
  'maxConsecutiveFailures',
  'maxFailureDurationMs',
  'action',
] as const satisfies readonly (keyof HealthPolicy)[];

/**
 * Refuses unknown keys in `profile.retryPolicy` (its `schedule` and `jitter` included) and
 * `profile.healthPolicy`. Values are the core's assertions' to check, after this (through
 * {@link checkProfilePart}); a part that is not an object is skipped here and refused there.
 *
 * @throws WebhookValidationError `invalid_option`, one issue per unknown key, its path under the
 *   profile (`profile.retryPolicy.jiter`), with the nearest known name.
 */
export function assertProfilePolicyKeys(profile: WireProfile): void {
  const retry: unknown = profile.retryPolicy;
  check(retry, RETRY_POLICY_KEYS, 'profile.retryPolicy');
  if (typeof retry === 'object' && retry !== null) {
    const { schedule, jitter } = retry as { schedule?: unknown; jitter?: unknown };
    const kind = (schedule as { kind?: unknown } | null | undefined)?.kind;
    if (kind === 'offsets') check(schedule, OFFSETS_SCHEDULE_KEYS, 'profile.retryPolicy.schedule');
    if (kind === 'intervals') {
      check(schedule, INTERVALS_SCHEDULE_KEYS, 'profile.retryPolicy.schedule');
    }
    check(jitter, RETRY_JITTER_KEYS, 'profile.retryPolicy.jitter');
  }
  check(profile.healthPolicy, HEALTH_POLICY_KEYS, 'profile.healthPolicy');
}

/**
 * Runs a check of the profile part at `at` (`() => assertRetryPolicy(profile.retryPolicy)`) and
 * words its `WebhookValidationError` for the sender: the message led by `` WebhookSender `at`: ``,
 * as the key check's, and each issue's path put under `at` (`schedule.offsetsMs[0]` becomes
 * `profile.retryPolicy.schedule.offsetsMs[0]`; the check's `policy`, the part itself, becomes
 * `at`). Issue codes are kept.
 *
 * @throws WebhookValidationError `invalid_option`, the check's issues under `at`.
 */
export function checkProfilePart(at: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof WebhookValidationError)) throw error;
    const message = `WebhookSender \`${at}\`: ${error.message}`;
    throw new WebhookValidationError('invalid_option', message, {
      issues: error.issues.map((issue) => ({
        ...issue,
        path: pathUnder(at, issue.path === 'policy' ? '' : issue.path),
        message,
      })),
    });
  }
}

/** `assertKnownOptions` for a nested object: the message and each issue path name where it is. */
function check(value: unknown, known: readonly string[], at: string): void {
  try {
    assertKnownOptions(value, known, `WebhookSender \`${at}\``);
  } catch (error) {
    if (!(error instanceof WebhookValidationError)) throw error;
    throw new WebhookValidationError('invalid_option', error.message, {
      issues: error.issues.map((issue) => ({ ...issue, path: pathUnder(at, issue.path) })),
    });
  }
}

/** `path` (relative to the part at `at`; `''` is the part itself) as a path from the options. */
function pathUnder(at: string, path: string): string {
  return path === '' ? at : `${at}.${path}`;
}
