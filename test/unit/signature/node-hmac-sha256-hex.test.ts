import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HmacMessage } from '../../../src/core/signature/hmac-sha256-hex.js';
import {
  hmacViaCreateHmac,
  hmacViaOneShotHash,
  KEY_CACHE_SIZE,
  oneShotHash,
} from '../../../src/signature/internal/node-hmac.node.js';
import { nodeHmacSha256Hex } from '../../../src/signature/node-hmac-sha256-hex.node.js';
import { referenceHmac } from '../../helpers/reference-hmac.js';
import { offsetView, vectors } from './helpers.js';

const hash = oneShotHash;
const implementations = [
  ['nodeHmacSha256Hex', nodeHmacSha256Hex],
  ['hmacViaCreateHmac (Node < 20.12)', hmacViaCreateHmac],
  ...(hash === undefined
    ? []
    : [
        [
          'hmacViaOneShotHash',
          (key: string, message: HmacMessage) => hmacViaOneShotHash(hash, key, message),
        ] as const,
      ]),
] as const;

const partArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => offsetView(bytes)),
  // Lone surrogates: written as U+FFFD by every UTF-8 encoder involved.
  fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'é', '😀'), maxLength: 8 }),
);
const keyArb = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  fc.string({ unit: 'binary', minLength: 60, maxLength: 120 }), // around and above the 64-byte block
);

describe.each(implementations)('%s', (_name, hmac) => {
  it('reproduces the openssl vectors', () => {
    for (const vector of vectors.novatrade) {
      expect(hmac(vector.secret, [`${vector.timestamp}.`, vector.body])).toBe(vector.signature);
    }
    for (const vector of vectors.eudr) {
      expect(hmac(vector.secret, [vector.body])).toBe(vector.signature);
    }
  });

  it('equals createHmac for any key and any mix of string and byte parts', () => {
    fc.assert(
      fc.property(keyArb, fc.array(partArb, { maxLength: 4 }), (key, message) => {
        expect(hmac(key, message)).toBe(referenceHmac(key, message));
      }),
      { numRuns: 300 },
    );
  });

  it('handles keys of exactly 63, 64 and 65 bytes (the block-size boundary)', () => {
    for (const length of [63, 64, 65]) {
      const key = 'k'.repeat(length);
      expect(hmac(key, ['m'])).toBe(referenceHmac(key, ['m']));
    }
  });

  it('handles a message larger than the retained scratch buffer (1 MiB)', () => {
    const big = 'x'.repeat(1024 * 1024);
    expect(hmac('whsec_k', ['1.', big])).toBe(referenceHmac('whsec_k', ['1.', big]));
    const bytes = new Uint8Array(600_000).fill(7);
    expect(hmac('whsec_k', [bytes])).toBe(referenceHmac('whsec_k', [bytes]));
    // The small path still works after the large one.
    expect(hmac('whsec_k', ['small'])).toBe(referenceHmac('whsec_k', ['small']));
  });

  it(`stays correct when more than ${KEY_CACHE_SIZE} secrets evict each other`, () => {
    const keys = Array.from({ length: KEY_CACHE_SIZE + 6 }, (_, i) => `whsec_${i}`);
    for (let round = 0; round < 2; round++) {
      for (const key of keys) expect(hmac(key, ['m'])).toBe(referenceHmac(key, ['m']));
    }
  });

  it('encodes each string part on its own, even when two parts hold the halves of a surrogate pair', () => {
    const message = ['a\ud83d', '\ude00b'];
    expect(hmac('k', message)).toBe(referenceHmac('k', message));
    expect(hmac('k', message)).not.toBe(referenceHmac('k', ['a\ud83d\ude00b']));
  });

  it('does not alter the caller’s bytes', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    hmac('k', ['a', bytes]);
    expect([...bytes]).toEqual([1, 2, 3]);
  });
});

describe('nodeHmacSha256Hex', () => {
  it('uses the one-shot path when crypto.hash exists (Node >= 20.12)', () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    expect(oneShotHash !== undefined).toBe(major > 20 || (major === 20 && minor >= 12));
  });
});
