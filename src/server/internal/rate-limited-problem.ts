/**
 * The 429 `rate-limited` problem of the management API, worded as the Novatrade24 API words it:
 * `"60 requests per minute for write category exceeded."` when the minute budget is spent, and
 * `"20 requests per 10 seconds for write category exceeded."` when the 10-second burst cap
 * refused the request. It carries `Retry-After`; the server adds the `X-RateLimit-*` headers of
 * the limiter's decision itself.
 */

import { integerOption } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { assertRetryAfterSeconds, type ProblemInput } from './problem.js';
import { RATE_LIMIT_CATEGORIES, type RateLimitCategory } from './rate-limit/rate-limit-policy.js';

/** What {@link rateLimitedProblem} says: the refused window, its limit and the wait. */
export interface RateLimitedProblemInput {
  /** The category's per-minute limit, e.g. `60`. */
  readonly limit: number;
  /** The category the request counts against. */
  readonly category: RateLimitCategory;
  /** Whole seconds until a request would be allowed (1 to 86400): the `Retry-After` value. */
  readonly retryAfterSeconds: number;
  /** Which window refused the request: the minute budget, or the 10-second burst cap. */
  readonly exceeded: 'minute' | 'burst';
  /** The category's burst cap per 10 seconds; required when `exceeded` is `'burst'`. */
  readonly burstLimit?: number;
}

const OWNER = 'rateLimitedProblem';

/**
 * The 429 `rate-limited` problem for a refused request; pass it to `managementProblemResponse`.
 *
 * @param input - the limit, the category, the `Retry-After` and the window that refused it.
 * @returns a `ProblemInput` with the spec's detail text and a `Retry-After` header.
 * @throws WebhookValidationError `invalid_option` at `limit` or `burstLimit` (not a positive
 *   integer; `burstLimit` missing for a burst refusal), `category` (not `read`, `write` or
 *   `webhook`), `exceeded` (neither `minute` nor `burst`) or `retryAfterSeconds` (not an integer
 *   from 1 to 86400).
 * @example
 * ```ts
 * rateLimitedProblem({ limit: 60, category: 'write', retryAfterSeconds: 12, exceeded: 'minute' });
 * // { type: 'rate-limited', detail: '60 requests per minute for write category exceeded.',
 * //   headers: { 'Retry-After': '12' } }
 * ```
 */
export function rateLimitedProblem(input: RateLimitedProblemInput): ProblemInput {
  const { limit, category, retryAfterSeconds, exceeded, burstLimit } = input;
  integerOption(OWNER, 'limit', limit === undefined ? Number.NaN : limit);
  if (typeof category !== 'string' || !RATE_LIMIT_CATEGORIES.includes(category)) {
    throw invalidOption(
      'category',
      `${OWNER}: \`category\` must be one of ${RATE_LIMIT_CATEGORIES.join(', ')}.`,
      'invalid_value',
    );
  }
  assertRetryAfterSeconds(retryAfterSeconds, OWNER);
  let detail: string;
  if (exceeded === 'minute') {
    detail = `${limit} requests per minute for ${category} category exceeded.`;
  } else if (exceeded === 'burst') {
    if (burstLimit === undefined) {
      throw invalidOption(
        'burstLimit',
        `${OWNER}: \`burstLimit\` is required when \`exceeded\` is 'burst'.`,
        'required',
      );
    }
    integerOption(OWNER, 'burstLimit', burstLimit);
    detail = `${burstLimit} requests per 10 seconds for ${category} category exceeded.`;
  } else {
    throw invalidOption(
      'exceeded',
      `${OWNER}: \`exceeded\` must be 'minute' or 'burst'.`,
      'invalid_value',
    );
  }
  return { type: 'rate-limited', detail, headers: { 'Retry-After': String(retryAfterSeconds) } };
}
