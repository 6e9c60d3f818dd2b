// The one integer rule (p-retry's validateNumberOption is the model): every constructor and method
// that takes a count, a size, a duration in milliseconds or a page reads it here, so the rule, the
// message and the issue code are the same wherever the value is given. `integerIssueCode` is the
// rule; the other functions word it as an `invalid_option` error.

import type { ValidationIssueCode } from '../errors.js';
import { describeNumberOption } from './describe-value.js';
import { invalidOption } from './invalid-option.js';

/** The accepted range of an integer, both ends included. */
export interface IntegerRange {
  /** The smallest accepted value; default 1. */
  readonly min?: number;
  /** The largest accepted value; default `Number.MAX_SAFE_INTEGER`. */
  readonly max?: number;
}

/**
 * The rule: `undefined` when `value` is a safe integer within `range` (default: at least 1), else
 * what is wrong with it: `invalid_type` (not a number, or not a safe integer: NaN, 1.5, Infinity),
 * `too_small` or `too_big`. `undefined` itself is not checked here: callers decide whether it is
 * a default or `required`. For callers that word their own message (a query that lists every
 * problem, a Unix timestamp with a hint about milliseconds).
 */
export function integerIssueCode(
  value: unknown,
  range?: IntegerRange,
): ValidationIssueCode | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'invalid_type';
  if (value < (range?.min ?? 1)) return 'too_small';
  if (value > (range?.max ?? Number.MAX_SAFE_INTEGER)) return 'too_big';
  return undefined;
}

/** What an integer within `range` is called in a message: "a positive integer", … */
export function describeIntegerRange(range?: IntegerRange): string {
  const min = range?.min ?? 1;
  const max = range?.max ?? Number.MAX_SAFE_INTEGER;
  if (max === Number.MAX_SAFE_INTEGER) {
    if (min === 1) return 'a positive integer';
    if (min === 0) return 'a non-negative integer';
    return `an integer of at least ${min}`;
  }
  return `an integer from ${min} to ${max}`;
}

/**
 * Checks `value` as the integer option `name` of `owner` (the class or function that takes it,
 * named in the message). `undefined` is returned as is; pair it with `??` for a default, or use
 * {@link integerOptionOr} / {@link requiredIntegerOption}. The message quotes a rejected number:
 * options are the developer's own arguments (docs/design.md §5.20), never a request's values.
 *
 * @throws WebhookValidationError `invalid_option` with one issue at `name`: `invalid_type`,
 *   `too_small` or `too_big` ({@link integerIssueCode}).
 */
export function integerOption(
  owner: string,
  name: string,
  value: unknown,
  range?: IntegerRange,
): number | undefined {
  if (value === undefined) return undefined;
  const code = integerIssueCode(value, range);
  if (code === undefined) return value as number;
  throw invalidOption(
    name,
    `${owner}: \`${name}\` must be ${describeIntegerRange(range)}, got ${describeNumberOption(value)}.`,
    code,
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

/**
 * {@link integerOption} for an argument that must be given (a method's `limit`, a target's
 * `maxBodyBytes`): `undefined` is refused with the issue code `required`.
 *
 * @throws WebhookValidationError `invalid_option` with one issue at `name`: `required`,
 *   `invalid_type`, `too_small` or `too_big`.
 */
export function requiredIntegerOption(
  owner: string,
  name: string,
  value: unknown,
  range?: IntegerRange,
): number {
  const checked = integerOption(owner, name, value, range);
  if (checked !== undefined) return checked;
  throw invalidOption(
    name,
    `${owner}: \`${name}\` is required (${describeIntegerRange(range)}), got undefined.`,
    'required',
  );
}
