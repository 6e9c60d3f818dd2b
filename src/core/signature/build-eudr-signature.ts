import { assertOptionsObject } from '../internal/assert-options-object.js';
import type { HmacSha256Hex } from './hmac-sha256-hex.js';
import { assertHmacFunction, checkedDigest } from './internal/assert-hmac.js';
import { assertPayload } from './internal/assert-payload.js';
import { assertSingleSecret } from './internal/assert-secrets.js';

/** Options of {@link buildEudrSignature}. */
export interface BuildEudrSignatureOptions {
  /** The endpoint's signing secret, used as-is as UTF-8 (`whsec_` prefix included). */
  readonly secret: string;
  /** The HMAC-SHA256 primitive of the platform (e.g. `nodeHmacSha256Hex`). */
  readonly hmac: HmacSha256Hex;
}

/**
 * Signs a raw body with the N'entropy EUDR scheme and an injected HMAC primitive, returning the
 * `X-Webhook-Signature` value `sha256=<hex(HMAC-SHA256(secret as UTF-8, raw body))>`.
 *
 * The EUDR scheme is **inferred, not documented** by the vendor (docs/design.md §6.11, docs/design.md §7, N-1; docs/design.md §4):
 * confirm it with N'entropy before relying on it. The `X-Webhook-Timestamp` header is not part of
 * the signed bytes.
 *
 * @param payload - the exact body that will be sent: a string (hashed as UTF-8) or bytes.
 * @param options - the secret and the HMAC primitive.
 * @returns the header value, `sha256=` and 64 lowercase hex characters.
 * @throws WebhookVerificationError `invalid_payload_type` when `payload` is not a string or a
 *   Uint8Array.
 * @throws WebhookValidationError `invalid_secret` (empty or not a string), `invalid_option`
 *   naming `options` or `hmac`.
 * @example
 * ```ts
 * buildEudrSignature('{"event":"supplier.created"}', { secret: 'whsec_x', hmac: nodeHmacSha256Hex });
 * // 'sha256=…'
 * ```
 */
export function buildEudrSignature(
  payload: string | Uint8Array,
  options: BuildEudrSignatureOptions,
): string {
  assertPayload(payload);
  assertOptionsObject(options);
  const secret = assertSingleSecret(options.secret);
  const { hmac } = options;
  assertHmacFunction(hmac);
  return `sha256=${checkedDigest(hmac(secret, [payload]))}`;
}
