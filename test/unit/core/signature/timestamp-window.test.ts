import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TIMESTAMP_SECONDS } from '../../../../src/core/signature/constants.js';
import {
  assertWithinWindow,
  looksLikeSecondsClock,
} from '../../../../src/core/signature/internal/timestamp-window.js';
import { errorOf } from '../../../helpers/thrown.js';

const timestampArb = fc.integer({ min: 1, max: MAX_TIMESTAMP_SECONDS });
const toleranceArb = fc.integer({ min: 1, max: 100_000 });

describe('looksLikeSecondsClock', () => {
  it('is true for Unix seconds near the header, as Math.floor(Date.now() / 1000) gives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99_999_000_000 }),
        fc.integer({ min: -86_400, max: 86_400 }),
        toleranceArb,
        (t, skew, tolerance) => {
          fc.pre(t + skew < 1e11);
          expect(looksLikeSecondsClock(t + skew, t, tolerance)).toBe(true);
        },
      ),
    );
  });

  it('is never true for a millisecond clock after March 1973, whatever the header', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e11, max: 1e15, noNaN: true }),
        timestampArb,
        toleranceArb,
        (nowMs, t, tol) => {
          expect(looksLikeSecondsClock(nowMs, t, tol)).toBe(false);
        },
      ),
    );
  });
});

describe('assertWithinWindow', () => {
  it('fails closed: a reading that fails the window throws, whatever the unit it looks like', () => {
    fc.assert(
      fc.property(
        timestampArb,
        fc.oneof(fc.double({ min: 0, max: 1e15, noNaN: true }), fc.integer({ min: 0, max: 2e9 })),
        toleranceArb,
        (t, nowMs, toleranceSeconds) => {
          const window = { nowMs, toleranceSeconds };
          const inside = Math.abs(Math.floor(nowMs / 1000) - t) <= toleranceSeconds;
          const run = () => assertWithinWindow(t, window, 'X-Test');
          if (inside) {
            expect(run).not.toThrow();
            return;
          }
          const error = errorOf(run) as { code: string; message: string };
          expect(error.code).toBe(
            looksLikeSecondsClock(nowMs, t, toleranceSeconds)
              ? 'invalid_option'
              : Math.floor(nowMs / 1000) > t
                ? 'timestamp_too_old'
                : 'timestamp_too_new',
          );
        },
      ),
    );
  });

  it('names the value and the fix', () => {
    const error = errorOf(() =>
      assertWithinWindow(1_794_654_873, { nowMs: 1_794_654_873, toleranceSeconds: 300 }, 'X-Test'),
    ) as Error;
    expect(error.message).toBe(
      '`now` returned 1794654873, which looks like seconds; pass epoch milliseconds ' +
        '(Date.now()). Read as seconds it is close to the X-Test timestamp: the clock is right, ' +
        'its unit is not.',
    );
  });
});
