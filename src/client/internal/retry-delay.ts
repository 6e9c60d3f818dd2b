// The wait before a retry, as data plus a pure function (CONTRIBUTING.md, "Retry engine"): the
// HTTP core decides whether a failure is retryable, this decides how long to wait. Every wait is
// at most MAX_TIMER_MS, jitter included: a timer given more fires at once (docs/design.md §5.26).

import { MAX_TIMER_MS } from '../../core/internal/timer-delay.js';

/** The client's retry policy, every field resolved (see `ClientRetryOptions`). */
export interface RetryPolicy {
  /** Attempts per call, the first included (1 = no retry). */
  readonly attempts: number;
  /** The first exponential wait, milliseconds. */
  readonly minDelayMs: number;
  /** The longest exponential wait, milliseconds (before jitter). */
  readonly maxDelayMs: number;
  /** The longest `Retry-After` waited for, milliseconds. */
  readonly maxRetryAfterMs: number;
}

/** The jitter added to every wait: 0 to this many milliseconds (the seeds' "0–500 ms"). */
export const MAX_JITTER_MS = 500;

/** What the wait depends on. */
export interface RetryDelayInput {
  /** Which retry this is: 1 before the second attempt, 2 before the third, … */
  readonly retryNumber: number;
  /** The answer's `Retry-After` in milliseconds (429 and 503 only), or `undefined`. */
  readonly retryAfterMs: number | undefined;
  /** The policy. */
  readonly policy: RetryPolicy;
  /** A random number in [0, 1): picks the jitter (a value outside is clamped). */
  readonly random: number;
}

/**
 * The wait before retry `retryNumber`, in whole milliseconds: `Retry-After` when the answer gave
 * one, else `min(maxDelayMs, minDelayMs * 2^(retryNumber - 1))`, plus `floor(random * 501)` ms of
 * jitter (0–500 ms), and never more than `MAX_TIMER_MS` (2^31 − 1) in all. A `Retry-After` over
 * `maxRetryAfterMs` is not waited for: the answer is `undefined`, and the call throws at once.
 *
 * @example
 * ```ts
 * retryDelayMs({ retryNumber: 1, retryAfterMs: 2000, policy, random: 0.5 }); // 2250
 * retryDelayMs({ retryNumber: 3, retryAfterMs: undefined, policy, random: 0 }); // 2000 (500 * 4)
 * ```
 */
export function retryDelayMs(input: RetryDelayInput): number | undefined {
  const { policy, retryAfterMs } = input;
  const random = Number.isFinite(input.random) ? Math.min(Math.max(input.random, 0), 1) : 0;
  const jitter = Math.min(MAX_JITTER_MS, Math.floor(random * (MAX_JITTER_MS + 1)));
  if (retryAfterMs !== undefined) {
    if (!(retryAfterMs <= policy.maxRetryAfterMs)) return undefined;
    return Math.min(MAX_TIMER_MS, Math.ceil(retryAfterMs) + jitter);
  }
  // At most 2^52: past 1023 retries 2^n is Infinity, and 0 · Infinity (minDelayMs 0) is NaN.
  const exponent = Math.min(52, Math.max(0, input.retryNumber - 1));
  const backoff = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** exponent);
  return Math.min(MAX_TIMER_MS, backoff + jitter);
}
