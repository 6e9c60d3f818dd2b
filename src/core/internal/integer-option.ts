// The one check of an integer option (p-retry's validateNumberOption is the model): every
// constructor and method that takes a count, a size or a duration in milliseconds reads it here, so
// the rule, the message and the issue code are the same wherever the option is given.

import { describeValue } from './describe-value.js';
import { invalidOption } from './invalid-option.js';

/** The accepted range of an integer option, both ends included. */
export interface IntegerRange {
  /** The smallest accepted value; default 1. */
  readonly min?: number;
  /** The largest accepted value; default `Number.MAX_SAFE_INTEGER`. */
  readonly max?: number;
}

function expected(min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER) {
    if (min === 1) return 'a positive integer';
    if (min === 0) return 'a non-negative integer';
    return `an integer of at least ${min}`;
  }
  return `an integer from ${min} to ${max}`;
}

/**
 * Checks `value` as the integer option `name` of `owner` (the class or function that takes it,
 * named in the message): a safe integer within `range` (default: at least 1). `undefined` is
 * returned as is; pair it with `??` for a default.
 *
 * @throws WebhookValidationError `invalid_option` with one issue at `name`: `invalid_type` for a
 * value that is not a number or not an integer, `too_small` or `too_big` for one out of range.
 */
export function integerOption(
  owner: string,
  name: string,
  value: unknown,
  range?: IntegerRange,
): number | undefined {
  if (value === undefined) return undefined;
  const min = range?.min ?? 1;
  const max = range?.max ?? Number.MAX_SAFE_INTEGER;
  const isInteger = typeof value === 'number' && Number.isSafeInteger(value);
  if (isInteger && value >= min && value <= max) return value;
  const got = typeof value === 'number' ? String(value) : describeValue(value);
  throw invalidOption(
    name,
    `${owner}: \`${name}\` must be ${expected(min, max)}, got ${got}.`,
    !isInteger ? 'invalid_type' : value < min ? 'too_small' : 'too_big',
  );
}

/** {@link integerOption} with a default for `undefined`. */
export function integerOptionOr(
  owner: string,
  name: string,
  value: unknown,
  fallback: number,
  range?: IntegerRange,
): number {
  return integerOption(owner, name, value, range) ?? fallback;
}
