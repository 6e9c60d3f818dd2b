import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { webCryptoRandom } from '../../src/platform-random.js';

describe('webCryptoRandom (pooled)', () => {
  it('returns exactly the requested length, for pooled and unpooled sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2048 }), (n) => {
        expect(webCryptoRandom(n).byteLength).toBe(n);
      }),
    );
  });

  it('never hands out the same bytes twice: 20,000 draws of 16 bytes are all distinct', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(Buffer.from(webCryptoRandom(16)).toString('hex'));
    expect(seen.size).toBe(20_000);
  });

  it('each result is an independent copy: writing to one changes no other', () => {
    const a = webCryptoRandom(32);
    const b = webCryptoRandom(32);
    const before = Buffer.from(b).toString('hex');
    a.fill(0);
    expect(Buffer.from(b).toString('hex')).toBe(before);
    expect(a.buffer).not.toBe(b.buffer);
  });

  it('refills from crypto.getRandomValues in 4 KiB blocks, not once per call', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    try {
      for (let i = 0; i < 1000; i++) webCryptoRandom(16);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(5);
      expect(spy.mock.calls.every(([array]) => (array as Uint8Array).byteLength === 4096)).toBe(
        true,
      );
    } finally {
      spy.mockRestore();
    }
  });
});
