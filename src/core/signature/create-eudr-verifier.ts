import { EUDR_SIGNATURE_HEADER } from './constants.js';
import type { HmacSha256Hex, HmacSha256HexAsync } from './hmac-sha256-hex.js';
import { badDigest } from './internal/assert-hmac.js';
import { checkPlatform } from './internal/check-platform.js';
import { prepareEudrVerification } from './internal/eudr-verification.js';
import { isLowercaseSignatureHex, signatureHexEquals } from './internal/hex.js';
import { signatureMismatch } from './internal/mismatch.js';
import type { VerifierPlatform } from './verifier-platform.js';

/** Options of the EUDR verifiers. Passing `timestamp` or `toleranceSeconds` turns on the window. */
export interface EudrVerifyOptions {
  /**
   * The `X-Webhook-Timestamp` header value (ISO-8601, e.g. `2024-01-15T10:30:00.000Z`). When this
   * key is present, even as `undefined` or `null` because the header was absent, the replay
   * window is enforced and a missing or unreadable value fails closed. Omit the key to skip the
   * window. The inferred scheme does not sign this header (docs/design.md §7, N-1, N-2), so the window only
   * stops stale deliveries; deduplicate on the body's hash for replay safety (docs/design.md §5.16).
   */
  readonly timestamp?: string | null | undefined;
  /**
   * Largest allowed distance between the timestamp and now, in seconds, in both directions,
   * compared in whole seconds. Positive and finite. Setting it requires `timestamp`.
   * @default 300 (when the window is on)
   */
  readonly toleranceSeconds?: number;
  /**
   * The current time in epoch **milliseconds**, like `Date.now`.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** What a successful EUDR verification returns. */
export interface EudrVerificationResult {
  /** The checked `X-Webhook-Timestamp` in Unix seconds (floored), or `null` if no window was on. */
  readonly timestamp: number | null;
}

/** A synchronous EUDR verifier: the shape of `verifyEudrSignature`. */
export type EudrVerifier = (
  payload: string | Uint8Array,
  header: string | null | undefined,
  secret: string | readonly string[],
  options?: EudrVerifyOptions,
) => EudrVerificationResult;

/** An asynchronous EUDR verifier: the shape of `verifyEudrSignatureAsync`. */
export type EudrVerifierAsync = (
  payload: string | Uint8Array,
  header: string | null | undefined,
  secret: string | readonly string[],
  options?: EudrVerifyOptions,
) => Promise<EudrVerificationResult>;

/**
 * Builds a synchronous `X-Webhook-Signature` (N'entropy EUDR) verifier around an injected HMAC
 * primitive and clock. The scheme, `sha256=<hex HMAC-SHA256(secret, raw body)>`, is **inferred,
 * not documented** (docs/design.md §6.11, docs/design.md §7, N-1); bare hex and either case are accepted.
 *
 * Checks run in order: payload type, secrets, options, signature header presence and syntax,
 * the timestamp window when requested, then one HMAC per secret compared in constant time.
 *
 * @param platform - `hmac` (sync HMAC-SHA256, lowercase hex out) and `now` (epoch ms).
 * @returns the verifier; see `verifyEudrSignature`.
 * @throws WebhookValidationError `invalid_option` naming `hmac` or `now` if they are not functions.
 * @example
 * ```ts
 * const verify = createEudrVerifier({ hmac: nodeHmacSha256Hex, now: Date.now });
 * verify(rawBody, request.headers['x-webhook-signature'], secret);
 * ```
 */
export function createEudrVerifier(platform: VerifierPlatform<HmacSha256Hex>): EudrVerifier {
  const { hmac, now } = checkPlatform(platform);
  return (payload, header, secret, options) => {
    const { timestamp, message, signature, secrets } = prepareEudrVerification(
      payload,
      header,
      secret,
      options,
      now,
    );
    for (let i = 0; i < secrets.length; i++) {
      const expected = hmac(secrets[i] as string, message);
      if (signatureHexEquals(expected, signature)) return { timestamp };
      if (!isLowercaseSignatureHex(expected)) throw badDigest(expected); // a broken primitive
    }
    throw signatureMismatch(EUDR_SIGNATURE_HEADER, payload, secrets);
  };
}

/**
 * Builds an asynchronous EUDR verifier around an injected async HMAC primitive (WebCrypto), with
 * exactly the semantics of {@link createEudrVerifier}. Every failure is a rejected promise.
 *
 * @param platform - `hmac` (async HMAC-SHA256, lowercase hex out) and `now` (epoch ms).
 * @returns the verifier; see `verifyEudrSignatureAsync`.
 * @throws WebhookValidationError `invalid_option` naming `hmac` or `now` if they are not functions.
 * @example
 * ```ts
 * const verify = createEudrVerifierAsync({ hmac: webCryptoHmacSha256Hex, now: Date.now });
 * await verify(await request.text(), request.headers.get('x-webhook-signature'), secret);
 * ```
 */
export function createEudrVerifierAsync(
  platform: VerifierPlatform<HmacSha256HexAsync>,
): EudrVerifierAsync {
  const { hmac, now } = checkPlatform(platform);
  return async (payload, header, secret, options) => {
    const { timestamp, message, signature, secrets } = prepareEudrVerification(
      payload,
      header,
      secret,
      options,
      now,
    );
    for (let i = 0; i < secrets.length; i++) {
      const expected = await hmac(secrets[i] as string, message);
      if (signatureHexEquals(expected, signature)) return { timestamp };
      if (!isLowercaseSignatureHex(expected)) throw badDigest(expected); // a broken primitive
    }
    throw signatureMismatch(EUDR_SIGNATURE_HEADER, payload, secrets);
  };
}
