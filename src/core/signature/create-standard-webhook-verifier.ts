import { STANDARD_WEBHOOKS_HEADERS } from './constants.js';
import type { HmacSha256Base64, HmacSha256Base64Async } from './hmac-sha256-base64.js';
import { badBase64Digest } from './internal/assert-hmac.js';
import { isBase64Digest } from './internal/base64.js';
import { checkPlatform } from './internal/check-platform.js';
import { signatureMismatch } from './internal/mismatch.js';
import {
  matchesAnyBase64Signature,
  prepareStandardVerification,
  type StandardHeaderValues,
} from './internal/standard-verification.js';
import type { VerifierPlatform } from './verifier-platform.js';

/**
 * The three header values a Standard Webhooks verifier built by
 * {@link createStandardWebhookVerifier} reads: `webhook-id`, `webhook-timestamp` and
 * `webhook-signature`, each `null`/`undefined` when absent. (`verifyStandardWebhook` reads them
 * from the request headers for you.)
 */
export type StandardWebhookHeaderValues = StandardHeaderValues;

/** Options of the Standard Webhooks verifiers (docs/design.md §5.22). */
export interface StandardWebhookVerifyOptions {
  /**
   * Largest allowed distance between `webhook-timestamp` and now, in seconds, in **both**
   * directions: older is `timestamp_too_old`, newer is `timestamp_too_new`. Compared in whole
   * seconds. Must be positive and finite: no value turns the check off.
   * @default 300 (the specification's 5 minutes)
   */
  readonly toleranceSeconds?: number;
  /**
   * The current time in epoch **milliseconds**, like `Date.now` (inject a fake clock in tests).
   * @default Date.now
   */
  readonly now?: () => number;
}

/** What a successful Standard Webhooks verification returns. */
export interface StandardWebhookVerificationResult {
  /** `webhook-id`: the message id, the same on every retry; deduplicate on it. */
  readonly id: string;
  /** `webhook-timestamp`: when the attempt was signed, in Unix seconds. */
  readonly timestamp: number;
}

/** A synchronous Standard Webhooks verifier over the three header values. */
export type StandardWebhookVerifier = (
  payload: string | Uint8Array,
  headers: StandardWebhookHeaderValues,
  secret: string | readonly string[],
  options?: StandardWebhookVerifyOptions,
) => StandardWebhookVerificationResult;

/** An asynchronous Standard Webhooks verifier over the three header values. */
export type StandardWebhookVerifierAsync = (
  payload: string | Uint8Array,
  headers: StandardWebhookHeaderValues,
  secret: string | readonly string[],
  options?: StandardWebhookVerifyOptions,
) => Promise<StandardWebhookVerificationResult>;

/**
 * Builds a synchronous Standard Webhooks verifier around an injected byte-key HMAC primitive and
 * a clock. `verifyStandardWebhook` is this with `nodeHmacSha256Base64` and `Date.now`, reading
 * the headers first; all header parsing, replay-window and multi-secret logic lives here, shared
 * with {@link createStandardWebhookVerifierAsync}.
 *
 * Checks run in this order and stop at the first failure: payload type, secrets (each
 * `whsec_<base64>` or bare base64), options, `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, the replay window, then one HMAC per secret over
 * `"<id>.<timestamp>.<raw body>"`, compared in constant time with every `v1` entry.
 *
 * @param platform - `hmac` (sync HMAC-SHA256, byte key, base64 out) and `now` (epoch ms).
 * @returns the verifier; see `verifyStandardWebhook` for its errors.
 * @throws WebhookValidationError `invalid_option` naming `hmac` or `now` if they are not functions.
 * @example
 * ```ts
 * const verify = createStandardWebhookVerifier({ hmac: nodeHmacSha256Base64, now: Date.now });
 * const { id } = verify(req.body, {
 *   id: req.get('webhook-id'),
 *   timestamp: req.get('webhook-timestamp'),
 *   signature: req.get('webhook-signature'),
 * }, secret);
 * ```
 */
export function createStandardWebhookVerifier(
  platform: VerifierPlatform<HmacSha256Base64>,
): StandardWebhookVerifier {
  const { hmac, now } = checkPlatform(platform);
  return (payload, headers, secret, options) => {
    const prepared = prepareStandardVerification(payload, headers, secret, options, now);
    const { message, signatures, keys } = prepared;
    for (let i = 0; i < keys.length; i++) {
      const expected = hmac(keys[i] as Uint8Array, message);
      if (matchesAnyBase64Signature(expected, signatures)) {
        return { id: prepared.id, timestamp: prepared.timestamp };
      }
      if (!isBase64Digest(expected, 0, expected.length)) throw badBase64Digest(expected);
    }
    throw signatureMismatch(STANDARD_WEBHOOKS_HEADERS.signature, payload, prepared.secrets);
  };
}

/**
 * Builds an asynchronous Standard Webhooks verifier around an injected async byte-key HMAC
 * primitive (WebCrypto), with exactly the semantics of {@link createStandardWebhookVerifier}.
 * Every failure is a rejected promise, never a synchronous throw.
 *
 * @param platform - `hmac` (async HMAC-SHA256, byte key, base64 out) and `now` (epoch ms).
 * @returns the verifier; see `verifyStandardWebhookAsync`.
 * @throws WebhookValidationError `invalid_option` naming `hmac` or `now` if they are not functions.
 * @example
 * ```ts
 * const verify = createStandardWebhookVerifierAsync({ hmac: webCryptoHmacSha256Base64, now: Date.now });
 * const { id } = await verify(await request.text(), {
 *   id: request.headers.get('webhook-id'),
 *   timestamp: request.headers.get('webhook-timestamp'),
 *   signature: request.headers.get('webhook-signature'),
 * }, secret);
 * ```
 */
export function createStandardWebhookVerifierAsync(
  platform: VerifierPlatform<HmacSha256Base64Async>,
): StandardWebhookVerifierAsync {
  const { hmac, now } = checkPlatform(platform);
  return async (payload, headers, secret, options) => {
    const prepared = prepareStandardVerification(payload, headers, secret, options, now);
    const { message, signatures, keys } = prepared;
    for (let i = 0; i < keys.length; i++) {
      const expected = await hmac(keys[i] as Uint8Array, message);
      if (matchesAnyBase64Signature(expected, signatures)) {
        return { id: prepared.id, timestamp: prepared.timestamp };
      }
      if (!isBase64Digest(expected, 0, expected.length)) throw badBase64Digest(expected);
    }
    throw signatureMismatch(STANDARD_WEBHOOKS_HEADERS.signature, payload, prepared.secrets);
  };
}
