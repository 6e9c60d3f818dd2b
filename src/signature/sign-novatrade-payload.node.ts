import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { buildNovatradeSignatureHeader } from '../core/signature/build-novatrade-signature-header.js';
import { assertTimestampSeconds } from '../core/signature/internal/assert-timestamp-seconds.js';
import { nodeHmacSha256Hex } from './node-hmac-sha256-hex.node.js';

/** Options of {@link signNovatradePayload}. */
export interface SignNovatradeOptions {
  /**
   * `t`: the signing time in **Unix seconds** (a positive integer of at most 12 digits; a
   * millisecond value is rejected). Set it in tests for reproducible headers.
   * @default Math.floor(Date.now() / 1000)
   */
  readonly timestamp?: number;
}

/**
 * Signs a raw body the way Novatrade24 does and returns the `X-Novatrade-Signature` value
 * `t=<unix seconds>,v1=<hex>`: `v1` is `hex(HMAC-SHA256(secret as UTF-8, "<t>.<raw body>"))`
 * (docs/design.md §6.5). With several secrets (a rotation) the header holds one `v1=` per secret, in the
 * given order, and any of them verifies (docs/design.md §5.6). Stripe's `verifyHeader` accepts it too.
 *
 * Synchronous, on `node:crypto`; `buildNovatradeSignatureHeader` is the runtime-neutral core.
 *
 * @param payload - the exact body you will send: a string (hashed as UTF-8) or bytes.
 * @param secret - the endpoint's secret (used as-is, `whsec_` prefix included), or up to 8 secrets.
 * @param options - `timestamp` in Unix seconds.
 * @returns the header value.
 * @throws WebhookVerificationError `invalid_payload_type` when `payload` is not a string or a
 *   Uint8Array (serialise objects with `JSON.stringify` first and send that exact string).
 * @throws WebhookValidationError `invalid_secret` (empty, not a string, more than 8) or
 *   `invalid_option` naming `options` or `timestamp`.
 * @example
 * ```ts
 * const body = JSON.stringify(event);
 * const signature = signNovatradePayload(body, 'whsec_test_secret', { timestamp: 1729684200 });
 * await fetch(url, { method: 'POST', body, headers: { 'X-Novatrade-Signature': signature } });
 * ```
 */
export function signNovatradePayload(
  payload: string | Uint8Array,
  secret: string | readonly string[],
  options?: SignNovatradeOptions,
): string {
  if (options !== undefined) assertOptionsObject(options);
  let timestampSeconds: number;
  if (options?.timestamp === undefined) {
    timestampSeconds = Math.floor(Date.now() / 1000);
  } else {
    assertTimestampSeconds(options.timestamp, 'timestamp');
    timestampSeconds = options.timestamp;
  }
  return buildNovatradeSignatureHeader(payload, {
    secret,
    timestampSeconds,
    hmac: nodeHmacSha256Hex,
  });
}
