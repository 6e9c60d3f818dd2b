// Two HMAC-SHA256 implementations on node:crypto with the same output; the public primitive
// picks the first one the running Node supports. Both are pinned against each other and against
// openssl vectors in test/unit/signature/node-hmac-sha256-hex.node.test.ts.
import * as nodeCrypto from 'node:crypto';
import type { HmacMessage } from '../../core/signature/hmac-sha256-hex.js';
import { canJoinStrings } from '../../core/signature/internal/can-join-strings.js';
import { LruCache } from '../../core/signature/internal/lru-cache.js';

/** Secrets whose derived key material is kept (least recently used evicted). */
export const KEY_CACHE_SIZE = 64;

/** SHA-256 block size, in bytes (RFC 2104: B). */
const BLOCK_BYTES = 64;
/** SHA-256 digest size, in bytes (RFC 2104: L). */
const DIGEST_BYTES = 32;
/** The reusable message buffer is kept up to this size; larger messages get a one-off buffer. */
const MAX_RETAINED_SCRATCH_BYTES = 256 * 1024;

type OneShotHash = (
  algorithm: string,
  input: Uint8Array,
  outputEncoding: 'latin1' | 'hex' | 'base64',
) => string;

/**
 * `crypto.hash()` (one-shot, Node >= 20.12 and >= 21.7), or `undefined` on older Node 20 releases.
 * Read through the namespace so that an older Node does not fail to link a named import.
 */
export const oneShotHash = (nodeCrypto as { hash?: OneShotHash }).hash;

/** Per-secret key material for the one-shot path: `K' XOR ipad` and a buffer for the outer hash. */
interface PaddedKey {
  /** `K' XOR 0x36…`, 64 bytes. */
  readonly innerPad: Buffer;
  /** `K' XOR 0x5c…` followed by 32 bytes where the inner digest is written: the outer input. */
  readonly outer: Buffer;
}

const paddedKeys = new LruCache<PaddedKey>(KEY_CACHE_SIZE);
let lastPaddedSecret: string | undefined;
let lastPaddedKey: PaddedKey | undefined;

function paddedKeyFor(secret: string, hash: OneShotHash): PaddedKey {
  if (secret === lastPaddedSecret && lastPaddedKey !== undefined) return lastPaddedKey;
  let key = paddedKeys.get(secret);
  if (key === undefined) {
    const keyBytes = Buffer.from(secret, 'utf8');
    key = derivePaddedKey(keyBytes, hash);
    keyBytes.fill(0);
    paddedKeys.set(secret, key);
  }
  lastPaddedSecret = secret;
  lastPaddedKey = key;
  return key;
}

/** Byte keys (Standard Webhooks), cached apart from string keys under their Latin-1 text. */
const paddedByteKeys = new LruCache<PaddedKey>(KEY_CACHE_SIZE);
/** A copy of the last byte key and its padded key: most calls repeat the previous key. */
let lastByteKey: Uint8Array | undefined;
let lastPaddedByteKey: PaddedKey | undefined;

function paddedByteKeyFor(key: Uint8Array, hash: OneShotHash): PaddedKey {
  if (lastPaddedByteKey !== undefined && lastByteKey !== undefined && sameBytes(key, lastByteKey)) {
    return lastPaddedByteKey;
  }
  const id = latin1Of(key);
  let padded = paddedByteKeys.get(id);
  if (padded === undefined) {
    padded = derivePaddedKey(key, hash);
    paddedByteKeys.set(id, padded);
  }
  lastByteKey = Uint8Array.from(key);
  lastPaddedByteKey = padded;
  return padded;
}

/** Equality of two keys (cache lookup, not a comparison with a received signature). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** RFC 2104 §2: a key longer than the block is replaced by its hash, then zero-padded. */
function derivePaddedKey(keyBytes: Uint8Array, hash: OneShotHash): PaddedKey {
  const block =
    keyBytes.length > BLOCK_BYTES
      ? Buffer.from(hash('sha256', keyBytes, 'latin1'), 'latin1')
      : keyBytes;
  const innerPad = Buffer.alloc(BLOCK_BYTES, 0x36);
  const outer = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES);
  outer.fill(0x5c, 0, BLOCK_BYTES);
  for (let i = 0; i < block.length; i++) {
    innerPad[i] = (innerPad[i] as number) ^ (block[i] as number);
    outer[i] = (outer[i] as number) ^ (block[i] as number);
  }
  if (block !== keyBytes) block.fill(0);
  return { innerPad, outer };
}

/** The bytes as a Latin-1 string: one character per byte, a cache key for a byte key. */
function latin1Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

let scratch = Buffer.allocUnsafe(4096);
const ZERO_BLOCK = new Uint8Array(BLOCK_BYTES);

