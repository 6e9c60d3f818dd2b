import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { signNovatradePayload } from '../signature/sign-novatrade-payload.node.js';
import { resolveTimestampSeconds } from './internal/resolve-timestamp-seconds.js';

/** Options of {@link generateTestHeader}. */
export interface GenerateTestHeaderOptions {
  /** The exact body the test will send: a string (signed as UTF-8) or bytes (view bounds respected). */
  readonly payload: string | Uint8Array;
  /**
   * The signing secret, used as-is (`whsec_` prefix included), or up to 8 secrets: one `v1=`
   * entry each, in this order (a rotation, docs/design.md §5.6).
   */
  readonly secret: string | readonly string[];
  /**
   * `t`: the signing time in **Unix seconds** (a positive integer of at most 12 digits). Wins
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

/**
 * Signs a test body the way a Novatrade24 sender does and returns the `X-Novatrade-Signature`
 * value `t=<unix seconds>,v1=<hex>` (one `v1=` per secret). The counterpart of Stripe's
 * `generateTestHeaderString`: feed it to your receiver or to `verifyNovatradeSignature` in tests.
 * It is `signNovatradePayload` with an injectable clock, not a second implementation.
 *
 * @param options - `payload`, `secret`, and the time as `timestampSeconds` (Unix seconds) or
 *   `now` (epoch ms clock).
 * @returns the header value.
 * @throws WebhookVerificationError `invalid_payload_type` when `payload` is not a string or a
 *   Uint8Array (serialise an object with `JSON.stringify` and sign that exact string).
 * @throws WebhookValidationError `invalid_secret` (empty, not a string, more than 8) or
 *   `invalid_option` naming `options`, `timestampSeconds` or `now`.
 * @example
 * ```ts
 * import { createFakeClock, generateTestHeader } from '@novatrade24/webhooks/testing';
 * import { verifyNovatradeSignature } from '@novatrade24/webhooks';
 *
 * const clock = createFakeClock();
 * const body = JSON.stringify({ hello: 'world' });
 * const header = generateTestHeader({ payload: body, secret: 'whsec_test', now: clock.now });
 * verifyNovatradeSignature(body, header, 'whsec_test', { now: clock.now }); // { timestamp: 1767225600 }
 * ```
 */
export function generateTestHeader(options: GenerateTestHeaderOptions): string {
  assertOptionsObject(options);
  const timestampSeconds = resolveTimestampSeconds(options.timestampSeconds, options.now);
  return signNovatradePayload(options.payload, options.secret, { timestamp: timestampSeconds });
}
