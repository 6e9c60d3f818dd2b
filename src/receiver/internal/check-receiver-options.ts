import { describeValue } from '../../core/internal/describe-value.js';
import { integerOptionOr } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { TIMER_OPTION_RANGE } from '../../core/internal/timer-delay.js';
import { assertSecrets } from '../../core/signature/internal/assert-secrets.js';
import { toleranceSecondsOption } from '../../core/signature/internal/timestamp-window.js';

/** The secrets, checked and copied (a later change to the caller's array has no effect). */
export function readSecrets(secret: unknown): readonly string[] {
  return Object.freeze([...assertSecrets(secret)]);
}

/**
 * `toleranceSeconds`: absent, or positive and finite (no value turns the window off). The core's
 * check, so a receiver's constructor and `constructEvent` refuse a value alike.
 */
export function readToleranceSeconds(value: unknown): number | undefined {
  return toleranceSecondsOption(value);
}

/** `strict`: absent or a boolean. */
export function readStrict(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw invalidOption(
    'strict',
    `\`strict\` must be a boolean, got ${describeValue(value)}.`,
    'invalid_type',
  );
}

/** An array of values from `allowed` (a typo must fail at start-up, not silently), or absent. */
export function readStringList(
  value: unknown,
  name: string,
  allowed: readonly string[],
): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => allowed.includes(item as string))) {
    throw invalidOption(
      name,
      `\`${name}\` must be an array of ${allowed.join(', ')}, got ${describeValue(value)}` +
        `${Array.isArray(value) ? ' with an unknown value' : ''}.`,
      Array.isArray(value) ? 'invalid_value' : 'invalid_type',
    );
  }
  return new Set(value as readonly string[]);
}

/**
 * `storeTimeoutMs`: absent (`fallback`), or a whole number of milliseconds from 1 to
 * `MAX_TIMER_MS`. No value turns the deadline off: a store that never answers must not
 * hold a request (and its body) forever (docs/design.md §5.19).
 *
 * @param owner - the receiver class, named in the message.
 */
export function readStoreTimeoutMs(
  value: unknown,
  fallback: number,
  owner = 'WebhookReceiver',
): number {
  return integerOptionOr(owner, 'storeTimeoutMs', value, fallback, TIMER_OPTION_RANGE);
}
