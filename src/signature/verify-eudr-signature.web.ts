import {
  createEudrVerifierAsync,
  type EudrVerificationResult,
  type EudrVerifyOptions,
} from '../core/signature/create-eudr-verifier.js';
import { webCryptoHmacSha256Hex } from './web-crypto-hmac-sha256-hex.web.js';

const verify = /* @__PURE__ */ createEudrVerifierAsync({
  hmac: webCryptoHmacSha256Hex,
  now: () => Date.now(),
});

/**
 * Verifies an N'entropy EUDR `X-Webhook-Signature` header on WebCrypto only (no `node:` import).
 * Same parameters, checks, order and error codes as `verifyEudrSignature`; every failure is a
 * rejected promise. The scheme is **inferred, not documented** (docs/design.md §6.11, docs/design.md §7, N-1).
 *
 * @param payload - the raw body exactly as received: `await request.text()` or
 *   `new Uint8Array(await request.arrayBuffer())`.
 * @param header - the `X-Webhook-Signature` value; `null`/`undefined` when absent.
 * @param secret - the endpoint's secret (as-is), or up to 8 secrets.
 * @param options - `timestamp` (the `X-Webhook-Timestamp` value; its key turns the window on),
 *   `toleranceSeconds` (default 300) and `now` (epoch **milliseconds**, default `Date.now`).
 * @returns a promise of `{ timestamp }`: Unix seconds, or `null` with no window.
 * @throws WebhookVerificationError (as a rejection) `invalid_payload_type`, `missing_header`,
 *   `malformed_header`, `no_supported_signature`, `timestamp_too_old`, `timestamp_too_new`,
 *   `signature_mismatch`.
 * @throws WebhookValidationError (as a rejection) `invalid_secret` or `invalid_option`.
 * @example
 * ```ts
 * await verifyEudrSignatureAsync(await request.text(), request.headers.get('X-Webhook-Signature'), env.SECRET, {
 *   timestamp: request.headers.get('X-Webhook-Timestamp'),
 * });
 * ```
 */
export function verifyEudrSignatureAsync(
  payload: string | Uint8Array,
  header: string | null | undefined,
  secret: string | readonly string[],
  options?: EudrVerifyOptions,
): Promise<EudrVerificationResult> {
  return verify(payload, header, secret, options);
}
