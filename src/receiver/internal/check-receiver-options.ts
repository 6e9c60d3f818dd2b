import { describeValue } from '../../core/internal/describe-value.js';
import { integerOptionOr } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { assertSecrets } from '../../core/signature/internal/assert-secrets.js';

/** The secrets, checked and copied (a later change to the caller's array has no effect). */
export function readSecrets(secret: unknown): readonly string[] {
  return Object.freeze([...assertSecrets(secret)]);
}

/** `toleranceSeconds`: absent, or positive and finite (no value turns the window off). */
export function readToleranceSeconds(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(
      'toleranceSeconds',
      `\`toleranceSeconds\` must be a positive, finite number of seconds, got ${typeof value === 'number' ? value : describeValue(value)}.`,
      typeof value === 'number' && Number.isFinite(value) ? 'too_small' : 'invalid_type',
    );
  }
  return value;
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

/** The longest delay a timer takes (2^31 - 1 ms, about 24.8 days); beyond it, timers fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * `storeTimeoutMs`: absent (`fallback`), or a whole number of milliseconds from 1 to
 * {@link MAX_TIMER_MS}. No value turns the deadline off: a store that never answers must not
 * hold a request (and its body) forever (docs/design.md §5.19).
 *
 * @param owner - the receiver class, named in the message.
 */
export function readStoreTimeoutMs(
  value: unknown,
  fallback: number,
  owner = 'WebhookReceiver',
): number {
  return integerOptionOr(owner, 'storeTimeoutMs', value, fallback, { max: MAX_TIMER_MS });
}
