import type { RandomSource } from './core/random.js';

// One getRandomValues call costs several microseconds on Node whatever its size, and ids, tokens
// and secrets need 16 to 32 bytes each, so small requests are served from a pool refilled 4 KiB
// at a time (as Node's own crypto.randomUUID does). Each byte is handed out once; every caller
// gets its own copy.
const POOL_BYTES = 4096;
const MAX_POOLED_REQUEST = 256;
let pool = new Uint8Array(0);
let offset = 0;

/**
 * Cryptographically secure random bytes from WebCrypto (`globalThis.crypto`), present on
 * Node >= 20, browsers, Workers, Deno and Bun. Never `Math.random()` (CONTRIBUTING.md anti-patterns).
 * Requests up to 256 bytes come from a pooled CSPRNG buffer; each returned array is a fresh copy.
 */
export const webCryptoRandom: RandomSource = (byteLength) => {
  if (byteLength > MAX_POOLED_REQUEST) {
    return globalThis.crypto.getRandomValues(new Uint8Array(byteLength));
  }
  if (offset + byteLength > pool.length) {
    pool = globalThis.crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.slice(offset, offset + byteLength);
  offset += byteLength;
  return bytes;
};
