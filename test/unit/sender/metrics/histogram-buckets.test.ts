// The `buckets` option shared by createPrometheusExporter and instrumentSender: the default, every
// refusal with its path and code, and properties over any list.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramBuckets } from '../../../../src/sender/internal/metrics/histogram-buckets.js';
import { DEFAULT_DURATION_BUCKETS_SECONDS } from '../../../../src/sender/internal/metrics/metric-definitions.js';
import { thrown } from '../../../helpers/thrown.js';

const OWNER = 'createPrometheusExporter';

describe('histogramBuckets', () => {
  it('defaults to 5 ms … 10 s and two boundaries above the 10 s timeout', () => {
    expect(histogramBuckets(OWNER, undefined)).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30,
    ]);
    expect(histogramBuckets(OWNER, undefined)).toBe(DEFAULT_DURATION_BUCKETS_SECONDS);
    expect(Object.isFrozen(DEFAULT_DURATION_BUCKETS_SECONDS)).toBe(true);
  });

  it.each([
    ['a string', '1,2', 'buckets', 'invalid_type'],
    ['null', null, 'buckets', 'invalid_type'],
    ['an empty array', [], 'buckets', 'too_small'],
    ['0', [0], 'buckets[0]', 'too_small'],
    ['a negative', [0.1, -1], 'buckets[1]', 'too_small'],
    ['NaN', [Number.NaN], 'buckets[0]', 'invalid_type'],
    ['+Infinity', [1, Number.POSITIVE_INFINITY], 'buckets[1]', 'too_big'],
    ['a numeric string', ['1'], 'buckets[0]', 'invalid_type'],
    ['a repeated boundary', [1, 1], 'buckets[1]', 'invalid_value'],
    ['a decreasing boundary', [0.5, 2, 1], 'buckets[2]', 'invalid_value'],
  ])('refuses %s: invalid_option at its path', (_label, value, path, code) => {
    const error = thrown(() => histogramBuckets(OWNER, value));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([{ path, code, message: error.message }]);
    expect(error.message).toMatch(new RegExp(`^${OWNER}: `));
  });

  it('accepts any strictly increasing list of finite positive numbers, as a frozen copy', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: Number.MIN_VALUE, max: 1e6, noNaN: true }), {
          minLength: 1,
          maxLength: 20,
        }),
        (values) => {
          const sorted = [...values].sort((a, b) => a - b);
          const buckets = histogramBuckets(OWNER, sorted);
          expect(buckets).toEqual(sorted);
          expect(buckets).not.toBe(sorted);
          expect(Object.isFrozen(buckets)).toBe(true);
        },
      ),
    );
  });

  it('refuses a list with a boundary not above the one before, at the first such index', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 100, noNaN: true }), { minLength: 2, maxLength: 10 }),
        (values) => {
          const first = values.findIndex((value, i) => i > 0 && value <= (values[i - 1] ?? 0));
          if (first === -1) {
            expect(histogramBuckets(OWNER, values)).toEqual(values);
            return;
          }
          const error = thrown(() => histogramBuckets(OWNER, values));
          expect(error.issues[0]).toMatchObject({
            path: `buckets[${first}]`,
            code: 'invalid_value',
          });
        },
      ),
    );
  });
});
