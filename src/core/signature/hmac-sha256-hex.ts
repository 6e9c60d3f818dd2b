/**
 * The bytes to authenticate, as parts hashed in order with no separator. Each string part is
 * hashed as its own UTF-8 encoding (a lone surrogate becomes U+FFFD, as in every HTTP stack, even
 * when the next part starts with its other half); a `Uint8Array` as exactly the bytes of its view
 * (`byteOffset`/`byteLength` respected, never decoded).
 */
export type HmacMessage = readonly (string | Uint8Array)[];

/**
 * A synchronous HMAC-SHA256 primitive, injected into the runtime-neutral core (which imports no
 * `node:crypto`). `key` is the secret string used as-is, as UTF-8 (docs/design.md §5.6).
 *
 * It returns the digest as 64 lowercase hexadecimal characters: both signature schemes put hex on
 * the wire, and comparing hex text in constant time avoids allocating two byte buffers per
 * verification (measured in `bench/signature.bench.ts`).
 *
 * @example
 * ```ts
 * import { createHmac } from 'node:crypto';
 * const hmac: HmacSha256Hex = (key, message) => {
 *   const h = createHmac('sha256', key);
 *   for (const part of message) h.update(part);
 *   return h.digest('hex');
 * };
 * ```
 */
export type HmacSha256Hex = (key: string, message: HmacMessage) => string;

/**
 * The asynchronous twin of {@link HmacSha256Hex}, for runtimes whose only HMAC is WebCrypto's
 * `crypto.subtle.sign` (Workers, Deno, Bun, browsers). Same key, message and output rules.
 *
 * @example
 * ```ts
 * const verify = createNovatradeVerifierAsync({ hmac: webCryptoHmacSha256Hex, now: Date.now });
 * ```
 */
export type HmacSha256HexAsync = (key: string, message: HmacMessage) => Promise<string>;
