import { concatBytes, hexEncode, utf8Encode } from '../core/internal/bytes.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import type { HmacMessage, HmacSha256HexAsync } from '../core/signature/hmac-sha256-hex.js';
import { canJoinStrings } from '../core/signature/internal/can-join-strings.js';
import { LruCache } from '../core/signature/internal/lru-cache.js';

/** Options of {@link createWebCryptoHmacSha256Hex}. */
export interface WebCryptoHmacOptions {
  /**
   * How many imported `CryptoKey`s to keep, one per secret; the least recently used is evicted.
   * @default 64
   */
  readonly maxCachedKeys?: number;
  /**
   * The `SubtleCrypto` to use, for runtimes that do not expose `globalThis.crypto.subtle`.
   * @default globalThis.crypto.subtle (read at the first call, not at import)
   */
  readonly subtle?: SubtleCrypto;
}

const HMAC_SHA256 = { name: 'HMAC', hash: 'SHA-256' } as const;

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
  const maxCachedKeys = options?.maxCachedKeys ?? 64;
  if (!Number.isSafeInteger(maxCachedKeys) || maxCachedKeys < 1) {
    throw invalidOption(
      'maxCachedKeys',
      `maxCachedKeys must be a positive integer; got ${
        typeof maxCachedKeys === 'number' ? String(maxCachedKeys) : describeValue(maxCachedKeys)
      }.`,
    );
  }
  const keys = new LruCache<Promise<CryptoKey>>(maxCachedKeys);

  function subtle(): SubtleCrypto {
    const found = options?.subtle ?? globalThis.crypto?.subtle;
    if (found === undefined) {
      throw invalidOption(
        'subtle',
        'WebCrypto (globalThis.crypto.subtle) is not available in this runtime; pass options.subtle.',
      );
    }
    return found;
  }

  function keyFor(secret: string): Promise<CryptoKey> {
    let key = keys.get(secret);
    if (key === undefined) {
      key = subtle().importKey('raw', arrayBacked(utf8Encode(secret)), HMAC_SHA256, false, [
        'sign',
      ]);
      keys.set(secret, key);
      // A failed import must not poison the cache; the caller still sees the rejection.
      key.catch(() => keys.delete(secret));
    }
    return key;
  }

  return async (key, message) => {
    const cryptoKey = await keyFor(key);
    const mac = await subtle().sign('HMAC', cryptoKey, arrayBacked(messageBytes(message)));
    return hexEncode(new Uint8Array(mac));
  };
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

/**
 * The message as one byte array: adjacent strings encoded together (when that cannot change their
 * UTF-8), bytes used as they are.
 */
function messageBytes(message: HmacMessage): Uint8Array {
  if (message.length === 1) {
    const only = message[0] as string | Uint8Array;
    return typeof only === 'string' ? utf8Encode(only) : only;
  }
  const chunks: Uint8Array[] = [];
  let text = '';
  for (let i = 0; i < message.length; i++) {
    const part = message[i] as string | Uint8Array;
    if (typeof part === 'string') {
      if (!canJoinStrings(text, part)) {
        chunks.push(utf8Encode(text));
        text = '';
      }
      text += part;
    } else {
      if (text !== '') {
        chunks.push(utf8Encode(text));
        text = '';
      }
      chunks.push(part);
    }
  }
  if (text !== '') chunks.push(utf8Encode(text));
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks);
}

/** `bytes` itself when it views an ArrayBuffer (WebCrypto rejects SharedArrayBuffer views), else a copy. */
function arrayBacked(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}
