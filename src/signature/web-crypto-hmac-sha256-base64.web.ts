import type { HmacSha256Base64Async } from '../core/signature/hmac-sha256-base64.js';
import { base64Encode } from '../core/signature/internal/base64.js';
import { createWebCryptoHmac, type WebCryptoHmacOptions } from './internal/web-crypto-hmac.web.js';

/**
 * Creates an HMAC-SHA256 primitive on WebCrypto only (no `node:` import) with a **byte** key and a
 * standard, padded **base64** digest: the Standard Webhooks scheme's key is the base64-decoded
 * secret and its signatures are base64 (docs/design.md §5.22). Each key is imported once as a
 * non-extractable `CryptoKey` and cached (LRU, keyed by the key's bytes).
 *
 * @param options - `maxCachedKeys` (default 64) and an optional `subtle`.
 * @returns an async primitive: `(key, message) => Promise<44 characters of base64>`.
 * @throws WebhookValidationError `invalid_option` naming `maxCachedKeys` (not a positive integer),
 *   or, at call time, `subtle` when WebCrypto is unavailable.
 * @example
 * ```ts
 * const hmac = createWebCryptoHmacSha256Base64({ maxCachedKeys: 256 });
 * const verify = createStandardWebhookVerifierAsync({ hmac, now: Date.now });
 * ```
 */
export function createWebCryptoHmacSha256Base64(
  options?: WebCryptoHmacOptions,
): HmacSha256Base64Async {
  return createWebCryptoHmac<Uint8Array>(options, {
    owner: 'createWebCryptoHmacSha256Base64',
    id: latin1Of,
    bytes: (key) => key,
    encode: base64Encode,
  });
}

/**
 * Byte-key HMAC-SHA256 on WebCrypto with the default options (64 cached keys,
 * `globalThis.crypto.subtle`), base64 out: the primitive behind `verifyStandardWebhookAsync`.
 *
 * @example
 * ```ts
 * const key = Uint8Array.from(atob('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), (c) => c.charCodeAt(0));
 * await webCryptoHmacSha256Base64(key, ['msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.', '{"test": 2432232314}']);
 * // 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
 * ```
 */
export const webCryptoHmacSha256Base64: HmacSha256Base64Async =
  /* @__PURE__ */ createWebCryptoHmacSha256Base64();

/** The bytes as a Latin-1 string, one character per byte: the cache key of a byte key. */
function latin1Of(key: Uint8Array): string {
  let id = '';
  for (let i = 0; i < key.length; i++) id += String.fromCharCode(key[i] as number);
  return id;
}
