import { assertSignatureList } from './internal/assert-signature-list.js';
import { isBase64Digest } from './internal/base64.js';
import { scanStandardSignatureHeader } from './internal/scan-standard-headers.js';

/** The `v1` signatures of a Standard Webhooks `webhook-signature` value. */
export interface StandardWebhookSignatureHeader {
  /**
   * Every `v1` signature in header order: the 44-character standard base64 of an HMAC-SHA256
   * digest each. At least 1, at most 16.
   */
  readonly signatures: readonly string[];
}

/**
 * Parses a `webhook-signature` value such as `v1,K5oZ…pI4= v1,Ceo5…6mc=` into its `v1`
 * signatures. Entries are separated by spaces; other versions (`v1a,…` asymmetric signatures,
 * future schemes) are skipped. The verifiers use the same parser, so this shows exactly what they
 * see.
 *
 * @param header - the header value; `null`/`undefined` (header absent) are rejected with
 *   `missing_header`.
 * @returns the `v1` signatures as they appear.
 * @throws WebhookVerificationError `missing_header` (absent, empty or blank), `malformed_header`
 *   (longer than 8 KiB, an entry without `,` or with an empty version, a `v1` value that is not 44
 *   characters of base64, more than 16 `v1`), or `no_supported_signature` (no `v1` entry).
 * @example
 * ```ts
 * parseStandardWebhookSignatureHeader('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,…');
 * // { signatures: ['g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='] }
 * ```
 */
export function parseStandardWebhookSignatureHeader(
  header: string | null | undefined,
): StandardWebhookSignatureHeader {
  return { signatures: scanStandardSignatureHeader(header) };
}

/**
 * Formats `v1` signatures as a `webhook-signature` value, `v1,<sig>[ v1,<sig>…]`: the inverse of
 * {@link parseStandardWebhookSignatureHeader}.
 *
 * @param header - 1 to 16 signatures, each 44 characters of standard base64.
 * @returns the header value.
 * @throws WebhookValidationError `invalid_option` naming `signatures`.
 * @example
 * ```ts
 * formatStandardWebhookSignatureHeader({ signatures: ['g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='] });
 * // 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
 * ```
 */
export function formatStandardWebhookSignatureHeader(
  header: StandardWebhookSignatureHeader,
): string {
  const signatures: unknown = header?.signatures;
  assertSignatureList(signatures, isBase64, '44 characters of standard base64');
  return `v1,${signatures.join(' v1,')}`;
}

function isBase64(text: string): boolean {
  return isBase64Digest(text, 0, text.length);
}
