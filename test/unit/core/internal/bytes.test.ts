import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base32Encode,
  base64UrlEncode,
  concatBytes,
  constantTimeEqual,
  hexDecode,
  hexEncode,
  utf8Encode,
} from '../../../../src/core/internal/bytes.js';

describe('byte helpers agree with Node Buffer on arbitrary input', () => {
  it('hexEncode / hexDecode round-trip and match Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (bytes) => {
        const hex = hexEncode(bytes);
        expect(hex).toBe(Buffer.from(bytes).toString('hex'));
        expect(hexDecode(hex)).toEqual(bytes);
        expect(hexDecode(hex.toUpperCase())).toEqual(bytes);
      }),
    );
  });

  it('hexDecode rejects odd length and non-hex characters', () => {
    expect(hexDecode('abc')).toBeNull();
    expect(hexDecode('zz')).toBeNull();
    expect(hexDecode('0g')).toBeNull();
    fc.assert(
      fc.property(fc.string(), (text) => {
        const decoded = hexDecode(text);
        if (decoded !== null) expect(hexEncode(decoded)).toBe(text.toLowerCase());
      }),
    );
  });

  it('base64UrlEncode matches Buffer base64url', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(base64UrlEncode(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
    );
  });

  it('base32Encode: 8 characters per 5 bytes, Crockford alphabet, injective', () => {
    expect(base32Encode(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]))).toBe('zzzzzzzz');
    expect(base32Encode(new Uint8Array([0, 0, 0, 0, 1]))).toBe('00000001');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const ea = base32Encode(a);
        expect(ea).toMatch(/^[0-9a-hjkmnp-tv-z]*$/);
        expect(ea.length).toBe(Math.ceil((a.length * 8) / 5));
        if (a.length === b.length)
          expect(ea === base32Encode(b)).toBe(hexEncode(a) === hexEncode(b));
      }),
    );
  });

  it('constantTimeEqual equals byte-wise equality', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
        expect(constantTimeEqual(a, a.slice())).toBe(true);
      }),
    );
  });

  it('concatBytes and utf8Encode match Buffer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 20 })),
        fc.string({ unit: 'binary' }),
        (parts, text) => {
          expect(Buffer.from(concatBytes(parts)).equals(Buffer.concat(parts))).toBe(true);
          expect(Buffer.from(utf8Encode(text)).equals(Buffer.from(text, 'utf8'))).toBe(true);
        },
      ),
    );
  });
});
