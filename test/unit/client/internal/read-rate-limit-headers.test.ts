import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRateLimitHeaders } from '../../../../src/client/internal/read-rate-limit-headers.js';

const FULL = {
  'X-RateLimit-Limit': '60',
  'X-RateLimit-Remaining': '0',
  'X-RateLimit-Reset': '1767225660',
  'X-RateLimit-Category': 'write',
};

describe('readRateLimitHeaders', () => {
  it('reads the four headers, names in any case', () => {
    expect(readRateLimitHeaders(new Headers(FULL))).toEqual({
      limit: 60,
      remaining: 0,
      resetSeconds: 1767225660,
      category: 'write',
    });
    const lower = Object.fromEntries(Object.entries(FULL).map(([k, v]) => [k.toLowerCase(), v]));
    expect(readRateLimitHeaders(new Headers(lower))?.limit).toBe(60);
  });

  it('answers undefined without the three numbers (a 401 carries none)', () => {
    expect(readRateLimitHeaders(new Headers())).toBeUndefined();
    for (const name of ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']) {
      const headers = new Headers(FULL);
      headers.delete(name);
      expect(readRateLimitHeaders(headers)).toBeUndefined();
    }
  });

  it.each([
    ['-1'],
    ['1.5'],
    ['1e3'],
    ['0x10'],
    [''],
    ['sixty'],
    ['60, 60'],
    ['9999999999999999'],
  ])('answers undefined for a malformed count %j', (value) => {
    expect(readRateLimitHeaders(new Headers({ ...FULL, 'X-RateLimit-Limit': value }))).toBe(
      undefined,
    );
  });

  it('keeps the numbers and drops a missing or odd category', () => {
    const headers = new Headers(FULL);
    headers.delete('X-RateLimit-Category');
    expect(readRateLimitHeaders(headers)?.category).toBeUndefined();
    headers.set('X-RateLimit-Category', 'a b');
    expect(readRateLimitHeaders(headers)).toEqual({
      limit: 60,
      remaining: 0,
      resetSeconds: 1767225660,
      category: undefined,
    });
  });

  it('never throws, whatever the source answers', () => {
    const throwing = {
      get(): string | null {
        throw new Error('boom');
      },
    };
    expect(readRateLimitHeaders(throwing)).toBeUndefined();
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...Object.keys(FULL)),
          fc.oneof(fc.string(), fc.constant(null)),
        ),
        (values) => {
          const source = { get: (name: string) => values[name] ?? null };
          const info = readRateLimitHeaders(source);
          if (info !== undefined) {
            for (const n of [info.limit, info.remaining, info.resetSeconds]) {
              expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
            }
          }
        },
      ),
    );
  });

  it('round-trips what the server writes', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10 ** 6 }),
        fc.nat({ max: 10 ** 6 }),
        fc.nat({ max: 2 ** 40 }),
        fc.option(fc.constantFrom('read', 'write', 'webhook'), { nil: undefined }),
        (limit, remaining, resetSeconds, category) => {
          const headers = new Headers({
            'X-RateLimit-Limit': String(limit),
            'X-RateLimit-Remaining': String(remaining),
            'X-RateLimit-Reset': String(resetSeconds),
          });
          if (category !== undefined) headers.set('X-RateLimit-Category', category);
          expect(readRateLimitHeaders(headers)).toEqual({
            limit,
            remaining,
            resetSeconds,
            category,
          });
        },
      ),
    );
  });
});
