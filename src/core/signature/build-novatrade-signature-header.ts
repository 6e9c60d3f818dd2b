import { assertOptionsObject } from '../internal/assert-options-object.js';
import type { HmacSha256Hex } from './hmac-sha256-hex.js';
import { assertHmacFunction, checkedDigest } from './internal/assert-hmac.js';
import { assertPayload } from './internal/assert-payload.js';
import { assertSecrets } from './internal/assert-secrets.js';
import { assertTimestampSeconds } from './internal/assert-timestamp-seconds.js';

/** Options of {@link buildNovatradeSignatureHeader}. */
export interface BuildNovatradeSignatureOptions {
  /**
   * The endpoint's signing secret, used as-is as UTF-8 (`whsec_` prefix included), or up to 8
   * secrets during a rotation: one `v1=` entry each, in this order (docs/design.md §5.6).
   */
  readonly secret: string | readonly string[];
  /** `t`: the signing time in Unix seconds (a positive integer of at most 12 digits). */
  readonly timestampSeconds: number;
  /** The HMAC-SHA256 primitive of the platform (e.g. `nodeHmacSha256Hex`). */
  readonly hmac: HmacSha256Hex;
}

/**
 * Signs a raw body for Novatrade24 with an injected HMAC primitive and returns the
 * `X-Novatrade-Signature` value `t=<timestampSeconds>,v1=<hex>[,v1=<hex>…]`, where each `v1` is
 * `hex(HMAC-SHA256(secret as UTF-8, "<t>.<raw body>"))` (docs/design.md §6.5). Runtime-neutral: this is
 * what wire profiles call, and `signNovatradePayload` is this function with the Node primitive
 * and the system clock.
 *
 * @param payload - the exact body that will be sent: a string (hashed as UTF-8) or bytes.
 * @param options - secret(s), timestamp in Unix seconds and HMAC primitive.
 * @returns the header value.
 * @throws WebhookVerificationError `invalid_payload_type` when `payload` is not a string or a
 *   Uint8Array (e.g. an object that still needs `JSON.stringify`).
 * @throws WebhookValidationError `invalid_secret` (empty, not a string, or more than 8 secrets),
 *   `invalid_option` naming `options`, `timestampSeconds` or `hmac`.
 * @example
 * ```ts
 * const header = buildNovatradeSignatureHeader(body, {
 *   secret: 'whsec_test_secret',
 *   timestampSeconds: 1729684200,
 *   hmac: nodeHmacSha256Hex,
 * });
 * // 't=1729684200,v1=…'
 * ```
 */
export function buildNovatradeSignatureHeader(
  payload: string | Uint8Array,
  options: BuildNovatradeSignatureOptions,
): string {
  assertPayload(payload);
  assertOptionsObject(options);
  const secrets = assertSecrets(options.secret);
  assertTimestampSeconds(options.timestampSeconds, 'timestampSeconds');
  const { hmac } = options;
  assertHmacFunction(hmac);
  const timestampText = String(options.timestampSeconds);
  const message = [`${timestampText}.`, payload];
  let header = `t=${timestampText}`;
  for (const secret of secrets) header += `,v1=${checkedDigest(hmac(secret, message))}`;
  return header;
}