/**
 * HMAC-SHA256 as two one-shot SHA-256 calls (RFC 2104): `H(K'^opad || H(K'^ipad || message))`.
 * The inner input is assembled in a reused buffer (strings written as UTF-8 straight into it,
 * bytes copied), which avoids the `Hmac` object, its per-call key schedule and a temporary UTF-8
 * buffer per string: measurably faster than `createHmac` at every body size (bench/signature).
 * Synchronous and not re-entrant, so one shared buffer (kept up to 256 KiB) is safe; its
 * key-derived first block is wiped after each call.
 */
export function hmacViaOneShotHash(hash: OneShotHash, key: string, message: HmacMessage): string {
  return oneShotHmac(hash, paddedKeyFor(key, hash), message, 'hex');
}

/**
 * {@link hmacViaOneShotHash} with a byte key (Standard Webhooks: the base64-decoded secret) and a
 * standard, padded base64 digest.
 */
export function hmacBytesKeyViaOneShotHash(
  hash: OneShotHash,
  key: Uint8Array,
  message: HmacMessage,
): string {
  return oneShotHmac(hash, paddedByteKeyFor(key, hash), message, 'base64');
}

function oneShotHmac(
  hash: OneShotHash,
  padded: PaddedKey,
  message: HmacMessage,
  encoding: 'hex' | 'base64',
): string {
  // Worst case 3 UTF-8 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
  let capacity = BLOCK_BYTES;
  for (let i = 0; i < message.length; i++) {
    const part = message[i] as string | Uint8Array;
    capacity += typeof part === 'string' ? part.length * 3 : part.byteLength;
  }
  let buffer = scratch;
  if (buffer.length < capacity) {
    if (capacity <= MAX_RETAINED_SCRATCH_BYTES) {
      buffer = Buffer.allocUnsafe(capacity);
      scratch = buffer;
    } else {
      // A large one-off message: size it exactly rather than at 3 bytes per code unit.
      buffer = Buffer.allocUnsafe(exactCapacity(message));
    }
  }
  padded.innerPad.copy(buffer, 0);
  let length = BLOCK_BYTES;
  for (let i = 0; i < message.length; i++) {
    const part = message[i] as string | Uint8Array;
    if (typeof part === 'string') {
      length += buffer.write(part, length, 'utf8');
    } else {
      buffer.set(part, length);
      length += part.byteLength;
    }
  }
  const inner = hash('sha256', buffer.subarray(0, length), 'latin1');
  // Wipe K' XOR ipad (it reveals the key); the message and inner digest reveal nothing of it.
  buffer.set(ZERO_BLOCK, 0);
  const outer = padded.outer;
  outer.write(inner, BLOCK_BYTES, 'latin1');
  return hash('sha256', outer, encoding);
}

function exactCapacity(message: HmacMessage): number {
  let capacity = BLOCK_BYTES;
  for (let i = 0; i < message.length; i++) {
    const part = message[i] as string | Uint8Array;
    capacity += typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.byteLength;
  }
  return capacity;
}

const keyObjects = new LruCache<nodeCrypto.KeyObject>(KEY_CACHE_SIZE);
const byteKeyObjects = new LruCache<nodeCrypto.KeyObject>(KEY_CACHE_SIZE);

/**
 * HMAC-SHA256 with `createHmac` and a cached `KeyObject` per secret (imported once: a string key
 * is re-encoded to a fresh Buffer on every call). Used on Node releases without `crypto.hash`.
 * Adjacent string parts are hashed in one `update` when joining them cannot change their UTF-8.
 */
export function hmacViaCreateHmac(key: string, message: HmacMessage): string {
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = nodeCrypto.createSecretKey(key, 'utf8');
    keyObjects.set(key, keyObject);
  }
  return update(nodeCrypto.createHmac('sha256', keyObject), message).digest('hex');
}

/** {@link hmacViaCreateHmac} with a byte key and a standard, padded base64 digest. */
export function hmacBytesKeyViaCreateHmac(key: Uint8Array, message: HmacMessage): string {
  const id = latin1Of(key);
  let keyObject = byteKeyObjects.get(id);
  if (keyObject === undefined) {
    keyObject = nodeCrypto.createSecretKey(key);
    byteKeyObjects.set(id, keyObject);
  }
  return update(nodeCrypto.createHmac('sha256', keyObject), message).digest('base64');
}

/** Feeds the message parts to `hmac`, joining adjacent strings when that keeps their UTF-8. */
function update(hmac: nodeCrypto.Hmac, message: HmacMessage): nodeCrypto.Hmac {
  let text: string | undefined;
  for (let i = 0; i < message.length; i++) {
    const part = message[i] as string | Uint8Array;
    if (typeof part === 'string') {
      if (text === undefined) {
        text = part;
      } else if (canJoinStrings(text, part)) {
        text += part;
      } else {
        hmac.update(text, 'utf8');
        text = part;
      }
    } else {
      if (text !== undefined) {
        hmac.update(text, 'utf8');
        text = undefined;
      }
      hmac.update(part);
    }
  }
  if (text !== undefined) hmac.update(text, 'utf8');
  return hmac;
}
