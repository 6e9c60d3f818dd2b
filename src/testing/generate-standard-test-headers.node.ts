import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import {
  type StandardWebhookHeaders,
  signStandardWebhook,
} from '../signature/sign-standard-webhook.node.js';
import { resolveTimestampSeconds } from './internal/resolve-timestamp-seconds.js';

/** Options of {@link generateStandardTestHeaders}. */
export interface GenerateStandardTestHeadersOptions {
  /** The exact body the test will send: a string (signed as UTF-8) or bytes (view bounds respected). */
  readonly payload: string | Uint8Array;
  /**
   * The signing secret, `whsec_` + base64 (or bare base64), or up to 8 secrets: one `v1,` entry
   * each, in this order (a rotation).
   */
  readonly secret: string | readonly string[];
  /**
   * The `webhook-id`: 1 to 256 visible ASCII characters without `.` (the event id when the body
   * is a Novatrade24 event, as `STANDARD_WEBHOOKS_PROFILE` sends it).
   * @default 'evt_00000000000000000000000000'
   */
  readonly id?: string | undefined;
  /**
   * The `webhook-timestamp` in **Unix seconds** (a positive integer of at most 12 digits). Wins
   * over `now` when both are given.
   * @default Math.floor(now() / 1000)
   */
  readonly timestampSeconds?: number | undefined;
  /**
   * The clock, in epoch **milliseconds**: pass a fake clock's `now` to sign at its time.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
}

const DEFAULT_ID = `evt_${'0'.repeat(26)}`;

/**
 * Signs a test body in the Standard Webhooks format and returns its three headers,
 * `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64>` (one entry per secret):
 * feed them to `verifyStandardWebhook`, `constructStandardEvent`, your own handler, or
 * `new Webhook(secret).verify(body, headers)` from `standardwebhooks`. It is `signStandardWebhook`
 * with an injectable clock and a default id, not a second implementation (docs/design.md §5.22).
 *
 * @param options - `payload`, `secret`, `id`, and the time as `timestampSeconds` (Unix seconds)
 *   or `now` (epoch ms clock).
 * @returns the three headers, under their lowercase names.
 * @throws WebhookVerificationError `invalid_payload_type` when `payload` is not a string or a
 *   Uint8Array.
 * @throws WebhookValidationError `invalid_secret` (empty, not base64, more than 8) or
 *   `invalid_option` naming `options`, `id`, `timestampSeconds` or `now`.
 * @example
 * ```ts
 * import { createFakeClock, generateStandardTestHeaders } from '@novatrade24/webhooks/testing';
 * import { verifyStandardWebhook } from '@novatrade24/webhooks/receiver';
 *
 * const clock = createFakeClock();
 * const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
 * const body = JSON.stringify({ hello: 'world' });
 * const headers = generateStandardTestHeaders({ payload: body, secret, now: clock.now });
 * verifyStandardWebhook(body, headers, secret, { now: clock.now }); // { id: 'evt_000…', timestamp: 1767225600 }
 * ```
 */
export function generateStandardTestHeaders(
  options: GenerateStandardTestHeadersOptions,
): StandardWebhookHeaders {
  assertOptionsObject(options);
  const timestamp = resolveTimestampSeconds(options.timestampSeconds, options.now);
  return signStandardWebhook(options.payload, {
    id: options.id ?? DEFAULT_ID,
    secret: options.secret,
    timestamp,
  });
}
