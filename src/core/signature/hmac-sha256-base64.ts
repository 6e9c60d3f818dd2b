import type { HmacMessage } from './hmac-sha256-hex.js';

/**
 * A synchronous HMAC-SHA256 primitive with a **byte** key and a **base64** digest, injected into
 * the runtime-neutral core for the Standard Webhooks scheme, whose key is the base64-decoded
 * secret (arbitrary bytes, not UTF-8 text) and whose signatures are base64 (docs/design.md §5.22).
 * The hex primitive (`HmacSha256Hex`, string keys) stays as it is for the other two schemes.
 *
 * It returns the digest as 44 characters of standard, padded base64 (RFC 4648 §4): the wire
 * format, so a verifier compares text in constant time without decoding the received signature.
 * The message follows the `HmacMessage` rules (string parts as UTF-8, byte parts exactly).
 *
 * @example
 * ```ts
 * import { createHmac } from 'node:crypto';
 * const hmac: HmacSha256Base64 = (key, message) => {
 *   const h = createHmac('sha256', key);
 *   for (const part of message) h.update(part);
 *   return h.digest('base64');
 * };
 * ```
 */
export type HmacSha256Base64 = (key: Uint8Array, message: HmacMessage) => string;

/**
 * The asynchronous twin of {@link HmacSha256Base64}, for runtimes whose only HMAC is WebCrypto's
 * `crypto.subtle.sign`. Same key, message and output rules.
 *
 * @example
 * ```ts
 * const verify = createStandardWebhookVerifierAsync({ hmac: webCryptoHmacSha256Base64, now: Date.now });
 * ```
 */
export type HmacSha256Base64Async = (key: Uint8Array, message: HmacMessage) => Promise<string>;
