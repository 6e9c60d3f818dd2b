import { buildEudrSignature } from '../core/signature/build-eudr-signature.js';
import { nodeHmacSha256Hex } from './node-hmac-sha256-hex.node.js';

/**
 * Signs a raw body with the N'entropy EUDR scheme and returns the `X-Webhook-Signature` value
 * `sha256=<hex HMAC-SHA256(secret as UTF-8, raw body)>`. Synchronous, on `node:crypto`.
 *
 * The EUDR scheme is **inferred, not documented** by N'entropy (docs/design.md §6.11, docs/design.md §7, N-1; docs/design.md §4):
 * the timestamp header is not signed. Confirm it with the vendor before relying on it.
 *
 * @param payload - the exact body you will send: a string (hashed as UTF-8) or bytes.
 * @param secret - the endpoint's secret, used as-is (one secret: the header has one signature).
 * @returns the header value, `sha256=` and 64 lowercase hex characters.
 * @throws WebhookVerificationError `invalid_payload_type` when `payload` is not a string or a
 *   Uint8Array.
 * @throws WebhookValidationError `invalid_secret` when `secret` is empty or not a string.
 * @example
 * ```ts
 * const body = JSON.stringify({ event: 'supplier.created', timestamp, integrationId, data });
 * const headers = { 'X-Webhook-Signature': signEudrPayload(body, secret) };
 * ```
 */
export function signEudrPayload(payload: string | Uint8Array, secret: string): string {
  return buildEudrSignature(payload, { secret, hmac: nodeHmacSha256Hex });
}
