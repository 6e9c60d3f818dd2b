import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { buildStandardWebhookSignature } from '../core/signature/build-standard-webhook-signature.js';
import { assertTimestampSeconds } from '../core/signature/internal/assert-timestamp-seconds.js';
import { nodeHmacSha256Base64 } from './node-hmac-sha256-base64.node.js';

/** Options of {@link signStandardWebhook}. */
export interface SignStandardWebhookOptions {
  /**
   * The `webhook-id`: the message id, the same on every retry of one message (receivers
   * deduplicate on it). 1 to 256 visible ASCII characters without `.`.
   */
  readonly id: string;
  /**
   * The endpoint's secret (`whsec_` + base64, or bare base64), or up to 8 during a rotation: one
   * `v1,` entry each, in this order.
   */
  readonly secret: string | readonly string[];
  /**
   * The `webhook-timestamp`: the signing time in **Unix seconds** (a positive integer of at most
   * 12 digits; a millisecond value is rejected). Set it in tests for reproducible headers.
   * @default Math.floor(Date.now() / 1000)
   */
  readonly timestamp?: number | undefined;
}

/**
 * The three headers of a Standard Webhooks request, under their lowercase names
 * (`STANDARD_WEBHOOKS_HEADERS`). A type alias, not an interface, so that it passes where a header
 * record is expected (`new Headers(…)`, `fetch`, `verifyStandardWebhook`).
 */
export type StandardWebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

/**
 * Signs a raw body with the Standard Webhooks scheme and returns the three headers to send with
 * it: `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64>` (one entry per
 * secret), where each signature is
 * `base64(HMAC-SHA256(base64-decoded secret, "<id>.<timestamp>.<raw body>"))`.
 * `new Webhook(secret).verify(body, headers)` from `standardwebhooks` accepts them.
 *
 * Synchronous, on `node:crypto`; `buildStandardWebhookSignature` is the runtime-neutral core and
 * `STANDARD_WEBHOOKS_PROFILE` the sender's (docs/design.md §5.22).
 *
 * @param payload - the exact body you will send: a string (hashed as UTF-8) or bytes.
 * @param options - `id`, `secret` and `timestamp` in Unix seconds.
 * @returns the headers, ready to spread into a request's headers.
 * @throws WebhookVerificationError `invalid_payload_type` when `payload` is not a string or a
 *   Uint8Array (serialise objects with `JSON.stringify` first and send that exact string).
 * @throws WebhookValidationError `invalid_secret` (empty, not base64, more than 8) or
 *   `invalid_option` naming `options`, `id` or `timestamp`.
 * @example
 * ```ts
 * const body = JSON.stringify(event);
 * const headers = signStandardWebhook(body, { id: event.id, secret });
 * await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
 * ```
 */
export function signStandardWebhook(
  payload: string | Uint8Array,
  options: SignStandardWebhookOptions,
): StandardWebhookHeaders {
  assertOptionsObject(options);
  let timestampSeconds: number;
  if (options.timestamp === undefined) {
    timestampSeconds = Math.floor(Date.now() / 1000);
  } else {
    assertTimestampSeconds(options.timestamp, 'timestamp');
    timestampSeconds = options.timestamp;
  }
  const signature = buildStandardWebhookSignature(payload, {
    id: options.id,
    timestampSeconds,
    secret: options.secret,
    hmac: nodeHmacSha256Base64,
  });
  return {
    'webhook-id': options.id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signature,
  };
}
