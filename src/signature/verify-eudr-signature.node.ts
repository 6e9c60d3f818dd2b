import {
  createEudrVerifier,
  type EudrVerificationResult,
  type EudrVerifyOptions,
} from '../core/signature/create-eudr-verifier.js';
import { nodeHmacSha256Hex } from './node-hmac-sha256-hex.node.js';

const verify = /* @__PURE__ */ createEudrVerifier({
  hmac: nodeHmacSha256Hex,
  now: () => Date.now(),
});

/**
 * Verifies an N'entropy EUDR `X-Webhook-Signature` header against the raw body, synchronously on
 * `node:crypto`. The header is `sha256=<hex>` or bare hex (either case) of
 * `HMAC-SHA256(secret as UTF-8, raw body)`: a scheme **inferred, not documented** by the vendor
 * (docs/design.md §6.11, docs/design.md §7, N-1); confirm it with N'entropy.
 *
 * Optionally enforces a replay window on `X-Webhook-Timestamp`: pass its value as
 * `options.timestamp` (the key's presence turns the check on; an absent or unreadable value then
 * fails closed). That header is not signed, so deduplicate by body hash as well (docs/design.md §5.16).
 *
 * @param payload - the raw request body exactly as received: a string or bytes. Never parsed JSON.
 * @param header - the `X-Webhook-Signature` value; `null`/`undefined` when absent.
 * @param secret - the endpoint's secret (as-is), or up to 8 secrets: any one verifying is enough.
 * @param options - `timestamp` (the `X-Webhook-Timestamp` value), `toleranceSeconds` (default 300
 *   when the window is on, positive and finite) and `now` (epoch **milliseconds**, default
 *   `Date.now`).
 * @returns `{ timestamp }`: the checked timestamp in Unix seconds, or `null` with no window.
 * @throws WebhookVerificationError `invalid_payload_type`, `missing_header` (signature header, or
 *   timestamp header when the window is on), `malformed_header` (not `sha256=` + 64 hex, or a
 *   timestamp that is not an ISO-8601 instant with an offset), `no_supported_signature` (another
 *   algorithm prefix), `timestamp_too_old`, `timestamp_too_new`, `signature_mismatch`.
 * @throws WebhookValidationError `invalid_secret` or `invalid_option` naming `options`,
 *   `toleranceSeconds` or `now`.
 * @example
 * ```ts
 * verifyEudrSignature(req.body, req.get('X-Webhook-Signature'), secret, {
 *   timestamp: req.get('X-Webhook-Timestamp'),
 * });
 * ```
 */
export function verifyEudrSignature(
  payload: string | Uint8Array,
  header: string | null | undefined,
  secret: string | readonly string[],
  options?: EudrVerifyOptions,
): EudrVerificationResult {
  return verify(payload, header, secret, options);
}
