// The byte-key, base64-digest HMAC primitives (Standard Webhooks, docs/design.md §5.22): every
// implementation (node:crypto one-shot, createHmac fallback, WebCrypto) equals createHmac.
import { createHmac, webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { HmacMessage } from '../../../src/core/signature/hmac-sha256-hex.js';
import {
  hmacBytesKeyViaCreateHmac,
  hmacBytesKeyViaOneShotHash,
  hmacViaOneShotHash,
  KEY_CACHE_SIZE,
  oneShotHash,
} from '../../../src/signature/internal/node-hmac.node.js';
import { nodeHmacSha256Base64 } from '../../../src/signature/node-hmac-sha256-base64.node.js';
import { nodeHmacSha256Hex } from '../../../src/signature/node-hmac-sha256-hex.node.js';
import {
  createWebCryptoHmacSha256Base64,
  webCryptoHmacSha256Base64,
} from '../../../src/signature/web-crypto-hmac-sha256-base64.web.js';
import { offsetView } from './helpers.js';
import { standardVectors } from './standard-helpers.js';

function reference(key: Uint8Array, message: HmacMessage): string {
  const hmac = createHmac('sha256', key);
  for (const part of message) hmac.update(part);
  return hmac.digest('base64');
}

const keyOf = (secret: string) =>
  new Uint8Array(Buffer.from(secret.replace(/^whsec_/, ''), 'base64'));

const hash = oneShotHash;
const implementations: readonly (readonly [
  string,
  (key: Uint8Array, message: HmacMessage) => string | Promise<string>,
])[] = [
  ['nodeHmacSha256Base64', nodeHmacSha256Base64],
  ['hmacBytesKeyViaCreateHmac (Node < 20.12)', hmacBytesKeyViaCreateHmac],
  ...(hash === undefined
    ? []
    : [
        [
          'hmacBytesKeyViaOneShotHash',
          (key: Uint8Array, message: HmacMessage) => hmacBytesKeyViaOneShotHash(hash, key, message),
        ] as const,
      ]),
  ['webCryptoHmacSha256Base64', webCryptoHmacSha256Base64],
];

const partArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => offsetView(bytes)),
  fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'é', '😀'), maxLength: 8 }),
);
const keyArb = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 40 }),
  fc.uint8Array({ minLength: 60, maxLength: 150 }), // around and above the 64-byte block
  fc.uint8Array({ minLength: 1, maxLength: 80 }).map((bytes) => offsetView(bytes)),
);

describe.each(implementations)('%s', (_name, hmac) => {
  it('reproduces the openssl vectors', async () => {
    for (const vector of standardVectors) {
      await expect(
        Promise.resolve(
          hmac(keyOf(vector.secret), [`${vector.id}.${vector.timestamp}.`, vector.body]),
        ),
      ).resolves.toBe(vector.signature.slice(3));
    }
  });

  it('equals createHmac for any key bytes and any mix of string and byte parts', async () => {
    await fc.assert(
      fc.asyncProperty(keyArb, fc.array(partArb, { maxLength: 4 }), async (key, message) => {
        await expect(Promise.resolve(hmac(key, message))).resolves.toBe(reference(key, message));
      }),
      { numRuns: 200 },
    );
  });

  it('handles keys of exactly 63, 64 and 65 bytes (the block-size boundary)', async () => {
    for (const length of [63, 64, 65]) {
      const key = new Uint8Array(length).fill(0xa5);
      await expect(Promise.resolve(hmac(key, ['m']))).resolves.toBe(reference(key, ['m']));
    }
  });

  it(`stays correct when more than ${KEY_CACHE_SIZE} keys evict each other, and when a key array is reused`, async () => {
    const keys = Array.from({ length: KEY_CACHE_SIZE + 6 }, (_, i) => new Uint8Array([i, 1, 2]));
    for (let round = 0; round < 2; round++) {
      for (const key of keys) {
        await expect(Promise.resolve(hmac(key, ['m']))).resolves.toBe(reference(key, ['m']));
      }
    }
    const reused = new Uint8Array([1, 2, 3]);
    await hmac(reused, ['m']);
    reused[0] = 9; // the same array with other bytes is another key
    await expect(Promise.resolve(hmac(reused, ['m']))).resolves.toBe(reference(reused, ['m']));
  });

  it('does not alter the key or the message bytes', async () => {
    const key = new Uint8Array([5, 6, 7]);
    const bytes = new Uint8Array([1, 2, 3]);
    await hmac(key, ['a', bytes]);
    expect([...key, ...bytes]).toEqual([5, 6, 7, 1, 2, 3]);
  });
});

describe('byte keys and string keys', () => {
  it('are cached apart: the string "abc" and the bytes of "abc" give one digest, in two encodings', () => {
    const text = 'whsec_abc';
    const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
    const hex = nodeHmacSha256Hex(text, ['m']);
    const base64 = nodeHmacSha256Base64(bytes, ['m']);
    expect(Buffer.from(base64, 'base64').toString('hex')).toBe(hex);
    if (hash !== undefined) expect(hmacViaOneShotHash(hash, text, ['m'])).toBe(hex);
  });
});

describe('createWebCryptoHmacSha256Base64', () => {
  it('imports each key once, by content, and reuses the CryptoKey', async () => {
    const real = webcrypto.subtle as unknown as SubtleCrypto;
    const importKey = vi.fn((...args: Parameters<SubtleCrypto['importKey']>) =>
      (real.importKey as (...a: unknown[]) => Promise<CryptoKey>).apply(real, args),
    );
    const subtle = { importKey, sign: real.sign.bind(real) } as unknown as SubtleCrypto;
    const hmac = createWebCryptoHmacSha256Base64({ subtle });
    await hmac(new Uint8Array([1, 2]), ['a']);
    await hmac(new Uint8Array([1, 2]), ['b']);
    await hmac(offsetView(new Uint8Array([1, 2])), ['c']);
    await hmac(new Uint8Array([2, 1]), ['d']);
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it('rejects a bad maxCachedKeys at once, and a missing WebCrypto at call time, as invalid_option', async () => {
    expect(() => createWebCryptoHmacSha256Base64({ maxCachedKeys: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    const hmac = createWebCryptoHmacSha256Base64({ subtle: undefined as never });
    const original = globalThis.crypto;
    vi.stubGlobal('crypto', undefined);
    try {
      await expect(hmac(new Uint8Array([1]), ['m'])).rejects.toMatchObject({
        code: 'invalid_option',
        issues: [{ path: 'subtle' }],
      });
    } finally {
      vi.stubGlobal('crypto', original);
      vi.unstubAllGlobals();
    }
  });
});
