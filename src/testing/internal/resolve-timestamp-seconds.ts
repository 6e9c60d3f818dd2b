import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { typeIssueCode } from '../../core/internal/type-issue-code.js';
import { MAX_TIMESTAMP_SECONDS } from '../../core/signature/constants.js';
import { assertTimestampSeconds } from '../../core/signature/internal/assert-timestamp-seconds.js';

/**
 * The signing time in Unix seconds from a `timestampSeconds` / `now` option pair: an explicit
 * `timestampSeconds` wins (as in Stripe's `generateTestHeaderString`); otherwise
 * `Math.floor(now() / 1000)`, with `now` defaulting to `Date.now`. Both options are checked even
 * when `timestampSeconds` makes `now` unused, so a typo fails at once (CONTRIBUTING.md, "Errors").
 *
 * @throws WebhookValidationError `invalid_option` naming `timestampSeconds` or `now`.
 */
export function resolveTimestampSeconds(timestampSeconds: unknown, now: unknown): number {
  if (now !== undefined && typeof now !== 'function') {
    throw invalidOption(
      'now',
      `now must be a function returning epoch milliseconds (like Date.now); got ${describeValue(now)}.`,
      typeIssueCode(now),
    );
  }
  if (timestampSeconds !== undefined) {
    assertTimestampSeconds(timestampSeconds, 'timestampSeconds');
    return timestampSeconds;
  }
  const nowMs: unknown = now === undefined ? Date.now() : (now as () => unknown)();
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    throw invalidOption(
      'now',
      `now() must return finite epoch milliseconds; got ${
        typeof nowMs === 'number' ? String(nowMs) : describeValue(nowMs)
      }.`,
      'invalid_value',
    );
  }
  const seconds = Math.floor(nowMs / 1000);
  if (seconds < 1 || seconds > MAX_TIMESTAMP_SECONDS) {
    throw invalidOption(
      'now',
      `now() must return epoch milliseconds from 1000 to ${MAX_TIMESTAMP_SECONDS}999 (a Unix ` +
        `second the signature header can carry); got ${String(nowMs)}.`,
      nowMs < 1000 ? 'too_small' : 'too_big',
    );
  }
  return seconds;
}
