/**
 * The rate-limit state an answer reported (`X-RateLimit-*`; spec: every response carries them).
 *
 * @example
 * ```ts
 * const { rateLimit } = await client.endpoints.list();
 * if (rateLimit !== undefined && rateLimit.remaining === 0) {
 *   await waitUntil(rateLimit.resetSeconds * 1000); // Unix seconds
 * }
 * ```
 */
export interface RateLimitInfo {
  /** Requests allowed in the current window. */
  readonly limit: number;
  /** Requests left in the current window. */
  readonly remaining: number;
  /** When the window resets, Unix seconds. */
  readonly resetSeconds: number;
  /** The budget the call counted against (`read`, `write`, `webhook`), when the server said. */
  readonly category: string | undefined;
}

/**
 * What a client call answers: the parsed body and what the final response said about itself.
 *
 * @example
 * ```ts
 * const response = await client.endpoints.create(input);
 * response.status; // 201
 * response.data.secret; // whsec_…: shown in this answer only
 * response.idempotencyKey; // the key it sent: repeat the write with it, never a new one
 * response.attempts; // 1, or more when it was retried
 * ```
 */
export interface ApiResponse<T> {
  /** The parsed body (`undefined` for 204 No Content). */
  readonly data: T;
  /** The HTTP status of the final answer. */
  readonly status: number;
  /** The final answer's headers. */
  readonly headers: Headers;
  /** `X-RateLimit-*`, or `undefined` when the answer had none (or malformed ones). */
  readonly rateLimit: RateLimitInfo | undefined;
  /** `X-Request-Id` of the answer. */
  readonly requestId: string | undefined;
  /** True when the server answered from its idempotency record (`Idempotent-Replayed: true`). */
  readonly idempotentReplayed: boolean;
  /**
   * The `Idempotency-Key` the call sent: yours, or the UUID the client generated for a write;
   * `undefined` for a read. Store it to repeat the same write later with
   * `{ idempotencyKey: response.idempotencyKey }`.
   */
  readonly idempotencyKey: string | undefined;
  /** How many HTTP attempts the call took (1 when the first answered). */
  readonly attempts: number;
}
