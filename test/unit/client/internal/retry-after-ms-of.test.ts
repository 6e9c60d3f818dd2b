import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryAfterMsOf } from '../../../../src/client/internal/retry-after-ms-of.js';

const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('retryAfterMsOf', () => {
  it.each([
    ['0', 0],
    ['12', 12_000],
    [' 7 ', 7_000],
    ['86400', 86_400_000],
    ['999999999', 999_999_999_000],
  ])('reads delta seconds %j', (value, ms) => {
    expect(retryAfterMsOf(value, NOW)).toBe(ms);
  });

  it.each([
    ['Thu, 01 Jan 2026 00:01:00 GMT', 60_000],
    ['Thursday, 01-Jan-26 00:00:30 GMT', 30_000],
    ['Thu Jan  1 00:00:05 2026', 5_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0], // in the past: no wait
    ['Sun, 06 Nov 1994 08:49:37 GMT', 0],
  ])('reads the HTTP-date %j', (value, ms) => {
    expect(retryAfterMsOf(value, NOW)).toBe(ms);
  });

  it('reads a two-digit RFC 850 year in the 50-year window', () => {
    expect(retryAfterMsOf('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(0); // 1994, not 2094
    expect(retryAfterMsOf('Friday, 01-Jan-27 00:00:00 GMT', NOW)).toBe(365 * 86_400_000);
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['soon'],
    ['1.5'],
    ['-1'],
    ['+3'],
    ['1e3'],
    ['1000000000'], // 10 digits: more than 31 years is not a wait, it is garbage
    ['99999999999'],
    ['0x10'],
    ['  1x'],
    ['Thu, 30 Feb 2026 00:00:00 GMT'], // no such day
    ['Thu, 01 Jan 2026 24:00:00 GMT'],
    ['Thu, 01 Foo 2026 00:00:00 GMT'],
    ['Thu, 01 Jan 2026 00:00:00 UTC'],
    ['2026-01-01T00:01:00Z'], // ISO 8601 is not an HTTP-date
  ])('answers undefined for %j', (value) => {
    expect(retryAfterMsOf(value as string | null | undefined, NOW)).toBeUndefined();
  });

  it('answers undefined for a date when the clock is not a finite number', () => {
    expect(retryAfterMsOf('Thu, 01 Jan 2026 00:01:00 GMT', Number.NaN)).toBeUndefined();
    expect(retryAfterMsOf('5', Number.NaN)).toBe(5000);
  });

  it('never throws and answers undefined or a non-negative number (any string, any clock)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary-ascii' }),
          // near misses: a real date with one character changed
          fc
            .tuple(
              fc.integer({ min: -1e13, max: 1e13 }),
              fc.nat(),
              fc.string({ minLength: 1, maxLength: 1 }),
            )
            .map(([ms, at, c]) => {
              const text = new Date(ms).toUTCString();
              const i = at % text.length;
              return text.slice(0, i) + c + text.slice(i + 1);
            }),
          fc.constantFrom(null, undefined),
        ),
        fc.double(),
        (value, now) => {
          const ms = retryAfterMsOf(value, now);
          expect(ms === undefined || (Number.isFinite(ms) && ms >= 0)).toBe(true);
        },
      ),
    );
  });

  it('round-trips delta seconds of up to 9 digits', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 999_999_999 }),
        fc.integer({ min: 0, max: 4e12 }),
        (seconds, now) => {
          expect(retryAfterMsOf(String(seconds), now)).toBe(seconds * 1000);
        },
      ),
    );
  });

  it('reads delta seconds of 10 digits or more as absent, never as Infinity', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{10,400}$/),
        fc.integer({ min: 0, max: 4e12 }),
        (text, now) => {
          expect(retryAfterMsOf(text, now)).toBeUndefined();
        },
      ),
    );
  });

  it('round-trips an IMF-fixdate written by toUTCString, for any date and clock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253_402_300_799 }), // 1970 .. 9999, whole seconds
        fc.integer({ min: 0, max: 4e12 }),
        (seconds, now) => {
          const date = seconds * 1000;
          const text = new Date(date).toUTCString();
          expect(retryAfterMsOf(text, now)).toBe(Math.max(0, date - now));
        },
      ),
    );
  });
});
