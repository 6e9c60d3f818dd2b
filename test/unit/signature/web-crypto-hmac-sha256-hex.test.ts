import { webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { WebhookValidationError } from '../../../src/core/errors.js';
import {
  createWebCryptoHmacSha256Hex,
  webCryptoHmacSha256Hex,
} from '../../../src/signature/web-crypto-hmac-sha256-hex.web.js';
import { referenceHmac } from '../../helpers/reference-hmac.js';
import { offsetView, vectors } from './helpers.js';

/** A SubtleCrypto that counts importKey calls and can fail the next import. */
function countingSubtle() {
  const real = webcrypto.subtle as unknown as SubtleCrypto;
  let failNext = false;
  const importKey = vi.fn((...args: Parameters<SubtleCrypto['importKey']>) => {
    if (failNext) {
      failNext = false;
      return Promise.reject(new Error('import failed'));
    }
    return (real.importKey as (...a: unknown[]) => Promise<CryptoKey>).apply(real, args);
  });
  const subtle = {
    importKey,
    sign: (...args: Parameters<SubtleCrypto['sign']>) => real.sign(...args),
  } as unknown as SubtleCrypto;
  return { subtle, importKey, failNextImport: () => (failNext = true) };
}

describe('webCryptoHmacSha256Hex', () => {
  it('reproduces the openssl vectors', async () => {
    for (const vector of vectors.novatrade) {
      await expect(
        webCryptoHmacSha256Hex(vector.secret, [`${vector.timestamp}.`, vector.body]),
      ).resolves.toBe(vector.signature);
    }
    for (const vector of vectors.eudr) {
      await expect(webCryptoHmacSha256Hex(vector.secret, [vector.body])).resolves.toBe(
        vector.signature,
      );
    }
  });

  it('equals createHmac for any key and any mix of string, byte and view parts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }),
        fc.array(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 100 }),
            fc.uint8Array({ maxLength: 100 }),
            fc.uint8Array({ maxLength: 100 }).map((bytes) => offsetView(bytes)),
            fc.string({ unit: fc.constantFrom('\ud800', 'a', '😀'), maxLength: 6 }),
          ),
          { maxLength: 4 },
        ),
        async (key, message) => {
          await expect(webCryptoHmacSha256Hex(key, message)).resolves.toBe(
            referenceHmac(key, message),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('encodes each string part on its own, even when two parts hold the halves of a surrogate pair', async () => {
    const message = ['a\ud83d', '\ude00b'];
    await expect(webCryptoHmacSha256Hex('k', message)).resolves.toBe(referenceHmac('k', message));
  });

  it('hashes a view over a SharedArrayBuffer', async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(8));
    shared.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const view = shared.subarray(2, 6);
    await expect(webCryptoHmacSha256Hex('k', [view])).resolves.toBe(
      referenceHmac('k', [new Uint8Array([3, 4, 5, 6])]),
    );
  });
});

describe('createWebCryptoHmacSha256Hex', () => {
  it('imports each secret once and reuses the CryptoKey', async () => {
    const { subtle, importKey } = countingSubtle();
    const hmac = createWebCryptoHmacSha256Hex({ subtle });
    await Promise.all([hmac('a', ['1']), hmac('a', ['2']), hmac('b', ['3'])]);
    await hmac('a', ['4']);
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it('evicts the least recently used key beyond maxCachedKeys', async () => {
    const { subtle, importKey } = countingSubtle();
    const hmac = createWebCryptoHmacSha256Hex({ subtle, maxCachedKeys: 2 });
    await hmac('a', ['m']);
    await hmac('b', ['m']);
    await hmac('a', ['m']); // a is now the most recent
    await hmac('c', ['m']); // evicts b
    await hmac('a', ['m']);
    expect(importKey).toHaveBeenCalledTimes(3);
    await hmac('b', ['m']);
    expect(importKey).toHaveBeenCalledTimes(4);
  });

  it('does not cache a failed import', async () => {
    const { subtle, importKey, failNextImport } = countingSubtle();
    const hmac = createWebCryptoHmacSha256Hex({ subtle });
    failNextImport();
    await expect(hmac('a', ['m'])).rejects.toThrow('import failed');
    await expect(hmac('a', ['m'])).resolves.toBe(referenceHmac('a', ['m']));
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it.each([
    0,
    -1,
    1.5,
    Number.NaN,
    '64',
  ])('rejects maxCachedKeys %j with invalid_option', (maxCachedKeys) => {
    expect(() => createWebCryptoHmacSha256Hex({ maxCachedKeys: maxCachedKeys as number })).toThrow(
      WebhookValidationError,
    );
  });

  it('rejects with invalid_option naming subtle when WebCrypto is unavailable', async () => {
    const original = globalThis.crypto;
    vi.stubGlobal('crypto', undefined);
    try {
      const hmac = createWebCryptoHmacSha256Hex();
      await expect(hmac('a', ['m'])).rejects.toMatchObject({ code: 'invalid_option' });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(globalThis.crypto).toBe(original);
  });
});
