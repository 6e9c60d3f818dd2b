import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createId,
  createWebhookSecret,
  ID_PREFIXES,
  ID_RANDOM_BYTES,
  WEBHOOK_SECRET_BYTES,
} from '../../../src/core/ids.js';
import { webCryptoRandom } from '../../../src/platform-random.js';
import { generateWebhookSecret } from '../../../src/signature/generate-webhook-secret.js';

const fixed = (byte: number) => (n: number) => new Uint8Array(n).fill(byte);

describe('createId', () => {
  it.each(
    Object.entries(ID_PREFIXES),
  )('%s ids start with %s and carry 26 base32 characters', (kind, prefix) => {
    const id = createId(kind as keyof typeof ID_PREFIXES, webCryptoRandom);
    expect(id.startsWith(prefix)).toBe(true);
    expect(id.slice(prefix.length)).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('draws 128 bits (>= 96, docs/design.md §5.12) from the injected source', () => {
    const requested: number[] = [];
    createId('event', (n) => {
      requested.push(n);
      return new Uint8Array(n);
    });
    expect(requested).toEqual([ID_RANDOM_BYTES]);
    expect(ID_RANDOM_BYTES * 8).toBeGreaterThanOrEqual(96);
  });

  it('known answers: all-zero and all-one bytes', () => {
    expect(createId('delivery', fixed(0))).toBe(`del_${'0'.repeat(26)}`);
    expect(createId('endpoint', fixed(0xff))).toBe(`wh_${'z'.repeat(25)}w`);
  });

  it('is injective in the random bytes (different bytes, different ids)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (a, b) => {
          const idA = createId('event', () => a);
          const idB = createId('event', () => b);
          expect(idA === idB).toBe(a.every((x, i) => x === b[i]));
        },
      ),
    );
  });

  it('10,000 ids from WebCrypto are distinct', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => createId('event', webCryptoRandom)));
    expect(ids.size).toBe(10_000);
  });
});

describe('secrets', () => {
  it('createWebhookSecret: whsec_ + 32 bytes base64url (43 chars)', () => {
    expect(createWebhookSecret(fixed(0))).toBe(`whsec_${'A'.repeat(43)}`);
    expect(WEBHOOK_SECRET_BYTES).toBe(32);
  });

  it('generateWebhookSecret: fresh, well-formed secrets', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});
