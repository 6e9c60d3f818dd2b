import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRequestId,
  isSaneRequestId,
  MAX_REQUEST_ID_LENGTH,
  REQUEST_ID_RANDOM_BYTES,
  requestIdOf,
} from '../../../../src/server/internal/request-id.js';

const zeros = (n: number) => new Uint8Array(n);
const withId = (value: string) => ({ headers: new Headers({ 'X-Request-Id': value }) });

describe('isSaneRequestId', () => {
  it.each([
    '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03',
    'req_a1b2c3d4',
    'x',
    '!~',
    'a'.repeat(MAX_REQUEST_ID_LENGTH),
  ])('accepts %s', (id) => {
    expect(isSaneRequestId(id)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['too long', 'a'.repeat(MAX_REQUEST_ID_LENGTH + 1)],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['a control character', 'a\u0001b'],
    ['DEL', 'a\u007fb'],
    ['non-ASCII', 'café'],
    ['a number', 42],
    ['null', null],
  ])('refuses %s', (_, id) => {
    expect(isSaneRequestId(id)).toBe(false);
  });
});

describe('createRequestId', () => {
  it('is req_ and 128 bits of base32 from the random source', () => {
    const asked: number[] = [];
    const id = createRequestId({
      random: (n) => {
        asked.push(n);
        return zeros(n);
      },
    });
    expect(asked).toEqual([REQUEST_ID_RANDOM_BYTES]);
    expect(id).toBe(`req_${'0'.repeat(26)}`);
  });

  it('defaults to WebCrypto: sane and different each time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => createRequestId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-hjkmnp-tv-z]{26}$/);
  });
});

describe('requestIdOf', () => {
  it('echoes a sane X-Request-Id', () => {
    expect(requestIdOf(withId('3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03'))).toBe(
      '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03',
    );
  });

  it('generates an id when the header is missing, insane or sent twice', () => {
    const random = zeros;
    const generated = `req_${'0'.repeat(26)}`;
    expect(requestIdOf({ headers: new Headers() }, { random })).toBe(generated);
    expect(requestIdOf(withId('a b'), { random })).toBe(generated);
    expect(requestIdOf(withId('x'.repeat(129)), { random })).toBe(generated);
    const twice = new Headers();
    twice.append('X-Request-Id', 'a');
    twice.append('X-Request-Id', 'b');
    expect(requestIdOf({ headers: twice }, { random })).toBe(generated);
  });

  it('reads the header from a real Request', () => {
    const request = new Request('https://h/v1/webhooks', { headers: { 'x-request-id': 'abc' } });
    expect(requestIdOf(request)).toBe('abc');
  });

  it('echoes exactly the sane values and always returns a sane id', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)) }),
          fc.string({
            unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
            minLength: 0,
            maxLength: 140,
          }),
        ),
        (value) => {
          const headers = new Headers();
          try {
            headers.set('X-Request-Id', value);
          } catch {
            return; // a value no request can carry (CR, LF, NUL, beyond Latin-1)
          }
          const sent = headers.get('X-Request-Id') ?? '';
          const id = requestIdOf({ headers });
          expect(isSaneRequestId(id)).toBe(true);
          expect(id === sent).toBe(isSaneRequestId(sent));
        },
      ),
    );
  });
});
