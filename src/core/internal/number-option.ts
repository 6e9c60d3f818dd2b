// The one rule for a positive, finite number that need not be whole: a tolerance in seconds, a
// retry delay, a duration or a timeout in milliseconds (docs/design.md §5.26). The sibling of the
// integer rule (`integer-option.ts`): every check of such a value takes its issue code from
// `positiveNumberIssueCode`, so the verifiers, the receivers, the retry and health policies and the
// transport classify the same value alike. Each site words its own message (what the number is
// for, and why no value turns the check off); the code and the rule come from here.

import type { ValidationIssueCode } from '../errors.js';

/** The upper end of a positive number, included. */
export interface NumberRange {
  /** The largest accepted value; default `Number.MAX_VALUE` (any finite number). */
  readonly max?: number;
}

/**
 * The rule: `undefined` when `value` is a finite number above 0 and at most `range.max`, else what
 * is wrong with it:
 *
 * - `invalid_type`: not a number, or NaN (a number type holding no number);
 * - `too_small`: 0 or below, `-Infinity` included;
 * - `too_big`: above `range.max`, and `+Infinity` always (the rule requires a finite number).
 *
 * The infinities are numbers on one side of the range, so they get that side's code, as a value
 * past either end does. (The integer rule differs on purpose: there `Infinity`, like 1.5, is not
 * an integer at all, `invalid_type`.) `undefined` is not checked here: callers decide whether it
 * is a default or `required`.
 */
export function positiveNumberIssueCode(
  value: unknown,
  range?: NumberRange,
): ValidationIssueCode | undefined {
  if (typeof value !== 'number' || Number.isNaN(value)) return 'invalid_type';
  if (value <= 0) return 'too_small';
  if (value === Number.POSITIVE_INFINITY || value > (range?.max ?? Number.MAX_VALUE)) {
    return 'too_big';
  }
  return undefined;
}
