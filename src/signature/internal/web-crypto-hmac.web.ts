// The WebCrypto HMAC-SHA256 engine behind both public WebCrypto primitives (string key with a
// hex digest, byte key with a base64 digest): key import and cache, message assembly, subtle
// lookup. Only how a key is named and read, and how the digest is written, differ.
import { concatBytes, utf8Encode } from '../../core/internal/bytes.js';
import { integerOptionOr } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { HmacMessage } from '../../core/signature/hmac-sha256-hex.js';
import { canJoinStrings } from '../../core/signature/internal/can-join-strings.js';
import { LruCache } from '../../core/signature/internal/lru-cache.js';

/** Options of the WebCrypto primitives (`createWebCryptoHmacSha256Hex`, `…Base64`). */
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

/** How one primitive names and reads its keys and writes its digest. */
export interface WebCryptoKeyCodec<K> {
  /** The public factory's name, for option messages (`createWebCryptoHmacSha256Hex`). */
  readonly owner: string;
  /** The cache key of `key` (the key itself for strings). */
  readonly id: (key: K) => string;
  /** The raw key bytes to import. */
  readonly bytes: (key: K) => Uint8Array;
  /** The digest as text. */
  readonly encode: (mac: Uint8Array) => string;
}

const HMAC_SHA256 = { name: 'HMAC', hash: 'SHA-256' } as const;

/**
 * An async HMAC-SHA256 primitive on WebCrypto. Each key is imported once as a non-extractable
 * `CryptoKey` and cached (LRU), because `importKey` costs more than a small `sign`; a failed
 * import is not cached.
 *
 * @throws WebhookValidationError `invalid_option` naming `maxCachedKeys`, or, at call time,
 *   `subtle` when WebCrypto is unavailable.
 */
export function createWebCryptoHmac<K>(
  options: WebCryptoHmacOptions | undefined,
  codec: WebCryptoKeyCodec<K>,
): (key: K, message: HmacMessage) => Promise<string> {
  const maxCachedKeys = integerOptionOr(codec.owner, 'maxCachedKeys', options?.maxCachedKeys, 64);
  const keys = new LruCache<Promise<CryptoKey>>(maxCachedKeys);

  function subtle(): SubtleCrypto {
    const found = options?.subtle ?? globalThis.crypto?.subtle;
    if (found === undefined) {
      throw invalidOption(
        'subtle',
        'WebCrypto (globalThis.crypto.subtle) is not available in this runtime; pass options.subtle.',
        'required',
      );
    }
    return found;
  }

  function keyFor(key: K): Promise<CryptoKey> {
    const id = codec.id(key);
    let cryptoKey = keys.get(id);
    if (cryptoKey === undefined) {
      cryptoKey = subtle().importKey('raw', arrayBacked(codec.bytes(key)), HMAC_SHA256, false, [
        'sign',
      ]);
      keys.set(id, cryptoKey);
      // A failed import must not poison the cache; the caller still sees the rejection.
      cryptoKey.catch(() => keys.delete(id));
    }
    return cryptoKey;
  }

  return async (key, message) => {
    const cryptoKey = await keyFor(key);
    const mac = await subtle().sign('HMAC', cryptoKey, arrayBacked(messageBytes(message)));
    return codec.encode(new Uint8Array(mac));
  };
}

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
