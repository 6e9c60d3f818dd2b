import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { signEudrPayload } from '../signature/sign-eudr-payload.node.js';

/** Options of {@link generateEudrTestHeader}. */
export interface GenerateEudrTestHeaderOptions {
  /** The exact body the test will send: a string (signed as UTF-8) or bytes (view bounds respected). */
  readonly payload: string | Uint8Array;
  /** The signing secret, used as-is. One secret: the EUDR header carries a single signature. */
  readonly secret: string;
}

/**
 * Signs a test body with the N'entropy EUDR scheme and returns the `X-Webhook-Signature` value
 * `sha256=<hex HMAC-SHA256(secret, raw body)>`. It is `signEudrPayload` with an options object.
 * The scheme is inferred, not documented by the vendor (docs/design.md §6.11, docs/design.md §7, N-1), and does not cover
 * the `X-Webhook-Timestamp` header, so there is no time to inject.
 *
 * @param options - `payload` and `secret`.
 * @returns the header value, `sha256=` and 64 lowercase hex characters.
 * @throws WebhookVerificationError `invalid_payload_type` when `payload` is not a string or a
 *   Uint8Array.
 * @throws WebhookValidationError `invalid_secret` (empty or not a string) or `invalid_option`
 *   naming `options`.
 * @example
 * ```ts
 * import { generateEudrTestHeader } from '@novatrade24/webhooks/testing';
 * import { verifyEudrSignature } from '@novatrade24/webhooks';
 *
 * const body = '{"event":"sync.completed"}';
 * const header = generateEudrTestHeader({ payload: body, secret: 'whsec_test' });
 * verifyEudrSignature(body, header, 'whsec_test'); // { timestamp: null }
 * ```
 */
export function generateEudrTestHeader(options: GenerateEudrTestHeaderOptions): string {
  assertOptionsObject(options);
  return signEudrPayload(options.payload, options.secret);
}
