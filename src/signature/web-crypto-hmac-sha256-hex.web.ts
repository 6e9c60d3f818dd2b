import { hexEncode, utf8Encode } from '../core/internal/bytes.js';
import type { HmacSha256HexAsync } from '../core/signature/hmac-sha256-hex.js';
import { createWebCryptoHmac, type WebCryptoHmacOptions } from './internal/web-crypto-hmac.web.js';

export type { WebCryptoHmacOptions } from './internal/web-crypto-hmac.web.js';

/**
 * Creates an HMAC-SHA256 primitive on WebCrypto only (no `node:` import), for Workers, Deno, Bun,
 * browsers and Node. Each secret is imported once as a non-extractable `CryptoKey` and cached
 * (LRU), because `importKey` costs more than a small `sign`.
 *
 * @param options - `maxCachedKeys` (default 64) and an optional `subtle`.
 * @returns an async primitive: `(key, message) => Promise<64 lowercase hex characters>`.
 * @throws WebhookValidationError `invalid_option` naming `maxCachedKeys` (not a positive integer),
 *   or, at call time, `subtle` when WebCrypto is unavailable.
 * @example
 * ```ts
 * const hmac = createWebCryptoHmacSha256Hex({ maxCachedKeys: 256 });
 * const verify = createNovatradeVerifierAsync({ hmac, now: Date.now });
 * ```
 */
export function createWebCryptoHmacSha256Hex(options?: WebCryptoHmacOptions): HmacSha256HexAsync {
  return createWebCryptoHmac<string>(options, {
    owner: 'createWebCryptoHmacSha256Hex',
    id: (key) => key,
    bytes: utf8Encode,
    encode: hexEncode,
  });
}

/**
 * HMAC-SHA256 on WebCrypto with the default options (64 cached keys, `globalThis.crypto.subtle`):
 * the primitive behind `verifyNovatradeSignatureAsync` and `verifyEudrSignatureAsync`.
 *
 * @example
 * ```ts
 * await webCryptoHmacSha256Hex('whsec_test_secret', ['1729684200.', rawBody]); // 'a96fdb02…'
 * ```
 */
export const webCryptoHmacSha256Hex: HmacSha256HexAsync =
  /* @__PURE__ */ createWebCryptoHmacSha256Hex();
