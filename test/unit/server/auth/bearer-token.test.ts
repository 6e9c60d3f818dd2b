import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bearerTokenOf,
  isBearerToken,
  MAX_AUTHORIZATION_HEADER_LENGTH,
  wwwAuthenticateBearer,
} from '../../../../src/server/internal/auth/bearer-token.js';
import { b64token, codeUnit } from './auth-arbitraries.js';

describe('bearerTokenOf', () => {
  it.each([
    ['Bearer mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['bearer mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['BEARER mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['bEaReR mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['Bearer    mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['Bearer a', 'a'],
    ['Bearer abc==', 'abc=='],
    ['Bearer A-Z.a_z~0+9/', 'A-Z.a_z~0+9/'],
    [
      'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
    ],
  ])('%j -> %j', (header, token) => {
    expect(bearerTokenOf(header)).toBe(token);
  });

  it.each([
    ['absent', null],
    ['undefined', undefined],
    ['a number', 42],
    ['empty', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['the scheme and spaces', 'Bearer    '],
    ['no space after the scheme', 'Bearerabc'],
    ['a tab instead of a space', 'Bearer\tabc'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme that starts like Bearer', 'Bearerx abc'],
    ['a token without a scheme', 'mF_9.B5f-4.1JqM'],
    ['two tokens', 'Bearer abc def'],
    ['a header sent twice', 'Bearer abc, Bearer def'],
    ['a token with a comma', 'Bearer abc,def'],
    ['a token with a quote', 'Bearer "abc"'],
    ['a token with padding inside', 'Bearer ab=c'],
    ['only padding', 'Bearer =='],
    ['a token with a trailing space', 'Bearer abc '],
    ['a leading space', ' Bearer abc'],
    ['a token with non-ASCII', 'Bearer abcé'],
    ['a token with a newline', 'Bearer abc\ndef'],
    ['a trailing newline', 'Bearer abc\n'],
    ['auth-params instead of a token', 'Bearer realm="example"'],
    ['a huge header', `Bearer ${'a'.repeat(MAX_AUTHORIZATION_HEADER_LENGTH)}`],
  ])('%s -> null', (_, header) => {
    expect(bearerTokenOf(header)).toBeNull();
  });

  it('a header of exactly the maximum length -> its token', () => {
    const token = 'a'.repeat(MAX_AUTHORIZATION_HEADER_LENGTH - 'Bearer '.length);
    expect(bearerTokenOf(`Bearer ${token}`)).toBe(token);
  });

  it('reads a header through Headers (which trims surrounding whitespace)', () => {
    const headers = new Headers({ authorization: '  Bearer abc.def  ' });
    expect(bearerTokenOf(headers.get('authorization'))).toBe('abc.def');
  });

  it('"Bearer" in any case, 1+ spaces, any b64token -> that token (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Bearer', 'bearer', 'BEARER', 'BeArEr'),
        fc.integer({ min: 1, max: 5 }),
        b64token(),
        (scheme, spaces, token) => {
          expect(bearerTokenOf(`${scheme}${' '.repeat(spaces)}${token}`)).toBe(token);
        },
      ),
    );
  });

  it('any string -> null or a b64token found at the end of the header, never a throw (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: codeUnit, maxLength: 80 }),
          fc.string({ maxLength: 80 }).map((rest) => `Bearer ${rest}`),
          fc
            .tuple(b64token(), fc.string({ maxLength: 4 }))
            .map(([token, rest]) => `Bearer ${token}${rest}`),
        ),
        (header) => {
          const token = bearerTokenOf(header);
          if (token === null) return;
          expect(isBearerToken(token)).toBe(true);
          expect(header.endsWith(token)).toBe(true);
          expect(/^bearer +$/i.test(header.slice(0, header.length - token.length))).toBe(true);
        },
      ),
    );
  });
});

describe('isBearerToken', () => {
  it.each([
    ['mF_9.B5f-4.1JqM', true],
    ['abc==', true],
    ['A-Z.a_z~0+9/', true],
    ['', false],
    ['==', false],
    ['a=b', false],
    ['two words', false],
    ['a,b', false],
    ['é', false],
    [42, false],
    [undefined, false],
  ])('%j -> %j', (token, expected) => {
    expect(isBearerToken(token)).toBe(expected);
  });
});

describe('wwwAuthenticateBearer', () => {
  it.each([
    ['no error (the request carried no credentials)', undefined, 'Bearer'],
    ['invalid_token', 'invalid_token', 'Bearer error="invalid_token"'],
    ['invalid_request', 'invalid_request', 'Bearer error="invalid_request"'],
  ] as const)('%s -> %j', (_, error, value) => {
    expect(wwwAuthenticateBearer(error)).toBe(value);
  });

  it('every value is a valid header value that Headers keeps as it is', () => {
    for (const error of [undefined, 'invalid_token', 'invalid_request'] as const) {
      const value = wwwAuthenticateBearer(error);
      expect(new Headers({ 'www-authenticate': value }).get('www-authenticate')).toBe(value);
      expect(value).toMatch(/^Bearer(?: error="[a-z_]+")?$/);
    }
  });

  it.each([
    ['another code', 'insufficient_scope'],
    ['a code with a quote', 'invalid_token", realm="x'],
    ['an inherited name', 'toString'],
    ['null', null],
    ['a number', 1],
  ])('%s -> TypeError, never a header', (_, error) => {
    expect(() => wwwAuthenticateBearer(error as never)).toThrow(TypeError);
  });
});
