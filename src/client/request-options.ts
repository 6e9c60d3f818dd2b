/**
 * The last argument of every read (`GET`) call of the clients.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 5_000);
 * await client.endpoints.list({ signal: controller.signal, requestId: 'req_checkout_42' });
 * ```
 */
export interface RequestOptions {
  /**
   * Cancels the call: the request in flight and any wait between retries, and ends the call's wait
   * for a token request (which goes on for the other calls waiting for it). The call then rejects
   * with the signal's reason. No listener stays on the signal once the call has ended.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Sent as `X-Request-Id`: the server echoes it, logs it and puts it in a problem's `traceId`
   * (without one, the server makes its own). 1 to 128 visible ASCII characters without spaces;
   * another value rejects the call with `WebhookValidationError` `invalid_option` before anything
   * is sent.
   */
  readonly requestId?: string | undefined;
}

/**
 * The last argument of every write (`POST`, `PATCH`, `DELETE`) call of the clients.
 *
 * @example
 * ```ts
 * // A key of your own, stored with the order: a retry after a crash replays the first answer.
 * await client.events.publish(input, { idempotencyKey: `order-${orderId}-decided` });
 * ```
 */
export interface WriteRequestOptions extends RequestOptions {
  /**
   * The `Idempotency-Key`: 1 to 255 visible ASCII characters without spaces; another value rejects
   * the call with `WebhookValidationError` `invalid_option` before anything is sent. Without one,
   * the client generates a UUID once per call and sends it on every retry of that call; give your
   * own to make a call idempotent across processes or restarts, or the one on a failed write's
   * error (`err.idempotencyKey`) to repeat it. The same key with another body is a 422
   * `idempotency-key-reused`.
   */
  readonly idempotencyKey?: string | undefined;
}
