/**
 * How the API client retries a call. A 429 or a 503 waits for its
 * `Retry-After` plus 0–500 ms of jitter; without one, and after any other 5xx, a network failure
 * or an attempt that got no answer within `timeoutMs`, the wait grows exponentially from
 * `minDelayMs` (doubling per retry, at most `maxDelayMs`) plus the same jitter. No wait is longer
 * than 2^31 − 1 ms. Other 4xx answers are never retried. Writes retry safely because every attempt
 * of one call carries the same `Idempotency-Key`.
 *
 * `retry: false` on the client makes one attempt per call.
 *
 * @example
 * ```ts
 * createWebhooksClient({ baseUrl, auth, retry: { attempts: 3, maxRetryAfterMs: 10_000 } });
 * ```
 */
export interface ClientRetryOptions {
  /**
   * Attempts per call, the first included: an integer from 1 to 10.
   * @default 5
   */
  readonly attempts?: number | undefined;
  /**
   * The first exponential wait, milliseconds (0 or more).
   * @default 500
   */
  readonly minDelayMs?: number | undefined;
  /**
   * The longest exponential wait, milliseconds, at least `minDelayMs` (the jitter comes on top).
   * @default 30000
   */
  readonly maxDelayMs?: number | undefined;
  /**
   * The longest `Retry-After` the client waits for, milliseconds. A longer one is not waited
   * for: the 429 or 503 is thrown at once (its `retryAfterSeconds` says how long the server asked
   * for), so a call never hangs for hours.
   * @default 60000
   */
  readonly maxRetryAfterMs?: number | undefined;
}

/**
 * The defaults of {@link ClientRetryOptions}.
 *
 * @example
 * ```ts
 * DEFAULT_CLIENT_RETRY_OPTIONS.attempts; // 5
 * // Twice the default attempts, the other defaults kept:
 * createWebhooksClient({ baseUrl, auth, retry: { ...DEFAULT_CLIENT_RETRY_OPTIONS, attempts: 10 } });
 * ```
 */
export const DEFAULT_CLIENT_RETRY_OPTIONS: Readonly<
  Required<{
    [K in keyof ClientRetryOptions]: number;
  }>
> = Object.freeze({
  attempts: 5,
  minDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});
