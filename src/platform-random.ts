import type { RandomSource } from './core/random.js';

/**
 * Cryptographically secure random bytes from WebCrypto (`globalThis.crypto`), present on
 * Node >= 20, browsers, Workers, Deno and Bun. Never `Math.random()` (STYLE.md anti-patterns).
 */
export const webCryptoRandom: RandomSource = (byteLength) =>
  globalThis.crypto.getRandomValues(new Uint8Array(byteLength));
