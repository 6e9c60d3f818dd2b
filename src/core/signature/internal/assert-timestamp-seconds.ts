import { describeValue } from '../../internal/describe-value.js';
import { integerIssueCode } from '../../internal/integer-option.js';
import { invalidOption } from '../../internal/invalid-option.js';
import { MAX_TIMESTAMP_SECONDS } from '../constants.js';

/**
 * Checks a Unix timestamp in seconds: a positive integer of at most 12 digits, so that it
 * round-trips through the header's `t` unchanged.
 *
 * @throws WebhookValidationError `invalid_option` naming `name`.
 */
export function assertTimestampSeconds(value: unknown, name: string): asserts value is number {
  const code =
    value === undefined
      ? 'required'
      : integerIssueCode(value, { min: 1, max: MAX_TIMESTAMP_SECONDS });
  if (code === undefined) return;
  const hint =
    code === 'too_big'
      ? ' It looks like milliseconds: divide by 1000 (Math.floor(Date.now() / 1000)).'
      : '';
  throw invalidOption(
    name,
    `${name} must be Unix seconds, a positive integer of at most 12 digits; got ${
      typeof value === 'number' ? String(value) : describeValue(value)
    }.${hint}`,
    code,
  );
}
