// fast-check arbitraries shared by the authentication tests.
import fc from 'fast-check';

/** The characters of an RFC 6750 b64token, before its optional trailing `=`. */
export const TOKEN_CHARS = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/',
] as const;

/** Any UTF-16 code unit, lone surrogates included. */
export const codeUnit = fc
  .integer({ min: 0, max: 0xffff })
  .map((code) => String.fromCharCode(code));

/** An RFC 6750 b64token of `minLength` to `maxLength` characters before its `=` padding. */
export function b64token(minLength = 1, maxLength = 64): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength, maxLength }),
      fc.string({ unit: fc.constant('='), maxLength: 2 }),
    )
    .map(([body, padding]) => body + padding);
}
