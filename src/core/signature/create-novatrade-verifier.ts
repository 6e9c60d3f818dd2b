import { NOVATRADE_SIGNATURE_HEADER } from './constants.js';
import type { HmacSha256Hex, HmacSha256HexAsync } from './hmac-sha256-hex.js';
import { badDigest } from './internal/assert-hmac.js';
import { checkPlatform } from './internal/check-platform.js';
import { isLowercaseSignatureHex } from './internal/hex.js';
import { signatureMismatch } from './internal/mismatch.js';
import {
  matchesAnySignature,
  prepareNovatradeVerification,
} from './internal/novatrade-verification.js';
import type { VerifierPlatform } from './verifier-platform.js';

/** Options of the Novatrade24 verifiers (docs/design.md §5.6). */
export interface NovatradeVerifyOptions {
  /**
   * Largest allowed distance between `t` and now, in seconds, in **both** directions: older is
   * `timestamp_too_old`, newer is `timestamp_too_new` (docs/design.md §7, A-10). Compared in whole seconds, so
   * exactly `toleranceSeconds` off passes and one second more fails. Must be positive and finite:
   * no value turns the check off.
   * @default 300
   */
  readonly toleranceSeconds?: number;
  /**
   * The current time in epoch **milliseconds**, like `Date.now` (inject a fake clock in tests).
   * @default Date.now
   */
  readonly now?: () => number;
}

/** What a successful Novatrade24 verification returns. */
export interface NovatradeVerificationResult {
  /** `t` from the header: when the request was signed, in Unix seconds. */
  readonly timestamp: number;
}

/** A synchronous Novatrade24 verifier: the shape of `verifyNovatradeSignature`. */
export type NovatradeVerifier = (
  payload: string | Uint8Array,
  header: string | null | undefined,
  secret: string | readonly string[],
  options?: NovatradeVerifyOptions,
) => NovatradeVerificationResult;

/** An asynchronous Novatrade24 verifier: the shape of `verifyNovatradeSignatureAsync`. */
export type NovatradeVerifierAsync = (
  payload: string | Uint8Array,
  header: string | null | undefined,
  secret: string | readonly string[],
  options?: NovatradeVerifyOptions,
) => Promise<NovatradeVerificationResult>;

/**
 * Builds a synchronous `X-Novatrade-Signature` verifier around an injected HMAC primitive and
 * clock. `verifyNovatradeSignature` is this with `nodeHmacSha256Hex` and `Date.now`; all header
 * parsing, replay-window and multi-secret logic lives here, shared with
 * {@link createNovatradeVerifierAsync}.
 *
 * Checks run in this order and stop at the first failure: payload type, secrets, options, header
 * presence, header syntax, replay window, then one HMAC per secret compared in constant time with
 * every `v1` entry.
 *
 * @param platform - `hmac` (sync HMAC-SHA256, lowercase hex out) and `now` (epoch ms).
 * @returns the verifier; see `verifyNovatradeSignature` for its parameters and errors.
 * @throws WebhookValidationError `invalid_option` naming `hmac` or `now` if they are not functions.
 * @example
 * ```ts
 * const verify = createNovatradeVerifier({ hmac: nodeHmacSha256Hex, now: Date.now });
 * const { timestamp } = verify(rawBody, request.headers['x-novatrade-signature'], secret);
 * ```
 */
export function createNovatradeVerifier(
  platform: VerifierPlatform<HmacSha256Hex>,
): NovatradeVerifier {
  const { hmac, now } = checkPlatform(platform);
  return (payload, header, secret, options) => {
    const prepared = prepareNovatradeVerification(payload, header, secret, options, now);
    const { message, signatures, secrets } = prepared;
    for (let i = 0; i < secrets.length; i++) {
      const expected = hmac(secrets[i] as string, message);
      if (matchesAnySignature(expected, signatures)) return { timestamp: prepared.timestamp };
      if (!isLowercaseSignatureHex(expected)) throw badDigest(expected); // a broken primitive
    }
    throw signatureMismatch(NOVATRADE_SIGNATURE_HEADER, payload, secrets);
  };
}

/**
 * Builds an asynchronous `X-Novatrade-Signature` verifier around an injected async HMAC primitive
 * (WebCrypto) and clock, with exactly the semantics of {@link createNovatradeVerifier}: it shares
 * its parsing, window and multi-secret code. Every failure is a rejected promise, never a
 * synchronous throw.
 *
 * @param platform - `hmac` (async HMAC-SHA256, lowercase hex out) and `now` (epoch ms).
 * @returns the verifier; see `verifyNovatradeSignatureAsync`.
 * @throws WebhookValidationError `invalid_option` naming `hmac` or `now` if they are not functions.
 * @example
 * ```ts
 * const verify = createNovatradeVerifierAsync({ hmac: webCryptoHmacSha256Hex, now: Date.now });
 * const { timestamp } = await verify(await request.text(), request.headers.get('x-novatrade-signature'), secret);
 * ```
 */
export function createNovatradeVerifierAsync(
  platform: VerifierPlatform<HmacSha256HexAsync>,
): NovatradeVerifierAsync {
  const { hmac, now } = checkPlatform(platform);
  return async (payload, header, secret, options) => {
    const prepared = prepareNovatradeVerification(payload, header, secret, options, now);
    const { message, signatures, secrets } = prepared;
    for (let i = 0; i < secrets.length; i++) {
      const expected = await hmac(secrets[i] as string, message);
      if (matchesAnySignature(expected, signatures)) return { timestamp: prepared.timestamp };
      if (!isLowercaseSignatureHex(expected)) throw badDigest(expected); // a broken primitive
    }
    throw signatureMismatch(NOVATRADE_SIGNATURE_HEADER, payload, secrets);
  };
}
